"""Bölüm 4 ve 7'nin kullandığı (öğretmediği) CPU işleri: ağır bir hesabın taklidi.

Bu işler bir modülde durur ki bir süreç havuzuna (``ProcessPoolExecutor``) da
gönderilebilsin: havuzun alt süreci fonksiyonu adıyla (``wskurs.lessons.cpu_work.cpu_isi``)
içe aktarır. Bir not defterinde tanımlanan fonksiyonu ``spawn`` ya da ``forkserver`` ile
başlayan bir alt süreç bulamaz.
"""

from __future__ import annotations

import time

__all__ = ["agir_hesap", "cpu_isi", "zamanli_hesap"]


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


def agir_hesap(saniye: float) -> int:
    """CPU'yu ``saniye`` boyunca meşgul eden saf Python bir hesap: bir tamsayı dizisini
    (doğrusal eşlikli üreteç, ``x → (a·x + c) mod 2³¹``) turlar hâlinde ilerletir.

    Her adım Python bayt kodudur: C'ye inip GIL'i bırakan ya da bir şey bekleyen bir çağrı
    yoktur. Bir iş parçacığında çalışırken GIL'i kendiliğinden hiç bırakmaz; yorumlayıcı onu
    yalnızca geçiş aralığında (``sys.getswitchinterval()``, varsayılan 5 ms) bıraktırır. Saf
    Python'la yazılmış bir ayrıştırıcı, doğrulayıcı ya da hesap döngüsü de böyledir. Süre
    makinenin hızına bağlı değildir; yapılan iş bağlıdır.

    Args:
        saniye: Hesabın süreceği zaman.

    Returns:
        Bu sürede tamamlanan tur sayısı (her tur 1000 adım).
    """
    bitis = time.perf_counter() + saniye
    sayi, adet = 1, 0
    while time.perf_counter() < bitis:
        for _ in range(1000):
            sayi = (sayi * 1103515245 + 12345) & 0x7FFFFFFF
        adet += 1
    return adet


def zamanli_hesap(saniye: float) -> tuple[int, float, float]:
    """``agir_hesap(saniye)``'yi çalıştırır; sonucu, hesabın başladığı ve bittiği anla döndürür.

    Anlar ``time.perf_counter()`` değerleridir. Linux'ta bu saat ``CLOCK_MONOTONIC``'tir ve
    bütün süreçlerde ortaktır: bir süreç havuzunda ölçülen anlar, çekirdekte ölçülen anlarla
    karşılaştırılabilir. Süreç havuzunda çalışabilsin diye bu modüldedir.

    Args:
        saniye: Hesabın süreceği zaman.

    Returns:
        ``(agir_hesap'ın sonucu, başlangıç anı, bitiş anı)``.
    """
    baslangic = time.perf_counter()
    sonuc = agir_hesap(saniye)
    return sonuc, baslangic, time.perf_counter()
