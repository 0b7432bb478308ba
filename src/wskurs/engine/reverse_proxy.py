"""Gerçek bir ters proxy süreci: proxy.py (7. bölüm, 7.7).

Ders, bir ters proxy'nin WebSocket'e ne yaptığını öğretir (``Upgrade`` başlıkları, boşta kalma zaman
aşımı, ``X-Forwarded-For``); bir alt süreci başlatıp pid'iyle durdurmayı öğretmez. O iş burada::

    async with reverse_proxy(arka_uc.http_url, idle_timeout=1) as proxy:
        proxy.ws_url("/kim")      # 'ws://127.0.0.1:<port>/kim' (proxy'nin adresi)

proxy.py saf Python'dur ve bağımlılığı yoktur (``pip install proxy.py``). Kurulu değilse
``ProxyUnavailable`` kurulum komutunu Türkçe söyler. Süreç 127.0.0.1'de ``--port 0`` ile başlar;
gerçek portu ``--port-file``'dan okunur.
"""

from __future__ import annotations

import asyncio
import contextlib
import importlib.util
import itertools
import os
import sys
import tempfile
from collections.abc import AsyncIterator
from pathlib import Path

from wskurs.engine.processes import death_signal, terminate, track
from wskurs.engine.service import LogBuffer, ProcessService, Registry, WebAddresses
from wskurs.engine.timing import scaled

__all__ = ["ProxyUnavailable", "ReverseProxyProcess", "proxy_installed", "reverse_proxy", "start_reverse_proxy"]

_names = itertools.count(1)
INSTALL_HINT = "Ters proxy örneği için proxy.py gerekli: pip install proxy.py (saf Python, bağımlılığı yok)."


class ProxyUnavailable(RuntimeError):
    """proxy.py kurulu değil; mesaj kurulum komutunu söyler."""


def proxy_installed() -> bool:
    """proxy.py bu Python'da içe aktarılabilir mi?"""
    return importlib.util.find_spec("proxy") is not None


class ReverseProxyProcess(WebAddresses, ProcessService):
    """Ayrı bir süreçte çalışan proxy.py ters proxy'si; ``start_reverse_proxy`` ile elde edilir."""

    registry: Registry[ReverseProxyProcess] = Registry()

    def __init__(self, name: str, upstream: str, idle_timeout: int, process: asyncio.subprocess.Process) -> None:
        self.name = name
        self.upstream = upstream
        self.idle_timeout = idle_timeout
        self.process = process
        self.host = "127.0.0.1"
        self.port: int | None = None
        self._log = LogBuffer()
        self._reader: asyncio.Task[None] | None = None

    async def _collect(self) -> None:
        stream = self.process.stderr
        assert stream is not None
        while raw := await stream.readline():
            self._log.add_line(raw.decode(errors="replace").rstrip())

    async def _shutdown(self) -> None:
        await terminate(self.process, grace=scaled(5))
        await self._finish_reader()

    def __repr__(self) -> str:
        state = "çalışıyor" if self.running else "durdu"
        return f"<ReverseProxyProcess {self.name!r} port={self.port} → {self.upstream} {state}>"


async def start_reverse_proxy(
    upstream: str, *, idle_timeout: int = 60, name: str = "ters-proxy"
) -> ReverseProxyProcess:
    """``python -m proxy --enable-reverse-proxy`` süreci başlatır; her isteği ``upstream``'e iletir.

    Args:
        upstream: Arka ucun adresi, ör. ``"http://127.0.0.1:8000"``.
        idle_timeout: Tam saniye (proxy.py yalnızca tam sayı alır); bu süre boyunca hiç veri
            geçmeyen bir istemci bağlantısını proxy keser (proxy.py'nin ``--timeout``'u; nginx'te
            ``proxy_read_timeout`` ve
            ``send_timeout``'un karşılığı).
        name: Aynı adla çalışan bir proxy varsa önce o durdurulur.

    Raises:
        ProxyUnavailable: proxy.py kurulu değilse.
        RuntimeError: Süreç kapanırsa ya da 20 saniyede portunu yazmazsa (mesajda günlüğün sonu).
    """
    if not proxy_installed():
        raise ProxyUnavailable(INSTALL_HINT)
    old = ReverseProxyProcess.registry.pop(name)
    if old is not None:
        await old.stop()
    port_file = Path(tempfile.mkdtemp(prefix="wskurs-proxy-")) / "port"
    command = [
        sys.executable, "-m", "proxy",
        "--hostname", "127.0.0.1", "--port", "0", "--port-file", str(port_file),
        "--enable-reverse-proxy", "--plugins", "wskurs.engine.reverse_proxy_plugin.ForwardToBackend",
        "--timeout", str(idle_timeout), "--num-acceptors", "1", "--num-workers", "1",
    ]  # fmt: skip
    process = await asyncio.create_subprocess_exec(
        *command,
        env={**os.environ, "WSKURS_ARKA_UC": upstream, "PYTHONUNBUFFERED": "1"},
        stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.PIPE,
        preexec_fn=death_signal(),
    )
    server = ReverseProxyProcess(name, upstream, idle_timeout, process)
    track(server.pid)
    server._reader = asyncio.create_task(server._collect(), name=f"wskurs-proxy-{name}")

    def port_written() -> bool:
        text = port_file.read_text() if port_file.exists() else ""
        if text.strip():
            server.port = int(text.split()[0])
        return server.port is not None

    await server._await_ready(port_written, what="ters proxy", late="20 saniyede portunu yazmadı")
    ReverseProxyProcess.registry.add(server)
    return server


@contextlib.asynccontextmanager
async def reverse_proxy(
    upstream: str, *, idle_timeout: int = 60, name: str | None = None
) -> AsyncIterator[ReverseProxyProcess]:
    """``start_reverse_proxy`` gibi başlatır, blok bitince (hata olsa da) durdurur."""
    server = await start_reverse_proxy(upstream, idle_timeout=idle_timeout, name=name or f"gecici-{next(_names)}")
    try:
        yield server
    finally:
        await server.stop()
