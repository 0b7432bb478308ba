"""`wskurs.engine.server`: bir betikte ve pytest'te aynı API ile gerçek uvicorn sunucusu."""

from __future__ import annotations

import asyncio
import json
import socket

import httpx
import pytest
from fastapi import FastAPI, WebSocket, WebSocketDisconnect
from websockets.asyncio.client import connect

from wskurs import ServerStartError, running_servers, serve, serve_in_thread, start_server, stop_all
from wskurs.engine.browser_base import BrowserMode, browser_base
from wskurs.engine.timing import scaled


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
            async with httpx.AsyncClient(trust_env=False) as client:
                assert (await client.get(server.url("/"))).json() == {"ok": True}
            async with connect(server.ws_url("/ws")) as ws:
                await ws.send("merhaba")
                assert await ws.recv() == "yankı: merhaba"
        return server

    server = asyncio.run(main())
    assert not server.running
    with pytest.raises(OSError), socket.create_connection(("127.0.0.1", server.port), timeout=1):
        pass


def test_accepted_connections_send_small_messages_without_delay():
    """Sunucunun kabul ettiği her bağlantıda TCP_NODELAY açıktır (art arda küçük mesajlar Nagle
    algoritmasına takılmaz)."""

    async def main():
        async with serve(make_app()) as server, connect(server.ws_url("/ws")):
            assert server._server is not None
            sockets = [c.transport.get_extra_info("socket") for c in server._server.server_state.connections]
            return [s.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY) for s in sockets]

    flags = asyncio.run(main())
    assert flags and all(flags), flags


def stalled_reader_app(state: dict[str, str]) -> FastAPI:
    app = FastAPI()

    @app.websocket("/ws")
    async def push(websocket: WebSocket):
        await websocket.accept()
        state["handler"] = "gönderiyor"
        try:
            # Çekirdeğin gönderme tamponuna (Linux'ta en çok 4 MB) sığmayan bir mesaj: geri kalanı
            # uvicorn'un tamponunda kalır, ping'in transport.close()'u onu hiç boşaltamaz.
            await websocket.send_text("x" * 12 * 1024 * 1024)
            for _ in range(100):
                await asyncio.wait_for(websocket.send_text("küçük"), scaled(0.5))
        except TimeoutError:
            state["handler"] = "okuyor"
            try:
                await websocket.receive_text()
            except WebSocketDisconnect:
                state["handler"] = "bitti"
        except WebSocketDisconnect:  # çekirdek bağlantıyı gönderim sürerken kesti
            state["handler"] = "bitti"

    return app


@pytest.mark.yavas  # kesilmediğini görmek için süre dolana dek bekler
@pytest.mark.skipif(not hasattr(socket, "TCP_USER_TIMEOUT"), reason="TCP_USER_TIMEOUT yalnızca Linux'ta var")
@pytest.mark.parametrize("user_timeout", [None, 0.5])
def test_tcp_user_timeout_evicts_a_live_peer_that_never_reads(user_timeout):
    """Hiç okumayan canlı bir istemciyi uvicorn'un ping'i düşürmez (soket ve handler kalır);
    ``tcp_user_timeout`` verilince çekirdek bağlantıyı keser ve handler biter."""
    from wskurs.engine.clients import open_stalled_client, wait_until

    async def main():
        state = {"handler": "yok"}
        app = stalled_reader_app(state)
        async with serve(app, tcp_user_timeout=user_timeout, ws_ping_interval=0.2, ws_ping_timeout=0.2) as server:
            cem = await open_stalled_client(server.ws_url("/ws"))
            try:
                assert await wait_until(lambda: state["handler"] in ("okuyor", "bitti"), timeout=5)
                evicted = await wait_until(lambda: server.connections == 0, timeout=4)  # wait_until ölçekler
                if evicted:  # bağlantı sayısı, handler'ın finally'si bitmeden düşebilir
                    await wait_until(lambda: state["handler"] == "bitti", timeout=2)
                return evicted, state["handler"]
            finally:
                cem.abort()

    evicted, handler = asyncio.run(main())
    if user_timeout is None:
        assert not evicted and handler == "okuyor"
    else:
        assert evicted and handler == "bitti"


@pytest.mark.skipif(not hasattr(socket, "TCP_USER_TIMEOUT"), reason="TCP_USER_TIMEOUT yalnızca Linux'ta var")
def test_tcp_user_timeout_is_set_on_accepted_connections():
    """``tcp_user_timeout`` saniyesi kabul edilen soketlere milisaniye olarak geçer."""

    async def main():
        async with serve(make_app(), tcp_user_timeout=1.5) as server:
            with socket.create_connection(("127.0.0.1", server.port)) as client:
                await asyncio.sleep(0.1)
                (protocol,) = server._server.server_state.connections
                sock = protocol.transport.get_extra_info("socket")
                return sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_USER_TIMEOUT), client

    value, _ = asyncio.run(main())
    assert value == 1500


def test_print_and_access_log_go_to_the_server_log(capsys):
    """Uygulamanın `print`'i ve uvicorn'un erişim günlüğü ekrana değil sunucunun günlüğüne yazılır."""

    async def main():
        async with serve(make_app()) as server:
            async with httpx.AsyncClient(trust_env=False) as client:
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
        assert httpx.get(server.url("/"), timeout=scaled(5), trust_env=False).json() == {"ok": True}
    assert not server.running


# Tarayıcı adresi (browser_url) ------------------------------------------------------------

BROWSER_ENV = ("WSKURS_BROWSER_BASE", "JUPYTERHUB_SERVICE_PREFIX", "JPY_PARENT_PID")


@pytest.fixture
def browser_env(monkeypatch, tmp_path):
    """Jupyter'den gelebilecek ortam değişkenleri temizlenmiş, çalışma dizini boş bir ortam."""
    for name in BROWSER_ENV:
        monkeypatch.delenv(name, raising=False)
    runtime = tmp_path / "runtime"
    runtime.mkdir()
    monkeypatch.setenv("JUPYTER_RUNTIME_DIR", str(runtime))
    return monkeypatch, runtime


def _browser_urls(*paths):
    async def main():
        async with serve(make_app()) as server:
            return server.port, server.url("/"), [server.browser_url(path) for path in paths]

    return asyncio.run(main())


def test_browser_url_is_direct_without_a_jupyter_server(browser_env):
    """Jupyter sunucusu yoksa (betik, pytest) tarayıcı adresi doğrudan adrestir ve çalışır."""
    port, direct, (root, page) = _browser_urls("/", "sayfa/")
    assert root == direct == f"http://127.0.0.1:{port}/"
    assert page == f"http://127.0.0.1:{port}/sayfa/"

    async def fetch():
        async with serve(make_app()) as server, httpx.AsyncClient(trust_env=False) as client:
            return (await client.get(server.browser_url("/"))).json()

    assert asyncio.run(fetch()) == {"ok": True}


def test_browser_url_uses_the_hub_prefix(browser_env):
    """JupyterHub/Binder'da (JUPYTERHUB_SERVICE_PREFIX) adres <önek>proxy/<port>/<yol> olur;
    yol ve sorgu korunur, ASCII dışı harfler yüzde kodlanır."""
    monkeypatch, _ = browser_env
    monkeypatch.setenv("JUPYTERHUB_SERVICE_PREFIX", "/user/ogrenci/")
    port, direct, (root, chat) = _browser_urls("/", "/sayfa/?username=Ayşe")
    assert direct == f"http://127.0.0.1:{port}/"
    assert root == f"/user/ogrenci/proxy/{port}/"
    assert chat == f"/user/ogrenci/proxy/{port}/sayfa/?username=Ay%C5%9Fe"


def test_browser_url_finds_the_jupyter_server_that_started_the_kernel(browser_env):
    """Çekirdeği başlatan sunucunun (JPY_PARENT_PID) jpserver-<pid>.json dosyasındaki base_url
    kullanılır; başka bir sürecin dosyası kullanılmaz."""
    monkeypatch, runtime = browser_env
    (runtime / "jpserver-4242.json").write_text(json.dumps({"base_url": "/user/ogrenci/", "port": 8888}))
    (runtime / "jpserver-5151.json").write_text(json.dumps({"base_url": "/baska/", "port": 8889}))
    monkeypatch.setenv("JPY_PARENT_PID", "4242")
    port, _, (root,) = _browser_urls("/")
    assert root == f"/user/ogrenci/proxy/{port}/"
    assert browser_base().source == "jpserver-4242.json"

    monkeypatch.setenv("JPY_PARENT_PID", "999999")
    _, direct, (root,) = _browser_urls("/")
    assert root == direct


def test_browser_url_root_server_and_bad_json(browser_env):
    """Kök adreste çalışan bir JupyterLab (base_url '/') '/proxy/<port>/' verir; bozuk bir
    jpserver dosyası görmezden gelinir."""
    monkeypatch, runtime = browser_env
    (runtime / "jpserver-4242.json").write_text(json.dumps({"base_url": "/"}))
    (runtime / "jpserver-4343.json").write_text("{bozuk")
    monkeypatch.setenv("JPY_PARENT_PID", "4242")
    port, _, (root,) = _browser_urls("/")
    assert root == f"/proxy/{port}/"
    monkeypatch.setenv("JPY_PARENT_PID", "4343")
    _, direct, (root,) = _browser_urls("/")
    assert root == direct


def test_browser_url_override_wins(browser_env):
    """WSKURS_BROWSER_BASE her şeyden önce gelir: temel adres, {port} şablonu ya da 'dogrudan'."""
    monkeypatch, runtime = browser_env
    monkeypatch.setenv("JUPYTERHUB_SERVICE_PREFIX", "/user/ogrenci/")
    (runtime / "jpserver-4242.json").write_text(json.dumps({"base_url": "/lab-sunucu/"}))
    monkeypatch.setenv("JPY_PARENT_PID", "4242")

    monkeypatch.setenv("WSKURS_BROWSER_BASE", "https://sinif.example.org/jupyter")
    port, _, (root,) = _browser_urls("/")
    assert root == f"https://sinif.example.org/jupyter/proxy/{port}/"

    monkeypatch.setenv("WSKURS_BROWSER_BASE", "https://ad-{port}.app.github.dev/")
    port, _, (page,) = _browser_urls("/sayfa/")
    assert page == f"https://ad-{port}.app.github.dev/sayfa/"

    monkeypatch.setenv("WSKURS_BROWSER_BASE", "dogrudan")
    _, direct, (root,) = _browser_urls("/")
    assert root == direct
    assert browser_base().mode is BrowserMode.DIRECT


def test_show_page_shows_only_frames_and_a_turkish_label(browser_env):
    """show_page yalnızca çerçeve(ler) ve 'yeni sekmede aç' bağlantısı gösterir; düz metni kısa
    bir Türkçe etikettir (nesne gösterimi, port yok); adres browser_url'dir."""
    from IPython.core.interactiveshell import InteractiveShell

    from wskurs.engine.pages import show_page

    monkeypatch, _ = browser_env
    monkeypatch.setenv("JUPYTERHUB_SERVICE_PREFIX", "/user/ogrenci/")
    shell = InteractiveShell.instance()
    shown = []
    monkeypatch.setattr(shell.display_pub, "publish", lambda data, **kw: shown.append(data))

    async def main():
        async with serve(make_app()) as server:
            show_page(server, ["/sayfa/?username=Ayşe", "/sayfa/?username=Bora"], height=430)
            return server.port

    port = asyncio.run(main())
    [data] = shown
    assert data["text/plain"] == "[sayfa: /sayfa/?username=Ayşe, /sayfa/?username=Bora]"
    frames = data["text/html"]
    assert frames.count("<iframe") == 2 and 'height="430"' in frames
    assert f'src="/user/ogrenci/proxy/{port}/sayfa/?username=Ay%C5%9Fe"' in frames
    assert "yeni sekmede" in frames and "IFrame" not in frames
