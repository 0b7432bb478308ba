"""`wskurs.engine.watchdog`: event loop'u kilitleyen kod yakalanır ve kesilir."""

from __future__ import annotations

import asyncio
import signal
import threading
import time

import pytest

from wskurs.engine.timing import scaled
from wskurs.engine.watchdog import LoopBlocked, loop_watchdog


def busy(seconds: float) -> None:
    started = time.monotonic()
    while time.monotonic() - started < seconds:
        pass


def test_blocking_loop_is_broken_by_the_watchdog():
    """`await` etmeden dönen bir döngü sınırı aşınca içinde LoopBlocked fırlar ve loop kurtulur."""

    async def main():
        started = time.monotonic()
        async with loop_watchdog(0.5) as report:
            # Kilitleyen kod ayrı bir fonksiyonda (gerçekte de öğrencinin handler'ı): sinyalden
            # gelen istisna, sıkı bir döngünün kendi çerçevesinde try aralığının dışına düşebilir.
            with pytest.raises(LoopBlocked):
                busy(10)
        return report, time.monotonic() - started

    report, elapsed = asyncio.run(main())
    assert report.fired and report.blocked_for >= 0.5
    assert elapsed < scaled(5)


def test_a_late_second_signal_does_not_interrupt_twice():
    """Ağır yükte aynı kilit için geç gelen ikinci sinyal, yakalanmış ilk kesmenin ardından
    yeniden LoopBlocked fırlatmaz."""

    async def main():
        async with loop_watchdog(scaled(0.3)) as report:
            with pytest.raises(LoopBlocked):
                busy(10)
            signal.pthread_kill(threading.main_thread().ident, signal.SIGUSR1)  # geç kalan kopya
            busy(0.05)
        return report

    assert asyncio.run(main()).fired


def test_blocking_sleep_is_interrupted():
    """`time.sleep` bile kesilir (sinyal uykuyu böler)."""

    async def main():
        started = time.monotonic()
        async with loop_watchdog(0.5) as report:
            with pytest.raises(LoopBlocked):
                time.sleep(10)
        return report, time.monotonic() - started

    report, elapsed = asyncio.run(main())
    assert report.fired and elapsed < scaled(5)


def test_healthy_async_code_is_left_alone():
    """`await` eden kod, uzun sürse de kesilmez."""

    async def main():
        async with loop_watchdog(scaled(0.3)) as report:
            for _ in range(10):
                await asyncio.sleep(0.1)
        return report

    assert not asyncio.run(main()).fired
