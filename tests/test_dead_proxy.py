"""Okul ya da şirket ağındaki öğrencinin ve öğretmenin yolu: ortamda altı proxy değişkeni
(``HTTP_PROXY``, ``HTTPS_PROXY``, ``ALL_PROXY``; büyük ve küçük harfle) her şeyi reddeden bir portu
gösterir ve ``NO_PROXY`` yoktur. Kursun yerel bağlantılarının hiçbiri proxy'ye gitmediği için bütün ders
defterleri nbval'de (``make test`` onları bu ortamda sınar: ``notebooks/conftest.py``) ve toplu
notlandırma (yargıç ve kanarya dahil) yine geçer. Her lab'ın
çözümünün ve yanlış cevabının ``make grade`` yolu ``tests/test_labs.py``'de zaten bu ortamda çalışır
(çözüm bütün kontrolleri geçer, öz denetim toplu notlandırmayla aynı kararı verir).

Testler hiçbir şey paylaşmaz (her biri kendi alt süreçlerini başlatır); ``tests/conftest.py``'de
``INDEPENDENT_TESTS`` ve ``LONGEST_FIRST``'te."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from wskurs.engine.proxy import PROXY_VARIABLES
from wskurs.engine.timing import scaled
from wskurs.labformat import SubmissionStatus

from labtools import LAB_FILES, PROXY_NAMES, ROOT, dead_proxy_env, grade_batch, submission

pytestmark = pytest.mark.kernel

NOTEBOOK_CONFTEST = ROOT / "notebooks" / "conftest.py"

# Çekirdeğin ortamını soran hücreler: proxy değişkenleri ölü portu gösterir, NO_PROXY yoktur, PATH
# yalnızca sanal ortamın bin klasörüdür.
ENV_CELLS = (
    f"import os\nassert all(os.environ[name].startswith('http://127.0.0.1:') for name in {PROXY_VARIABLES!r})",
    "assert 'NO_PROXY' not in os.environ and 'no_proxy' not in os.environ",
    "import sys\nassert os.environ['PATH'] == os.path.dirname(sys.executable), os.environ['PATH']",
)


def test_chapter_notebooks_are_checked_behind_a_dead_proxy(tmp_path: Path) -> None:
    """``notebooks/conftest.py`` nbval'in çekirdeğini ölü proxy'li, ``PATH``'i yalnızca sanal ortam olan
    ortamda başlatır (``make test`` bütün ders defterlerini bu ortamda kayıtlı çıktılarıyla karşılaştırır);
    pytest sürecinin ortamı değişmez."""
    folder = tmp_path / "defterler"
    folder.mkdir()
    shutil.copy(NOTEBOOK_CONFTEST, folder / "conftest.py")
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(code) for code in ENV_CELLS])
    nbformat.write(nb, folder / "ortam.ipynb")
    env = {key: value for key, value in os.environ.items() if key not in PROXY_NAMES}
    env["NO_PROXY"] = "127.0.0.1"
    command = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--nbval-lax", "--nbval-current-env"]
    result = subprocess.run(
        [*command, str(folder)], cwd=folder, env=env, capture_output=True, text=True, timeout=scaled(120)
    )
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    assert "3 passed" in result.stdout, result.stdout[-2000:]
    # Aynı defter conftest olmadan kalır: hücreler gerçekten çekirdeğin ortamını sınıyor.
    (folder / "conftest.py").unlink()
    result = subprocess.run(
        [*command, str(folder)], cwd=folder, env=env, capture_output=True, text=True, timeout=scaled(120)
    )
    assert result.returncode == 1 and "3 failed" in result.stdout, result.stdout[-2000:]


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
