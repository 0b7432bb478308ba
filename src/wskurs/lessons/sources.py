"""3. ve 6. bölümün kullandığı (öğretmediği) yardımcı: bir dosyanın bir parçasını göstermek.

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

Yeniden bağlanmanın zaman çizelgesi ``wskurs.lessons.plots.reconnect_lanes``'tadır, etkileşimli
betiği çalıştıran ``terminal`` ``wskurs.lessons.terminal``'dadır.
"""

from __future__ import annotations

import re
import textwrap
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from IPython.display import Markdown

__all__ = ["block", "region", "regions", "show_block", "show_region"]

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
