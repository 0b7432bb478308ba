"""Jupyter çekirdeğinin içinde (ya da bir betikte) gerçek bir uvicorn sunucusu.

Bir ders hücresi şöyle başlar::

    sunucu = await start_server(app)
    sunucu.ws_url("/ws")      # 'ws://127.0.0.1:<port>/ws'

Aynı hücre ikinci kez çalıştırıldığında eski sunucu durdurulur ve yenisi aynı portta
başlar; "address already in use" hatası olmaz. Sunucunun yazdıkları (``print``,
uvicorn'un ve uygulamanın günlükleri) rastgele bir hücreye düşmez: sunucunun
günlüğünde tutulur ve ``sunucu.show_log()`` ile bilerek gösterilir.
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import enum
import io
import logging
import socket
import sys
from collections.abc import AsyncIterator, Iterator
from typing import Any, TextIO
from urllib.parse import quote

import uvicorn
from starlette.types import ASGIApp

from wskurs.engine.browser_base import browser_base
from wskurs.engine.service import LogBuffer, Registry, Service, WebAddresses, with_slash
from wskurs.engine.timing import scaled
from wskurs.engine.watchdog import keep_interruptible

__all__ = [
    "RunningServer",
    "ServerStartError",
    "ServerState",
    "running_servers",
    "serve",
    "serve_in_thread",
    "start_server",
    "stop_all",
]

_current: contextvars.ContextVar[RunningServer | None] = contextvars.ContextVar("wskurs_current_server", default=None)
_last_ports: dict[str, int] = {}
"""Her adın son portu: durdurulup aynı adla yeniden başlatılan sunucu önce onu dener."""


class ServerStartError(RuntimeError):
    """Sunucu başlayamadı; mesaj nedenini ve günlüğün sonunu söyler."""


class ServerState(enum.Enum):
    STARTING = "başlıyor"
    RUNNING = "çalışıyor"
    STOPPED = "durdu"


class _QuietServer(uvicorn.Server):
    """Sinyallere dokunmayan uvicorn sunucusu.

    ``uvicorn.Server.serve()`` ana iş parçacığında SIGINT/SIGTERM'i kendine alır. Jupyter
    çekirdeğinin ana iş parçacığı da orasıdır: o zaman "Interrupt" hücreyi değil sunucuyu
    durdururdu. Sinyaller çekirdekte kalsın diye bu adım atlanır.
    """

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        yield


class _RoutedStream(io.TextIOBase):
    """``sys.stdout``/``sys.stderr`` yerine geçer: sunucu bağlamında yazılanı o sunucunun
    günlüğüne, geri kalan her şeyi asıl akışa yönlendirir."""

    def __init__(self, original: TextIO, name: str) -> None:
        self._original = original
        self._name = name

    def write(self, text: str) -> int:
        server = _current.get()
        if server is None:
            return self._original.write(text)
        server._append(text, stream=self._name)
        return len(text)

    def flush(self) -> None:
        if _current.get() is None:
            self._original.flush()

    def __getattr__(self, attr: str) -> Any:
        return getattr(self._original, attr)


class _LogHandler(logging.Handler):
    """Günlük kayıtlarını, kaydı üreten sunucunun günlüğüne yazar."""

    def emit(self, record: logging.LogRecord) -> None:
        server = _current.get()
        if server is None:
            return
        try:
            server._append(self.format(record) + "\n", stream="log")
        except Exception:  # pragma: no cover - logging must never raise
            self.handleError(record)


_handler = _LogHandler()
_handler.setFormatter(logging.Formatter("%(levelname)s: %(message)s"))


def _install_routing() -> None:
    """Akış yönlendirmesini ve günlük yakalamayı bir kez kurar (tekrar çağrılabilir)."""
    for name in ("stdout", "stderr"):
        stream = getattr(sys, name)
        if not isinstance(stream, _RoutedStream):
            setattr(sys, name, _RoutedStream(stream, name))
    for logger_name in ("uvicorn", "uvicorn.error", "uvicorn.access"):
        logger = logging.getLogger(logger_name)
        logger.setLevel(logging.INFO)
        if _handler not in logger.handlers:
            logger.addHandler(_handler)
        logger.propagate = False
    root = logging.getLogger()
    if _handler not in root.handlers:
        root.addHandler(_handler)


class RunningServer(WebAddresses, Service):
    """Çalışan bir sunucu: portunu, adreslerini ve günlüğünü bilir, durdurulabilir.

    ``start_server`` ya da ``serve`` ile elde edilir; doğrudan oluşturulmaz.
    """

    registry: Registry[RunningServer] = Registry()
    port: int

    def __init__(self, app: ASGIApp, name: str, host: str, port: int, config: dict[str, Any]) -> None:
        self.app = app
        self.name = name
        self.host = host
        self.port = port
        self.state = ServerState.STARTING
        self._config = config
        self._log = LogBuffer()
        self._server: _QuietServer | None = None
        self._task: asyncio.Task[None] | None = None
        self._failure: BaseException | None = None

    # Adresler (``url``, ``ws_url``, ``http_url``, ``base_ws_url``: ``WebAddresses``) ----------

    def browser_url(self, path: str = "/") -> str:
        """Öğrencinin tarayıcısının bu sunucudaki bir HTTP yoluna ulaştığı adres.

        Çekirdekteki istemciler ``url``/``ws_url`` kullanır; tarayıcıda açılan sayfalar bunu.
        Jupyter sunucusu yoksa (betik, pytest) doğrudan adrestir, ``url(path)`` ile aynı.
        Çekirdek bir Jupyter sunucusunun altında çalışıyorsa (JupyterLab, JupyterHub, Binder)
        ``<base_url>proxy/<port>/<yol>`` olur: tarayıcı başka bir makinede olsa da sayfa
        jupyter-server-proxy üzerinden açılır. Nasıl karar verildiği: ``wskurs.engine.browser_base``.
        Yoldaki ASCII dışı harfler yüzde kodlanır (``?username=Ayşe`` → ``Ay%C5%9Fe``).

        Args:
            path: ``/`` ile başlayan yol; sorgu kısmı olabilir (``/sayfa/?username=Ali``).
        """
        path = quote(with_slash(path), safe="/?&=#%:;,+@!$'()*~")
        return browser_base().url(self.http_url + path, self.port, path)

    # Günlük -------------------------------------------------------------------

    def _append(self, text: str, stream: str) -> None:
        self._log.write(text, prefix="[stderr] " if stream == "stderr" else "")

    @property
    def log(self) -> list[str]:
        """Sunucunun şimdiye dek yazdığı satırlar (``print``, uvicorn ve uygulama günlüğü)."""
        return self._log.lines()

    def clear_log(self) -> None:
        """Günlüğü boşaltır."""
        self._log.clear()

    # Yaşam döngüsü --------------------------------------------------------------

    @property
    def running(self) -> bool:
        return self.state is ServerState.RUNNING

    @property
    def connections(self) -> int:
        """Sunucuya şu an açık TCP bağlantısı sayısı."""
        if self._server is None:
            return 0
        return len(self._server.server_state.connections)

    async def _start(self, sock: socket.socket) -> None:
        config = uvicorn.Config(
            self.app,
            log_config=None,
            timeout_graceful_shutdown=self._config.pop("timeout_graceful_shutdown", 2),
            **self._config,
        )
        self._server = _QuietServer(config)
        token = _current.set(self)
        try:
            self._task = asyncio.create_task(self._run(sock), name=f"wskurs-server-{self.name}")
        finally:
            _current.reset(token)
        deadline = asyncio.get_running_loop().time() + scaled(10)
        while not self._server.started:
            if self._task.done():
                break
            if asyncio.get_running_loop().time() > deadline:
                await self.stop()
                raise ServerStartError(self._explain("10 saniyede başlamadı."))
            await asyncio.sleep(0.01)
        if not self._server.started:
            self.state = ServerState.STOPPED
            reason = self._failure
            detail = f"{type(reason).__name__}: {reason}" if reason else "sunucu hemen kapandı."
            raise ServerStartError(self._explain(detail))
        self.state = ServerState.RUNNING

    async def _run(self, sock: socket.socket) -> None:
        assert self._server is not None
        try:
            await self._server.serve(sockets=[sock])
        except SystemExit as exc:  # uvicorn başlatma hatasında sys.exit(3) çağırır
            self._failure = exc
            self._append("uvicorn başlatmayı durdurdu (SystemExit).\n", stream="log")
        except Exception as exc:
            self._failure = exc
            logging.getLogger("uvicorn.error").exception("Sunucu beklenmedik biçimde durdu")
        finally:
            sock.close()
            self.state = ServerState.STOPPED

    def _explain(self, detail: str) -> str:
        tail = "\n".join(line for line in self.log[-8:] if line)
        return f"'{self.name}' sunucusu başlatılamadı: {detail}" + (
            f"\nSunucu günlüğünün sonu:\n{tail}" if tail else ""
        )

    async def stop(self) -> None:
        """Sunucuyu durdurur: yeni bağlantı almaz, açık bağlantıları kapatır, portu bırakır.

        Birden çok kez çağrılabilir.
        """
        await super().stop()

    async def _shutdown(self) -> None:
        if self._server is not None:
            self._server.should_exit = True
        task = self._task
        if task is not None and not task.done():
            try:
                await asyncio.wait_for(asyncio.shield(task), timeout=scaled(5))
            except TimeoutError:
                if self._server is not None:
                    self._server.force_exit = True
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task
        self.state = ServerState.STOPPED

    def __repr__(self) -> str:
        return f"<RunningServer {self.name!r} {self.http_url} {self.state.value}>"


def _bind(host: str, port: int, tcp_user_timeout: float | None = None) -> socket.socket:
    # proto açıkça IPPROTO_TCP: asyncio kabul ettiği bağlantılarda TCP_NODELAY'i yalnızca öyleyse
    # açar. Açılmazsa Nagle algoritması art arda giden küçük mesajların ikincisini karşı tarafın
    # gecikmeli ACK'ine (~40 ms) kadar bekletir.
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    if tcp_user_timeout is not None:
        # Linux'ta kabul edilen bağlantılar dinleyen soketin TCP_USER_TIMEOUT'unu devralır.
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_USER_TIMEOUT, round(tcp_user_timeout * 1000))
    try:
        sock.bind((host, port))
    except OSError:
        sock.close()
        raise
    return sock


async def start_server(
    app: ASGIApp,
    *,
    name: str = "sunucu",
    port: int | None = None,
    tcp_user_timeout: float | None = None,
    **config: Any,
) -> RunningServer:
    """Bir ASGI uygulamasını (ör. FastAPI) çalışan event loop'ta uvicorn ile başlatır.

    Sunucu yalnızca 127.0.0.1'i dinler. Aynı ``name`` ile çalışan bir sunucu varsa önce o
    durdurulur. ``port`` verilmediyse yeni sunucu o adın son portunu dener (çalışıyor ya da
    durdurulmuş olsun), port doluysa boş bir port alır; böylece başlatma hücresini yeniden
    çalıştırmak güvenlidir ve tarayıcıdaki bir sayfa aynı adrese yeniden bağlanabilir.

    Args:
        app: Çalıştırılacak ASGI uygulaması.
        name: Sunucunun adı; aynı anda birden çok sunucu için farklı adlar verin.
        port: İstenen port; ``None`` ise eski sunucunun portu ya da boş bir port.
        tcp_user_timeout: Saniye; verilirse dinleyen sokete ``TCP_USER_TIMEOUT`` konur ve her
            bağlantı onu devralır: gönderilen veri bu süre boyunca karşı taraftan onay (ACK)
            almazsa ya da karşı tarafın alma penceresi bu süre boyunca sıfır kalırsa (hiç
            okumayan istemci) çekirdek bağlantıyı keser. Yalnızca Linux'ta vardır.
        **config: ``uvicorn.Config``'e giden ek ayarlar (ör. ``ws_ping_interval``).

    Returns:
        Çalışan sunucu.

    Raises:
        ServerStartError: Port alınamadıysa ya da uygulama başlarken hata verdiyse.
    """
    _install_routing()
    keep_interruptible()
    host = "127.0.0.1"
    if tcp_user_timeout is not None and not hasattr(socket, "TCP_USER_TIMEOUT"):
        raise ServerStartError(
            f"'{name}' sunucusu başlatılamadı: bu işletim sisteminde TCP_USER_TIMEOUT yok (yalnızca Linux)."
        )
    old = RunningServer.registry.pop(name)
    if old is not None:
        await old.stop()
    wanted = port if port is not None else _last_ports.get(name, 0)
    try:
        sock = _bind(host, wanted, tcp_user_timeout)
    except OSError as exc:
        if port is not None:
            raise ServerStartError(
                f"'{name}' sunucusu başlatılamadı: {host}:{port} adresi kullanılamıyor ({exc.strerror})."
                " Başka bir port verin ya da port=None bırakın."
            ) from None
        sock = _bind(host, 0, tcp_user_timeout)
    server = RunningServer(app, name, host, sock.getsockname()[1], dict(config))
    RunningServer.registry.add(server)
    _last_ports[name] = server.port
    try:
        await server._start(sock)
    except BaseException:
        RunningServer.registry.discard(server)
        raise
    return server


@contextlib.asynccontextmanager
async def serve(app: ASGIApp, *, name: str | None = None, **config: Any) -> AsyncIterator[RunningServer]:
    """``start_server`` gibi başlatır, blok bitince durdurur::

        async with serve(app) as sunucu:
            ...

    ``name`` verilmezse kısa ömürlü, başka sunucularla çakışmayan bir ad alır.
    """
    server = await start_server(app, name=name or f"gecici-{id(app):x}-{_next_id()}", **config)
    try:
        yield server
    finally:
        await server.stop()


_counter = 0


def _next_id() -> int:
    global _counter
    _counter += 1
    return _counter


@contextlib.contextmanager
def serve_in_thread(app: ASGIApp, **config: Any) -> Iterator[RunningServer]:
    """Senkron kod için (ör. Playwright'ın senkron API'si): sunucuyu kendi event loop'u olan
    bir iş parçacığında çalıştırır, blok bitince durdurur::

        with serve_in_thread(app) as sunucu:
            page.goto(sunucu.url("/"))
    """
    import threading

    ready: dict[str, Any] = {}
    started = threading.Event()
    loop = asyncio.new_event_loop()

    async def main() -> None:
        stop = asyncio.Event()
        ready["stop"] = stop
        try:
            async with serve(app, **config) as server:
                ready["server"] = server
                started.set()
                await stop.wait()
        except BaseException as exc:
            ready["error"] = exc
            started.set()

    thread = threading.Thread(target=loop.run_until_complete, args=(main(),), name="wskurs-sunucu", daemon=True)
    thread.start()
    if not started.wait(scaled(15)) or "error" in ready:
        raise ServerStartError(f"İş parçacığındaki sunucu başlatılamadı: {ready.get('error')!r}")
    try:
        yield ready["server"]
    finally:
        loop.call_soon_threadsafe(ready["stop"].set)
        thread.join(scaled(10))
        loop.close()


def running_servers() -> dict[str, RunningServer]:
    """Ada göre şu an çalışan sunucular."""
    return RunningServer.registry.snapshot()


async def stop_all() -> None:
    """Bu süreçte başlatılmış bütün sunucuları durdurur."""
    for server in RunningServer.registry:
        await server.stop()
