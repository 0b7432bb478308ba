"""`make lab` JupyterLab'ı kursla ve Türkçe arayüzle açar (burada tarayıcısız başlatılıp REST
API'si yoklanır; Chromium varsa arayüz gerçek tarayıcıda denetlenir)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from wskurs.engine.ports import free_port
from wskurs.engine.timing import scaled

from labtools import ROOT

pytestmark = pytest.mark.kernel

TOKEN = "kurs"
LOCALE_PLUGIN = "@jupyterlab/translation-extension:plugin"
TURKISH_MENUS = ["Dosya", "Düzenle", "Görünüm", "Çalıştır", "Çekirdek"]
ENGLISH_MENUS = ["File", "Edit", "View", "Run", "Kernel"]


DIRECT = urllib.request.build_opener(urllib.request.ProxyHandler({}))
"""Ortamdaki proxy'yi (HTTP_PROXY…) kullanmayan açıcı: JupyterLab 127.0.0.1'de."""


@dataclass
class Lab:
    """`make lab` ile başlamış bir JupyterLab: adresi ve kullanıcı ayarları klasörü."""

    url: str
    settings_dir: Path

    def get(self, path: str) -> object:
        with DIRECT.open(f"{self.url}{path}?token={TOKEN}", timeout=scaled(10)) as response:
            return json.load(response)


@pytest.fixture(scope="module")
def lab(tmp_path_factory) -> Iterator[Lab]:
    """`make lab`'ı (tarayıcı açmadan, sabit token'la) başlatır ve API yanıt verene dek bekler.
    Kullanıcı ayarları geçici bir klasördedir: dil değiştirmek kimsenin ayarına dokunmaz."""
    port = free_port()
    settings_dir = tmp_path_factory.mktemp("kullanici-ayarlari")
    env = {
        **os.environ,
        "JUPYTERLAB_SETTINGS_DIR": str(settings_dir),
        "JUPYTERLAB_WORKSPACES_DIR": str(tmp_path_factory.mktemp("calisma-alanlari")),
    }
    args = f"--no-browser --port={port} --IdentityProvider.token={TOKEN} --ServerApp.port_retries=0"
    process = subprocess.Popen(
        ["make", "--no-print-directory", "lab", f"LAB_ARGS={args}"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    server = Lab(f"http://127.0.0.1:{port}", settings_dir)
    try:
        deadline = time.monotonic() + scaled(90)
        ready = False
        while time.monotonic() < deadline and process.poll() is None:
            try:
                server.get("/api/status")
                ready = True
                break
            except OSError:
                time.sleep(0.5)
        if not ready:
            problem = process.stdout.read() if process.poll() is not None else "JupyterLab yanıt vermedi"
            pytest.fail(f"make lab başlamadı: {problem}")
        yield server
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=scaled(15))
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def test_make_lab_serves_the_course(lab):
    """`make lab` JupyterLab'ı 127.0.0.1'de başlatır, kursun defterlerini sunar ve 00_baslarken ile açar."""
    names = [item["name"] for item in lab.get("/api/contents/notebooks")["content"]]
    assert "00_baslarken.ipynb" in names and "01_websocket_nedir.ipynb" in names
    with DIRECT.open(f"{lab.url}/?token={TOKEN}", timeout=scaled(10)) as response:
        assert "/lab/tree/notebooks/00_baslarken.ipynb" in response.url, response.url


def test_turkish_language_pack_is_loaded_and_english_remains(lab):
    """JupyterLab Türkçe dil paketini (tr_TR) yükler ve menü çevirilerini sunar; İngilizce de seçilebilir."""
    packs = lab.get("/lab/api/translations/")
    assert packs["message"] == "", packs["message"]
    assert {"en", "tr_TR"} <= set(packs["data"]), packs["data"]
    assert packs["data"]["tr_TR"]["nativeName"].startswith("Türkçe"), packs["data"]["tr_TR"]
    turkish = lab.get("/lab/api/translations/tr_TR")["data"]["jupyterlab"]
    assert turkish["menu\x04File"] == ["Dosya"] and turkish["menu\x04Kernel"] == ["Çekirdek"]


def test_default_locale_is_turkish(lab):
    """`make lab`'ın yazdığı ayar (overrides.json) arayüz dilinin varsayılanını tr_TR yapar; kullanıcı
    henüz bir dil seçmediği için etkin dil de odur."""
    overrides = json.loads((ROOT / ".venv/share/jupyter/lab/settings/overrides.json").read_text(encoding="utf-8"))
    assert overrides[LOCALE_PLUGIN] == {"locale": "tr_TR"}
    setting = lab.get(f"/lab/api/settings/{LOCALE_PLUGIN}")
    assert setting["schema"]["properties"]["locale"]["default"] == "tr_TR"
    assert "locale" not in setting["settings"], setting["settings"]


def menu_labels(page) -> list[str]:
    menus = page.locator("#jp-MainMenu .lm-MenuBar-itemLabel")
    menus.first.wait_for(timeout=scaled(60) * 1000)
    return menus.all_inner_texts()


@pytest.mark.browser
def test_interface_opens_in_turkish_and_switches_to_english(lab, browser, tmp_path):
    """Gerçek tarayıcıda arayüz Türkçe açılır (Dosya, Düzenle, …); Ayarlar → Dil → English seçilip
    onaylanınca sayfa yenilenir ve menüler İngilizce olur, seçim kullanıcı ayarına yazılır."""
    page = browser.new_page(viewport={"width": 1280, "height": 800})
    try:
        page.goto(f"{lab.url}/lab?token={TOKEN}", timeout=scaled(60) * 1000)
        assert menu_labels(page)[:5] == TURKISH_MENUS
        page.screenshot(path=str(tmp_path / "lab-turkce.png"))
        page.locator("#jp-MainMenu .lm-MenuBar-itemLabel", has_text="Ayarlar").click()
        page.locator(".lm-Menu-item", has_text="Dil").first.hover()
        page.locator(".lm-Menu-item", has_text="English").click()
        page.locator(".jp-Dialog .jp-mod-accept").click()
        page.wait_for_function(
            "() => document.querySelector('#jp-MainMenu .lm-MenuBar-itemLabel')?.textContent === 'File'",
            timeout=scaled(60) * 1000,
        )
        assert menu_labels(page)[:5] == ENGLISH_MENUS
    finally:
        page.close()
    chosen = lab.settings_dir / "@jupyterlab" / "translation-extension" / "plugin.jupyterlab-settings"
    assert '"locale": "en"' in chosen.read_text(encoding="utf-8")
    assert lab.get(f"/lab/api/settings/{LOCALE_PLUGIN}")["settings"]["locale"] == "en"
