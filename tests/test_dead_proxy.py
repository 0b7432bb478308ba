"""Okul ya da şirket ağındaki öğrencinin ve öğretmenin yolu: ortamda altı proxy değişkeni
(``HTTP_PROXY``, ``HTTPS_PROXY``, ``ALL_PROXY``; büyük ve küçük harfle) her şeyi reddeden bir portu
gösterir ve ``NO_PROXY`` yoktur. Kursun yerel bağlantılarının hiçbiri proxy'ye gitmediği için her lab'ın
çözümü ``make grade`` yolunda, 1. ve 3. bölümün defterleri nbval'de ve toplu notlandırma (yargıç ve
kanarya dahil) yine geçer.

Testler hiçbir şey paylaşmaz (her biri kendi alt süreçlerini başlatır); ``tests/conftest.py``'de
``INDEPENDENT_TESTS`` ve ``LONGEST_FIRST``'te."""

from __future__ import annotations

import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import nbformat
import pytest

from wskurs.checks import exercises_of
from wskurs.engine.timing import scaled
from wskurs.labformat import ExerciseOutcome, SubmissionStatus

from labtools import LAB_FILES, ROOT, converted, dead_proxy_env, grade_batch, lab_name, self_check_run, submission

pytestmark = pytest.mark.kernel

NOTEBOOKS = [next((ROOT / "notebooks").glob(f"{number}_*.ipynb")) for number in ("01", "03")]


def test_every_lab_solution_passes_make_grade_behind_a_dead_proxy(tmp_path: Path) -> None:
    """Ölü proxy'li ortamda her lab'ın çözümü öğrencinin yolunda (``make grade``: pytest --nbval-lax,
    eklentinin yargıcı) bütün alıştırmaları geçer."""
    env = dead_proxy_env()
    files = [name for name in LAB_FILES if converted(name)]

    def run(file_name: str) -> tuple[str, str, dict[str, str]]:
        workdir = tmp_path / lab_name(file_name)
        workdir.mkdir()
        notebook = workdir / file_name
        nbformat.write(submission(file_name), notebook)
        stdout, statuses = self_check_run(notebook, workdir, timeout=300, env=env)
        return file_name, stdout, statuses

    with ThreadPoolExecutor(max_workers=2) as pool:
        results = list(pool.map(run, files))
    failures = {
        name: stdout[-2000:]
        for name, stdout, statuses in results
        if statuses != dict.fromkeys((ex.id for ex in exercises_of(lab_name(name))), ExerciseOutcome.PASSED.value)
    }
    assert files and not failures, "\n\n".join(f"=== {name}\n{tail}" for name, tail in failures.items())


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
