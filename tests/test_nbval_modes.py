"""``make test-notebooks`` ders defterlerini ve çözümleri tek bir ``pytest --nbval`` oturumunda çalıştırır:
``notebooks/`` defterlerinin çıktısı kayıtlı olanla karşılaştırılmaya devam eder, ``solutions/``
defterleri ise ``solutions/conftest.py`` sayesinde ``--nbval-lax`` kipindedir."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from wskurs.engine.timing import scaled

from labtools import ROOT


def _pytest(folder: Path, *args: str, env: dict[str, str] | None = None) -> str:
    """``folder``'da, projenin ayarları ve ortamdaki eklentiler olmadan (yalnızca nbval ve verilen
    ``-p``'ler) pytest çalıştırır; çıktısını döndürür."""
    command = [sys.executable, "-m", "pytest", "-q", "-rA", "-p", "no:cacheprovider", "--disable-plugin-autoload"]
    command += ["-p", "nbval", "-o", "addopts=", "--rootdir", str(folder), "--nbval-current-env", *args]
    done = subprocess.run(command, cwd=folder, env=env, capture_output=True, text=True, timeout=scaled(180))
    return done.stdout


def _notebook_with_stale_output(path: Path) -> None:
    cell = nbformat.v4.new_code_cell("print('yeni')", execution_count=1)
    cell.outputs = [nbformat.v4.new_output("stream", name="stdout", text="eski\n")]
    nbformat.write(nbformat.v4.new_notebook(cells=[cell]), path)


@pytest.mark.kernel
def test_one_session_compares_notebooks_but_not_solutions(tmp_path: Path) -> None:
    """Kayıtlı çıktısı eskimiş aynı defter ``notebooks/`` altında başarısız olur, çözümlerin
    conftest'iyle ``solutions/`` altında geçer (çıktısı karşılaştırılmaz)."""
    for folder in ("notebooks", "solutions"):
        (tmp_path / folder).mkdir()
        _notebook_with_stale_output(tmp_path / folder / "defter.ipynb")
    shutil.copy(ROOT / "solutions" / "conftest.py", tmp_path / "solutions" / "conftest.py")
    out = _pytest(tmp_path, "--nbval", "notebooks", "solutions")
    assert "FAILED notebooks/defter.ipynb::Cell 0" in out, out[-3000:]
    assert "PASSED solutions/defter.ipynb::Cell 0" in out, out[-3000:]
    assert "1 failed, 1 passed" in out


@pytest.mark.kernel
def test_a_labs_judge_ends_with_its_notebook(tmp_path: Path) -> None:
    """Kursun eklentisi bir lab defteri için başlattığı yargıcı defterin son hücresinden sonra durdurur
    ve adresini ortamdan siler: aynı oturumda sonra çalışan bir test ``WSKURS_JUDGE``'ı görmez."""
    (tmp_path / "solutions").mkdir()
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("import os; print(os.environ['WSKURS_JUDGE'])")])
    nbformat.write(nb, tmp_path / "solutions" / "lab01_deneme.ipynb")
    shutil.copy(ROOT / "solutions" / "conftest.py", tmp_path / "solutions" / "conftest.py")
    (tmp_path / "test_sonra.py").write_text(
        "import os\n\ndef test_yargic_yok():\n    assert 'WSKURS_JUDGE' not in os.environ\n", encoding="utf-8"
    )
    env = {key: value for key, value in os.environ.items() if key != "WSKURS_JUDGE"}
    out = _pytest(tmp_path, "-p", "wskurs.grading.pytest_plugin", "--nbval", "solutions", "test_sonra.py", env=env)
    assert "PASSED solutions/lab01_deneme.ipynb::Cell 0" in out, out[-3000:]
    assert "PASSED test_sonra.py::test_yargic_yok" in out, out[-3000:]


@pytest.mark.kernel
def test_a_kernel_that_dies_while_starting_is_started_again(tmp_path: Path) -> None:
    """İlk çekirdek başlarken ölürse (burada bir ``sitecustomize`` onu bir kez ``os._exit``'le bitirir)
    kursun eklentisi kurulumu yeniden dener ve defter çalışır; eklenti olmadan defter hatayla biter."""
    hooks = tmp_path / "kancalar"
    hooks.mkdir()
    marker = tmp_path / "ilk_cekirdek_oldu"
    (hooks / "sitecustomize.py").write_text(
        "import os, pathlib, sys\n"
        f"marker = pathlib.Path({str(marker)!r})\n"
        "if 'ipykernel_launcher' in sys.orig_argv and not marker.exists():\n"
        "    marker.touch()\n"
        "    os._exit(1)\n",
        encoding="utf-8",
    )
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("print(1 + 1)")])
    nbformat.write(nb, tmp_path / "defter.ipynb")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(hooks), os.environ.get("PYTHONPATH", "")])}
    for plugins, expected in ((["-p", "wskurs.grading.pytest_plugin"], "PASSED"), ([], "ERROR")):
        marker.unlink(missing_ok=True)
        out = _pytest(tmp_path, *plugins, "--nbval-lax", "defter.ipynb", env=env)
        assert marker.exists(), out[-3000:]
        assert f"{expected} defter.ipynb::Cell 0" in out, out[-3000:]
