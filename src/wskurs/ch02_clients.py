"""2. bölümün kullandığı (öğretmediği) istemci araçları.

- ``stalled_client``: bağlanan ama hiç okumayan bir istemci. Sunucunun ona yazdıkları
  birkaç megabayt içinde tamponları doldurur; bundan sonra sunucunun ``send_text`` çağrısı
  bekler. "Yavaş istemci bütün yayını durdurur" deneyi için.
- ``wait_until``: bir koşul doğru olana dek, en fazla belli bir süre bekler.
"""

from __future__ import annotations

import asyncio
import socket
from collections.abc import Callable
from urllib.parse import urlsplit

from websockets.asyncio.client import ClientConnection, connect

from .timing import scaled

__all__ = ["RECEIVE_BUFFER", "stalled_client", "wait_until"]

RECEIVE_BUFFER = 4096
"""Okumayan istemcinin çekirdekteki alma tamponu (bayt); küçük olsun ki çabuk dolsun."""


async def stalled_client(url: str) -> ClientConnection:
    """Bağlanıp hiç okumayan bir WebSocket istemcisi açar.

    Gerçek hayatta bu, ağı çok yavaş olan ya da donmuş bir tarayıcı sekmesidir. Üç ayar
    onu çabucak "tıkar":

    - soketin alma tamponu küçüktür (``RECEIVE_BUFFER``),
    - kütüphane en fazla bir mesajı kendi kuyruğunda tutar (``max_queue=1``), sonra
      okumayı bırakır,
    - sıkıştırma kapalıdır; yoksa tekrar eden metin küçülür ve tampon geç dolar.

    Sunucu ona yazdıkça önce kendi gönderme tamponu (Linux'ta birkaç MB), sonra
    uvicorn'un yazma tamponu dolar; ardından sunucudaki ``send_text`` beklemeye başlar.

    Args:
        url: ``ws://127.0.0.1:<port>/yol`` biçiminde adres.

    Returns:
        Açık bağlantı. Okumayın; işiniz bitince ``transport.abort()`` ile koparın ya da
        ``close()`` deyin.
    """
    parts = urlsplit(url)
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, RECEIVE_BUFFER)  # bağlanmadan önce
    sock.setblocking(False)
    try:
        await asyncio.wait_for(
            asyncio.get_running_loop().sock_connect(sock, (parts.hostname, parts.port)), timeout=scaled(5)
        )
        return await asyncio.wait_for(
            connect(url, sock=sock, max_queue=1, compression=None, ping_interval=None, open_timeout=None),
            timeout=scaled(5),
        )
    except BaseException:
        sock.close()
        raise


async def wait_until(condition: Callable[[], bool], timeout: float = 2.0, step: float = 0.01) -> bool:
    """``condition()`` doğru olana dek bekler.

    Args:
        condition: Argümansız, çabuk dönen bir fonksiyon.
        timeout: En fazla bu kadar saniye beklenir (``WSKURS_TIMEOUT_SCALE`` ile ölçeklenir).
        step: İki deneme arasındaki bekleme (saniye).

    Returns:
        Koşul süre dolmadan doğru olduysa ``True``, olmadıysa ``False``. Hata fırlatmaz.
    """
    loop = asyncio.get_running_loop()
    deadline = loop.time() + scaled(timeout)
    while not condition():
        if loop.time() >= deadline:
            return False
        await asyncio.sleep(step)
    return True
