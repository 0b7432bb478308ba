"""`wskurs.engine.proxy`: ``NO_PROXY``'ye yerel adresler eklenir (kullanıcının değerleri kalır); kursun
kendi istemcileri ortamdaki ölü bir proxy'ye rağmen yerel sunucuya doğrudan bağlanır; bağlanılamayınca
geri bildirim tanımlı proxy değişkenini ve düzeltmesini söyler."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor

import pytest
from fastapi import FastAPI, WebSocket

from wskurs import serve
from wskurs.checks.agent import AgentError, ask_judge
from wskurs.checks.client import open_ws, receive
from wskurs.checks.errors import Mismatch
from wskurs.engine.proxy import LOOPBACK, bypass_loopback, proxy_hint, proxy_settings
from wskurs.engine.timing import scaled
from wskurs.lessons.load_client import _open as open_load_clients

from labtools import PROXY_NAMES, ROOT, dead_port, dead_proxy_env


@pytest.fixture
def dead_proxy(monkeypatch):
    """Bu testin süreci okul ağındaymış gibi: proxy'ler ölü, ``NO_PROXY`` yok."""
    for name in ("NO_PROXY", "no_proxy"):
        monkeypatch.delenv(name, raising=False)
    proxy = f"http://127.0.0.1:{dead_port()}"
    for name in PROXY_NAMES:
        monkeypatch.setenv(name, proxy)
    return proxy


def run(coro_fn):
    """``asyncio.run`` ayrı bir iş parçacığında (Playwright'ın loop'u aynı oturumda açık olabilir)."""
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(lambda: asyncio.run(coro_fn())).result()


def echo_app() -> FastAPI:
    app = FastAPI()

    @app.websocket("/ws")
    async def echo(websocket: WebSocket):
        await websocket.accept()
        await websocket.send_text("merhaba")
        await websocket.close()

    return app


def test_bypass_adds_loopback_and_keeps_the_users_entries():
    """Yerel adresler iki değişkene de eklenir; kullanıcının yazdıkları yerinde ve sırasında kalır;
    yalnızca biri tanımlıysa öteki onun değeriyle başlar; ikinci çağrı hiçbir şeyi değiştirmez."""
    env = {"NO_PROXY": "intranet.okul.edu.tr, 10.0.0.0/8"}
    bypass_loopback(env)
    expected = ",".join(["intranet.okul.edu.tr", "10.0.0.0/8", *LOOPBACK])
    assert env == {"NO_PROXY": expected, "no_proxy": expected}
    bypass_loopback(env)
    assert env == {"NO_PROXY": expected, "no_proxy": expected}

    both = {"NO_PROXY": "a.example,localhost", "no_proxy": "b.example"}
    bypass_loopback(both)
    assert both == {"NO_PROXY": "a.example,localhost,127.0.0.1,::1", "no_proxy": "b.example,127.0.0.1,localhost,::1"}

    empty: dict[str, str] = {}
    bypass_loopback(empty)
    assert empty == {"NO_PROXY": "127.0.0.1,localhost,::1", "no_proxy": "127.0.0.1,localhost,::1"}


def test_bypass_leaves_a_star_alone():
    """``NO_PROXY=*`` (hiçbir adres proxy'ye gitmez) olduğu gibi kalır: ``*,127.0.0.1`` onu bozardı."""
    env = {"no_proxy": "*"}
    bypass_loopback(env)
    assert env == {"NO_PROXY": "*", "no_proxy": "*"}


def test_importing_wskurs_bypasses_loopback_in_a_fresh_process():
    """Yeni bir süreçte ``import wskurs`` ``NO_PROXY``'ye yerel adresleri ekler ve kullanıcının değerini
    korur; websockets de artık ``ws://127.0.0.1`` için proxy seçmez."""
    code = (
        "import os, wskurs\n"
        "from websockets.proxy import get_proxy\n"
        "from websockets.uri import parse_uri\n"
        "print(os.environ['NO_PROXY']); print(os.environ['no_proxy'])\n"
        "print(get_proxy(parse_uri('ws://127.0.0.1:8000/ws')), get_proxy(parse_uri('ws://uzak.example/ws')))\n"
    )
    env = dead_proxy_env() | {"NO_PROXY": "intranet.example"}
    result = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=scaled(30), cwd=ROOT
    )
    assert result.returncode == 0, result.stderr
    upper, lower, proxies = result.stdout.splitlines()
    assert upper == lower == "intranet.example,127.0.0.1,localhost,::1"
    direct, remote = proxies.split()
    assert direct == "None" and remote == env["HTTP_PROXY"]


def test_proxy_settings_hide_credentials():
    """Geri bildirimde proxy'nin kullanıcı adı ve parolası görünmez; adresi ve değişkenin adı görünür."""
    env = {"HTTPS_PROXY": "http://ayse:gizli@proxy.okul:3128", "http_proxy": "proxy.okul:8080", "NO_PROXY": "x"}
    assert proxy_settings(env) == [("http_proxy", "proxy.okul:8080"), ("HTTPS_PROXY", "http://***@proxy.okul:3128")]


def test_hint_is_empty_without_a_proxy_and_names_it_with_one():
    """Proxy yoksa açıklama boştur; varsa değişkeni ve ``NO_PROXY=127.0.0.1,localhost`` düzeltmesini
    söyler; ``NO_PROXY`` adresi zaten kapsıyorsa bağlantının proxy'ye gitmediğini söyler."""
    url = "ws://127.0.0.1:8765/ws"
    assert proxy_hint(url, {"NO_PROXY": "127.0.0.1"}) == ""
    hint = proxy_hint(url, {"ALL_PROXY": "socks5://ayse:gizli@10.1.1.1:1080"})
    assert "ALL_PROXY=socks5://***@10.1.1.1:1080" in hint and "NO_PROXY=127.0.0.1,localhost" in hint
    assert "gizli" not in hint and "proxy=None" in hint
    covered = proxy_hint(url, {"http_proxy": "http://10.1.1.1:3128", "no_proxy": "localhost,127.0.0.1"})
    assert "http_proxy=http://10.1.1.1:3128" in covered and "gitmedi" in covered
    assert "gitmedi" not in proxy_hint(url, {"HTTP_PROXY": "http://p:1", "NO_PROXY": "x", "no_proxy": "localhost"})


def test_agent_names_the_proxy_when_the_judge_is_unreachable(monkeypatch, dead_proxy):
    """Yargıç adresinde kimse dinlemiyorsa ve ortamda proxy varsa, ``AgentError`` proxy değişkenini
    ve ``NO_PROXY`` düzeltmesini söyler."""
    monkeypatch.setenv("WSKURS_JUDGE", f"ws://127.0.0.1:{dead_port()}#token")
    with pytest.raises(AgentError) as caught:
        run(lambda: ask_judge("1.1", {}))
    message = str(caught.value)
    assert message.startswith("Yargıca bağlanılamadı (ConnectionRefusedError).")
    assert f"HTTP_PROXY={dead_proxy}" in message and "NO_PROXY=127.0.0.1,localhost" in message


def test_check_client_names_the_proxy_when_the_server_is_unreachable(dead_proxy):
    """Kontrolün istemcisi öğrencinin sunucusuna bağlanamazsa ipucu proxy değişkenini ve düzeltmesini söyler."""
    with pytest.raises(Mismatch) as caught:
        run(lambda: open_ws(f"ws://127.0.0.1:{dead_port()}/ws"))
    hint = caught.value.hint or ""
    assert "accept()" in hint and f"HTTPS_PROXY={dead_proxy}" in hint and "NO_PROXY=127.0.0.1" in hint


def test_course_clients_ignore_a_dead_proxy(dead_proxy):
    """Ortamdaki bütün proxy'ler ölü ve ``NO_PROXY`` yokken kontrolün istemcisi ve yük istemcisi yerel
    sunucuya doğrudan bağlanır."""

    async def scenario() -> tuple[str, int, list[str]]:
        async with serve(echo_app()) as server:
            ws = await open_ws(server.ws_url("/ws"))
            greeting = await receive(ws, "selam")
            await ws.close()
            opened, errors = await open_load_clients(server.ws_url("/ws"), 3, 3)
            for client in opened:
                await client.close()
            return greeting, len(opened), errors

    assert "127.0.0.1" not in os.environ.get("NO_PROXY", "")
    assert run(scenario) == ("merhaba", 3, [])
