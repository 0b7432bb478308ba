"""Yalan söyleyen aracı: öğrenci çekirdekteki aracıyı değiştirip kendisi hakkında yalan söyletir
(fonksiyon ``async def``'miş, parametre sayısı doğruymuş, görev listesi başlangıçtaki gibiymiş,
loop hiç kilitlenmemiş). Kontroller puanı yalnızca yargıcın dışarıdan gördüğüne verir: yanlış cevap
yalanla da kalır, yalan doğru cevapları bozmaz.

Saldırı, ``tests/test_attacks.py``'deki gibi lab'ın ilk cevap hücresinin başına eklenir; gönderim
öğrencinin yoluyla (``make grade``: pytest --nbval-lax, yerel yargıç) notlandırılır.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import nbformat
import pytest

from wskurs.engine.redis_server import RedisNotFound, require_redis

from labtools import answer_cells, self_check_run, submission, wrong_answers

pytestmark = pytest.mark.kernel

LAB01 = "lab01_websocket_nedir.ipynb"
LAB03 = "lab03_istemciler.ipynb"
LAB04 = "lab04_asenkron_temeller.ipynb"
LAB06 = "lab06_ileri_seviye.ipynb"
LAB07 = "lab07_en_iyi_uygulamalar.ipynb"

LIAR = """
import wskurs.checks.agent as _araci

_ASENKRON_DIYE = {"collect", "connect_with_retry", "chat_client", "hepsini_getir", "sinirli_getir", "olaylari_topla"}
_asil_tarif = _araci._Session._describe


def _yalan_tarif(value):
    tarif = _asil_tarif(value)
    if getattr(value, "__name__", None) in _ASENKRON_DIYE:
        tarif["is_async"] = True
    if type(value).__module__.startswith("websockets.sync"):  # senkron bağlantı "asyncio bağlantısı"ymış
        tarif["mro"] = ["websockets.asyncio.client.ClientConnection", *tarif["mro"]]
    return tarif


_sayac = iter(range(1, 10**9))


def _yalan_kimlikli_tarif(value):
    tarif = _yalan_tarif(value)
    tarif["id"] = next(_sayac)  # her nesne "başka bir nesne"ymiş
    return tarif


_araci._Session._describe = staticmethod(_yalan_kimlikli_tarif)
_asil_yanit = _araci._Session.handle


async def _yalan_yanit(self, op, args):
    if op == "tasks":  # hep ilk listeyi söyle: "geride görev kalmadı"
        if not hasattr(self, "_ilk_gorevler"):
            self._ilk_gorevler = await _asil_yanit(self, op, args)
        return self._ilk_gorevler
    if op == "status":  # "loop hiç kilitlenmedi"
        return {"blocked": False, "seconds": 0.0}
    return await _asil_yanit(self, op, args)


_araci._Session.handle = _yalan_yanit
"""

BLOCKING_COLLECT = """
from websockets.sync.client import connect as senkron_connect


def collect(url, n):
    with senkron_connect(url) as websocket:
        return [websocket.recv() for _ in range(n)]
"""


BLOCKING_RETRY = """
import time
from websockets.exceptions import InvalidStatus
from websockets.sync.client import connect as senkron_connect


def connect_with_retry(url, attempts, base_delay, max_delay):
    for attempt in range(attempts):
        try:
            return senkron_connect(url)
        except (OSError, InvalidStatus):
            if attempt == attempts - 1:
                break
            time.sleep(min(base_delay * 2**attempt, max_delay))
    raise ConnectionError(f"{attempts} denemede bağlanılamadı: {url}")
"""

# İş parçacıklarıyla (thread) sunucunun gördüğü eşzamanlılık doğru, ama çağrı loop'u kilitler.
BLOCKING_FETCH = """
from concurrent.futures import ThreadPoolExecutor
from websockets.sync.client import connect as senkron_connect


def tek_getir_senkron(url, mesaj):
    with senkron_connect(url) as websocket:
        websocket.send(mesaj)
        return websocket.recv()


def hepsini_getir(url, mesajlar):
    with ThreadPoolExecutor(max(1, len(mesajlar))) as havuz:
        return list(havuz.map(lambda mesaj: tek_getir_senkron(url, mesaj), mesajlar))
"""

BLOCKING_BOUNDED = """
def sinirli_getir(url, mesajlar, en_cok):
    with ThreadPoolExecutor(en_cok) as havuz:
        return list(havuz.map(lambda mesaj: tek_getir_senkron(url, mesaj), mesajlar))
"""

BLOCKING_RESUME = """
import json
import time
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import connect as senkron_connect


def olaylari_topla(url, n):
    olaylar = []
    son = 0
    for _ in range(20):
        try:
            with senkron_connect(f"{url}?son={son}") as websocket:
                for metin in websocket:
                    veri = json.loads(metin)
                    if veri["seq"] <= son:
                        continue
                    son = veri["seq"]
                    olaylar.append(veri["olay"])
                    if son >= n:
                        return olaylar
        except (ConnectionClosed, OSError):
            pass
        time.sleep(0.05)
    raise ConnectionError("olaylar alınamadı")
"""


def _lying(nb: Any) -> Any:
    """Saldırıyı ilk cevap hücresinin başına ekler."""
    cell, _ = answer_cells(nb)[0]
    cell.source = LIAR + "\n" + cell.source
    return nb


def _run(nb: Any, tmp_path: Path) -> tuple[dict[str, str], dict[str, str]]:
    """Gönderimi öğrencinin yoluyla notlandırır: (alıştırma → durum, alıştırma → geri bildirim)."""
    path = tmp_path / "yalanci.ipynb"
    nbformat.write(nb, path)
    _, statuses = self_check_run(path, tmp_path, timeout=600)
    rows = json.loads((tmp_path / "sonuc.json").read_text(encoding="utf-8"))["notebooks"][0]["exercises"]
    return statuses, {row["exercise"]: str(row.get("feedback", "")) for row in rows}


def test_blocking_collect_gets_nothing_from_a_lying_agent(tmp_path: Path) -> None:
    """1.3: senkron istemciyle yazılmış, loop'u kilitleyen `def collect` aracı "async def" dese de
    puan almaz; iki aynı anda çağrının yargıcın sunucusunda buluşmadığı söylenir. Yalan öteki
    alıştırmaları (çözümleri) bozmaz."""
    nb = _lying(submission(LAB01, cells={"1.3": BLOCKING_COLLECT}))
    statuses, feedback = _run(nb, tmp_path)
    assert statuses["1.3"] == "kaldı", feedback
    assert "aynı anda çalışmadı" in feedback["1.3"], feedback["1.3"]
    assert all(statuses[other] == "geçti" for other in ("1.1", "1.2", "1.4")), statuses


def test_task_left_running_gets_nothing_from_a_lying_agent(tmp_path: Path) -> None:
    """6.7: itme görevini iptal etmeyen lifespan, aracı görev listesini "başlangıçtaki gibi" diye
    bildirse de puan almaz: yargıç uygulamayı ikinci kez başlatır ve eski görevin duyurularını
    kendi bağlantısında görür. Yalan öteki alıştırmaları bozmaz."""
    nb = _lying(submission(LAB06, {"6.7": wrong_answers(LAB06)["6.7"]}))
    statuses, feedback = _run(nb, tmp_path)
    assert statuses["6.7"] == "kaldı", feedback
    assert "görevi çalışmaya devam etti" in feedback["6.7"], feedback["6.7"]
    assert all(status == "geçti" for exercise, status in statuses.items() if exercise != "6.7"), statuses


@pytest.mark.parametrize(
    ("lab", "cells"),
    [
        (LAB03, {"3.2": BLOCKING_RETRY}),
        (LAB04, {"4.2": BLOCKING_FETCH, "4.5": BLOCKING_BOUNDED}),
        (LAB07, {"7.4": BLOCKING_RESUME}),
    ],
    ids=["3.2", "4.2-4.5", "7.4"],
)
def test_blocking_def_gets_nothing_from_a_lying_agent(lab: str, cells: dict[str, str], tmp_path: Path) -> None:
    """Beklerken loop'u kilitleyen (`time.sleep`, senkron istemci, iş parçacığı havuzu) ama doğru
    değerleri ve sunucunun gördüğü doğru zamanlamayı üreten `def` cevaplar, aracı "async def" (ve
    3.2'de "asyncio bağlantısı") dese de puan almaz: iki aynı anda çağrı yargıcın sunucusunda buluşmaz.
    Yalan lab'ın öteki alıştırmalarını bozmaz."""
    nb = _lying(submission(lab, cells=cells))
    statuses, feedback = _run(nb, tmp_path)
    for exercise in cells:
        assert statuses[exercise] == "kaldı", feedback
        assert "aynı anda çalışmadı" in feedback[exercise], feedback[exercise]
    needs_redis = {"7.6"} if _redis_missing() else set()
    others = {exercise: status for exercise, status in statuses.items() if exercise not in set(cells) | needs_redis}
    assert all(status == "geçti" for status in others.values()), others


SAME_APP = """
_tek_uygulama = {}
_asil_fabrika = redis_yayin_uygulamasi


def redis_yayin_uygulamasi(redis_url):
    if "app" not in _tek_uygulama:
        _tek_uygulama["app"] = _asil_fabrika(redis_url)
    return _tek_uygulama["app"]
"""


def test_one_app_returned_twice_gets_nothing_from_a_lying_agent(tmp_path: Path) -> None:
    """7.6: iki çağrıda aynı uygulamayı döndüren fabrika, aracı her nesneye başka bir kimlik bildirse de
    puan almaz: aynı uygulama iki kez sunulunca her mesaj yargıcın istemcilerine iki kez gelir."""
    if _redis_missing():
        pytest.skip("redis-server yok")
    nb = submission(LAB07)
    for cell, exercise in answer_cells(nb):
        if exercise == "7.6":
            cell.source = cell.source + "\n" + SAME_APP
    statuses, feedback = _run(_lying(nb), tmp_path)
    assert statuses["7.6"] == "kaldı", feedback
    assert "iki kez ulaştı" in feedback["7.6"], feedback["7.6"]


def _redis_missing() -> bool:
    try:
        require_redis()
    except RedisNotFound:
        return True
    return False
