"""`wskurs.ch07_redis`: gerçek bir redis-server başlar, PING'e yanıt verir, yalnız 127.0.0.1'i
dinler ve pid'iyle durdurulur; program yoksa hata kurulum komutunu söyler."""

from __future__ import annotations

import shutil
import socket

import pytest

from wskurs import ch07_redis
from wskurs.ch07_redis import INSTALL_HINT, RedisNotFound, redis_server, require_redis, start_redis

from helpers import alive, run

needs_redis = pytest.mark.skipif(
    shutil.which("redis-server") is None, reason=f"redis-server kurulu değil; kurmak için: {INSTALL_HINT}"
)


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


def test_missing_program_names_the_install_command(monkeypatch):
    """redis-server PATH'te yoksa hata Türkçedir ve kurulum komutunu verir."""
    monkeypatch.setattr(ch07_redis.shutil, "which", lambda name: None)
    with pytest.raises(RedisNotFound) as info:
        require_redis()
    assert "sudo apt-get install redis-server" in str(info.value)
    with pytest.raises(RedisNotFound):
        run(lambda: start_redis(name="test-yok"))
