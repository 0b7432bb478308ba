"""Sınıf kurulumları: Binder'ın okuduğu ``binder/`` dosyaları make lab'ın sürümlerini ve ayarlarını
kullanır; README'nin rozeti ve nbgitpuller bağlantısı 00_baslarken defterini açar."""

from __future__ import annotations

import json
import os
import re
import subprocess
import tomllib
from urllib.parse import parse_qs, urlsplit

from packaging.specifiers import SpecifierSet

from wskurs.engine.timing import scaled

from labtools import ROOT

BINDER = ROOT / "binder"
FIRST_NOTEBOOK = "notebooks/00_baslarken.ipynb"


def make(*args: str, **kwargs) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["make", "--no-print-directory", *args], cwd=ROOT, capture_output=True, text=True, timeout=scaled(60), **kwargs
    )


def test_binder_python_is_one_the_course_supports():
    """binder/runtime.txt'in Python sürümü pyproject.toml'un desteklediği aralıktadır."""
    runtime = (BINDER / "runtime.txt").read_text(encoding="utf-8").strip()
    match = re.fullmatch(r"python-(3\.\d+)", runtime)
    assert match, runtime
    requires = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["requires-python"]
    assert match[1] in SpecifierSet(requires), (runtime, requires)


def test_binder_installs_the_package_with_the_pinned_versions():
    """binder/requirements.txt kursun paketini (`-e .`) constraints.txt sürümleriyle kurar; kısıt
    dosyasının yolu requirements dosyasına göredir (pip böyle çözer) ve o dosya vardır."""
    lines = [
        line.split("#", 1)[0].strip() for line in (BINDER / "requirements.txt").read_text(encoding="utf-8").splitlines()
    ]
    lines = [line for line in lines if line]
    constraint = next(line.split(None, 1)[1] for line in lines if line.startswith("-c"))
    assert (BINDER / constraint).resolve() == (ROOT / "constraints.txt").resolve()
    assert "-e ." in lines, lines


def test_postbuild_writes_the_same_lab_settings_as_make_lab(tmp_path):
    """binder/postBuild ortamın klasörüne make lab'ın yazdığı JupyterLab ayarlarını yazar: varsayılan
    dil tr_TR."""
    prefix = tmp_path / "ortam"
    fake_bin = tmp_path / "bin"
    fake_bin.mkdir()
    (fake_bin / "python").write_text(f"#!/bin/sh\necho {prefix}\n")
    (fake_bin / "python").chmod(0o755)
    assert os.access(BINDER / "postBuild", os.X_OK), "postBuild çalıştırılabilir olmalı"
    env = {**os.environ, "PATH": f"{fake_bin}{os.pathsep}{os.environ['PATH']}"}
    result = subprocess.run(
        [str(BINDER / "postBuild")], cwd=ROOT, env=env, capture_output=True, text=True, timeout=scaled(60)
    )
    assert result.returncode == 0, result.stdout + result.stderr
    written = json.loads((prefix / "share/jupyter/lab/settings/overrides.json").read_text(encoding="utf-8"))
    reference = tmp_path / "make-lab.json"
    assert make("lab-ayarlari", f"LAB_SETTINGS={reference}").returncode == 0
    assert written == json.loads(reference.read_text(encoding="utf-8"))
    assert written["@jupyterlab/translation-extension:plugin"] == {"locale": "tr_TR"}


def test_readme_badge_opens_the_first_notebook_on_binder():
    """README'deki rozet mybinder'ın standart adres biçimindedir ve var olan 00_baslarken defterini açar."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    match = re.search(r"\(https://mybinder\.org/v2/gh/([^/\s]+)/([^/\s]+)/main\?urlpath=([^)\s]+)\)", readme)
    assert match, "README'de Binder rozeti yok"
    urlpath = match[3].replace("%2F", "/")
    assert urlpath == f"lab/tree/{FIRST_NOTEBOOK}", urlpath
    assert (ROOT / FIRST_NOTEBOOK).exists()
    assert "mybinder.org/badge_logo.svg" in readme


def test_nbgitpuller_link_pulls_main_and_opens_the_first_notebook():
    """`make sinif-baglantisi` hub'ın git-pull adresini üretir: depo, branch=main ve klonlanan
    klasördeki 00_baslarken defteri; README'deki kalıp da aynı parçaları içerir."""
    result = make("sinif-baglantisi", "HUB=https://hub.ornek/", "DEPO=https://git.ornek/ogretmen/kurs.git")
    assert result.returncode == 0, result.stderr
    link = urlsplit(result.stdout.strip())
    assert (link.scheme, link.netloc, link.path) == ("https", "hub.ornek", "/hub/user-redirect/git-pull")
    query = {key: values[0] for key, values in parse_qs(link.query).items()}
    assert query == {
        "repo": "https://git.ornek/ogretmen/kurs.git",
        "branch": "main",
        "urlpath": f"lab/tree/kurs/{FIRST_NOTEBOOK}?autodecode",
    }
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    template = next(line for line in readme.splitlines() if "/hub/user-redirect/git-pull?" in line)
    assert "branch=main" in template and "notebooks%2F00_baslarken.ipynb%3Fautodecode" in template


def test_nbgitpuller_link_without_arguments_explains_usage():
    """Adresler verilmezse `make sinif-baglantisi` Türkçe kullanımı söyler ve başarısız olur."""
    result = make("sinif-baglantisi")
    assert result.returncode != 0
    assert "Kullanım: make sinif-baglantisi HUB=" in result.stdout


def test_tljh_note_installs_from_the_pins():
    """README'nin TLJH notu kursu constraints.txt sürümleriyle ve nbgitpuller'ı getiren `sinif`
    ekiyle kurar; o ek pyproject.toml'da vardır ve nbgitpuller sabitlenmiştir."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert re.search(r"sudo -E pip install -c \S*constraints\.txt \"\./\S+\[sinif\]\"", readme)
    extras = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["optional-dependencies"]
    assert extras["sinif"] == ["nbgitpuller"]
    pins = (ROOT / "constraints.txt").read_text(encoding="utf-8").splitlines()
    assert any(re.fullmatch(r"nbgitpuller==[\d.]+", line) for line in pins)
