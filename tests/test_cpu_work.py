"""`wskurs.lessons.cpu_work`: süre tabanlı CPU işi, süreç havuzunda da çalışır."""

from __future__ import annotations

import multiprocessing
import time
from concurrent.futures import ProcessPoolExecutor

from wskurs.engine.timing import scaled
from wskurs.lessons.cpu_work import cpu_isi


def test_cpu_work_lasts_the_requested_time():
    """`cpu_isi(t)` en az `t` saniye sürer ve pozitif bir tur sayısı döndürür."""
    started = time.perf_counter()
    turns = cpu_isi(0.05)
    elapsed = time.perf_counter() - started
    assert elapsed >= 0.05
    assert elapsed < scaled(2)
    assert turns > 1


def test_zero_or_negative_duration_returns_at_once():
    """Süre 0 ya da negatifse hemen döner."""
    started = time.perf_counter()
    assert cpu_isi(0) >= 1
    assert cpu_isi(-1) >= 1
    assert time.perf_counter() - started < scaled(0.5)


def test_runs_in_a_process_pool():
    """Fonksiyon adıyla içe aktarılabildiği için bir süreç havuzuna gönderilebilir. Havuz "spawn"
    ile başlar: alt süreç fonksiyonu ancak modülünden içe aktararak bulur (fork'ta bellekten gelirdi;
    Python 3.14'te Linux'un varsayılanı da artık fork değil)."""
    with ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("spawn")) as pool:
        assert pool.submit(cpu_isi, 0.01).result(timeout=30) > 1
