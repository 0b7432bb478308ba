"""`wskurs.engine.reverse_proxy`: proxy.py gerçek bir ters proxy süreci olarak başlar, WebSocket el
sıkışmasını `Upgrade` başlıklarıyla arka uca iletir, `X-Forwarded-For` ekler, boşta kalan bağlantıyı
keser ve pid'iyle durdurulur; proxy.py yoksa kurulum komutunu söyler."""

from __future__ import annotations

import asyncio
import json
import textwrap

import pytest
from websockets.asyncio.client import connect

from wskurs.engine import reverse_proxy as module
from wskurs.engine.reverse_proxy import ProxyUnavailable, proxy_installed, reverse_proxy, start_reverse_proxy
from wskurs.engine.timing import scaled
from wskurs.engine.uvicorn_process import uvicorn_process

from helpers import alive, run

# Gerçek süreçler (uvicorn ve proxy.py) başlatır ve zaman aşımını bekler: hızlı katmanın dışında.
pytestmark = pytest.mark.yavas

APP = textwrap.dedent(
    """
    from fastapi import FastAPI, WebSocket

    app = FastAPI()


    @app.websocket("/kim")
    async def kim(websocket: WebSocket):
        await websocket.accept()
        await websocket.send_json({"istemci": list(websocket.client), "upgrade": websocket.headers.get("upgrade"),
                                   "xff": websocket.headers.get("x-forwarded-for")})
        while True:
            await websocket.send_text(await websocket.receive_text())
    """
)

needs_proxy = pytest.mark.skipif(not proxy_installed(), reason="proxy.py kurulu değil")


@needs_proxy
def test_the_proxy_forwards_the_handshake_and_adds_x_forwarded_for(tmp_path):
    """Proxy'den gelen el sıkışmada arka uç `Upgrade: websocket` ve `X-Forwarded-For` görür; varsayılan
    uvicorn 127.0.0.1'deki proxy'ye güvenip adresi başlıktan alır (port 0), `--forwarded-allow-ips`
    başka bir adresse proxy'nin kendi soketini görür; mesajlar iki yönde geçer; stop() süreci bitirir."""
    (tmp_path / "arka.py").write_text(APP, encoding="utf-8")

    async def main():
        async with (
            uvicorn_process("arka:app", workers=1, app_dir=tmp_path) as backend,
            reverse_proxy(backend.http_url) as proxy,
            connect(proxy.ws_url("/kim"), open_timeout=scaled(5)) as ws,
        ):
            trusted = json.loads(await asyncio.wait_for(ws.recv(), scaled(5)))
            await ws.send("merhaba")
            echo = await asyncio.wait_for(ws.recv(), scaled(5))
        async with (
            uvicorn_process(
                "arka:app", workers=1, app_dir=tmp_path, options=["--forwarded-allow-ips", "10.0.0.5"]
            ) as b,
            reverse_proxy(b.http_url) as other,
            connect(other.ws_url("/kim"), open_timeout=scaled(5)) as ws,
        ):
            untrusted = json.loads(await asyncio.wait_for(ws.recv(), scaled(5)))
        return trusted, echo, untrusted, proxy

    trusted, echo, untrusted, proxy = run(main)
    assert trusted == {"istemci": ["127.0.0.1", 0], "upgrade": "websocket", "xff": "127.0.0.1"}
    assert echo == "merhaba"
    assert untrusted["xff"] == "127.0.0.1" and untrusted["istemci"][1] != 0
    assert not proxy.running and not alive(proxy.pid)


@needs_proxy
def test_an_idle_connection_is_cut_but_a_pinging_one_stays(tmp_path):
    """Proxy'nin boşta kalma süresi (1 sn) dolunca hiçbir şey göndermeyen bağlantı kapanış çerçevesiz
    (1006) kesilir; süreden kısa aralıkla ping atan bağlantı açık kalır."""
    (tmp_path / "arka.py").write_text(APP, encoding="utf-8")

    async def idle(url: str, ping_interval: float | None) -> int | None:
        async with connect(url, ping_interval=ping_interval, ping_timeout=scaled(5), open_timeout=scaled(5)) as ws:
            await asyncio.wait_for(ws.recv(), scaled(5))
            try:
                await asyncio.wait_for(ws.wait_closed(), 3)
            except TimeoutError:
                return None
            return ws.close_code

    async def main():
        async with (
            uvicorn_process("arka:app", workers=1, app_dir=tmp_path) as backend,
            reverse_proxy(backend.http_url, idle_timeout=1) as proxy,
        ):
            return await asyncio.gather(idle(proxy.ws_url("/kim"), None), idle(proxy.ws_url("/kim"), 0.3))

    silent, pinging = run(main)
    assert silent == 1006
    assert pinging is None


def test_a_missing_proxy_py_is_reported_in_turkish(monkeypatch):
    """proxy.py kurulu değilse süreç başlatılmaz; hata kurulum komutunu Türkçe söyler."""
    monkeypatch.setattr(module, "proxy_installed", lambda: False)

    async def main():
        return await start_reverse_proxy("http://127.0.0.1:9", name="test-yok")

    with pytest.raises(ProxyUnavailable, match=r"pip install proxy\.py"):
        run(main)
