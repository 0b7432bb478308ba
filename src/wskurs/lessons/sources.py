"""3. ve 6. bölümün kullandığı (öğretmediği) yardımcılar: bir dosyanın bir parçasını göstermek.

Bölümün JavaScript istemcisi ``notebooks/ch03/istemci.html`` dosyasında durur; defter onu
parça parça anlatır. Parçalar dosyada şöyle işaretlidir::

    //#region kalp
    function startHeartbeat() { ... }
    //#endregion

Python dosyalarında aynı işaret ``# region ad`` / ``# endregion`` biçimindedir.
``region("ch03/istemci.html", "kalp")`` bu iki satırın arasını verir, ``show_region`` de
renklendirilmiş bir kod bloğu olarak gösterir. Böylece defterde gösterilen kod, tarayıcının
çalıştırdığı kodun ta kendisidir; bir kopyası değil.

İşaretsiz dosyalarda (ör. 6. bölümün sayfa betikleri) ``block(path, start)`` bir fonksiyonu ya da
bir bloğu bulur: ``start``'ın geçtiği ilk satırdan, JavaScript'te süslü parantezler dengelenene,
Python'da girinti bitene dek. ``show_block`` onu ``show_region`` gibi gösterir. Satır numarası
yerine metinle bulunduğu için dosya değişse de doğru parçayı gösterir.

``reconnect_lanes`` yeniden bağlanma denemesinin ölçülmüş olaylarını bir zaman çizelgesinin
şeritlerine çevirir (``wskurs.lessons.plots.timeline`` çizer).

İkinci yardımcı ``terminal``: etkileşimli istemci betiğini bir alt süreçte çalıştırır ve
klavyenin yerine geçer (satır yazar, beklenen çıktıyı bekler). Alt süreç asenkron başlatılır;
``!python betik.py`` gibi engelleyen bir çağrı, betiğin bağlandığı çekirdek içi sunucuyu da
dondururdu.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import re
import sys
import textwrap
from collections.abc import AsyncIterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from wskurs.engine.timing import scaled

if TYPE_CHECKING:
    from IPython.display import Markdown

__all__ = [
    "ScriptSession",
    "block",
    "reconnect_lanes",
    "region",
    "regions",
    "show_block",
    "show_region",
    "terminal",
]

_START = re.compile(r"^\s*(?://|#|<!--)\s*#?\s*region\s+(?P<name>[\w-]+)\s*(?:-->)?\s*$")
_END = re.compile(r"^\s*(?://|#|<!--)\s*#?\s*endregion\b")


def regions(path: str | Path) -> dict[str, str]:
    """Dosyadaki bütün işaretli bölümler, ad → girintisi düzeltilmiş metin.

    Raises:
        ValueError: Bir bölüm kapanmadan yenisi açılırsa ya da dosya bitene dek kapanmazsa.
    """
    found: dict[str, str] = {}
    name: str | None = None
    lines: list[str] = []
    for number, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), start=1):
        start = _START.match(line)
        if start:
            if name is not None:
                raise ValueError(f"{path}:{number}: '{name}' bölümü kapanmadan '{start['name']}' açıldı.")
            name, lines = start["name"], []
        elif _END.match(line):
            if name is None:
                raise ValueError(f"{path}:{number}: açılmamış bir bölüm kapatılıyor.")
            found[name] = textwrap.dedent("\n".join(lines)).strip("\n")
            name = None
        elif name is not None:
            lines.append(line)
    if name is not None:
        raise ValueError(f"{path}: '{name}' bölümü kapanmadı.")
    return found


def region(path: str | Path, name: str) -> str:
    """Dosyadaki ``name`` adlı bölümün metni.

    Raises:
        KeyError: Böyle bir bölüm yoksa (mesaj var olan adları sayar).
    """
    found = regions(path)
    if name not in found:
        raise KeyError(f"{path} içinde '{name}' bölümü yok; olanlar: {', '.join(sorted(found))}")
    return found[name]


def show_region(path: str | Path, name: str, language: str = "javascript") -> Markdown:
    """Bölümü Markdown kod bloğu olarak döndürür (Jupyter'de hücrenin son ifadesi olunca
    renklendirilmiş görünür; düz metin çıktısı sabittir)."""
    from IPython.display import Markdown

    return Markdown(f"```{language}\n{region(path, name)}\n```")


_LANGUAGES = {".js": "javascript", ".py": "python", ".html": "html"}
_QUOTED = re.compile(r"""'(?:\\.|[^'\\])*'|"(?:\\.|[^"\\])*"|`(?:\\.|[^`\\])*`""")


def _code(line: str) -> str:
    """Satırın tırnak içleri ve ``//`` yorumu atılmış hâli (parantez saymak için)."""
    return _QUOTED.sub("", line).split("//", 1)[0]


def block(path: str | Path, start: str, *, end: str | None = None) -> str:
    """Dosyada ``start`` metninin geçtiği ilk satırdan başlayan parça (girintisi düzeltilmiş).

    ``end`` verilirse parça, sonraki satırlarda ``end``'in geçtiği ilk satırla (o da dahil) biter.
    Verilmezse: Python dosyasında girintisi başlangıç satırınınkinden derin satırlar bitene dek,
    öteki dosyalarda süslü parantezler dengelenene dek (tırnak içindeki ve ``//`` yorumundaki
    parantezler sayılmaz).

    Raises:
        ValueError: ``start`` (ya da ``end``) dosyada yoksa ya da blok dosya bitene dek kapanmazsa.
    """
    lines = Path(path).read_text(encoding="utf-8").splitlines()
    first = next((i for i, line in enumerate(lines) if start in line), None)
    if first is None:
        raise ValueError(f"{path} içinde {start!r} geçen bir satır yok.")
    last: int | None = None
    if end is not None:
        last = next((i for i in range(first + 1, len(lines)) if end in lines[i]), None)
        if last is None:
            raise ValueError(f"{path} içinde {start!r} satırından sonra {end!r} geçen bir satır yok.")
    elif Path(path).suffix == ".py":
        indent = len(lines[first]) - len(lines[first].lstrip())
        last = first
        for i in range(first + 1, len(lines)):
            if lines[i].strip() and len(lines[i]) - len(lines[i].lstrip()) <= indent:
                break
            if lines[i].strip():
                last = i
    else:
        depth, opened = 0, False
        for i in range(first, len(lines)):
            code = _code(lines[i])
            depth += code.count("{") - code.count("}")
            opened = opened or "{" in code
            if opened and depth <= 0:
                last = i
                break
        if last is None:
            raise ValueError(f"{path}: {start!r} ile başlayan blok kapanmıyor.")
    return textwrap.dedent("\n".join(lines[first : last + 1])).strip("\n")


def show_block(path: str | Path, start: str, *, end: str | None = None, language: str | None = None) -> Markdown:
    """``block(...)``'u Markdown kod bloğu olarak döndürür (dil verilmezse dosya uzantısından)."""
    from IPython.display import Markdown

    language = language or _LANGUAGES.get(Path(path).suffix, "")
    return Markdown(f"```{language}\n{block(path, start, end=end)}\n```")


def reconnect_lanes(
    events: Sequence[tuple[float, str, Any]],
    *,
    stopped: float,
    started: float,
    origin: float | None = None,
) -> tuple[dict[str, list[tuple[float, float]]], dict[str, list[tuple[float, str]]]]:
    """Yeniden bağlanan bir istemcinin olaylarını zaman çizelgesi şeritlerine çevirir.

    Args:
        events: ``(an, olay, ayrıntı)`` üçlüleri, an saniye (``time.perf_counter()``). Olaylar:
            ``"açıldı"`` (ayrıntı: oturum numarası), ``"kapandı"`` (ayrıntı: kapanış kodu),
            ``"başarısız"`` (bir deneme başarısız; ayrıntı, bir sonraki denemeden önce beklenen
            saniye), ``"bitti"`` (istemci işini bitirdi).
        stopped: Sunucunun durdurulduğu an; ``started``: yeniden başladığı an.
        origin: Sıfır anı (verilmezse ilk olayın anı).

    Returns:
        ``(şeritler, işaretler)``: ``wskurs.lessons.plots.timeline``'ın ``lanes`` ve ``marks``'ı, ms cinsinden.
        Şeritler: ``"sunucu çalışıyor"``, ``"istemci bağlı"``, ``"istemci bekliyor"``. Sunucunun
        şeridi son olaydan sonra da biraz sürer (sunucu çalışmaya devam ediyor; etiketlere yer kalır).
    """
    times = [at for at, _, _ in events]
    zero = origin if origin is not None else min([*times, stopped])
    end = max([*times, started])

    def ms(at: float) -> float:
        return (at - zero) * 1000

    tail = end + 0.25 * (end - zero)
    server = [(0.0, ms(stopped)), (ms(started), ms(tail))]
    connected: list[tuple[float, float]] = []
    waiting: list[tuple[float, float]] = []
    marks: dict[str, list[tuple[float, str]]] = {"istemci bağlı": [], "istemci bekliyor": []}
    opened_at: float | None = None
    attempt = 0
    for at, kind, detail in events:
        if kind == "açıldı":
            opened_at = at
            marks["istemci bağlı"].append((ms(at), f"{detail}. oturum"))
        elif kind in ("kapandı", "bitti") and opened_at is not None:
            connected.append((ms(opened_at), ms(at)))
            opened_at = None
            if kind == "kapandı":
                marks["istemci bağlı"].append((ms(at), f"kod {detail}"))
        elif kind == "başarısız":
            attempt += 1
            waiting.append((ms(at), ms(at + detail)))
            marks["istemci bekliyor"].append((ms(at), f"✗{attempt}"))
    if opened_at is not None:
        connected.append((ms(opened_at), ms(end)))
    marks["sunucu çalışıyor"] = [(ms(stopped), "durdu"), (ms(started), "başladı")]
    lanes = {"sunucu çalışıyor": server, "istemci bağlı": connected, "istemci bekliyor": waiting}
    return lanes, marks


class ScriptSession:
    """Alt süreçte çalışan bir betik: ``type`` ile satır yazılır, ``expect`` ile çıktı beklenir.

    ``terminal(...)`` ile elde edilir; doğrudan oluşturulmaz.
    """

    def __init__(self, process: asyncio.subprocess.Process) -> None:
        self.process = process
        self.lines: list[str] = []
        """Betiğin şimdiye dek yazdığı satırlar (stdout ve stderr birlikte)."""
        self._seen = 0

    def type(self, line: str) -> None:
        """Betiğin standart girdisine bir satır yazar (klavyede yazıp Enter'a basmak gibi)."""
        assert self.process.stdin is not None
        self.process.stdin.write((line + "\n").encode())

    def close_stdin(self) -> None:
        """Standart girdiyi kapatır (terminalde Ctrl-D)."""
        assert self.process.stdin is not None
        if not self.process.stdin.is_closing():
            self.process.stdin.close()

    async def _read_line(self, timeout: float) -> str | None:
        assert self.process.stdout is not None
        raw = await asyncio.wait_for(self.process.stdout.readline(), timeout=timeout)
        if not raw:
            return None
        line = raw.decode("utf-8", errors="replace").rstrip("\r\n")
        self.lines.append(line)
        return line

    async def expect(self, text: str, timeout: float = 5) -> str:
        """İçinde ``text`` geçen bir satır gelene dek okur ve o satırı döndürür.

        Raises:
            AssertionError: Süre dolarsa ya da betik o satırı yazmadan biterse; mesaj
                betiğin o ana dek yazdıklarını gösterir.
        """
        line: str | None
        for line in self.lines[self._seen :]:
            self._seen += 1
            if text in line:
                return line
        deadline = asyncio.get_running_loop().time() + scaled(timeout)
        while True:
            left = deadline - asyncio.get_running_loop().time()
            try:
                line = await self._read_line(max(left, 0.01))
            except TimeoutError:
                line = None
                ended = "süre doldu"
            else:
                ended = "betik bitti"
            if line is None:
                shown = "\n".join(self.lines[-10:]) or "(hiçbir şey)"
                raise AssertionError(f"Betik {text!r} yazmadı ({ended}). Yazdıkları:\n{shown}")
            self._seen = len(self.lines)
            if text in line:
                return line

    async def wait(self, timeout: float = 5) -> int:
        """Betiğin bitmesini bekler, kalan çıktısını okur ve çıkış kodunu döndürür.

        Raises:
            TimeoutError: Betik süre içinde bitmezse (betik o zaman sonlandırılır).
        """
        try:
            async with asyncio.timeout(scaled(timeout)):
                while await self._read_line(scaled(timeout)) is not None:
                    pass
                return await self.process.wait()
        except TimeoutError:
            self.process.kill()
            await self.process.wait()
            raise


@contextlib.asynccontextmanager
async def terminal(script: str | Path, *args: str) -> AsyncIterator[ScriptSession]:
    """Bir Python betiğini bu çekirdeğin yorumlayıcısıyla alt süreçte başlatır::

        async with terminal("ch03/etkilesimli_istemci.py", url) as t:
            await t.expect("Bağlandı")
            t.type("merhaba")

    Blok bittiğinde betik hâlâ çalışıyorsa sonlandırılır.
    """
    env = {**os.environ, "PYTHONIOENCODING": "utf-8", "PYTHONUNBUFFERED": "1"}
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        str(script),
        *args,
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
        env=env,
    )
    session = ScriptSession(process)
    try:
        yield session
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()
