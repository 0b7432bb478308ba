"""`.devcontainer/devcontainer.json` (GitHub Codespaces): kurs README'nin make komutlarıyla kurulur,
JupyterLab'ın portu yönlendirilir ve çekirdekteki sunucuların sayfaları portlarının Codespaces
adresinden açılır. Burada dosya okunup sınanır; gerçek bir Codespace'te sınanmaz."""

from __future__ import annotations

import json
import re
import shlex
import subprocess

from wskurs.engine.browser_base import OVERRIDE_ENV, BrowserMode, browser_base
from wskurs.engine.timing import scaled

from labtools import ROOT

SAMPLE = {"CODESPACE_NAME": "ayse-kurs-7g9xq", "GITHUB_CODESPACES_PORT_FORWARDING_DOMAIN": "app.github.dev"}


def config() -> dict:
    """devcontainer.json (satır başındaki `//` yorumları atılarak: biçim JSON with Comments'tir)."""
    text = (ROOT / ".devcontainer/devcontainer.json").read_text(encoding="utf-8")
    return json.loads(re.sub(r"^\s*//.*$", "", text, flags=re.MULTILINE))


def substitute(value: str, container_env: dict[str, str]) -> str:
    """Dev container'ın `${containerEnv:AD}` yerleştirmesi."""
    return re.sub(r"\$\{containerEnv:([A-Z_]+)\}", lambda m: container_env[m.group(1)], value)


def test_post_create_runs_makefile_targets():
    """`postCreateCommand` yalnızca Makefile'da var olan hedefleri çağırır (`make kur`: make lab'ın
    kurulumu) ve `make -n` bunları hatasız açar; JupyterLab'ın portu 8888 yönlendirilir."""
    settings = config()
    command = settings["postCreateCommand"]
    words = shlex.split(command)
    assert words[0] == "make", command
    targets = [word for word in words[1:] if "=" not in word and not word.startswith("-")]
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert targets and all(re.search(rf"^{t}:", makefile, re.MULTILINE) for t in targets), targets
    subprocess.run([*words, "-n"], cwd=ROOT, check=True, capture_output=True, timeout=scaled(60))
    assert 8888 in settings["forwardPorts"]


def test_page_address_template_gives_the_codespaces_forwarded_url(monkeypatch):
    """Codespaces'te `WSKURS_BROWSER_BASE` bir `{port}` şablonudur: wskurs'ün kendi fonksiyonu bir
    sunucunun sayfasını `https://<codespace>-<port>.app.github.dev/<yol>` adresinde açar."""
    remote = config()["remoteEnv"]
    template = substitute(remote[OVERRIDE_ENV], SAMPLE)
    monkeypatch.setenv(OVERRIDE_ENV, template)
    base = browser_base()
    assert base.mode is BrowserMode.TEMPLATE
    url = base.url("http://127.0.0.1:8123/sohbet?oda=1", 8123, "/sohbet?oda=1")
    assert url == "https://ayse-kurs-7g9xq-8123.app.github.dev/sohbet?oda=1"


def test_lab_accepts_the_forwarded_origin():
    """`make lab` Codespaces'te (LAB_ARGS ortam değişkeniyle) tarayıcı açmaya çalışmaz ve JupyterLab'ın
    yönlendirilmiş 8888 adresinden gelen istekleri kabul eder; `make -n lab` bu seçenekleri iletir."""
    lab_args = substitute(config()["remoteEnv"]["LAB_ARGS"], SAMPLE)
    assert "--ServerApp.allow_origin=https://ayse-kurs-7g9xq-8888.app.github.dev" in lab_args.split()
    shown = subprocess.run(
        ["make", "-n", "--no-print-directory", "lab", f"LAB_ARGS={lab_args}"],
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
        timeout=scaled(60),
    ).stdout
    assert "--ip=127.0.0.1" in shown and "--no-browser" in shown, shown
