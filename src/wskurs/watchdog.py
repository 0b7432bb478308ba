"""Event loop'u kilitleyen kodu yakalamak.

Bir handler ``await`` etmeden dönüp duruyorsa (``while True: pass``, ``time.sleep``)
event loop durur; Jupyter'in "Interrupt" düğmesi de ``async`` bir hücrede yalnız bir
geri çağırma planlar ve kilitli loop onu hiç çalıştırmaz: çekirdek donar. Bu modül iki
şey sunar:

- ``loop_watchdog``: loop belirli bir süreden uzun kilitli kalırsa ana iş parçacığına bir
  sinyal gönderir; sinyal, kilitleyen kodun içinde ``LoopBlocked`` fırlatır, loop kurtulur.
- ``keep_interruptible``: loop'u düzenli uyandırır ki başka bir iş parçacığına düşen
  SIGINT'in Python işleyicisi gecikmeden çalışsın.
"""

from __future__ import annotations

import asyncio
import contextlib
import signal
import threading
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass

__all__ = ["LoopBlocked", "WatchdogReport", "keep_interruptible", "loop_watchdog"]

_SIGNAL = signal.SIGUSR1
_TICK = 0.05


class LoopBlocked(Exception):
    """Event loop izin verilen süreden uzun kilitli kaldı; kilitleyen kodun içinde fırlar."""


@dataclass
class WatchdogReport:
    """``loop_watchdog`` bloğundan sonra: loop kilitlendi mi, kaç saniye?"""

    fired: bool = False
    blocked_for: float = 0.0


@contextlib.asynccontextmanager
async def loop_watchdog(limit: float) -> AsyncIterator[WatchdogReport]:
    """Blok süresince loop ``limit`` saniyeden uzun kilitlenirse kilitleyen kodu keser.

    Yalnız ana iş parçacığında sinyal kurabilir; başka bir iş parçacığında hiçbir şey
    yapmadan çalışır.
    """
    report = WatchdogReport()
    if threading.current_thread() is not threading.main_thread():
        yield report
        return
    last = time.monotonic()
    stop = threading.Event()

    async def heartbeat() -> None:
        nonlocal last
        while True:
            last = time.monotonic()
            await asyncio.sleep(_TICK)

    def on_signal(signum: int, frame: object) -> None:
        if time.monotonic() - last < limit:
            return  # loop bu arada kurtuldu: kimseyi kesme
        raise LoopBlocked(f"event loop {time.monotonic() - last:.1f} saniyedir kilitli")

    def watch() -> None:
        while not stop.wait(_TICK):
            blocked = time.monotonic() - last
            if blocked > limit:
                report.fired = True
                report.blocked_for = max(report.blocked_for, blocked)
                signal.pthread_kill(threading.main_thread().ident or 0, _SIGNAL)
                stop.wait(limit)

    previous = signal.signal(_SIGNAL, on_signal)
    beat = asyncio.create_task(heartbeat())
    thread = threading.Thread(target=watch, name="wskurs-watchdog", daemon=True)
    thread.start()
    try:
        yield report
    finally:
        stop.set()
        thread.join()
        beat.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await beat
        signal.signal(_SIGNAL, previous)


_ticker: asyncio.TimerHandle | None = None


def keep_interruptible(interval: float = 0.25) -> None:
    """Çalışan loop'u her ``interval`` saniyede bir uyandırır (bir kez kurulur).

    SIGINT, çekirdeğin başka bir iş parçacığına düşerse Python işleyicisi ancak ana iş
    parçacığı uyanınca çalışır; uyuyan bir loop'ta ``await asyncio.sleep(60)`` hücresi
    "Interrupt" ile durmazdı.
    """
    global _ticker
    try:
        loop = asyncio.get_running_loop()
    except RuntimeError:
        return
    if _ticker is not None and not _ticker.cancelled() and getattr(_ticker, "_loop", None) is loop:
        return

    def tick() -> None:
        global _ticker
        _ticker = loop.call_later(interval, tick)

    _ticker = loop.call_later(interval, tick)
