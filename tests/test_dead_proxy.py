"""Okul ya da şirket ağındaki öğrencinin ve öğretmenin yolu: ortamda altı proxy değişkeni
(``HTTP_PROXY``, ``HTTPS_PROXY``, ``ALL_PROXY``; büyük ve küçük harfle) her şeyi reddeden bir portu
gösterir ve ``NO_PROXY`` yoktur. Kursun yerel bağlantılarının hiçbiri proxy'ye gitmediği için 1. ve 3.
bölümün defterleri nbval'de ve toplu notlandırma (yargıç ve kanarya dahil) yine geçer. Her lab'ın
çözümünün ve yanlış cevabının ``make grade`` yolu ``tests/test_labs.py``'de zaten bu ortamda çalışır
(çözüm bütün kontrolleri geçer, öz denetim toplu notlandırmayla aynı kararı verir).

Testler hiçbir şey paylaşmaz (her biri kendi alt süreçlerini başlatır); ``tests/conftest.py``'de
``INDEPENDENT_TESTS`` ve ``LONGEST_FIRST``'te."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from wskurs.engine.timing import scaled
from wskurs.labformat import SubmissionStatus

from labtools import LAB_FILES, ROOT, dead_proxy_env, grade_batch, submission

pytestmark = pytest.mark.kernel

NOTEBOOKS = [next((ROOT / "notebooks").glob(f"{number}_*.ipynb")) for number in ("01", "03")]


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=[path.stem for path in NOTEBOOKS])
def test_chapter_notebook_passes_nbval_behind_a_dead_proxy(notebook: Path) -> None:
    """Ölü proxy'li ortamda 1. ve 3. bölümün defterleri nbval'de kayıtlı çıktılarıyla aynı biter (defterde
    öğrencinin yazdığı gibi ``connect(url)`` ve httpx çağrıları da yerel sunucuya doğrudan gider)."""
    command = [sys.executable, "-m", "pytest", "-q", "-p", "no:randomly", "--nbval", "--nbval-current-env"]
    command += ["--nbval-sanitize-with", str(ROOT / "tests" / "sanitize.cfg"), str(notebook)]
    result = subprocess.run(
        command, cwd=ROOT, env=dead_proxy_env(), capture_output=True, text=True, timeout=scaled(300)
    )
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]


def test_batch_grading_with_its_canary_works_behind_a_dead_proxy(tmp_path: Path) -> None:
    """Öğretmenin ortamında ölü proxy varken ``wskurs notlandir`` (yargıç ve kanarya dahil) lab 1'in
    çözümüne tam puan verir."""
    file_name = LAB_FILES[0]
    folder = tmp_path / "gonderimler"
    folder.mkdir()
    nbformat.write(submission(file_name), folder / "cozum.ipynb")
    output = tmp_path / "notlar" / "cikti"
    output.parent.mkdir()
    result = grade_batch(file_name, folder, output, cell_timeout=scaled(15), canary=True, env=dead_proxy_env())
    assert result["returncode"] == 0, result["stdout"][-3000:] + result["stderr"][-3000:]
    grade = result["grades"]["cozum"]
    assert SubmissionStatus(grade["status"]) is SubmissionStatus.GRADED, grade
    assert grade["total"] == grade["maximum"], grade
