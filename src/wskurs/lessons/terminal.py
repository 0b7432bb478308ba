"""3. bölümün kullandığı (öğretmediği) yardımcı: etkileşimli bir betiği terminaldeymiş gibi çalıştırmak.

``terminal`` etkileşimli istemci betiğini bir alt süreçte çalıştırır ve klavyenin yerine geçer
(satır yazar, beklenen çıktıyı bekler). Alt süreç asenkron başlatılır; ``!python betik.py`` gibi
bloke eden bir çağrı, betiğin bağlandığı çekirdek içi sunucuyu da dondururdu.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import sys
from collections.abc import AsyncIterator
from pathlib import Path

from wskurs.engine.timing import scaled

__all__ = ["ScriptSession", "terminal"]


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
