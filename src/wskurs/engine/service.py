"""Çekirdekteki sunucunun ve derslerin başlattığı süreçlerin ortak düzeni.

``RunningServer`` (çekirdekteki uvicorn), ``UvicornProcess`` (``uvicorn --workers``) ve
``RedisServer`` aynı biçimde davranır; o davranış yalnızca burada yazılıdır:

- ``Registry``: ada göre çalışanlar; aynı adla yeniden başlatmak eskisini durdurur, böylece bir
  hücreyi yeniden çalıştırmak güvenlidir.
- ``LogBuffer``: son satırları tutan sınırlı günlük (yarım kalan satır tamamlanınca eklenir).
- ``Service``: ``log``/``show_log``, ``stop`` (birden çok kez çağrılabilir, kaydı siler) ve
  ``async with``; ``WebAddresses``: 127.0.0.1'deki ``url``/``ws_url``.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections import deque
from collections.abc import Callable, Iterator
from typing import Generic, Self, TypeVar

from wskurs.engine.timing import scaled

__all__ = ["LOG_LIMIT", "LogBuffer", "Registry", "Service", "WebAddresses", "with_slash"]

LOG_LIMIT = 2000
"""Bir sunucunun ya da sürecin günlüğünde tutulan en fazla satır sayısı."""

S = TypeVar("S", bound="Service")


def with_slash(path: str) -> str:
    """``"ws"`` → ``"/ws"``; ``/`` ile başlayan yol olduğu gibi kalır."""
    return path if path.startswith("/") else "/" + path


class Registry(Generic[S]):
    """Ada göre çalışan sunucular ya da süreçler (her tür kendi kaydını tutar)."""

    def __init__(self) -> None:
        self._items: dict[str, S] = {}

    def add(self, item: S) -> None:
        self._items[item.name] = item

    def pop(self, name: str) -> S | None:
        """Kayıttan çıkarır ve döndürür (yoksa ``None``); durdurmak çağıranın işidir."""
        return self._items.pop(name, None)

    def discard(self, item: S) -> None:
        """``item`` hâlâ o adın kaydıysa siler (aynı adla başlayan yenisine dokunmaz)."""
        if self._items.get(item.name) is item:
            del self._items[item.name]

    def snapshot(self) -> dict[str, S]:
        return dict(self._items)

    def __iter__(self) -> Iterator[S]:
        return iter(list(self._items.values()))


class LogBuffer:
    """Son ``limit`` satırı tutan günlük; ``write`` parça parça gelen metni satırlara böler."""

    def __init__(self, limit: int | None = LOG_LIMIT) -> None:
        self._lines: deque[str] = deque(maxlen=limit)
        self._partial = ""

    def add_line(self, line: str) -> None:
        self._lines.append(line)

    def write(self, text: str, prefix: str = "") -> None:
        *complete, self._partial = (self._partial + text).split("\n")
        for line in complete:
            self._lines.append(prefix + line if line else line)

    def lines(self) -> list[str]:
        lines = list(self._lines)
        if self._partial:
            lines.append(self._partial)
        return lines

    def clear(self) -> None:
        self._lines.clear()
        self._partial = ""


class Service:
    """Adı, günlüğü olan ve durdurulabilen bir sunucu ya da süreç.

    Alt sınıf ``log``'u ve ``_shutdown``'ı yazar ve kendi ``registry``'sini tanımlar.
    """

    registry: Registry[Self]
    name: str
    host: str = "127.0.0.1"

    @property
    def log(self) -> list[str]:
        raise NotImplementedError

    def show_log(self, last: int | None = 20, *, contains: str | None = None) -> None:
        """Günlüğün son satırlarını bu hücreye yazdırır.

        Args:
            last: Gösterilecek en fazla satır; ``None`` hepsini gösterir.
            contains: Verilirse yalnızca bu metni içeren satırlar gösterilir.
        """
        lines = [line for line in self.log if line and (contains is None or contains in line)]
        if last is not None:
            lines = lines[-last:]
        print("\n".join(lines) if lines else "(günlük boş)")

    async def _shutdown(self) -> None:
        raise NotImplementedError

    async def stop(self) -> None:
        """Durdurur ve kayıttan siler. Birden çok kez çağrılabilir."""
        await self._shutdown()
        type(self).registry.discard(self)

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.stop()


class WebAddresses:
    """127.0.0.1'de bir portu dinleyen HTTP/WebSocket sunucusunun adresleri."""

    host: str
    port: int | None

    @property
    def http_url(self) -> str:
        """``http://127.0.0.1:<port>``"""
        return f"http://{self.host}:{self.port}"

    @property
    def base_ws_url(self) -> str:
        """``ws://127.0.0.1:<port>``"""
        return f"ws://{self.host}:{self.port}"

    def url(self, path: str = "/") -> str:
        """Bu sunucudaki bir HTTP yolunun tam adresi."""
        return self.http_url + with_slash(path)

    def ws_url(self, path: str = "/ws") -> str:
        """Bu sunucudaki bir WebSocket yolunun tam adresi (``ws://…``)."""
        return self.base_ws_url + with_slash(path)


class ProcessService(Service):
    """Ayrı bir süreçte (asyncio alt süreci) çalışan servis: kimliği, durumu, günlüğü ve günlüğü okuyan
    görevin bitişi ortaktır (uvicorn süreci, ters proxy)."""

    process: asyncio.subprocess.Process
    _log: LogBuffer
    _reader: asyncio.Task[None] | None

    @property
    def pid(self) -> int:
        """Sürecin kimliği."""
        return self.process.pid

    @property
    def running(self) -> bool:
        return self.process.returncode is None

    @property
    def log(self) -> list[str]:
        """Sürecin şimdiye dek yazdığı satırlar."""
        return self._log.lines()

    async def _finish_reader(self) -> None:
        """Süreç durduktan sonra günlüğün son satırları okunsun (en çok bir saniye beklenir)."""
        if self._reader is not None:
            with contextlib.suppress(TimeoutError, asyncio.CancelledError):
                await asyncio.wait_for(self._reader, timeout=scaled(1))

    async def _await_ready(self, ready: Callable[[], bool], *, what: str, late: str) -> None:
        """``ready()`` doğru olana dek bekler. Süreç kapanırsa ya da 20 saniye dolarsa süreci durdurur ve
        günlüğün sonuyla ``RuntimeError`` fırlatır (``what`` başlatılamadı: ``late``)."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + scaled(20)
        while not ready():
            if not self.running or loop.time() > deadline:
                problem = "süreç kapandı" if not self.running else late
                await self.stop()
                tail = "\n".join(self.log[-8:])
                raise RuntimeError(f"{what} başlatılamadı: {problem}." + (f"\nGünlüğün sonu:\n{tail}" if tail else ""))
            await asyncio.sleep(0.02)
