"""6. bölümün ölçümleri için yardımcılar: hiç okumayan bir istemci ve birikimli teslim grafiği.

Ders bunları *kullanır*, öğretmez. Yavaş bir üyenin odayı kilitleyip kilitlemediğini görmek
için gerçekten okumayan bir istemci gerekir: ``websockets`` kütüphanesinin istemcisi gelen
veriyi arka planda okumaya devam eder, bu yüzden burada el sıkışma ve çerçeveler sans-io
``ClientProtocol`` ile yazılır ve soket bir daha hiç okunmaz. Sunucunun gönderdikleri
önce istemcinin, sonra sunucunun TCP tamponlarını doldurur; sonra sunucudaki
``send`` beklemeye başlar.
"""

from __future__ import annotations

import asyncio
import contextlib
import socket
from collections.abc import AsyncIterator, Mapping, Sequence
from dataclasses import dataclass

from websockets.client import ClientProtocol
from websockets.uri import parse_uri

from .timing import scaled

__all__ = ["StalledClient", "cumulative_plot", "stalled_client"]


@dataclass
class StalledClient:
    """Hiç okumayan istemci: el sıkışmanın durum satırı ve yazabildiği ham akış."""

    status: int
    writer: asyncio.StreamWriter
    protocol: ClientProtocol

    async def send_text(self, text: str) -> None:
        """Bir metin çerçevesi gönderir (istemci çerçevesi, maskeli). Okuma yine yapılmaz."""
        self.protocol.send_text(text.encode())
        self.writer.write(b"".join(self.protocol.data_to_send()))
        await self.writer.drain()


@contextlib.asynccontextmanager
async def stalled_client(
    ws_url: str, *, send: Sequence[str] = (), receive_buffer: int = 4096
) -> AsyncIterator[StalledClient]:
    """Bağlanan, ``send`` içindeki metinleri gönderen ve sonra hiçbir şey okumayan bir istemci.

    Blok bitince bağlantı (kapanış çerçevesi beklenmeden) kapatılır; sunucu bunu kopan
    bir bağlantı olarak görür.

    Args:
        ws_url: ``ws://127.0.0.1:<port>/yol`` biçiminde adres.
        send: El sıkışmadan hemen sonra gönderilecek metin mesajları (ör. odaya katılma).
        receive_buffer: İstemci soketinin alma tamponu (bayt); küçük olması sunucunun
            daha çabuk tıkanmasını sağlar.

    Raises:
        ConnectionError: Sunucu 101 ile yanıt vermezse.
        TimeoutError: El sıkışma birkaç saniyede bitmezse.
    """
    uri = parse_uri(ws_url)
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, receive_buffer)
    sock.setblocking(False)
    writer: asyncio.StreamWriter | None = None
    try:
        async with asyncio.timeout(scaled(5)):
            await asyncio.get_running_loop().sock_connect(sock, (uri.host, uri.port))
            reader, writer = await asyncio.open_connection(sock=sock)
            protocol = ClientProtocol(uri)
            protocol.send_request(protocol.connect())
            writer.write(b"".join(protocol.data_to_send()))
            head = await reader.readuntil(b"\r\n\r\n")
        protocol.receive_data(head)
        protocol.events_received()
        status = int(head.split(b" ", 2)[1])
        if status != 101 or protocol.handshake_exc is not None:
            raise ConnectionError(f"WebSocket el sıkışması başarısız: HTTP {status}")
        client = StalledClient(status, writer, protocol)
        for text in send:
            await client.send_text(text)
        yield client
    finally:
        if writer is not None:
            writer.transport.abort()
        else:
            sock.close()


def cumulative_plot(
    arrivals: Mapping[str, Sequence[float]],
    *,
    title: str,
    total: int | None = None,
    until: float | None = None,
    xlabel: str = "zaman (ms)",
    ylabel: str = "teslim edilen mesaj",
):
    """Her senaryo için "o ana dek teslim edilen mesaj sayısı" eğrisi çizer.

    Args:
        arrivals: Senaryo adı → teslim anları (ms, sıralı olması gerekmez).
        title: Grafiğin başlığı.
        total: Verilirse beklenen toplam, kesikli yatay çizgi olarak çizilir.
        until: Verilirse her eğri bu ana dek yatay uzatılır (ör. takılan bir senaryonun ölçüm
            bitene dek hiç artmadığını göstermek için).

    Returns:
        matplotlib ``Figure``'ı (Jupyter'de hücrenin son ifadesi olunca çizilir).
    """
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(9, 3.6))
    for name, times in arrivals.items():
        ordered = sorted(times)
        xs, ys = [0.0, *ordered], list(range(len(ordered) + 1))
        if until is not None and xs[-1] < until:
            xs, ys = [*xs, until], [*ys, ys[-1]]
        ax.step(xs, ys, where="post", label=name)
    if total is not None:
        ax.axhline(total, color="gray", linestyle="--", linewidth=1, label="beklenen")
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.set_title(title)
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8, loc="lower right")
    fig.tight_layout()
    plt.close(fig)
    return fig
