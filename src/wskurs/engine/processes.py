"""Derslerin başlattığı alt süreçler (``redis-server``, ``uvicorn --workers``) için ortak adımlar:
çekirdek ölürse çocuk da ölsün, pid'iyle kibarca (sonra zorla) durdur, Python biterken
geride süreç kalmasın."""

from __future__ import annotations

import asyncio
import atexit
import contextlib
import os
import signal
import sys
from collections.abc import Callable, Iterable

__all__ = ["death_signal", "forget", "terminate", "track"]

_live: set[int] = set()


def death_signal() -> Callable[[], None] | None:
    """``preexec_fn`` için: Linux'ta, çocuğu başlatan iş parçacığı ölürse çocuğa SIGTERM gelsin
    (çekirdek çökse bile geride sunucu kalmasın). Kütüphane ebeveynde yüklenir; çocukta
    yalnız tek bir sistem çağrısı yapılır. Linux dışında ``None``."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        import ctypes

        prctl = ctypes.CDLL(None, use_errno=True).prctl
    except (OSError, AttributeError):
        return None

    def set_death_signal() -> None:  # pragma: no cover - çocuk süreçte çalışır
        prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG

    return set_death_signal


def track(pid: int) -> None:
    """Python biterken hâlâ çalışıyorsa durdurulacak bir süreci kaydeder."""
    _live.add(pid)


def forget(pid: int) -> None:
    """Durdurulmuş bir sürecin kaydını siler."""
    _live.discard(pid)


async def terminate(process: asyncio.subprocess.Process, *, grace: float, also: Iterable[int] = ()) -> None:
    """Sürece SIGTERM gönderir; ``grace`` saniyede bitmezse onu ve ``also`` içindeki pid'leri
    SIGKILL ile durdurur. Çoktan bitmiş bir süreçte hiçbir şey yapmaz.

    Args:
        process: Durdurulacak süreç.
        grace: Kibar kapanış için tanınan süre (saniye).
        also: Zorla durdururken birlikte öldürülecek başka pid'ler (ör. uvicorn işçileri).
    """
    if process.returncode is None:
        with contextlib.suppress(ProcessLookupError):
            os.kill(process.pid, signal.SIGTERM)
        try:
            await asyncio.wait_for(process.wait(), timeout=grace)
        except TimeoutError:
            for pid in [process.pid, *also]:
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGKILL)
            await process.wait()
    forget(process.pid)


@atexit.register
def _stop_leftovers() -> None:
    """Python biterken hâlâ çalışan alt süreçleri pid'leriyle durdurur."""
    for pid in list(_live):
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.kill(pid, signal.SIGTERM)
