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

# Windows'ta SIGUSR1 ve pthread_kill yok: orada bekçi kilitleyen kodu kesemez, yalnızca blok süresince
# hiçbir şey yapmadan çalışır (kurs Linux'ta, WSL2'de ve macOS'ta sınanır).
_SIGNAL = getattr(signal, "SIGUSR1", None)
_TICK = 0.05


class LoopBlocked(Exception):
    """Event loop izin verilen süreden uzun kilitli kaldı; kilitleyen kodun içinde fırlar."""


@dataclass
class WatchdogReport:
    """``loop_watchdog`` bloğundan sonra: loop kilitlendi mi, kaç saniye?"""

    fired: bool = False
    blocked_for: float = 0.0
    recut: float | None = None
    """Kesme yutulursa (ör. asyncio'nun ``transport.write``'ı her hatayı günlüğe yazıp yutar) yeniden
    kesmeden önce beklenen süre; ``None`` ise ``2 * limit``. Kodun bozuk olduğu zaten bilindiğinde (eksik
    ``await``) kısaltılır: boşa dönen döngü yargıcın süresi dolmadan kesilsin."""


@contextlib.asynccontextmanager
async def loop_watchdog(limit: float) -> AsyncIterator[WatchdogReport]:
    """Blok süresince loop ``limit`` saniyeden uzun kilitlenirse kilitleyen kodu keser.

    Yalnız ana iş parçacığında sinyal kurabilir; başka bir iş parçacığında hiçbir şey
    yapmadan çalışır.
    """
    report = WatchdogReport()
    if _SIGNAL is None or threading.current_thread() is not threading.main_thread():
        yield report
        return
    last = time.monotonic()
    stop = threading.Event()
    # Bir kilitlenme için yalnız bir kez kes: ağır yükte geç kalan ikinci bir sinyal, ilk
    # LoopBlocked yakalanırken (loop henüz nefes almadan) gelip onu ele geçirmesin. Kod kesmeyi
    # yutup kilitlemeyi sürdürürse 2 * limit sonra yeniden kesilir.
    cut_beat: float | None = None
    cut_at = 0.0

    async def heartbeat() -> None:
        nonlocal last
        while True:
            last = time.monotonic()
            await asyncio.sleep(_TICK)

    def on_signal(signum: int, frame: object) -> None:
        nonlocal cut_beat, cut_at
        now = time.monotonic()
        again = report.recut if report.recut is not None else 2 * limit
        if now - last < limit or (cut_beat == last and now - cut_at < again):
            return  # loop bu arada kurtuldu ya da bu kilit zaten kesildi
        cut_beat, cut_at = last, now
        raise LoopBlocked(f"event loop {now - last:.1f} saniyedir kilitli")

    def watch() -> None:
        sent_beat: float | None = None
        sent_at = 0.0
        while not stop.wait(_TICK):
            beat, now = last, time.monotonic()
            if now - beat <= limit:
                continue
            report.fired = True
            report.blocked_for = max(report.blocked_for, now - beat)
            again = report.recut if report.recut is not None else 2 * limit
            if sent_beat == beat and now - sent_at < again:
                continue
            sent_beat, sent_at = beat, now
            signal.pthread_kill(threading.main_thread().ident or 0, _SIGNAL)

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
