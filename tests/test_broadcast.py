"""`wskurs.lessons.broadcast`: bölüm 5'in yayın ölçümü (yollar, sayan istemci süreci, bellek)."""

from __future__ import annotations

import asyncio
import contextlib
import socket

import pytest

from wskurs import serve
from wskurs.engine.clients import wait_until
from wskurs.engine.timing import scaled
from wskurs.lessons.broadcast import (
    MESSAGE_SIZE,
    STRATEGIES,
    BroadcastHub,
    LoadClient,
    _Counting,
    _open_together,
    hub_app,
    measure_broadcast,
    measure_idle_memory,
    messages,
    sequential,
)


def frame(payload: bytes, opcode: int = 1) -> bytes:
    n = len(payload)
    if n < 126:
        return bytes([0x80 | opcode, n]) + payload
    return bytes([0x80 | opcode, 126]) + n.to_bytes(2, "big") + payload


def test_messages_are_exactly_64_bytes_and_distinct():
    """Her yayın mesajı UTF-8'de tam 64 bayttır ve sıra numarasıyla ötekilerden ayrılır."""
    texts = messages(30)
    assert {len(text.encode()) for text in texts} == {MESSAGE_SIZE}
    assert len(set(texts)) == 30


def test_frame_counter_counts_whole_frames_across_chunks():
    """Sayaç yalnızca tamamlanmış veri çerçevelerini sayar; bölünmüş çerçeve ve 126'lık uzunluk
    alanı sonraki parçayla tamamlanınca sayılır, ping sayılmaz ama maskeli bir pong'la yanıtlanır."""
    ours, theirs = socket.socketpair()
    with ours, theirs:
        counter = _Counting(ours, "127.0.0.1", 1, "/ws")
        data = frame(b"a" * 64) + frame(b"ab", opcode=9) + frame(b"b" * 300) + frame(b"c" * 10, opcode=2)
        counts = [counter.count(data[i : i + 7]) for i in range(0, len(data), 7)]
        assert sum(counts) == 3
        assert counter.buffer == b""
        assert theirs.recv(100) == bytes([0x8A, 0x82, 0, 0, 0, 0]) + b"ab"


def test_load_client_counts_deliveries_and_closes_cleanly():
    """İstemci süreci N bağlantı açar, toplam alınanı hedefe ulaşınca TAMAM ile bildirir,
    ulaşılamayan hedefte sessizlikten sonra EKSIK der ve KAPAT'ta bağlantıları kapatır."""

    async def scenario() -> tuple[int, float | None, int, int | None, int, int]:
        hub = BroadcastHub()
        async with serve(hub_app(hub)) as server:
            async with LoadClient.start(server.ws_url("/ws"), 5) as load:
                assert await wait_until(lambda: len(hub.members) == 5, timeout=10)
                for text in messages(3):
                    await sequential(hub.websockets, text)
                done_at, total = await load.wait_total(15, timeout=10)
                missing_at, missing = await load.wait_total(100, timeout=10, quiet=0.3)
            assert await wait_until(lambda: not hub.members, timeout=10)
            return load.opened, done_at, total, missing_at, missing, len(hub.members)

    opened, done_at, total, missing_at, missing, left = asyncio.run(scenario())
    assert (opened, total) == (5, 15)
    assert done_at is not None
    assert (missing_at, missing) == (None, 15)
    assert left == 0


@pytest.mark.yavas
def test_small_measurement_shows_who_stalls_behind_a_member_that_never_reads():
    """Okumayan bir üye varken sıralı döngü ve gather takılır ve okuyanlara mesajların hepsini
    ulaştıramaz; kuyruklu yöneticinin üç hâli ve broadcast() takılmaz, okuyanlara %100 ulaştırır.
    Defterdeki kısa bekleme payları ve 100 ms'lik zaman aşımıyla da yönetici okumayan üyeyi bırakır,
    okuyan hiçbir üyeyi bırakmaz. Her yolun her turda pozitif bir hızı vardır."""
    results = asyncio.run(
        measure_broadcast(
            20, rounds=1, per_round=5, stall_messages=5, stall_wait=0.1, stall_quiet=0.5, stall_timeout=0.1
        )
    )
    assert list(results) == list(STRATEGIES)
    for name, result in results.items():
        assert len(result.rates) == 1 and result.rates[0] > 0, name
        assert result.stall is not None, name
    for name in ("sıralı döngü", "gather"):
        assert results[name].stall.broadcaster_stalled, name
        assert results[name].stall.reader_share < 1, name
    for name in STRATEGIES[2:]:
        assert not results[name].stall.broadcaster_stalled, name
        assert results[name].stall.reader_share == 1, name
    for name in STRATEGIES[2:5]:
        assert results[name].stall.member_dropped, name
        assert results[name].stall.readers_dropped == 0, name


def test_two_load_clients_open_together_and_close_when_one_fails():
    """İki istemci süreci birlikte açılır; biri açılamazsa (dinlenmeyen port) hata yükselir ve
    açılmış olanın bağlantıları da kapanır: sunucuda bağlantı, geride süreç kalmaz."""

    async def scenario() -> tuple[int, int]:
        hub = BroadcastHub()
        async with serve(hub_app(hub)) as server:
            async with contextlib.AsyncExitStack() as stack:
                both = await _open_together(stack, [server.ws_url("/ws"), server.ws_url("/ws")], 3)
                async with asyncio.timeout(scaled(10)):
                    while len(hub.members) < 6:
                        await asyncio.sleep(0.01)
                opened = sum(load.opened for load in both)
            with socket.socket() as unused:
                unused.bind(("127.0.0.1", 0))
                dead = f"ws://127.0.0.1:{unused.getsockname()[1]}/ws"
                with pytest.raises(RuntimeError, match="açamadı"):
                    async with contextlib.AsyncExitStack() as stack:
                        await _open_together(stack, [server.ws_url("/ws"), dead], 3)
            async with asyncio.timeout(scaled(10)):
                while hub.members:
                    await asyncio.sleep(0.01)
            return opened, len(hub.members)

    assert asyncio.run(scenario()) == (6, 0)


@pytest.mark.yavas
def test_idle_memory_is_measured_in_a_fresh_server_process():
    """Bellek ölçümü ayrı bir sunucu sürecinde yapılır; sunucu istenen bağlantıların hepsini görür
    ve ölçüm bağlantı sayısını taşır."""

    async def scenario():
        return [await measure_idle_memory(kind, 50) for kind in ("fastapi", "websockets")]

    for result in asyncio.run(scenario()):
        assert result.connections == 50
        assert result.before > 0 and result.after > 0
