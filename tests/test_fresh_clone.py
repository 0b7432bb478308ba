"""Temiz bir klonda, sistemin PATH'inden hiçbir program olmadan: 7. bölümün Redis yardımcısı ve lab
7.6'nın kontrolü kursun kendi kurulumunun getirdiği Redis sunucusuyla çalışır (7. bölüm defterini make
test'in nbval çalışması aynı PATH'le sınar: notebooks/conftest.py); Chromium
yokken tarayıcı testleri başarısız olmaz, kurulum komutunu söyleyerek atlanır.

Bu testler deponun ``git clone``'uyla (kayıtlı son commit, çalışma klasöründeki değişiklikler
değil) geçici bir klasörde çalışır. Sanal ortam olarak bu oturumun ``.venv``'i kullanılır (kurulumu
yeniden yapmak dakikalar sürer ve burada kanıtlanan şey değildir); klonun ``wskurs`` paketi
``PYTHONPATH`` ile öne alınır ve bunun gerçekten klondan geldiği denetlenir. ``PATH`` yalnız
sanal ortamın ``bin`` klasörüdür: ``redis-server``, ``valkey-server`` ve ``chromium`` orada yoktur.
Kanıtlanan: sunucu programı pip'in kurduğu pakettendir, sistemden hiçbir şey gerekmez.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from wskurs.engine.timing import scaled

from labtools import ROOT

pytestmark = pytest.mark.kernel

VENV_BIN = Path(sys.executable).parent
NBVAL = ["--nbval-current-env", "--nbval-cell-timeout=120", "--nbval-sanitize-with", "tests/sanitize.cfg"]


@pytest.fixture(scope="module")
def clone(tmp_path_factory) -> Path:
    """Deponun temiz bir klonu (geçici klasörde)."""
    if shutil.which("git") is None or not (ROOT / ".git").exists():
        pytest.skip("git ya da bir git deposu yok: temiz klon testi çalışamaz")
    target = tmp_path_factory.mktemp("temiz") / "kurs"
    subprocess.run(["git", "clone", "--quiet", str(ROOT), str(target)], check=True, timeout=scaled(120))
    return target


def bare_env(clone: Path) -> dict[str, str]:
    """PATH'te yalnızca sanal ortamın programları; klonun paketi öne alınmış bir ortam."""
    env = {key: value for key, value in os.environ.items() if not key.startswith(("WSKURS_CHROMIUM", "PYTEST_"))}
    env["PATH"] = str(VENV_BIN)
    env["PYTHONPATH"] = str(clone / "src")
    for program in ("redis-server", "valkey-server", "chromium", "chromium-browser", "google-chrome"):
        assert shutil.which(program, path=env["PATH"]) is None, f"{program} PATH'te: test bir şey kanıtlamaz"
    return env


def run_in(clone: Path, *args: str, timeout: float) -> tuple[subprocess.CompletedProcess[str], float]:
    started = time.monotonic()
    result = subprocess.run(
        [sys.executable, *args],
        cwd=clone,
        env=bare_env(clone),
        capture_output=True,
        text=True,
        timeout=scaled(timeout),
    )
    return result, time.monotonic() - started


def summary(output: str) -> str:
    """pytest'in kapanış satırı (ör. ``6 passed in 3.1s``)."""
    lines = [line for line in output.splitlines() if re.search(r"\d+ (passed|failed|skipped|error)", line)]
    return lines[-1] if lines else ""


def test_clone_uses_its_own_package(clone):
    """Klonda içe aktarılan wskurs klonun kendi src/ klasöründendir (sanal ortamın kurulu kopyası değil)."""
    result, _ = run_in(clone, "-c", "import wskurs; print(wskurs.__file__)", timeout=60)
    assert result.returncode == 0, result.stderr
    assert Path(result.stdout.strip()).is_relative_to(clone / "src"), result.stdout


def test_redis_helper_works_without_any_system_server(clone):
    """PATH'te hiçbir Redis sunucusu yokken Redis yardımcısının testleri klonda geçer (sunucu pip'in kurduğu
    paketten gelir). 7. bölüm defterinin kendisi (gerçek uvicorn --workers 2 ile Redis pub/sub dahil) make
    test'in nbval çalışmasında PATH'i yalnızca sanal ortam olan çekirdekte sınanır (notebooks/conftest.py)."""
    result, took = run_in(clone, "-m", "pytest", "-q", "-rs", "tests/test_redis_server.py", timeout=300)
    output = result.stdout + result.stderr
    assert result.returncode == 0, output[-4000:]
    closing = summary(output)
    assert "passed" in closing and "skipped" not in closing and "failed" not in closing, output[-2000:]
    print(f"Redis yardımcısı temiz klonda {took:.1f} s")


def test_lab_7_redis_exercise_passes_without_any_system_server(clone):
    """PATH'te hiçbir Redis sunucusu yokken lab 7'nin çözümü, Redis ile yayın alıştırması (7.6)
    dahil her kontrolden geçer."""
    lab = "solutions/lab07_en_iyi_uygulamalar.ipynb"
    result, took = run_in(clone, "-m", "pytest", "-q", "--nbval-lax", *NBVAL, lab, timeout=600)
    output = result.stdout + result.stderr
    assert result.returncode == 0, output[-4000:]
    closing = summary(output)
    assert "passed" in closing and "failed" not in closing, output[-3000:]
    assert re.search(r"^7\.6\b.*geçti", output, re.MULTILINE), output[-3000:]
    print(f"lab 7 temiz klonda {took:.1f} s")


def test_browser_tests_are_skipped_with_the_install_command(clone):
    """Chromium PATH'te yokken tarayıcı testleri başarısız olmaz; Türkçe bir nedenle ve kurulum
    komutunu söyleyerek atlanır."""
    result, _ = run_in(clone, "-m", "pytest", "-q", "-rs", "-m", "browser", "tests/test_browser_ch03.py", timeout=300)
    output = result.stdout + result.stderr
    assert result.returncode == 0, output[-3000:]
    closing = summary(output)
    assert "skipped" in closing and "passed" not in closing and "failed" not in closing, output[-2000:]
    assert "sudo apt-get install chromium" in output, output[-2000:]
