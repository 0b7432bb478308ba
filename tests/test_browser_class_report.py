"""Sınıf raporu gerçek bir (başsız) Chromium'da, ``file://`` adresinden ve başka her adres kapalıyken:
konsol hatası ve başarısız istek yok, her resim yüklenir, kötü niyetli bir ad metin olarak görünür.
Ekran görüntüsü ``build/sinif_raporu.png``'ye yazılır (grafiklerin okunaklılığına bakmak için)."""

from __future__ import annotations

from pathlib import Path

import pytest

from test_class_report import HOSTILE, SPECS, class_grades
from test_similarity import class_submissions, lab_notebook
from wskurs.engine.timing import scaled
from wskurs.grading.class_report import write_class_report
from wskurs.grading.similarity import similarity_report

pytestmark = pytest.mark.browser

BUILD = Path(__file__).resolve().parents[1] / "build"
WAIT = scaled(10) * 1000  # ms


def open_offline(browser, path: Path, screenshot: Path):
    """Sayfayı ``file://`` adresinden açar; ``file://`` dışındaki her istek reddedilir ve kaydedilir.
    Sayfa, konsol hataları, başarısız ve engellenen istekler döner."""
    page = browser.new_page(viewport={"width": 1100, "height": 900})
    errors: list[str] = []
    failed: list[str] = []
    blocked: list[str] = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("requestfailed", lambda request: failed.append(request.url))

    def route(route_):
        if route_.request.url.startswith(("file://", "data:")):
            route_.continue_()
        else:
            blocked.append(route_.request.url)
            route_.abort()

    page.route("**/*", route)
    page.goto(path.as_uri(), wait_until="load", timeout=WAIT)
    page.wait_for_function(
        "() => [...document.images].every(img => img.complete)",
        timeout=WAIT,
    )
    screenshot.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(screenshot), full_page=True)
    return page, errors, failed, blocked


def test_class_report_opens_offline_with_every_image(browser, tmp_path):
    """Sınıf raporu dışarıya hiç istek atmaz; konsol hatası yok; iki grafik de yüklenmiş
    (``naturalWidth > 0``); ``<script>`` adlı gönderim metin olarak görünür, çalışmaz."""
    path = write_class_report(class_grades(), "lab02", SPECS, tmp_path)
    page, errors, failed, blocked = open_offline(browser, path, BUILD / "sinif_raporu.png")
    try:
        widths = page.evaluate("() => [...document.images].map(img => img.naturalWidth)")
        assert len(widths) == 2 and all(width > 0 for width in widths)
        assert (errors, failed, blocked) == ([], [], [])
        assert page.evaluate("() => document.querySelectorAll('script').length") == 0
        assert HOSTILE in page.inner_text("body")
        assert page.evaluate("() => window.__xss === undefined")
    finally:
        page.close()


def test_similarity_report_opens_offline(browser, tmp_path):
    """Benzerlik raporu da dışarıya istek atmaz, konsol hatası vermez, işaretli parçaları gösterir ve
    notu değiştirmediğini yazar."""
    path = tmp_path / "benzerlik.html"
    pairs = similarity_report(class_submissions(), lab_notebook(), path)
    assert pairs
    page, errors, failed, blocked = open_offline(browser, path, BUILD / "benzerlik.png")
    try:
        assert (errors, failed, blocked) == ([], [], [])
        assert page.evaluate("() => document.querySelectorAll('mark').length") > 0
        assert "notu değiştirmez" in page.inner_text("body")
    finally:
        page.close()
