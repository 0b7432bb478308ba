"""`wskurs.ch06_olcum`: okumayan istemci sunucunun gönderimini gerçekten bekletir, gönderdiği
metinler sunucuya ulaşır; birikimli teslim grafiği her senaryoyu çizer."""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor

import pytest
from fastapi import FastAPI, WebSocket, WebSocketDisconnect
from websockets.asyncio.client import connect

from wskurs import serve
from wskurs.ch06_olcum import cumulative_plot, stalled_client

CHUNK = "x" * 64 * 1024
LIMIT = 320  # 20 MB: Linux'un en büyük gönderme tamponu (4 MB) bunun çok altında


def run(coro_fn):
    """``asyncio.run`` ayrı bir iş parçacığında: aynı oturumda Playwright'ın (senkron API) ana
    iş parçacığında çalışan loop'u varken de çalışır."""
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(lambda: asyncio.run(coro_fn())).result()


def pushing_app(progress: dict[str, object]) -> FastAPI:
    app = FastAPI()

    @app.websocket("/ws")
    async def push(websocket: WebSocket):
        await websocket.accept()
        progress["first"] = await websocket.receive_text()
        try:
            for _ in range(LIMIT):
                await asyncio.wait_for(websocket.send_text(CHUNK), 0.5)
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
            for _ in range(100):
                if stalled["blocked"]:
                    break
                await asyncio.sleep(0.05)
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


def test_stalled_client_reports_a_refused_handshake():
    """El sıkışma reddedilirse (ör. yol yok: HTTP 403) açık bir hata verir."""

    async def main():
        async with serve(FastAPI()) as server, stalled_client(server.ws_url("/yok")):
            pass

    with pytest.raises(ConnectionError, match="HTTP 403"):
        run(main)


def test_cumulative_plot_draws_one_line_per_scenario():
    """Her senaryo için bir çizgi, beklenen toplam için kesikli bir çizgi."""
    fig = cumulative_plot({"a": [3.0, 1.0, 2.0], "b": [5.0]}, title="deneme", total=3)
    ax = fig.axes[0]
    labels = [line.get_label() for line in ax.get_lines()]
    assert labels == ["a", "b", "beklenen"]
    assert list(ax.get_lines()[0].get_ydata()) == [0, 1, 2, 3]
    assert ax.get_title() == "deneme"
    extended = cumulative_plot({"a": [1.0, 2.0]}, title="uzat", until=10.0).axes[0].get_lines()[0]
    assert list(extended.get_xdata()) == [0.0, 1.0, 2.0, 10.0]
    assert list(extended.get_ydata()) == [0, 1, 2, 2]
