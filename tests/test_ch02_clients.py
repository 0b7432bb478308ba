"""`wskurs.ch02_clients`: okumayan istemci gerçekten sunucuyu bekletir; `wait_until` sınırlıdır."""

from __future__ import annotations

import asyncio
import time

from fastapi import FastAPI, WebSocket
from websockets.asyncio.client import connect

from wskurs import serve
from wskurs.ch02_clients import stalled_client, wait_until

CHUNK = "x" * 256 * 1024
LIMIT = 80  # 20 MB: Linux'un en büyük gönderme tamponu (4 MB) bunun çok altında


def pushing_app(progress: dict[str, int]) -> FastAPI:
    app = FastAPI()

    @app.websocket("/ws")
    async def push(websocket: WebSocket):
        await websocket.accept()
        for _ in range(LIMIT):
            await websocket.send_text(CHUNK)
            progress["sent"] += 1
        await websocket.close()

    return app


def test_stalled_client_blocks_the_servers_send():
    """Hiç okumayan istemciye yazan sunucunun `send_text`'i birkaç megabayttan sonra bekler;
    aynı sunucu okuyan bir istemciye hepsini gönderir."""

    async def main():
        stalled_progress = {"sent": 0}
        async with serve(pushing_app(stalled_progress)) as server:
            stalled = await stalled_client(server.ws_url("/ws"))
            await asyncio.sleep(1.0)
            stalled.transport.abort()
        normal_progress = {"sent": 0}
        async with (
            serve(pushing_app(normal_progress)) as server,
            connect(server.ws_url("/ws"), compression=None) as ws,
        ):
            received = [message async for message in ws]
        return stalled_progress["sent"], normal_progress["sent"], len(received)

    stalled_sent, normal_sent, received = asyncio.run(main())
    assert 0 < stalled_sent < LIMIT // 2
    assert normal_sent == received == LIMIT


def test_wait_until_returns_true_when_the_condition_holds():
    """`wait_until` koşul doğru olunca `True` döner."""

    async def main():
        state = {"done": False}
        asyncio.get_running_loop().call_later(0.05, state.update, {"done": True})
        return await wait_until(lambda: state["done"], timeout=2)

    assert asyncio.run(main()) is True


def test_wait_until_gives_up_without_raising():
    """`wait_until` süre dolunca hata fırlatmadan `False` döner."""

    started = time.perf_counter()
    assert asyncio.run(wait_until(lambda: False, timeout=0.2)) is False
    assert time.perf_counter() - started < 2
