"""Bölüm 6.1'in yayın ölçümü (5.9'un boşta bağlantı belleği de burada): kaynak metnin performans iddiaları yan yana.

Dört yayın yolu aynı ölçümde, aynı 1.000 istemciye (ayrı bir süreçte), 64 baytlık mesajlarla:

- ``sequential``: kaynak metnin döngüsü, ``for c in clients: await c.send_text(m)``;
- ``gathered``: aynı gönderimler ``asyncio.gather`` ile;
- ``QueuedMember``: kursun 6. bölümde öğrettiği yönetici — bağlantı başına sınırlı bir kuyruk
  ve bir yazıcı görev; ``write_loop`` düz hâli, ``write_batches`` hızlandırılmış hâli;
- ``websockets`` kütüphanesinin kendi sunucusu ve ``broadcast()`` fonksiyonu.

Bir de hiç okumayan bir üyeyle her yolun ne yaptığı (okuyanlara teslim yüzdesi, yayıncı
takılıyor mu) ve 5.000 boşta bağlantıda bağlantı başına bellek ölçülür.

İstemci süreci (``python -m wskurs.lessons.broadcast istemci URL N``) bağlantıları açar ve gelen
çerçeveleri yalnızca sayar; mesajı ayrıştırmadığı için ölçülen hız istemcinin değil sunucunun
hızıdır. Süreçle satır satır konuşulur (stdin → stdout):

- açılışta ``HAZIR <n>`` (açılamayanlar önce ``HATA <sayı> <ilk hata>``);
- ``TOPLAM <hedef> <saniye> [<sessiz>]`` → toplam alınan mesaj ``hedef``'e ulaşınca
  ``TAMAM <an> <toplam>`` (``an``: hedefi tamamlayan mesajın geldiği ``time.monotonic()`` anı;
  aynı makinedeki süreçler aynı saati paylaşır); ulaşmazsa (ya da ``sessiz`` saniye hiç mesaj
  gelmezse) ``EKSIK <toplam>``;
- ``KAPAT`` → bütün bağlantıları 1000 koduyla kapatır, ``KAPANDI`` yazar ve çıkar.

Bellek ölçümünün sunucusu da ayrı bir süreçtir (``python -m wskurs.lessons.broadcast sunucu
fastapi|websockets``): her ölçüm temiz bir süreçte başlar, önceki ölçümün boşalttığı bellek
sonrakini ucuz göstermez.

Her bekleme sınırlıdır; süreçler ``--sure`` saniyeden uzun yaşamaz ve pid'leriyle durdurulur.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import contextlib
import functools
import gc
import hashlib
import os
import selectors
import socket
import statistics
import sys
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from fastapi import FastAPI, WebSocket, WebSocketDisconnect

from wskurs.engine.processes import death_signal, terminate, track
from wskurs.engine.timing import scaled
from wskurs.lessons.load_client import raise_fd_limit

if TYPE_CHECKING:
    from IPython.display import Code

__all__ = [
    "MESSAGE_SIZE",
    "BroadcastHub",
    "LoadClient",
    "QueuedMember",
    "StallResult",
    "StrategyResult",
    "gathered",
    "hub_app",
    "main",
    "measure_broadcast",
    "measure_idle_memory",
    "messages",
    "rss_bytes",
    "sequential",
    "source_of",
    "websockets_server",
]

MESSAGE_SIZE = 64
"""Bir yayın mesajının UTF-8 bayt sayısı."""

QUEUE_SIZE = 256
"""Kuyruklu yöneticide üye başına bekleyebilecek en fazla mesaj (6. bölümdeki gibi)."""

SEND_TIMEOUT = 0.5
"""Kuyruklu yöneticide bir gönderime (ya da bir partiye) tanınan en fazla süre (saniye)."""

STALL_FILL = 8 << 20
"""Okumayan üyenin tamponlarını bir kerede dolduran ilk mesajın boyu (bayt)."""


def messages(count: int, size: int = MESSAGE_SIZE) -> list[str]:
    """``count`` tane, her biri tam ``size`` bayt olan ve sıra numarası taşıyan metin mesajı."""
    prefixes = [f"yayın {k:06d} " for k in range(count)]
    return [prefix + "." * (size - len(prefix.encode())) for prefix in prefixes]


def rss_bytes() -> int:
    """Bu sürecin fiziksel bellekte duran kısmı (Linux ``/proc/self/status`` içindeki ``VmRSS``)."""
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    raise RuntimeError("VmRSS okunamadı (yalnızca Linux)")


def source_of(*objects: Any) -> Code:
    """Fonksiyonların ya da sınıfların kaynak kodunu bir defter hücresinde renkli gösterir."""
    import inspect

    from IPython.display import Code

    return Code("\n\n".join(inspect.getsource(obj).rstrip() for obj in objects), language="python")


# --- (a) ve (b): kaynak metnin döngüsü ve gather ------------------------------------------


async def sequential(websockets: Iterable[Any], text: str) -> None:
    """Kaynak metnin yayını: her istemciye sırayla ``await send_text``."""
    for websocket in websockets:
        await websocket.send_text(text)


async def gathered(websockets: Iterable[Any], text: str) -> None:
    """Aynı gönderimler eşzamanlı: her biri ayrı bir görev, ``gather`` hepsini bekler."""
    await asyncio.gather(*(websocket.send_text(text) for websocket in websockets))


# --- (c): kursun yöneticisi: bağlantı başına kuyruk ve yazıcı görev -------------------------


class QueuedMember:
    """Bir bağlantı: sınırlı bir kuyruk ve onu boşaltan bir yazıcı görev (6. bölümdeki ``Member``).

    ``send`` hiç beklemez; kuyruk dolarsa üye "yavaş" sayılır ve yazıcısı biter. Yazıcının üç
    hâli vardır: ``write_loop`` (6. bölümdeki düz hâl: mesaj başına ``wait_for``; Python
    3.11'de bu her mesaj için yeni bir görev demektir), ``write_each`` (aynısı, zaman aşımı görev
    açmayan ``asyncio.timeout`` ile) ve ``write_batches`` (kuyrukta biriken her şeyi tek
    uyanışta, tek bir zaman aşımı altında gönderir). Zaman aşımı ``send_timeout`` saniyedir
    (varsayılan ``SEND_TIMEOUT``).
    """

    def __init__(self, websocket: Any, send_timeout: float = SEND_TIMEOUT) -> None:
        self.websocket = websocket
        self.outbox: asyncio.Queue[str] = asyncio.Queue(maxsize=QUEUE_SIZE)
        self.send_timeout = send_timeout
        self.overflowed = False
        self.dropped = False

    def send(self, text: str) -> None:
        if self.overflowed:
            return
        try:
            self.outbox.put_nowait(text)
        except asyncio.QueueFull:
            self.overflowed = True

    async def write_loop(self) -> None:
        while not self.overflowed:
            text = await self.outbox.get()
            try:
                await asyncio.wait_for(self.websocket.send_text(text), self.send_timeout)
            except TimeoutError:
                break
        self.dropped = True

    async def write_each(self) -> None:
        while not self.overflowed:
            text = await self.outbox.get()
            try:
                async with asyncio.timeout(self.send_timeout):
                    await self.websocket.send_text(text)
            except TimeoutError:
                break
        self.dropped = True

    async def write_batches(self) -> None:
        while not self.overflowed:
            batch = [await self.outbox.get()]
            while not self.outbox.empty():
                batch.append(self.outbox.get_nowait())
            try:
                async with asyncio.timeout(self.send_timeout):
                    for text in batch:
                        await self.websocket.send_text(text)
            except TimeoutError:
                break
        self.dropped = True


def queued(members: Iterable[QueuedMember], text: str) -> None:
    """Kuyruklu yayın: her üyenin kuyruğuna koyar, hiç beklemez (``await`` yok)."""
    for member in members:
        member.send(text)


class BroadcastHub:
    """Ölçüm sunucusunun bağlantıları: ``websockets`` (ham) ve ``members`` (kuyruklu) aynı bağlantılar."""

    def __init__(self) -> None:
        self.members: dict[Any, QueuedMember] = {}
        self._writers: set[asyncio.Task[None]] = set()

    @property
    def websockets(self) -> list[Any]:
        return list(self.members)

    def start_writers(self, method: str, send_timeout: float = SEND_TIMEOUT) -> None:
        """Her üye için ``method`` yazıcısını başlatır: ``"write_loop"``, ``"write_each"`` ya da
        ``"write_batches"``; her gönderimin (partinin) zaman aşımı ``send_timeout`` saniye."""
        self.stop_writers()
        for member in self.members.values():
            member.overflowed = member.dropped = False
            member.send_timeout = send_timeout
            self._writers.add(asyncio.create_task(getattr(member, method)()))

    def stop_writers(self) -> None:
        for task in self._writers:
            task.cancel()
        self._writers.clear()


def hub_app(hub: BroadcastHub) -> FastAPI:
    """Ölçümün FastAPI uygulaması: ``/ws`` bağlantıyı kabul eder, hub'a kaydeder, kapanana dek okur."""
    app = FastAPI()

    @app.websocket("/ws")
    async def endpoint(websocket: WebSocket) -> None:
        await websocket.accept()
        hub.members[websocket] = QueuedMember(websocket)
        try:
            while True:
                await websocket.receive_text()
        except WebSocketDisconnect:
            pass
        finally:
            hub.members.pop(websocket, None)

    return app


# --- (d): websockets kütüphanesinin sunucusu ----------------------------------------------


@contextlib.asynccontextmanager
async def websockets_server(connections: set[Any]) -> AsyncIterator[str]:
    """``websockets`` kütüphanesinin sunucusu (127.0.0.1, boş bir port); açık bağlantılar ``connections``'ta.

    Returns:
        ``async with`` içinde ``ws://127.0.0.1:<port>/ws`` adresi.
    """
    from websockets.asyncio.server import serve

    async def handler(websocket: Any) -> None:
        connections.add(websocket)
        try:
            await websocket.wait_closed()
        finally:
            connections.discard(websocket)

    async with serve(handler, "127.0.0.1", 0, compression=None, ping_interval=None, max_queue=None) as server:
        port = server.sockets[0].getsockname()[1]
        yield f"ws://127.0.0.1:{port}/ws"


# --- İstemci süreci: bağlantıları açar, çerçeveleri sayar ---------------------------------

_GUID = b"258EAFA5-E914-47DA-95CA-C5AB0DC85B11"
_CLOSE_1000 = b"\x88\x82\x00\x00\x00\x00\x03\xe8"
"""İstemcinin kapanış çerçevesi: FIN + opcode 8, MASK + uzunluk 2, maske 0000, kod 1000."""


class _Counting:
    """Tek bir bağlantı: el sıkışmayı yapar, sonra gelen veri çerçevelerini ayrıştırmadan sayar."""

    def __init__(self, sock: socket.socket, host: str, port: int, path: str) -> None:
        self.sock = sock
        self.key = base64.b64encode(os.urandom(16))
        self.request = (
            f"GET {path} HTTP/1.1\r\nHost: {host}:{port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
            f"Sec-WebSocket-Key: {self.key.decode()}\r\nSec-WebSocket-Version: 13\r\n\r\n"
        ).encode()
        self.buffer = b""
        self.error = "el sıkışmada kapandı"

    def handshake(self, data: bytes) -> bool | None:
        """El sıkışma yanıtını biriktirir: tamamsa ``True``, reddedildiyse ``False``, sürüyorsa ``None``."""
        self.buffer += data
        end = self.buffer.find(b"\r\n\r\n")
        if end < 0:
            return None if data else False
        head, self.buffer = self.buffer[:end], self.buffer[end + 4 :]
        accept = base64.b64encode(hashlib.sha1(self.key + _GUID).digest())
        if not head.startswith(b"HTTP/1.1 101") or accept not in head:
            self.error = head.split(b"\r\n", 1)[0].decode(errors="replace")
            return False
        return True

    def count(self, data: bytes) -> int:
        """Gelen baytlardaki tam veri çerçevelerini sayar; yarım kalan çerçeve sonraki veriyi bekler."""
        buffer = self.buffer + data if self.buffer else data
        start, frames, size = 0, 0, len(buffer)
        while size - start >= 2:
            length, head = buffer[start + 1] & 0x7F, 2
            if length == 126:
                if size - start < 4:
                    break
                length, head = int.from_bytes(buffer[start + 2 : start + 4], "big"), 4
            elif length == 127:
                if size - start < 10:
                    break
                length, head = int.from_bytes(buffer[start + 2 : start + 10], "big"), 10
            if size - start < head + length:
                break
            opcode = buffer[start] & 0x0F
            if opcode in (1, 2):
                frames += 1
            elif opcode == 9:  # ping: uvicorn yanıtsız kalan bağlantıyı kapatır; pong, maske 0000
                payload = bytes(buffer[start + head : start + head + length])
                with contextlib.suppress(OSError):
                    self.sock.send(bytes([0x8A, 0x80 | length, 0, 0, 0, 0]) + payload)
            start += head + length
        self.buffer = buffer[start:]
        return frames


def _open_all(host: str, port: int, path: str, count: int, parallel: int) -> tuple[list[_Counting], list[str]]:
    """``count`` bağlantıyı, aynı anda en çok ``parallel`` el sıkışmayla açar."""
    selector = selectors.DefaultSelector()
    waiting, pending, opened, errors = count, set(), [], []

    def fail(connection: _Counting, reason: str) -> None:
        errors.append(reason)
        selector.unregister(connection.sock)
        pending.discard(connection)
        connection.sock.close()

    give_up = time.monotonic() + 10 + count / 50
    while (waiting or pending) and time.monotonic() < give_up:
        while waiting and len(pending) < parallel:
            waiting -= 1
            sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            sock.setblocking(False)
            connection = _Counting(sock, host, port, path)
            sock.connect_ex((host, port))
            pending.add(connection)
            selector.register(sock, selectors.EVENT_WRITE, connection)
        for key, mask in selector.select(timeout=1.0):
            connection = key.data
            if mask & selectors.EVENT_WRITE:
                error = connection.sock.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR)
                if error:
                    fail(connection, f"ConnectionError: {os.strerror(error)}")
                else:
                    connection.sock.sendall(connection.request)
                    selector.modify(connection.sock, selectors.EVENT_READ, connection)
                continue
            try:
                done = connection.handshake(connection.sock.recv(65536))
            except OSError as exc:
                fail(connection, f"{type(exc).__name__}: {exc}")
                continue
            if done is False:
                fail(connection, f"ConnectionError: {connection.error}")
            elif done:
                selector.unregister(connection.sock)
                pending.discard(connection)
                opened.append(connection)
    for connection in list(pending):
        fail(connection, "TimeoutError: el sıkışma zamanında bitmedi")
    selector.close()
    return opened, errors


def _client(url: str, count: int, parallel: int, lifetime: float) -> None:
    """İstemci süreci: ``count`` bağlantıyı açar, komutları stdin'den alır (modülün belgesine bakın).

    Okuma tek iş parçacığında ``selectors`` ile yapılır ve veri gelen her turdan sonra 2 ms
    beklenir: bu sürede çekirdekte biriken çerçeveler tek bir ``recv`` ile alınır. Böylece mesaj
    başına istemci maliyeti sunucununkinden çok küçük kalır; ölçülen, sunucunun hızıdır.
    """
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    host, port, path = parts.hostname or "127.0.0.1", parts.port or 80, parts.path or "/"
    deadline = time.monotonic() + lifetime
    opened, errors = _open_all(host, port, path, count, parallel)
    if errors:
        print(f"HATA {len(errors)} {errors[0]}", flush=True)
    print(f"HAZIR {len(opened)}", flush=True)

    selector = selectors.DefaultSelector()
    for connection in opened:
        selector.register(connection.sock, selectors.EVENT_READ, connection)
    stdin = sys.stdin.fileno()
    selector.register(stdin, selectors.EVENT_READ, None)
    total, target, target_until, quiet, commands = 0, None, 0.0, None, b""
    history: list[tuple[float, int]] = [(time.monotonic(), 0)]  # (an, o ana dek toplam)
    while time.monotonic() < deadline:
        if target is None and b"\n" in commands:
            line, commands = commands.split(b"\n", 1)
            words = line.decode().split()
            if words and words[0] == "KAPAT":
                break
            if words and words[0] == "TOPLAM":
                target, target_until = int(words[1]), time.monotonic() + float(words[2])
                quiet = float(words[3]) if len(words) > 3 else None
                history.append((time.monotonic(), total))  # sessizlik komuttan itibaren sayılır
        silent = quiet is not None and time.monotonic() - history[-1][0] >= quiet
        if target is not None and (total >= target or silent or time.monotonic() >= target_until):
            if total >= target:
                reached = next(t for t, seen in history if seen >= target)
                print(f"TAMAM {reached:.6f} {total}", flush=True)
            else:
                print(f"EKSIK {total}", flush=True)
            target, history = None, history[-1:]
            continue
        wait = 0.5 if target is None else max(0.0, min(target_until - time.monotonic(), quiet or 0.5))
        events = selector.select(timeout=wait)
        received = False
        for key, _ in events:
            if key.data is None:
                chunk = os.read(stdin, 4096)
                commands += chunk if chunk else b"KAPAT\n"
                if not chunk:
                    selector.unregister(stdin)
                continue
            connection = key.data
            try:
                data = connection.sock.recv(1 << 20)
            except OSError:
                data = b""
            if data:
                total += connection.count(data)
                received = True
            else:
                selector.unregister(connection.sock)
        if received:
            history.append((time.monotonic(), total))
            time.sleep(0.002)  # çerçeveler çekirdekte birikip tek recv ile alınsın
    selector.close()
    for connection in opened:
        with contextlib.suppress(OSError):
            connection.sock.send(_CLOSE_1000)
    time.sleep(0.2)
    for connection in opened:
        connection.sock.close()
    print("KAPANDI", flush=True)


async def _spawn(*args: str) -> asyncio.subprocess.Process:
    """Bu modülü ayrı bir süreçte başlatır (stdin/stdout borularıyla); çekirdek ölürse o da ölür."""
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "wskurs.lessons.broadcast",
        *args,
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
        preexec_fn=death_signal(),
    )
    track(process.pid)
    return process


class LoadClient:
    """Ayrı süreçteki sayan istemciyle konuşan taraf (çekirdekte ya da ``make bench``'te).

    Örnek::

        async with LoadClient.start(url, 1000) as load:
            t0 = time.monotonic()
            ...  # yayın
                done_at, total = await load.wait_total(load.total + 1000, timeout=10)
    """

    def __init__(self, process: asyncio.subprocess.Process, opened: int) -> None:
        self.process = process
        self.opened = opened
        self.total = 0
        """Son yanıta göre bütün bağlantıların aldığı toplam mesaj."""

    @classmethod
    @contextlib.asynccontextmanager
    async def start(cls, url: str, count: int, *, lifetime: float = 300.0) -> AsyncIterator[LoadClient]:
        """İstemci sürecini başlatır, ``count`` bağlantının açılmasını bekler; blok bitince kapatır.

        Raises:
            RuntimeError: Bağlantıların hepsi açılamadıysa (ilk hatayla).
        """
        process = await _spawn("istemci", url, str(count), "--sure", str(lifetime))
        try:
            first = await cls._line(process, scaled(30 + count / 50))
            if first.startswith("HATA"):
                raise RuntimeError(f"yük istemcisi bağlantıları açamadı: {first}")
            client = cls(process, int(first.split()[1]))
            if client.opened != count:
                raise RuntimeError(f"yük istemcisi {count} yerine {client.opened} bağlantı açtı")
            yield client
            with contextlib.suppress(Exception):
                await client._say("KAPAT")
                await cls._line(process, scaled(10))
        finally:
            await terminate(process, grace=scaled(5))

    @staticmethod
    async def _line(process: asyncio.subprocess.Process, timeout: float) -> str:
        assert process.stdout is not None
        line = (await asyncio.wait_for(process.stdout.readline(), timeout)).decode().strip()
        if not line:
            raise RuntimeError("yük istemcisi beklenmedik biçimde kapandı")
        return line

    async def _say(self, command: str) -> None:
        assert self.process.stdin is not None
        self.process.stdin.write(command.encode() + b"\n")
        await self.process.stdin.drain()

    async def wait_total(self, target: int, timeout: float, quiet: float | None = None) -> tuple[float | None, int]:
        """Toplam alınan mesaj ``target``'a ulaşana dek (en çok ``timeout`` saniye) bekler.

        ``quiet`` verilirse, ``quiet`` saniye hiç mesaj gelmediğinde de beklemeyi bırakır (yayın
        takıldıysa hedefe hiç ulaşılmaz; o ana dek gelenler sayılır).

        Returns:
            ``(an, toplam)``: ``an`` hedefe ulaşılan ``time.monotonic()`` anı, ulaşılmadıysa ``None``.
        """
        await self._say(f"TOPLAM {target} {timeout}" + (f" {quiet}" if quiet is not None else ""))
        words = (await self._line(self.process, timeout + scaled(10))).split()
        if words[0] == "TAMAM":
            self.total = int(words[2])
            return float(words[1]), self.total
        self.total = int(words[1])
        return None, self.total


# --- Ölçüm -------------------------------------------------------------------------------


@dataclass
class StallResult:
    """Okumayan bir üye varken bir yayın yolunun davranışı."""

    reader_share: float
    """Okuyan istemcilere teslim edilen mesajların beklenene oranı (0–1)."""
    broadcaster_stalled: bool
    """Yayın süre sınırında bitmedi (yayıncı okumayan üyeyi bekliyor)."""
    member_dropped: bool | None = None
    """Okumayan üye yönetici tarafından bırakıldı mı (yalnızca kuyruklu yolda anlamlı)."""
    readers_dropped: int | None = None
    """Yöneticinin yanlışlıkla bıraktığı *okuyan* üye sayısı (yalnızca kuyruklu yolda anlamlı)."""


@dataclass
class StrategyResult:
    """Bir yayın yolunun ölçümü: her turdaki teslim hızı ve takılma davranışı.

    ``rates``: sunucunun event loop iş parçacığının harcadığı işlemci saniyesi başına teslim
    (yolun kendi bedeli; makinedeki öteki süreçlerin yükünden az etkilenir). ``wall_rates``:
    duvar saatiyle, yayının başından son mesajın istemciye varışına dek saniye başına teslim.
    """

    name: str
    rates: list[float] = field(default_factory=list)
    wall_rates: list[float] = field(default_factory=list)
    stall: StallResult | None = None

    @property
    def median(self) -> float:
        return statistics.median(self.rates)

    @property
    def wall_median(self) -> float:
        return statistics.median(self.wall_rates)


STRATEGIES = (
    "sıralı döngü",
    "gather",
    "kuyruk + yazıcı",
    "kuyruk + yazıcı, görevsiz",
    "kuyruk + yazıcı, toplayarak",
    "broadcast()",
)
"""Ölçülen yollar, raporlardaki adlarıyla (ilki kaynak metnin döngüsü, oranların paydası)."""

_WRITERS = {
    "kuyruk + yazıcı": "write_loop",
    "kuyruk + yazıcı, görevsiz": "write_each",
    "kuyruk + yazıcı, toplayarak": "write_batches",
}


async def measure_broadcast(
    count: int = 1000,
    *,
    rounds: int = 3,
    per_round: int = 20,
    stall_messages: int = 20,
    stall_wait: float = 2.0,
    stall_quiet: float = 1.0,
    stall_timeout: float = SEND_TIMEOUT,
    progress: Callable[[str], None] | None = None,
) -> dict[str, StrategyResult]:
    """Yayın yollarını aynı çalıştırmada ölçer.

    Her turda her yol ``per_round`` mesajı ``count`` istemcinin hepsine yayar; hız, yayının
    başlamasından son mesajın istemci sürecine ulaşmasına dek geçen süreyle hesaplanır
    (``count × per_round`` teslim / saniye) — hem sunucu iş parçacığının işlemci süresiyle hem
    duvar saatiyle. Yollar turlar içinde sırayla çalışır ki makinenin
    o anki yükü hepsine benzer düşsün. Sonra her yol, hiç okumayan bir üye eklenmiş hâlde
    ``stall_messages`` mesaj yayar. Okuyanlara ne kadarının ulaştığı, yayın sürerken, istemci
    süreci hedefe ulaşana ya da ``stall_quiet`` saniye hiç mesaj almayana dek sayılır; yayın
    ondan sonra da ``stall_wait`` saniye içinde bitmediyse yayıncı "takıldı" sayılır. (Takılan bir
    yayın hiç bitmez ve takılmadan önce yazdıklarını çoktan soketlere koymuştur; bu iki süre
    yalnızca bekleme payıdır.) Kuyruklu yollarda yazıcıların zaman aşımı bu turlarda
    ``stall_timeout`` saniyedir: okumayan üye o sürede bırakılır. Okuyanlara yapılan bir gönderim
    hiç beklemeden (bir ``await``'te askıya alınmadan) biter, o yüzden kısa bir zaman aşımı
    okuyanları bıraktırmaz.

    İki sunucu (FastAPI ve ``websockets``) baştan birlikte açılır ve iki istemci süreci
    bağlantılarını aynı anda kurar; ölçülen turlar yine tek tek, sırayla çalışır.

    Returns:
        Yol adı → ``StrategyResult`` (``STRATEGIES`` sırasıyla).
    """
    from wskurs.engine.clients import open_stalled_client
    from wskurs.engine.server import serve

    say = progress or (lambda _line: None)
    results = {name: StrategyResult(name) for name in STRATEGIES}
    raise_fd_limit(2 * count + 200)
    texts = messages(per_round)
    hub = BroadcastHub()

    async def timed(load: LoadClient, start: Callable[[], Awaitable[None] | None]) -> tuple[float, float]:
        # (işlemci saniyesi başına, duvar saati saniyesi başına) teslim
        target = load.total + count * per_round
        began, cpu = time.monotonic(), time.thread_time()
        pending = start()
        if pending is not None:
            await pending
        done_at, _ = await load.wait_total(target, scaled(60))
        cpu = time.thread_time() - cpu
        if done_at is None:
            raise RuntimeError("yayın süre sınırında istemcilere ulaşmadı")
        return count * per_round / cpu, count * per_round / (done_at - began)

    async def stalled_round(load: LoadClient, start: Callable[[], Awaitable[None] | None]) -> tuple[float, bool]:
        # Yayın sürerken istemci sayar: hedefe ulaşana dek ya da (yayın bekleyen bir coroutine ise)
        # stall_quiet saniye hiç mesaj gelmeyene dek. Takılan yayın o ana dek yazdıklarını çoktan
        # soketlere koymuştur; sayım bitince de stall_wait saniye içinde bitmediyse "takıldı".
        # Beklemeyen yollar (kuyruk, broadcast()) hemen döner; onlarda sessizlik payı geniştir.
        base = load.total
        pending = start()
        task = None if pending is None else asyncio.ensure_future(pending)
        quiet = scaled(stall_quiet if task is not None else max(stall_quiet, 2.0))
        try:
            _, total = await load.wait_total(base + count * stall_messages, scaled(60), quiet=quiet)
            stalled = False
            if task is not None:
                done, _ = await asyncio.wait({task}, timeout=scaled(stall_wait))
                stalled = not done
        finally:
            if task is not None:
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task
        return (total - base) / (count * stall_messages), stalled

    connections: set[Any] = set()
    async with (
        serve(hub_app(hub), name="yayin-olcumu") as server,
        websockets_server(connections) as url,
        contextlib.AsyncExitStack() as stack,
    ):
        load, ws_load = await _open_together(stack, [server.ws_url("/ws"), url], count)
        await _until(lambda: len(hub.members) >= count and len(connections) >= count)
        say(f"FastAPI ve websockets: {count}'er bağlantı açık")
        for turn in range(rounds):
            for name in STRATEGIES[:-1]:
                if name in _WRITERS:
                    hub.start_writers(_WRITERS[name])
                rate = await timed(load, functools.partial(_start_round, hub, name, texts))
                hub.stop_writers()
                results[name].rates.append(rate[0])
                results[name].wall_rates.append(rate[1])
            say(f"FastAPI: tur {turn + 1}/{rounds} bitti")

        stall_texts = messages(stall_messages)
        for name in STRATEGIES[:-1]:
            stalled_client = await open_stalled_client(server.ws_url("/ws"))
            try:
                await _until(lambda: len(hub.members) >= count + 1)
                slow = list(hub.members)[-1]
                await slow.send_text("x" * STALL_FILL)  # tamponları bir kerede doldurur
                if name in _WRITERS:
                    hub.start_writers(_WRITERS[name], stall_timeout)
                share, stalled = await stalled_round(load, functools.partial(_start_round, hub, name, stall_texts))
                dropped = wrongly = None
                if name in _WRITERS:
                    member = hub.members[slow]

                    def member_dropped(member: QueuedMember = member) -> bool:
                        return member.dropped

                    with contextlib.suppress(TimeoutError):
                        await _until(member_dropped, timeout=4 * max(stall_timeout, SEND_TIMEOUT))
                    dropped = member.dropped
                    wrongly = sum(m.dropped for ws, m in hub.members.items() if ws is not slow)
                hub.stop_writers()
            finally:
                stalled_client.abort()
            await _until(lambda: len(hub.members) <= count)
            results[name].stall = StallResult(share, stalled, dropped, wrongly)
            say(f"FastAPI: okumayan üyeli tur bitti ({name})")

        from websockets.asyncio.server import broadcast

        def run_broadcast(batch: Sequence[str]) -> None:
            members = list(connections)
            for text in batch:
                broadcast(members, text)

        for _ in range(rounds):
            rate = await timed(ws_load, lambda: run_broadcast(texts))
            results["broadcast()"].rates.append(rate[0])
            results["broadcast()"].wall_rates.append(rate[1])
        readers = set(connections)
        stalled_client = await open_stalled_client(url)
        try:
            await _until(lambda: len(connections) >= count + 1)
            (slow,) = connections - readers
            fill = asyncio.create_task(slow.send("x" * STALL_FILL))
            await asyncio.sleep(0)
            share, stalled = await stalled_round(ws_load, lambda: run_broadcast(stall_texts))
            fill.cancel()
            with contextlib.suppress(BaseException):
                await fill
        finally:
            stalled_client.abort()
        results["broadcast()"].stall = StallResult(share, stalled, None)
        say("websockets: bitti")
    return results


async def _open_together(stack: contextlib.AsyncExitStack, urls: Sequence[str], count: int) -> list[LoadClient]:
    """Her adres için bir istemci sürecini aynı anda başlatır; hepsi ``stack`` kapanınca kapanır.

    Kapanışta önce hepsine birden ``KAPAT`` denir, sonra her biri sırayla beklenir: süreçler
    bağlantılarını aynı anda kapatır. Biri açılamazsa ötekiler de ``stack``'e kaydolduktan sonra
    ilk hata yükselir (süreç kalmaz).
    """
    opened = await asyncio.gather(
        *(stack.enter_async_context(LoadClient.start(url, count)) for url in urls), return_exceptions=True
    )
    clients: list[LoadClient] = []
    for result in opened:
        if isinstance(result, BaseException):
            raise result
        clients.append(result)

    async def close_all() -> None:
        for client in clients:
            with contextlib.suppress(Exception):
                await client._say("KAPAT")

    stack.push_async_callback(close_all)
    return clients


def _start_round(hub: BroadcastHub, name: str, texts: Sequence[str]) -> Awaitable[None] | None:
    if name in _WRITERS:
        members = list(hub.members.values())
        for text in texts:
            queued(members, text)
        return None
    send = sequential if name == "sıralı döngü" else gathered
    websockets = hub.websockets

    async def run() -> None:
        for text in texts:
            await send(websockets, text)

    return run()


async def _until(condition: Callable[[], bool], timeout: float = 30.0) -> None:
    async with asyncio.timeout(scaled(timeout)):
        while not condition():
            await asyncio.sleep(0.01)


# --- Boşta bellek: ayrı bir sunucu süreci ------------------------------------------------


async def _memory_server(kind: str) -> None:
    """Bellek ölçümünün sunucusu: ``PORT <p> RSS <bayt>`` yazar; stdin'den ``RSS`` gelince
    ``RSS <bayt> <bağlantı>`` yazar; ``KAPAT`` ya da EOF gelince çıkar."""
    loop = asyncio.get_running_loop()
    stdin = asyncio.StreamReader()
    await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(stdin), sys.stdin)

    async def serve_until_told(count: Callable[[], int], port: int) -> None:
        gc.collect()
        print(f"PORT {port} RSS {rss_bytes()}", flush=True)
        while line := (await stdin.readline()).decode().split():
            if line[0] == "RSS":
                gc.collect()
                print(f"RSS {rss_bytes()} {count()}", flush=True)
            elif line[0] == "KAPAT":
                break

    if kind == "websockets":
        connections: set[Any] = set()
        async with websockets_server(connections) as url:
            await serve_until_told(lambda: len(connections), int(url.rsplit(":", 1)[1].split("/")[0]))
        return
    from wskurs.engine.server import serve

    hub = BroadcastHub()
    async with serve(hub_app(hub), name="bellek") as server:
        await serve_until_told(lambda: len(hub.members), server.port)


@dataclass
class MemoryResult:
    """Boşta bağlantı başına sunucu belleği."""

    server: str
    connections: int
    before: int
    after: int

    @property
    def per_connection(self) -> float:
        """Bağlantı başına bayt."""
        return (self.after - self.before) / self.connections


async def measure_idle_memory(kind: str, count: int = 5000) -> MemoryResult:
    """Ayrı bir sunucu sürecine (``kind``: ``"fastapi"`` ya da ``"websockets"``) ``count`` boşta
    bağlantı açar ve sunucunun RSS artışını ölçer."""
    process = await _spawn("sunucu", kind, "--baglanti", str(count))
    try:
        words = (await LoadClient._line(process, scaled(30))).split()
        port, before = int(words[1]), int(words[3])
        async with LoadClient.start(f"ws://127.0.0.1:{port}/ws", count):
            assert process.stdin is not None
            deadline = time.monotonic() + scaled(30)
            while True:
                process.stdin.write(b"RSS\n")
                await process.stdin.drain()
                _, after, seen = (await LoadClient._line(process, scaled(10))).split()
                if int(seen) >= count or time.monotonic() > deadline:
                    break
                await asyncio.sleep(0.05)
            if int(seen) < count:
                raise RuntimeError(f"sunucu {count} bağlantının yalnızca {seen} tanesini gördü")
        process.stdin.write(b"KAPAT\n")
        with contextlib.suppress(Exception):
            await process.stdin.drain()
        return MemoryResult(kind, count, before, int(after))
    finally:
        await terminate(process, grace=scaled(5))


# --- Komut satırı ------------------------------------------------------------------------


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Bölüm 5: yayın ölçümünün istemci ve sunucu süreçleri")
    commands = parser.add_subparsers(dest="komut", required=True)
    client = commands.add_parser("istemci", help="bağlantıları açar ve gelen mesajları sayar")
    client.add_argument("url")
    client.add_argument("sayi", type=int)
    client.add_argument("--paralel", type=int, default=100, help="aynı anda sürdürülen el sıkışma sayısı")
    client.add_argument("--sure", type=float, default=300.0, help="sürecin en uzun ömrü (saniye)")
    server = commands.add_parser("sunucu", help="bellek ölçümünün sunucusu")
    server.add_argument("tur", choices=["fastapi", "websockets"])
    server.add_argument("--baglanti", type=int, default=5000, help="beklenen en çok bağlantı")
    server.add_argument("--sure", type=float, default=300.0, help="sürecin en uzun ömrü (saniye)")
    args = parser.parse_args(argv)

    if args.komut == "istemci":
        raise_fd_limit(args.sayi + 100)
        _client(args.url, args.sayi, args.paralel, args.sure)
        return 0
    else:
        raise_fd_limit(args.baglanti + 100)
        job = _memory_server(args.tur)

    async def bounded() -> None:
        async with asyncio.timeout(args.sure):
            await job

    try:
        asyncio.run(bounded())
    except TimeoutError:
        print(f"ZAMAN_ASIMI {args.sure:g}", flush=True)
        return 1
    return 0


if __name__ == "__main__":
    with contextlib.suppress(KeyboardInterrupt):
        sys.exit(main())
