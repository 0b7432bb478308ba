"""Derslerin ve denetimlerin *kullandığı* (öğretmediği) istemci araçları.

- ``stalled_client`` / ``open_stalled_client``: bağlanan ama **hiç okumayan** bir WebSocket
  istemcisi. Gerçek hayatta bu, donmuş bir tarayıcı sekmesi ya da ağı çok yavaş bir
  telefondur. Sunucunun ona yazdıkları önce istemcinin, sonra sunucunun TCP tamponlarını
  doldurur (birkaç MB); ardından sunucudaki ``send_text`` beklemeye başlar.
- ``wait_until``: bir koşul doğru olana dek, en fazla belli bir süre bekler.

``websockets`` kütüphanesinin istemcisi gelen veriyi arka planda okumaya devam eder; bu
yüzden burada el sıkışma ve çerçeveler sans-io ``ClientProtocol`` ile yazılır, ham soket
yalnızca el sıkışmanın yanıtı için okunur ve sonra bir daha hiç okunmaz.
"""

from __future__ import annotations

import asyncio
import contextlib
import inspect
import socket
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence

from websockets.client import ClientProtocol
from websockets.uri import parse_uri

from wskurs.engine.timing import scaled

__all__ = ["RECEIVE_BUFFER", "StalledClient", "open_stalled_client", "stalled_client", "wait_until"]

RECEIVE_BUFFER = 4096
"""Okumayan istemcinin çekirdekteki alma tamponu (bayt); küçük olsun ki çabuk dolsun."""

_HEAD_END = b"\r\n\r\n"
_HEAD_LIMIT = 16 * 1024
"""El sıkışma yanıtının başlıkları bundan uzunsa bir şeyler yanlıştır."""


class StalledClient:
    """Hiç okumayan bir WebSocket istemcisi: yazabilir, okumaz, kablosu çekilebilir.

    Doğrudan oluşturmayın: ``open_stalled_client`` ya da ``stalled_client`` kullanın.

    Attributes:
        status: El sıkışma yanıtının HTTP durum kodu (başarılı bağlantıda hep ``101``).
    """

    def __init__(self, sock: socket.socket, protocol: ClientProtocol, status: int) -> None:
        self._sock = sock
        self._protocol = protocol
        self.status = status

    @property
    def aborted(self) -> bool:
        """Bağlantı ``abort()`` ile koparıldıysa ``True``."""
        return self._sock.fileno() == -1

    async def send_text(self, text: str) -> None:
        """Bir metin çerçevesi gönderir (istemci çerçevesi, maskeli). Okuma yine yapılmaz.

        Args:
            text: Gönderilecek metin.

        Raises:
            ConnectionError: Bağlantı koparıldıysa ya da sunucu kapattıysa.
        """
        if self.aborted:
            raise ConnectionError("Bağlantı koparıldı; artık gönderilemez.")
        self._protocol.send_text(text.encode())
        data = b"".join(self._protocol.data_to_send())
        await asyncio.wait_for(asyncio.get_running_loop().sock_sendall(self._sock, data), timeout=scaled(5))

    def abort(self) -> None:
        """TCP bağlantısını kapanış çerçevesi göndermeden koparır: "kablo çekildi".

        Sunucu bunu kopan bir bağlantı olarak görür (uvicorn'da kod ``1005``/``1006``,
        gönderimlerde hata). İkinci kez çağrılırsa bir şey yapmaz.
        """
        self._sock.close()


async def open_stalled_client(
    ws_url: str, *, send: Sequence[str] = (), receive_buffer: int = RECEIVE_BUFFER
) -> StalledClient:
    """Bağlanan, ``send`` içindeki metinleri gönderen ve sonra hiçbir şey okumayan bir istemci açar.

    Alma tamponu küçüktür ve soket el sıkışmadan sonra hiç okunmaz; sıkıştırma da yoktur
    (tekrar eden metin küçülüp tamponu geç doldurmasın). İşiniz bitince ``abort()`` deyin;
    bunu kendiliğinden yapan sürüm ``stalled_client``'tır.

    Args:
        ws_url: ``ws://127.0.0.1:<port>/yol`` biçiminde adres.
        send: El sıkışmadan hemen sonra gönderilecek metin mesajları (ör. odaya katılma).
        receive_buffer: İstemci soketinin alma tamponu (bayt); küçük olması sunucunun
            daha çabuk tıkanmasını sağlar.

    Returns:
        Açık ``StalledClient``.

    Raises:
        ConnectionError: Sunucu 101 ile yanıt vermezse ya da bağlantı el sıkışmada kapanırsa.
        TimeoutError: Bağlantı ya da el sıkışma birkaç saniyede bitmezse.
    """
    uri = parse_uri(ws_url)
    loop = asyncio.get_running_loop()
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, receive_buffer)  # bağlanmadan önce
        sock.setblocking(False)
        protocol = ClientProtocol(uri)
        protocol.send_request(protocol.connect())
        async with asyncio.timeout(scaled(5)):
            await loop.sock_connect(sock, (uri.host, uri.port))
            await loop.sock_sendall(sock, b"".join(protocol.data_to_send()))
            received = b""
            while _HEAD_END not in received:
                chunk = await loop.sock_recv(sock, 1024)
                if not chunk:
                    raise ConnectionError("WebSocket el sıkışması başarısız: yanıt tamamlanmadan bağlantı kapandı")
                received += chunk
                if len(received) > _HEAD_LIMIT:
                    raise ConnectionError("WebSocket el sıkışması başarısız: yanıt başlıkları çok uzun")
        # Yalnızca başlıklar protokole verilir; arkasından gelmiş olabilecek çerçeveler okunmamış sayılır.
        head = received[: received.index(_HEAD_END) + len(_HEAD_END)]
        protocol.receive_data(head)
        protocol.events_received()
        status = int(head.split(b" ", 2)[1])
        if status != 101 or protocol.handshake_exc is not None:
            raise ConnectionError(f"WebSocket el sıkışması başarısız: HTTP {status}")
        client = StalledClient(sock, protocol, status)
        for text in send:
            await client.send_text(text)
    except BaseException:
        sock.close()
        raise
    return client


@contextlib.asynccontextmanager
async def stalled_client(
    ws_url: str, *, send: Sequence[str] = (), receive_buffer: int = RECEIVE_BUFFER
) -> AsyncIterator[StalledClient]:
    """``open_stalled_client``'ın bağlam yöneticisi hâli: blok bitince bağlantıyı koparır.

    Bağlantı kapanış çerçevesi gönderilmeden koparılır (``StalledClient.abort``); sunucu
    bunu kopan bir bağlantı olarak görür.

    Args:
        ws_url: ``ws://127.0.0.1:<port>/yol`` biçiminde adres.
        send: El sıkışmadan hemen sonra gönderilecek metin mesajları.
        receive_buffer: İstemci soketinin alma tamponu (bayt).

    Returns:
        ``async with`` bloğunda açık ``StalledClient``.

    Raises:
        ConnectionError: Sunucu 101 ile yanıt vermezse.
        TimeoutError: El sıkışma birkaç saniyede bitmezse.
    """
    client = await open_stalled_client(ws_url, send=send, receive_buffer=receive_buffer)
    try:
        yield client
    finally:
        client.abort()


async def wait_until(condition: Callable[[], bool | Awaitable[bool]], timeout: float = 2.0, step: float = 0.01) -> bool:
    """``condition()`` doğru olana dek bekler.

    Args:
        condition: Argümansız, çabuk dönen bir fonksiyon ya da coroutine fonksiyonu (sonucu
            beklenir; ör. bir HTTP isteğiyle sayaç okumak).
        timeout: En fazla bu kadar saniye beklenir (``WSKURS_TIMEOUT_SCALE`` ile ölçeklenir).
        step: İki deneme arasındaki bekleme (saniye).

    Returns:
        Koşul süre dolmadan doğru olduysa ``True``, olmadıysa ``False``. Hata fırlatmaz.
    """
    loop = asyncio.get_running_loop()
    deadline = loop.time() + scaled(timeout)
    while not await _holds(condition):
        if loop.time() >= deadline:
            return False
        await asyncio.sleep(step)
    return True


async def _holds(condition: Callable[[], bool | Awaitable[bool]]) -> bool:
    result = condition()
    return bool(await result) if inspect.isawaitable(result) else bool(result)
