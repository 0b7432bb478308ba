"""``uvicorn modul:app --workers N``'i ayrı bir süreç olarak çalıştırmak (7. bölüm).

Ders, birden çok işçi sürecinin (``--workers``) ve süreç havuzunun *ne yaptığını* öğretir;
bir alt süreci başlatıp günlüğünü toplamayı ve pid'iyle durdurmayı öğretmez. O iş burada::

    surec = await start_uvicorn("ch07.yayin:app", workers=2)
    surec.ws_url("/yerel")        # 'ws://127.0.0.1:<port>/yerel'
    surec.worker_pids             # [12345, 12346]
    await surec.stop()

uvicorn 127.0.0.1'de ``--port 0`` ile başlar: işletim sistemi boş bir port verir, ana süreç
soketi açıp işçilere devreder ve gerçek portu günlüğüne yazar; buradan okunur.

"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import os
import re
import sys
from collections.abc import AsyncIterator, Mapping, Sequence
from pathlib import Path
from typing import TypedDict, Unpack

from wskurs.engine.processes import death_signal, terminate, track
from wskurs.engine.service import LogBuffer, ProcessService, Registry, WebAddresses
from wskurs.engine.timing import scaled

__all__ = ["UvicornProcess", "start_uvicorn", "uvicorn_process"]

_PORT = re.compile(r"Uvicorn running on https?://127\.0\.0\.1:(\d+)")
_WORKER = re.compile(r"Started server process \[(\d+)\]")
_names = itertools.count(1)


class UvicornProcess(WebAddresses, ProcessService):
    """Ayrı bir süreçte çalışan uvicorn (ana süreç ve işçileri); ``start_uvicorn`` ile elde edilir."""

    registry: Registry[UvicornProcess] = Registry()

    def __init__(self, name: str, command: list[str], process: asyncio.subprocess.Process) -> None:
        self.name = name
        self.command = command
        self.process = process
        self.host = "127.0.0.1"
        self.port: int | None = None
        self.worker_pids: list[int] = []
        self._log = LogBuffer()
        self._reader: asyncio.Task[None] | None = None

    @property
    def pid(self) -> int:
        """Ana (``--workers`` ile: gözetmen) sürecin kimliği."""
        return self.process.pid

    def shown_command(self) -> str:
        """Çalıştırılan komut, terminalde yazılacağı biçimde (Python yolu ``python`` olarak)."""
        parts = ["python" if part == sys.executable else part for part in self.command]
        return " ".join(parts)

    async def _collect(self) -> None:
        stream = self.process.stderr
        assert stream is not None
        while True:
            raw = await stream.readline()
            if not raw:
                return
            line = raw.decode(errors="replace").rstrip()
            self._log.add_line(line)
            if self.port is None and (found := _PORT.search(line)):
                self.port = int(found.group(1))
            if found := _WORKER.search(line):
                self.worker_pids.append(int(found.group(1)))

    async def stop(self) -> None:
        """Ana sürece SIGTERM gönderir (uvicorn işçilerini kapatıp bekler); birkaç saniyede
        bitmezse ana süreci ve bilinen işçileri pid'leriyle SIGKILL ile durdurur. Birden çok
        kez çağrılabilir."""
        await super().stop()

    async def _shutdown(self) -> None:
        await terminate(self.process, grace=scaled(5), also=self.worker_pids)
        await self._finish_reader()

    def __repr__(self) -> str:
        state = "çalışıyor" if self.running else "durdu"
        return f"<UvicornProcess {self.name!r} port={self.port} işçi={len(self.worker_pids)} {state}>"


async def start_uvicorn(
    target: str,
    *,
    workers: int = 2,
    name: str = "uvicorn",
    app_dir: str | os.PathLike[str] = ".",
    env: Mapping[str, str] | None = None,
    options: Sequence[str] = (),
) -> UvicornProcess:
    """``python -m uvicorn <target> --host 127.0.0.1 --port 0 --workers N`` süreci başlatır ve
    her işçi "Application startup complete" diyene ve gerçek port günlükte görünene dek bekler.

    Args:
        target: ``"paket.modul:app"``; ``app_dir`` klasörüne göre içe aktarılır.
        workers: İşçi süreç sayısı.
        name: Aynı adla çalışan bir süreç varsa önce o durdurulur (hücreyi yeniden
            çalıştırmak güvenlidir).
        app_dir: Sürecin çalışma klasörü; ``target`` buradan içe aktarılır.
        env: Ortama eklenecek değişkenler (ör. ``{"REDIS_URL": ...}``).
        options: uvicorn'a eklenecek başka seçenekler, ör. ``["--forwarded-allow-ips", "10.0.0.5"]``.

    Returns:
        Çalışan süreç; ``port`` ve ``worker_pids`` dolu.

    Raises:
        RuntimeError: Süreç kapanırsa ya da işçiler 20 saniyede hazır olmazsa (mesajda günlüğün sonu).
    """
    old = UvicornProcess.registry.pop(name)
    if old is not None:
        await old.stop()
    command = [
        sys.executable, "-m", "uvicorn", target,
        "--host", "127.0.0.1", "--port", "0",
        "--workers", str(workers),
        *options,
    ]  # fmt: skip
    environment = {**os.environ, **(env or {}), "PYTHONUNBUFFERED": "1"}
    process = await asyncio.create_subprocess_exec(
        *command,
        cwd=Path(app_dir),
        env=environment,
        stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.PIPE,
        preexec_fn=death_signal(),
    )
    server = UvicornProcess(name, command, process)
    track(server.pid)
    server._reader = asyncio.create_task(server._collect(), name=f"wskurs-uvicorn-{name}")
    # Tek işçide (``--workers 1``) uvicorn "Application startup complete"i soketi açmadan önce yazar;
    # portu da beklenir.
    await server._await_ready(
        lambda: (
            server.port is not None and sum("Application startup complete" in line for line in server.log) >= workers
        ),
        what="uvicorn",
        late="işçiler 20 saniyede hazır olmadı",
    )
    UvicornProcess.registry.add(server)
    return server


class _UvicornOptions(TypedDict, total=False):
    """``start_uvicorn``'ın anahtar sözcüklü argümanları (``uvicorn_process`` onları olduğu gibi geçirir)."""

    workers: int
    name: str
    app_dir: str | os.PathLike[str]
    env: Mapping[str, str] | None
    options: Sequence[str]


@contextlib.asynccontextmanager
async def uvicorn_process(target: str, **options: Unpack[_UvicornOptions]) -> AsyncIterator[UvicornProcess]:
    """``start_uvicorn`` gibi başlatır, blok bitince (hata olsa da) durdurur."""
    options.setdefault("name", f"gecici-{next(_names)}")
    server = await start_uvicorn(target, **options)
    try:
        yield server
    finally:
        await server.stop()
