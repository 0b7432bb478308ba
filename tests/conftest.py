"""Testlerin ortak ayarları: ``tests/`` içe aktarma yolu, gerçek Chromium fixture'ı ve pytest-xdist'in
iş dağıtımı."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

# Testlerin ve sınanan defterlerin kontrolleri, testi çalıştıranın ilerleme dosyasına yazmasın ve ipucu
# basamakları testten teste değişmesin: kayıt kapalıdır (çekirdekler ve alt süreçler bu ortamı alır).
# İlerlemeyi sınayan testler dosyayı kendileri verir.
os.environ.setdefault("WSKURS_ILERLEME", "kapali")

from browser import browser  # noqa: F401  (fixture: gerçek Chromium)

# ``--dist loadscope`` (make test) bir test dosyasını (sınıfı olan dosyada bir sınıfı) tek bir iş birimi
# yapar: dosyanın modül kapsamlı fixture'ları bir kez çalışır. Aşağıdaki dosyaların testleri hiçbir şey
# paylaşmaz (her biri kendi çekirdeğini ya da yargıcını başlatır); onlar test test dağıtılır, böylece
# uzun bir dosya tek bir sürecin sırtında kalmaz.
INDEPENDENT_TESTS = frozenset(
    {
        "test_notebook_rerun.py",
        "test_checks_edges.py",
        "test_checks_late.py",
        "test_checks_await.py",
        "test_checks_shapes.py",
        "test_nbval_modes.py",
        "test_lying_agent.py",
        "test_dead_proxy.py",
    }
)


# En uzun iş birimleri önce başlar (en uzun iş önce): sona kalan uzun bir dosya öteki süreçleri boşta
# bekletmesin. Ardından nbval'in defterleri (make test onları tests/ ile aynı oturumda çalıştırır; her
# biri 3–15 s), en sonda öteki test dosyaları. Sıra yalnızca dosyalar arasıdır; bir dosyanın içindeki
# sıra ve fixture'ları değişmez.
LONGEST_FIRST = (
    "test_jupyterlab_ui.py",
    "test_attacks.py",
    "test_attacks_sealed.py",
    "test_labs.py",
    "test_grading_exports.py",
    "test_site.py",
    "test_fresh_clone.py",
    "test_notebook_rerun.py",
    "test_lying_agent.py",
    "test_dead_proxy.py",
)

# Çoğu zaman bekleyen (gerçek sunucular, yargıcın gecikmeleri, zaman aşımları), işlemciyi az kullanan
# bağımsız testler uzun iş birimlerinin arasına serpiştirilir: hepsi sona kalınca 2 çekirdekte işlemci
# bir dakika yarı boş kalıyordu, araya girince uzun birimler onların beklerken bıraktığı işlemciyi kullanır.
# İlk ``SPREAD_AFTER`` uzun birim (arayüz ve iki saldırı sınıfı) onlardan önce başlar; lab sınıfları ayrı
# birimlerdir.
SPREAD_OUT = (
    "test_checks_edges.py",
    "test_checks_late.py",
    "test_checks_shapes.py",
    "test_checks_await.py",
    "test_nbval_modes.py",
)
SPREAD_AFTER = 3


def _file_name(nodeid: str) -> str:
    return nodeid.split("::", 1)[0].rsplit("/", 1)[-1]


def _unit(item: Any) -> str:
    """Sıralamanın birimi: sınıflı dosyalarda sınıf (``test_labs.py::TestLab01``), ötekilerde dosya."""
    parts = item.nodeid.split("::")
    return "::".join(parts[:2]) if len(parts) > 2 else parts[0]


def pytest_collection_modifyitems(items: list[Any]) -> None:
    """Testleri ``LONGEST_FIRST`` dosyalarının birimleri önde, ``SPREAD_OUT`` testleri bu birimlerin arasına
    eşit aralıklarla serpiştirilmiş, defterler ardında olacak biçimde (kararlı) sıralar."""
    rank = {name: index for index, name in enumerate(LONGEST_FIRST)}
    long_items = sorted(
        (item for item in items if _file_name(item.nodeid) in rank), key=lambda i: rank[_file_name(i.nodeid)]
    )
    units = list(dict.fromkeys(_unit(item) for item in long_items))
    unit_index = {unit: index for index, unit in enumerate(units)}
    spread = [item for item in items if _file_name(item.nodeid) in SPREAD_OUT]
    step = (len(units) - SPREAD_AFTER) / max(len(spread), 1)
    position = {id(item): SPREAD_AFTER - 0.5 + (k + 0.5) * step for k, item in enumerate(spread)}

    def order(item: Any) -> float:
        if id(item) in position:
            return position[id(item)]
        if (unit := _unit(item)) in unit_index:
            return unit_index[unit]
        return len(units) + (0 if _file_name(item.nodeid).endswith(".ipynb") else 1)

    items.sort(key=order)


def split_scope(nodeid: str, default: str) -> str:
    """Bir testin iş birimi: bağımsız dosyalarda testin kendisi, ötekilerde xdist'in varsayılanı."""
    return nodeid if _file_name(nodeid) in INDEPENDENT_TESTS else default


def pytest_xdist_make_scheduler(config: Any, log: Any) -> Any:
    """``--dist loadscope`` iken yukarıdaki dağıtımı kullanan zamanlayıcı; öteki kiplerde xdist'inki."""
    if config.getoption("dist") != "loadscope":
        return None
    from xdist.scheduler import LoadScopeScheduling

    class Scheduling(LoadScopeScheduling):  # type: ignore[misc]
        def _split_scope(self, nodeid: str) -> str:
            return split_scope(nodeid, super()._split_scope(nodeid))

    return Scheduling(config, log)
