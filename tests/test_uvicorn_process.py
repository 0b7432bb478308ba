"""`wskurs.engine.uvicorn_process`: `uvicorn --workers 2` gerçek bir alt süreç olarak başlar, iki işçisi de
bağlantı alır, pid'iyle durdurulur; başlayamazsa günlüğün sonunu söyler. `agir_hesap` verilen
süre kadar CPU harcar; `zamanli_hesap` hesabın anlarını bir süreç havuzundan da doğru getirir."""

from __future__ import annotations

import multiprocessing
import textwrap
import time
from concurrent.futures import ProcessPoolExecutor

import httpx
import pytest

from wskurs.engine.clients import wait_until
from wskurs.engine.timing import scaled
from wskurs.engine.uvicorn_process import start_uvicorn, uvicorn_process
from wskurs.lessons.cpu_work import agir_hesap, zamanli_hesap

from helpers import alive, run

APP = textwrap.dedent(
    """
    import os
    from fastapi import FastAPI

    app = FastAPI()


    @app.get("/pid")
    async def pid():
        return {"pid": os.getpid(), "ortam": os.environ.get("WSKURS_DENEME")}
    """
)


def test_agir_hesap_takes_the_requested_time():
    """`agir_hesap(s)` yaklaşık `s` saniye sürer ve yaptığı iş sayısını döndürür."""
    started = time.perf_counter()
    count = agir_hesap(0.1)
    took = time.perf_counter() - started
    assert 0.1 <= took < scaled(0.5)
    assert isinstance(count, int) and count > 0


def test_zamanli_hesap_reports_its_window_from_a_process_pool():
    """Süreç havuzundaki `zamanli_hesap`'ın bildirdiği başlangıç ve bitiş anları, çekirdekte
    çağrının öncesi ve sonrası arasında kalır ve aralarında istenen süre vardır (saat ortaktır)."""
    with ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("spawn")) as pool:
        pool.submit(agir_hesap, 0.01).result(timeout=60)  # işçi süreç açılsın
        before = time.perf_counter()
        count, started, finished = pool.submit(zamanli_hesap, 0.1).result(timeout=60)
        after = time.perf_counter()
    assert count > 0
    assert before < started < finished < after
    assert finished - started >= 0.1


def test_two_workers_serve_and_stop_by_pid(tmp_path):
    """İki işçinin ikisi de istek alır, ortam değişkenleri işçilere ulaşır; stop() ana süreci ve
    işçileri bitirir."""
    (tmp_path / "deneme_app.py").write_text(APP, encoding="utf-8")

    async def main():
        async with uvicorn_process("deneme_app:app", workers=2, app_dir=tmp_path, env={"WSKURS_DENEME": "evet"}) as p:
            assert p.port and len(p.worker_pids) == 2
            assert p.shown_command().startswith("python -m uvicorn deneme_app:app --host 127.0.0.1 --port 0")
            seen: set[int] = set()
            environments: set[str | None] = set()

            async def both_workers_answered() -> bool:
                async with httpx.AsyncClient(timeout=scaled(5), trust_env=False) as http:  # her istekte yeni bağlantı
                    answer = (await http.get(p.url("/pid"))).json()
                environments.add(answer["ortam"])
                seen.add(answer["pid"])
                return len(seen) == 2

            # Bağlantıyı hangi işçinin alacağını işletim sistemi seçer (bir defterde 300 istek gerekti):
            # deneme sayısı değil süre sınırlıdır.
            await wait_until(both_workers_answered, timeout=30)
            assert environments == {"evet"}
            return p, seen

    process, seen = run(main)
    assert seen == set(process.worker_pids)
    assert not process.running
    assert not any(alive(pid) for pid in [process.pid, *process.worker_pids])
    assert any("Started parent process" in line for line in process.log)


def test_a_broken_target_fails_with_the_log_tail(tmp_path):
    """Yüklenemeyen bir uygulama açık bir hata verir; süreç geride kalmaz."""

    async def main():
        return await start_uvicorn("yok_boyle_modul:app", workers=2, app_dir=tmp_path, name="test-bozuk")

    with pytest.raises(RuntimeError, match="uvicorn başlatılamadı") as info:
        run(main)
    assert "yok_boyle_modul" in str(info.value)


def test_a_single_worker_is_returned_only_once_its_port_is_known(tmp_path):
    """`workers=1`'de uvicorn "Application startup complete"i soketi açmadan önce yazar; `start_uvicorn`
    yine de ancak gerçek port bilinince döner ve ilk istek hemen yanıtlanır (beş kez denenir)."""
    (tmp_path / "deneme_app.py").write_text(APP, encoding="utf-8")

    async def main():
        ports = []
        for _ in range(5):
            async with uvicorn_process("deneme_app:app", workers=1, app_dir=tmp_path) as p:
                assert p.port is not None
                async with httpx.AsyncClient(timeout=scaled(5), trust_env=False) as http:
                    assert (await http.get(p.url("/pid"))).status_code == 200
                ports.append(p.port)
        return ports

    assert len(run(main)) == 5
