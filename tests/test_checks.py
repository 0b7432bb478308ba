"""`wskurs.checks`: kontrollerin Türkçe geri bildirimi, zaman aşımı ve kilit yakalama."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

import pytest
from fastapi import FastAPI, WebSocket

import wskurs.checks
from wskurs.checks import CheckFailed, check, exercises_of, find_exercise
from wskurs.engine.timing import scaled

CHECKS = Path(wskurs.checks.__file__).parent


def run(exercise_id: str, namespace: dict):
    return asyncio.run(check(exercise_id, namespace))


def silent_app() -> FastAPI:
    app = FastAPI()

    @app.websocket("/ws")
    async def never_answers(websocket: WebSocket):
        await websocket.accept()
        await asyncio.sleep(3600)

    return app


@pytest.mark.yavas
def test_check_against_a_silent_server_fails_within_seconds():
    """Hiç yanıt vermeyen bir sunucuyu bekleyen kontrol saniyeler içinde Türkçe bir mesajla kalır."""
    started = time.monotonic()
    with pytest.raises(CheckFailed) as info:
        run("2.1", {"yayin_app": silent_app()})
    assert time.monotonic() - started < scaled(8)
    feedback = info.value.feedback
    assert "gelmedi" in feedback and "Beklenen" in feedback and "İpucu" in feedback
    assert "0/2 puan" in feedback


def test_missing_name_says_which_name_and_what_to_do():
    """Tanımlanmamış bir ad, hangi adın beklendiğini ve ne yapılacağını söyler."""
    with pytest.raises(CheckFailed) as info:
        run("2.1", {})
    assert "`yayin_app` adında bir tanım bulunamadı" in info.value.feedback
    assert "cevap hücresini" in info.value.feedback


def test_wrong_type_is_reported():
    """Yanlış türde bir değer, beklenen ve gelen türle bildirilir."""
    with pytest.raises(CheckFailed) as info:
        run("2.1", {"yayin_app": 42})
    assert "FastAPI" in info.value.feedback and "int" in info.value.feedback


def test_blocking_handler_is_caught_and_explained():
    """Event loop'u kilitleyen bir handler kontrolü dondurmaz; kilit Türkçe açıklanır."""
    app = FastAPI()

    @app.websocket("/ws")
    async def blocks(websocket: WebSocket):
        await websocket.accept()
        time.sleep(30)

    started = time.monotonic()
    with pytest.raises(CheckFailed) as info:
        run("2.1", {"yayin_app": app})
    assert time.monotonic() - started < scaled(10)
    assert "kilitledi" in info.value.feedback


def test_unknown_exercise_is_a_clear_error():
    """Var olmayan bir alıştırma kimliği açık bir hata verir."""
    with pytest.raises(CheckFailed, match="alıştırma yok"):
        run("1.99", {})
    with pytest.raises(CheckFailed, match="kontrol modülü yok"):
        run("98.1", {})


def test_check_failed_renders_only_the_feedback_in_ipython():
    """IPython'da kalan bir kontrol uzun bir traceback değil yalnızca geri bildirimi gösterir."""
    error = CheckFailed("❌ satır 1\nsatır 2")
    assert error._render_traceback_() == ["❌ satır 1", "satır 2"]


def test_every_lab_registers_exercises_with_points():
    """Her kontrol modülünün (lab00 … lab07) alıştırmaları vardır; hepsi puanlı ve başlıklıdır, kimliği
    lab'ın numarasıyla başlar, tektir ve kimliğiyle bulunan alıştırma aynı lab'ındır."""
    labs = sorted(path.stem for path in CHECKS.glob("lab[0-9][0-9].py"))
    assert labs == [f"lab{n:02d}" for n in range(8)], labs
    for lab in labs:
        exercises = exercises_of(lab)
        ids = [ex.id for ex in exercises]
        assert ids and len(set(ids)) == len(ids), (lab, ids)
        assert all(ex.id.split(".")[0] == str(int(lab[3:])) for ex in exercises), (lab, ids)
        assert all(ex.points > 0 and ex.title for ex in exercises), lab
        assert all(find_exercise(ex.id).lab == lab for ex in exercises), lab
    assert [ex.id for ex in exercises_of("lab01")] == ["1.1", "1.2", "1.3", "1.4"]


def test_retry_timing_judges_waits_and_only_a_measurable_wait_after_the_last_attempt():
    """3.2'nin ölçüm yargısı (saf): beklemeler toleransta ise ``None``; kısa bekleme ya da en az 0,3
    sn'lik gereksiz son bekleme bir ``Mismatch``; bundan kısa bir son bekleme hatanın yargıca geliş
    gecikmesinden ayırt edilemez, ölçülmez. Yanlış bir sınırda bu üç iddiadan biri kalır."""
    from wskurs.checks.lab03 import AFTER_LAST_MIN, _timing_mismatch

    waits = [0.0, 0.05, 0.15, 0.35]  # 0,05 · 0,1 · 0,2: doğru
    assert _timing_mismatch(waits, 0.36, base=0.05, cap=1.0) is None
    short_wait = _timing_mismatch([0.0, 0.01, 0.11, 0.31], 0.32, base=0.05, cap=1.0)
    assert short_wait is not None and "1. başarısız" in short_wait.problem
    waited = _timing_mismatch(waits, 0.35 + 0.4, base=0.05, cap=1.0)  # son denemeden sonra 0,4 sn
    assert waited is not None and "son denemeden sonra" in waited.problem
    assert min(0.5 * 2**2, 0.25) < AFTER_LAST_MIN  # gizli durum: 0,25 sn'lik fazla bekleme ölçülmez
    assert _timing_mismatch([0.0, 0.25, 0.5], 0.5 + 0.3, base=0.5, cap=0.25) is None
