"""Bölüm 4'ün kullandığı (öğretmediği) küçük yardımcı: ağır bir CPU işinin taklidi.

``cpu_isi`` bir modülde durur ki bir süreç havuzuna (``ProcessPoolExecutor``) da
gönderilebilsin: havuzun alt süreci fonksiyonu adıyla (``wskurs.ch04_asenkron.cpu_isi``)
içe aktarır. Bir not defterinde tanımlanan fonksiyonu ``spawn`` ya da ``forkserver`` ile
başlayan bir alt süreç bulamaz.
"""

from __future__ import annotations

import time

__all__ = ["cpu_isi"]


def cpu_isi(saniye: float) -> int:
    """Ağır bir hesabı taklit eder: ``saniye`` boyunca işlemciyi meşgul eder.

    İş, bir tur sayısıyla değil süreyle ölçülür; böylece yavaş ya da hızlı her makinede
    aynı süre sürer. Arada hiç ``await`` yoktur: bir ``async def`` içinden doğrudan
    çağrılırsa event loop bu süre boyunca başka hiçbir şey yapamaz.

    Args:
        saniye: İşlemcinin meşgul edileceği süre (saniye); 0 ya da negatifse hemen döner.

    Returns:
        Döngünün kaç tur döndüğü (en az 1).
    """
    bitis = time.perf_counter() + saniye
    tur = 1
    while time.perf_counter() < bitis:
        tur += 1
    return tur
