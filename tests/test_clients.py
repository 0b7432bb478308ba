"""`wskurs.engine.clients`: okumayan istemci sunucunun gönderimini gerçekten bekletir, gönderdiği
metinler sunucuya ulaşır, reddedilen el sıkışma açık bir hata verir, koparılması sunucuya
kopan bir bağlantı olarak görünür; `wait_until` sınırlıdır."""

from __future__ import annotations

import asyncio
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from fastapi import FastAPI, WebSocket, WebSocketDisconnect
from websockets.asyncio.client import connect

from wskurs import serve
from wskurs.engine.clients import open_stalled_client, stalled_client, wait_until
from wskurs.engine.timing import scaled

CHUNK = "x" * 64 * 1024
LIMIT = 320  # 20 MB: Linux'un en büyük gönderme tamponu (4 MB) bunun çok altında


def run(coro_fn):
    """``asyncio.run`` ayrı bir iş parçacığında: aynı oturumda Playwright'ın (senkron API) ana
    iş parçacığında çalışan loop'u varken de çalışır."""
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(lambda: asyncio.run(coro_fn())).result()


def pushing_app(progress: dict[str, object], *, first: bool = True, send_timeout: float | None = 0.5) -> FastAPI:
    """``LIMIT`` parça gönderen uygulama. ``send_timeout`` ``None`` ise gönderim sınırsız bekler."""
    app = FastAPI()

    @app.websocket("/ws")
    async def push(websocket: WebSocket):
        await websocket.accept()
        if first:
            progress["first"] = await websocket.receive_text()
        try:
            for _ in range(LIMIT):
                await asyncio.wait_for(websocket.send_text(CHUNK), send_timeout)
                progress["sent"] += 1
        except TimeoutError:
            progress["blocked"] = True
        except WebSocketDisconnect:
            pass

    return app


def test_stalled_client_blocks_the_servers_send():
    """Okumayan istemciye yazan sunucu birkaç MB sonra bekler; okuyan istemciye hepsini yazar;
    istemcinin el sıkışmadan sonra gönderdiği metin sunucuya ulaşır."""

    async def main():
        stalled = {"sent": 0, "blocked": False}
        async with (
            serve(pushing_app(stalled)) as server,
            stalled_client(server.ws_url("/ws"), send=["merhaba"]) as client,
        ):
            assert client.status == 101
            await wait_until(lambda: stalled["blocked"], timeout=5)
        reading = {"sent": 0, "blocked": False}
        async with serve(pushing_app(reading)) as server, connect(server.ws_url("/ws"), compression=None) as ws:
            await ws.send("merhaba")
            for _ in range(LIMIT):
                await ws.recv()
        return stalled, reading

    stalled, reading = run(main)
    assert stalled["first"] == "merhaba"
    assert stalled["blocked"] is True
    assert 0 < stalled["sent"] * len(CHUNK) < 12 * 1024 * 1024
    assert reading["sent"] == LIMIT and reading["blocked"] is False


def test_open_stalled_client_blocks_an_unbounded_send_until_aborted():
    """``open_stalled_client`` ile açılan istemci (blok yok) sınırsız bir ``send_text``'i de
    birkaç MB sonra durdurur; ``abort()`` ile koparılınca bekleyen gönderim hatayla biter."""

    async def main():
        progress = {"sent": 0, "blocked": False}
        async with serve(pushing_app(progress, first=False, send_timeout=None)) as server:
            client = await open_stalled_client(server.ws_url("/ws"))
            try:
                await asyncio.sleep(1.0)
                sent_before_abort = progress["sent"]
                client.abort()
                assert client.aborted
                # Koparılınca sunucunun bekleyen gönderimi hata verir ve handler biter.
                finished = await wait_until(lambda: server.connections == 0, timeout=5)
            finally:
                client.abort()  # ikinci kez: zararsız
        return sent_before_abort, progress["sent"], finished

    sent_before_abort, sent, finished = run(main)
    assert 0 < sent_before_abort < LIMIT // 2
    assert sent == sent_before_abort  # koparıldıktan sonra hiçbir parça "gönderilmiş" sayılmadı
    assert finished


def test_abort_is_seen_by_the_server_as_a_dropped_connection():
    """``abort()`` kapanış çerçevesi göndermez: sunucu 1000 değil, kopan bağlantı kodu görür;
    koparılmış istemciyle gönderim açık bir hata verir."""

    async def main():
        seen: list[dict] = []
        app = FastAPI()

        @app.websocket("/ws")
        async def record(websocket: WebSocket):
            await websocket.accept()
            while True:
                message = await websocket.receive()
                seen.append(message)
                if message["type"] == "websocket.disconnect":
                    return

        async with serve(app) as server, stalled_client(server.ws_url("/ws"), send=["bir", "iki"]) as client:
            assert await wait_until(lambda: len(seen) == 2, timeout=5)
            client.abort()
            assert await wait_until(lambda: len(seen) == 3, timeout=5)
            with pytest.raises(ConnectionError):
                await client.send_text("üç")
        return seen

    seen = run(main)
    assert [m.get("text") for m in seen[:2]] == ["bir", "iki"]
    assert seen[2]["type"] == "websocket.disconnect"
    assert seen[2]["code"] in (1005, 1006)


def test_stalled_client_reports_a_refused_handshake():
    """El sıkışma reddedilirse (ör. yol yok: HTTP 403) açık bir hata verir."""

    async def main():
        async with serve(FastAPI()) as server, stalled_client(server.ws_url("/yok")):
            pass

    with pytest.raises(ConnectionError, match="HTTP 403"):
        run(main)


def test_wait_until_returns_true_when_the_condition_holds():
    """`wait_until` koşul doğru olunca `True` döner."""

    async def main():
        state = {"done": False}
        asyncio.get_running_loop().call_later(0.05, state.update, {"done": True})
        return await wait_until(lambda: state["done"], timeout=2)

    assert run(main) is True


def test_wait_until_gives_up_without_raising():
    """`wait_until` süre dolunca hata fırlatmadan `False` döner."""

    started = time.perf_counter()
    assert run(lambda: wait_until(lambda: False, timeout=0.2)) is False
    assert time.perf_counter() - started < scaled(2)
