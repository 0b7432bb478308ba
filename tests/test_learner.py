"""`make` olmadan öğrencinin yolu (`python kurs.py kur | lab | lab-notlandir 01`): Makefile'ın yaptığını
aynen yapar ve paket kurulmadan, yalnızca standart kütüphaneyle çalışır.

Burada (Linux) sınanır: komutların Makefile'dakilerle aynı olduğu (Makefile okunur), JupyterLab
ayar dosyasının `make lab-ayarlari`'nınkiyle bayt bayt aynı olduğu, `kurs.py`'nin site-packages'sız
bir Python'la (`-I -S`) çalıştığı, `kurs.py lab`'ın JupyterLab'ı Türkçe arayüzle 127.0.0.1'de
başlattığı ve `kurs.py lab-notlandir 01`'in gerçek bir çekirdekle not tablosunu yazdığı. Gerçek bir
Windows makinesinde sınanmaz. Sanal ortam olarak bu oturumunki kullanılır (`--kurmadan`): kurulumu
yeniden yapmak dakikalar sürer; kurulumun komutları Makefile'la karşılaştırılarak sınanır.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from wskurs.engine.ports import free_port
from wskurs.engine.timing import scaled
from wskurs.grading import cli
from wskurs.grading.learner import CELL_TIMEOUT, LAB_OVERRIDES, Course, write_settings

from labtools import ROOT

MAKEFILE = (ROOT / "Makefile").read_text(encoding="utf-8")
SESSION_VENV = Path(sys.executable).parent.parent
TOKEN = "kurs"


def recipe(target: str) -> list[str]:
    """Makefile'da ``target:`` kuralının komut satırları (``\\`` ile bölünenler birleştirilmiş)."""
    match = re.search(rf"^{re.escape(target)}:.*\n((?:\t.*\n)+)", MAKEFILE, re.MULTILINE)
    assert match, f"Makefile'da {target} kuralı yok"
    text = match.group(1).replace("\\\n", " ")
    return [line.strip() for line in text.splitlines()]


def expand(line: str, course: Course, **values: str) -> list[str]:
    words = {
        "$(PYTHON)": course.python,
        "$(PY)": str(course.venv_python),
        "$(PYTEST)": f"{course.venv_python} -m pytest",
        "$(VENV)": str(course.venv),
        "$(CURDIR)": str(course.root),
        "$(CELL_TIMEOUT)": str(CELL_TIMEOUT),
        "$(ROOT_FLAG)": "--allow-root" if os.geteuid() == 0 else "",
        "$(LAB_ARGS)": "",
        **values,
    }
    for name, value in words.items():
        line = line.replace(name, value)
    return shlex.split(line)


def _group_alive(group: int) -> bool:
    try:
        os.killpg(group, 0)
    except ProcessLookupError:
        return False
    return True


def run_kurs(*args: str, timeout: float, **kwargs) -> subprocess.CompletedProcess[str]:
    """``kurs.py``'yi site-packages'sız (``-I -S``) bir Python'la çalıştırır: paket kurulmamış gibi."""
    return subprocess.run(
        [sys.executable, "-I", "-S", str(ROOT / "kurs.py"), *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=scaled(timeout),
        **kwargs,
    )


def test_install_commands_are_the_makefiles():
    """`kurs.py kur`'un komutları Makefile'ın `$(STAMP)` kuralındakilerdir (venv, pip'i yükseltmek,
    `-c constraints.txt -e '.[test]'`), aynı sırayla; damga dosyası da aynıdır (`.kurulum-X.Y`)."""
    course = Course.at(ROOT)
    lines = [line for line in recipe("$(STAMP)") if line.startswith(("$(PYTHON) ", "$(PY) "))]
    assert [expand(line, course) for line in lines] == course.install_commands()
    assert "STAMP  := $(VENV)/.kurulum-$(PYVER)" in MAKEFILE
    assert course.stamp.name == f".kurulum-{sys.version_info.major}.{sys.version_info.minor}"


def test_lab_and_grade_commands_are_the_makefiles():
    """`kurs.py lab` JupyterLab'ı `make lab`'ın seçenekleriyle (127.0.0.1, depo kökü, 00_baslarken,
    root isek `--allow-root`) başlatır; `kurs.py lab-notlandir 01` `make grade LAB=01`'in pytest
    komutunu lab defterinin adı açılmış olarak çalıştırır."""
    course = Course.at(ROOT, SESSION_VENV)
    [lab_line] = recipe("lab")
    assert expand(lab_line.replace('"', ""), course) == course.lab_command()
    grade_line = recipe("grade")[-1]
    [notebook] = [path.relative_to(ROOT).as_posix() for path in (ROOT / "labs").glob("lab01_*.ipynb")]
    assert expand(grade_line, course, **{"labs/lab$(LAB)_*.ipynb": notebook}) == course.grade_command("01")
    assert f"CELL_TIMEOUT ?= {CELL_TIMEOUT}\n" in MAKEFILE


def test_settings_file_is_byte_for_byte_make_lab_ayarlari(tmp_path):
    """`kurs.py`'nin yazdığı JupyterLab ayar dosyası `make lab-ayarlari`'nın yazdığıyla bayt bayt
    aynıdır (arayüz Türkçe, haber sorulmaz) ve sanal ortamın `share/jupyter/lab/settings`'indedir."""
    made = tmp_path / "make.json"
    subprocess.run(
        ["make", "--no-print-directory", "lab-ayarlari", f"LAB_SETTINGS={made}"],
        cwd=ROOT,
        check=True,
        timeout=scaled(60),
    )
    course = Course.at(ROOT, tmp_path / "venv")
    write_settings(course)
    assert course.settings == tmp_path / "venv/share/jupyter/lab/settings/overrides.json"
    assert course.settings.read_bytes() == made.read_bytes()
    assert json.loads(made.read_text(encoding="utf-8")) == LAB_OVERRIDES


def test_kurs_py_runs_without_the_package_and_prints_the_makefile_steps():
    """`kurs.py kur --goster` site-packages'sız bir Python'la (kursun paketi ve FastAPI yokken) çalışır
    ve Makefile'ın kurulum komutlarını yazar; bilinmeyen bir lab Türkçe bir hatayla 2 döndürür."""
    result = run_kurs("kur", "--goster", timeout=60)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].endswith(f"-m venv {ROOT / '.venv'}"), lines
    assert lines[2].endswith("-m pip install --quiet -c constraints.txt -e '.[test]'"), lines
    assert "overrides.json" in lines[3] and '"locale": "tr_TR"' in lines[3], lines
    missing = run_kurs("lab-notlandir", "99", "--kurmadan", timeout=60)
    assert missing.returncode == 2
    assert "Hata: Lab bulunamadı: LAB=99" in missing.stderr, missing.stderr


def test_wskurs_cli_has_the_same_commands(capsys):
    """Kurulumdan sonra aynı komutlar `wskurs lab` ve `wskurs lab-notlandir` olarak da vardır;
    hataları `wskurs`'ün öteki komutlarınınki gibi `Hata: …` ile yazılır."""
    assert cli.main(["lab-notlandir", "99", "--kurmadan", "--depo", str(ROOT)]) == 2
    assert "Hata: Lab bulunamadı: LAB=99" in capsys.readouterr().err
    assert cli.main(["lab", "--goster", "--kurmadan", "--depo", str(ROOT), "--venv", str(SESSION_VENV)]) == 0
    assert "--LabApp.default_url=/lab/tree/notebooks/00_baslarken.ipynb" in capsys.readouterr().out


@pytest.mark.kernel
def test_kurs_py_lab_grade_runs_a_real_kernel_and_prints_the_table():
    """`kurs.py lab-notlandir 01` lab 01'i gerçek bir çekirdekte notlandırır: çözülmemiş lab her
    alıştırmadan kalır, not tablosu (0/10) yazılır ve çıkış kodu pytest'inki gibi 1'dir."""
    result = run_kurs("lab-notlandir", "01", "--kurmadan", "--venv", str(SESSION_VENV), timeout=300)
    output = result.stdout + result.stderr
    assert result.returncode == 1, output[-3000:]
    assert "Not tablosu: lab01_websocket_nedir.ipynb" in output, output[-3000:]
    assert re.search(r"^Toplam\s+0/10", output, re.MULTILINE), output[-3000:]


@pytest.mark.kernel
def test_kurs_py_lab_serves_the_course_in_turkish(tmp_path):
    """`kurs.py lab` (site-packages'sız Python'la) JupyterLab'ı 127.0.0.1'de başlatır: kursun
    defterleri sunulur, kök adres 00_baslarken'e gider, Türkçe dil paketi yüklüdür ve arayüz dilinin
    varsayılanı tr_TR'dir; yalnızca kurs.py'ye SIGTERM gönderilince JupyterLab da kapanır (geride kalmaz)."""
    port = free_port()
    env = {
        **os.environ,
        "JUPYTERLAB_SETTINGS_DIR": str(tmp_path / "ayarlar"),
        "JUPYTERLAB_WORKSPACES_DIR": str(tmp_path / "calisma-alanlari"),
    }
    lab_args = [f"--port={port}", "--no-browser", f"--IdentityProvider.token={TOKEN}", "--ServerApp.port_retries=0"]
    kurs = [sys.executable, "-I", "-S", str(ROOT / "kurs.py")]
    process = subprocess.Popen(
        [*kurs, "lab", "--kurmadan", "--venv", str(SESSION_VENV), "--", *lab_args],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    url = f"http://127.0.0.1:{port}"

    def get(path: str) -> object:
        with urllib.request.urlopen(f"{url}{path}?token={TOKEN}", timeout=scaled(10)) as response:
            return json.load(response)

    try:
        deadline = time.monotonic() + scaled(90)
        while True:
            try:
                get("/api/status")
                break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(f"kurs.py lab başlamadı: {process.stdout.read() if process.poll() is not None else ''}")
                time.sleep(0.5)
        names = [item["name"] for item in get("/api/contents/notebooks")["content"]]
        assert "00_baslarken.ipynb" in names
        with urllib.request.urlopen(f"{url}/?token={TOKEN}", timeout=scaled(10)) as response:
            assert "/lab/tree/notebooks/00_baslarken.ipynb" in response.url, response.url
        assert "tr_TR" in get("/lab/api/translations/")["data"]
        setting = get("/lab/api/settings/@jupyterlab/translation-extension:plugin")
        assert setting["schema"]["properties"]["locale"]["default"] == "tr_TR"
        process.terminate()  # yalnızca kurs.py'ye: JupyterLab'a kendisi iletir
        process.wait(timeout=scaled(30))
        with pytest.raises(OSError):
            get("/api/status")
        assert not _group_alive(process.pid), "kurs.py durunca JupyterLab geride kaldı"
    finally:
        if _group_alive(process.pid):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait()
