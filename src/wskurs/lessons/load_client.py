"""Bölüm 5'in yük istemcisi: başka bir süreçten binlerce WebSocket bağlantısı açar.

Ders bu kodu *kullanır*, öğretmez. İstemciler ayrı bir süreçte çalışır ki çekirdekte
ölçülen bellek yalnızca sunucu tarafının bedeli olsun. Süreçle satır satır konuşulur::

    python -m wskurs.lessons.load_client ws://127.0.0.1:PORT/ws 1000

Sürecin standart çıktısına yazdığı satırlar:

- ``HAZIR <n>``: ``n`` bağlantı açıldı (açılamayanlar ``HATA <sayı> <ilk hata>`` ile bildirilir).
- ``ALDI <k> <n>``: ``k``. yayın mesajı ``n`` bağlantının hepsine ulaştı.
- ``KAPANDI <kod>:<sayı> ...``: bütün bağlantılar kapandı; kapanış kodlarının dağılımı.

Her bekleme sınırlıdır: süreç ``--sure`` saniyeden uzun yaşamaz.
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import contextlib
import sys
from collections.abc import Sequence

from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed

__all__ = ["main", "raise_fd_limit", "run"]


def raise_fd_limit(wanted: int) -> tuple[int, int]:
    """Açık dosya (soket) sınırının yumuşak değerini gerekirse ``wanted``'a yükseltir.

    Yumuşak sınır sert sınırı aşamaz; yükseltme yalnızca bu süreci (ve sonra başlattığı
    süreçleri) etkiler.

    Args:
        wanted: İstenen en az sınır.

    Returns:
        Yeni ``(yumuşak, sert)`` sınırlar.
    """
    import resource  # yalnızca POSIX: modül Windows'ta da içe aktarılabilsin

    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < wanted:
        target = wanted if hard == resource.RLIM_INFINITY else min(wanted, hard)
        resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
    return resource.getrlimit(resource.RLIMIT_NOFILE)


def _say(line: str) -> None:
    print(line, flush=True)


async def _open(url: str, count: int, parallel: int) -> tuple[list[ClientConnection], list[str]]:
    gate = asyncio.Semaphore(parallel)
    errors: list[str] = []

    async def one() -> ClientConnection | None:
        async with gate:
            try:
                return await connect(
                    url, proxy=None, compression=None, open_timeout=10, close_timeout=5, ping_interval=None
                )
            except Exception as exc:
                errors.append(f"{type(exc).__name__}: {exc}")
                return None

    opened = await asyncio.gather(*(one() for _ in range(count)))
    return [ws for ws in opened if ws is not None], errors


async def run(url: str, count: int, *, parallel: int = 50) -> None:
    """``count`` bağlantı açar, yayınları sayar, hepsi kapanınca döner."""
    connections, errors = await _open(url, count, parallel)
    if errors:
        _say(f"HATA {len(errors)} {errors[0]}")
    _say(f"HAZIR {len(connections)}")
    received: collections.Counter[int] = collections.Counter()
    codes: collections.Counter[int] = collections.Counter()

    async def listen(ws: ClientConnection) -> None:
        number = 0
        try:
            async for _message in ws:
                number += 1
                received[number] += 1
                if received[number] == len(connections):
                    _say(f"ALDI {number} {len(connections)}")
        except ConnectionClosed:
            pass
        codes[ws.close_code if ws.close_code is not None else 1006] += 1

    await asyncio.gather(*(listen(ws) for ws in connections))
    _say("KAPANDI " + " ".join(f"{code}:{n}" for code, n in sorted(codes.items())))


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Bölüm 5: çok sayıda WebSocket bağlantısı açan yük istemcisi")
    parser.add_argument("url")
    parser.add_argument("sayi", type=int)
    parser.add_argument("--paralel", type=int, default=50, help="aynı anda sürdürülen el sıkışma sayısı")
    parser.add_argument("--sure", type=float, default=60.0, help="sürecin en uzun ömrü (saniye)")
    args = parser.parse_args(argv)
    raise_fd_limit(args.sayi + 100)

    async def bounded() -> None:
        async with asyncio.timeout(args.sure):
            await run(args.url, args.sayi, parallel=args.paralel)

    try:
        asyncio.run(bounded())
    except TimeoutError:
        _say(f"ZAMAN_ASIMI {args.sure:g}")
        return 1
    return 0


if __name__ == "__main__":
    with contextlib.suppress(KeyboardInterrupt):
        sys.exit(main())
