"""`wskurs.server`: bir betikte ve pytest'te aynı API ile gerçek uvicorn sunucusu."""

from __future__ import annotations

import asyncio
import socket

import httpx
import pytest
from fastapi import FastAPI, WebSocket
from websockets.asyncio.client import connect

from wskurs import ServerStartError, running_servers, serve, serve_in_thread, start_server, stop_all


def make_app() -> FastAPI:
    app = FastAPI()

    @app.get("/")
    async def root():
        print("kök çağrıldı")
        return {"ok": True}

    @app.websocket("/ws")
    async def echo(websocket: WebSocket):
        await websocket.accept()
        text = await websocket.receive_text()
        await websocket.send_text(f"yankı: {text}")
        await websocket.close()

    return app


def test_serve_gives_real_addresses_and_stops():
    """`serve` 127.0.0.1'de gerçek bir port açar, HTTP ve WebSocket yanıtlar, çıkışta portu bırakır."""

    async def main():
        async with serve(make_app()) as server:
            assert server.host == "127.0.0.1" and server.port > 0
            assert server.ws_url("/ws") == f"ws://127.0.0.1:{server.port}/ws"
            async with httpx.AsyncClient() as client:
                assert (await client.get(server.url("/"))).json() == {"ok": True}
            async with connect(server.ws_url("/ws")) as ws:
                await ws.send("merhaba")
                assert await ws.recv() == "yankı: merhaba"
        return server

    server = asyncio.run(main())
    assert not server.running
    with pytest.raises(OSError), socket.create_connection(("127.0.0.1", server.port), timeout=1):
        pass


def test_print_and_access_log_go_to_the_server_log(capsys):
    """Uygulamanın `print`'i ve uvicorn'un erişim günlüğü ekrana değil sunucunun günlüğüne yazılır."""

    async def main():
        async with serve(make_app()) as server:
            async with httpx.AsyncClient() as client:
                await client.get(server.url("/"))
            return server.log

    log = asyncio.run(main())
    assert "kök çağrıldı" in log
    assert any('"GET / HTTP/1.1" 200' in line for line in log)
    captured = capsys.readouterr()
    assert "kök çağrıldı" not in captured.out + captured.err


def test_same_name_replaces_on_the_same_port():
    """Aynı adla yeniden başlatmak eskisini durdurur ve aynı portu kullanır."""

    async def main():
        first = await start_server(make_app(), name="deneme")
        second = await start_server(make_app(), name="deneme")
        try:
            assert second.port == first.port
            assert not first.running and second.running
            assert running_servers()["deneme"] is second
        finally:
            await stop_all()
        assert running_servers() == {}

    asyncio.run(main())


def test_restart_after_stop_reuses_the_port_or_falls_back():
    """Durdurulup aynı adla başlatılan sunucu aynı portu alır; o port doluysa boş bir port alır."""

    async def main():
        first = await start_server(make_app(), name="tekrar")
        port = first.port
        await first.stop()
        second = await start_server(make_app(), name="tekrar")
        assert second.port == port
        await second.stop()
        blocker = socket.socket()
        blocker.bind(("127.0.0.1", port))
        blocker.listen()
        try:
            third = await start_server(make_app(), name="tekrar")
            assert third.port != port and third.running
            await third.stop()
        finally:
            blocker.close()

    asyncio.run(main())


def test_busy_port_is_a_clear_turkish_error():
    """İstenen port doluysa SystemExit değil, Türkçe bir ServerStartError gelir."""
    blocker = socket.socket()
    blocker.bind(("127.0.0.1", 0))
    blocker.listen()
    port = blocker.getsockname()[1]

    async def main():
        with pytest.raises(ServerStartError, match="kullanılamıyor"):
            await start_server(make_app(), name="dolu", port=port)

    try:
        asyncio.run(main())
    finally:
        blocker.close()


def test_failing_lifespan_is_reported_with_the_log_tail():
    """Başlarken çöken bir uygulama sunucuyu öldürmez; hata ve günlüğün sonu mesajda yer alır."""
    from contextlib import asynccontextmanager

    @asynccontextmanager
    async def lifespan(app):
        raise RuntimeError("veritabanı yok")
        yield

    async def main():
        with pytest.raises(ServerStartError) as info:
            await start_server(FastAPI(lifespan=lifespan), name="cokuk")
        return str(info.value)

    message = asyncio.run(main())
    assert "başlatılamadı" in message and "veritabanı yok" in message


def test_serve_in_thread_for_synchronous_code():
    """`serve_in_thread` senkron kodun (ör. tarayıcı testleri) bir sunucuya bağlanmasını sağlar."""
    with serve_in_thread(make_app()) as server:
        assert httpx.get(server.url("/"), timeout=5).json() == {"ok": True}
    assert not server.running
