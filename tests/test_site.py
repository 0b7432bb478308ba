"""Web baskısı (make site): site/edition.py'nin saf mantığı ve derlenmiş sitenin bir okurun
gözüyle denetimi.

Tarayıcı testleri ``build/site/``'ı oturumda bir kez derler (Sphinx değişmeyen sayfaları yeniden
derlemez), 127.0.0.1'de sunar ve her sayfayı Chromium'da, başka her adres kapalıyken açar: konsol
hatası ve başarısız istek yok, her Mermaid bloğu SVG, her resim yüklenir, her iç bağlantı ve çapa
bir yere varır, arama Türkçe bir kelimeyi ekiyle bulur. Ekran görüntüleri ``build/site_*.png``'ye
yazılır (bir insanın bakması için).
"""

from __future__ import annotations

import functools
import importlib.util
import json
import shutil
import sys
import threading
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urldefrag, urlsplit

import pytest

from wskurs.engine.timing import scaled

ROOT = Path(__file__).resolve().parents[1]
BUILD = ROOT / "build"
SITE = BUILD / "site"
WAIT = scaled(20) * 1000  # ms


def _load_edition() -> Any:
    # site/ klasörü bir paket değil (adı standart kütüphanenin site modülüyle çakışırdı): yoldan yüklenir.
    spec = importlib.util.spec_from_file_location("edition", ROOT / "site" / "edition.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("edition", module)
    spec.loader.exec_module(module)
    return module


edition = _load_edition()


# --- Saf mantık (tarayıcısız, hızlı) -------------------------------------------------------------


@pytest.mark.parametrize(
    ("title", "anchor"),
    [
        ("6.2.2 Normal bir kapanış", "6-2-2"),
        ("1.2 Bağlantı: yeni bağlantı mı?", "1-2"),
        ("1. WebSocket Nedir?", "1"),
        ("7.10 Yük altında", "7-10"),
        ("Bölüm haritası", None),
        ("Kusur 1: datetime", None),
        ("2025 yılında", "2025"),
        ("6.2.2.", "6-2-2"),
        ("v6.2 sürümü", None),
    ],
)
def test_section_anchor_comes_from_the_section_number(title, anchor):
    """Numaralı başlığın çapası numarasından türer (6.2.2 → 6-2-2); numarasız başlıkta çapa yok."""
    assert edition.section_anchor(title) == anchor


def test_jupyterlab_anchor_matches_the_hint_links():
    """Sitede başlıkların JupyterLab'daki adı da vardır: ipuçlarının ve lab'ların bölüm bağlantıları çözülür."""
    from wskurs.checks.hints import HINTS, anchor

    for hint in HINTS.values():
        visible = hint.heading.replace("`", "")
        assert edition.jupyterlab_anchor(visible) == anchor(hint.heading)
    assert edition.jupyterlab_anchor("2.2.3 Hiç okumayan istemci") == "2.2.3-Hiç-okumayan-istemci"
    # Sphinx'in tipografik tırnakları JupyterLab'daki düz tırnağa döner.
    quoted = edition.jupyterlab_anchor("2.2.1 Normal bir kapanış “hata” olarak")
    assert quoted == '2.2.1-Normal-bir-kapanış-"hata"-olarak'
    assert edition.jupyterlab_anchor("Kendi endpoint’inizi sınamak") == "Kendi-endpoint'inizi-sınamak"


def _live_notebook() -> dict[str, Any]:
    iframe = '<div class="wskurs-sayfa"><iframe src="http://127.0.0.1:4321/"></iframe></div>'
    return {
        "cells": [
            {"cell_type": "markdown", "source": "iframe kelimesi burada metin"},
            {
                "cell_type": "code",
                "source": "show_page(sunucu)",
                "outputs": [
                    {"output_type": "display_data", "data": {"text/html": [iframe], "text/plain": ["<HTML>"]}},
                    {"output_type": "stream", "name": "stdout", "text": "hazır\n"},
                ],
            },
            {
                "cell_type": "code",
                "source": "tablo",
                "outputs": [{"output_type": "execute_result", "data": {"text/html": "<table></table>"}}],
            },
            {
                "cell_type": "code",
                "source": "show_page(sunucu, '/a')",
                "outputs": [{"output_type": "display_data", "data": {"text/html": "<IFRAME src=x>"}}],
            },
        ]
    }


def test_live_pages_become_screenshots_with_a_note():
    """iframe'li her çıktı sıra numaralı bir ekran görüntüsüne ve 'defteri çalıştırın' notuna çevrilir;
    başka çıktılar (tablo, metin) ve girdi defter değişmez."""
    notebook = _live_notebook()
    before = json.dumps(notebook)
    result, names = edition.replace_live_pages(notebook, "06_ileri_seviye")
    assert json.dumps(notebook) == before
    assert names == ["06_ileri_seviye_sayfa_1.png", "06_ileri_seviye_sayfa_2.png"]
    first = result["cells"][1]["outputs"][0]["data"]
    assert set(first) == {"text/markdown", "text/plain"}
    assert "(_ekran/06_ileri_seviye_sayfa_1.png)" in first["text/markdown"]
    assert "defteri" in first["text/markdown"] and "make lab" in first["text/markdown"]
    assert result["cells"][1]["outputs"][1] == notebook["cells"][1]["outputs"][1]
    assert result["cells"][2] == notebook["cells"][2]
    assert "_sayfa_2.png" in result["cells"][3]["outputs"][0]["data"]["text/markdown"]
    assert "iframe" not in json.dumps(result["cells"][1:]).lower()


def test_every_live_page_in_the_chapters_has_a_committed_screenshot():
    """Bölümlerdeki her canlı sayfa çıktısının site/ekran/'da bir PNG'si var (yoksa make site durur);
    3. bölümde bir, 6. bölümde iki tane."""
    found: dict[str, list[str]] = {}
    for notebook in edition.chapter_notebooks():
        _, names = edition.replace_live_pages(json.loads(notebook.read_text(encoding="utf-8")), notebook.stem)
        if names:
            found[notebook.stem] = names
    assert {stem: len(names) for stem, names in found.items()} == {"03_istemciler": 1, "06_ileri_seviye": 2}
    for names in found.values():
        for name in names:
            data = (edition.SHOTS_DIR / name).read_bytes()
            assert data.startswith(b"\x89PNG"), name


def test_site_extra_is_pinned_in_constraints():
    """make site'ın kurduğu `site` eki pyproject.toml'da; paketleri ve Sphinx'in Türkçe kök bulucusu
    (snowballstemmer) constraints.txt'te tek bir sürüme sabit."""
    import re
    import tomllib

    extras = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["optional-dependencies"]
    pins = {
        line.split("==")[0].lower()
        for line in (ROOT / "constraints.txt").read_text(encoding="utf-8").splitlines()
        if re.fullmatch(r"[A-Za-z0-9_.-]+==[\w.]+", line)
    }
    assert set(extras["site"]) == {"sphinx", "myst-nb", "sphinx-book-theme", "sphinxcontrib-mermaid"}
    assert set(extras["site"]) | {"myst-parser", "pydata-sphinx-theme", "snowballstemmer", "docutils"} <= pins


def test_sources_hold_chapters_glossary_and_learner_labs_only(tmp_path):
    """Sitenin kaynağı: sekiz bölüm, sözlük, yedi lab'ın öğrenci sürümü; solutions/'dan tek dosya yok,
    kaynakta artık bir dosya kalmaz."""
    fake_js = tmp_path / "mermaid.min.js"
    fake_js.write_text("// mermaid")
    src = tmp_path / "src"
    (src / "eski").mkdir(parents=True)
    (src / "eski" / "artik.md").write_text("eski")
    written = edition.prepare_sources(src, fake_js)
    rel = {path.relative_to(src).as_posix() for path in written}
    assert not (src / "eski").exists()
    assert sorted(p for p in rel if p.startswith("notebooks/0")) == sorted(
        f"notebooks/{p.name}" for p in edition.chapter_notebooks()
    )
    assert len([p for p in rel if p.startswith("notebooks/0")]) == 8
    assert "notebooks/sozluk.md" in rel and "index.md" in rel
    labs = sorted(p for p in rel if p.startswith("labs/"))
    assert labs == sorted(f"labs/{p.name}" for p in (ROOT / "labs").glob("lab*.ipynb")) and len(labs) == 7
    solution_texts = {p.read_bytes() for p in (ROOT / "solutions").glob("*.ipynb")}
    assert not any(path.read_bytes() in solution_texts for path in written)
    assert not any("solutions" in p for p in rel)
    # Kayıtlı çıktılar kopyada kalır (derlemede hiçbir hücre çalışmaz).
    chapter = json.loads((src / "notebooks" / "02_fastapi_sunucusu.ipynb").read_text(encoding="utf-8"))
    assert any(cell.get("outputs") for cell in chapter["cells"])


# --- Derlenmiş site, Chromium'da ------------------------------------------------------------------


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


@functools.cache
def _built_site() -> Path:
    """build/site/'ı oturumda bir kez derler (değişmeyen sayfalar yeniden derlenmez)."""
    pytest.importorskip("sphinx", reason="Site eki kurulu değil: make site (ya da pip install -e '.[site]')")
    if not edition.mermaid_path().is_file() and shutil.which("npm") is None:
        pytest.skip("Site mermaid.js'i npm'den kurar: Node.js ve npm yok (sudo apt-get install nodejs npm)")
    assert edition.build(SITE) == 0
    return SITE


@pytest.fixture(scope="module")
def site_url() -> Iterator[str]:
    """build/site/ 127.0.0.1'de (rastgele portta) sunulur."""
    root = _built_site()
    handler = functools.partial(_QuietHandler, directory=str(root))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


def _visit(browser: Any, url: str, origin: str, screenshot: tuple[Path, str] | None = None) -> dict[str, Any]:
    """Sayfayı açar; origin dışındaki her istek engellenir. Sayfanın sorunlarını ve bağlantılarını döndürür.
    screenshot (dosya, seçici): seçicinin gösterdiği yerin ekran görüntüsü."""
    page = browser.new_page(viewport={"width": 1200, "height": 900})
    problems: list[str] = []
    page.on("console", lambda m: problems.append(f"konsol: {m.text}") if m.type == "error" else None)
    page.on("pageerror", lambda exc: problems.append(f"sayfa hatası: {exc}"))
    page.on("requestfailed", lambda r: problems.append(f"başarısız istek: {r.url}"))
    page.on("response", lambda r: problems.append(f"HTTP {r.status}: {r.url}") if r.status >= 400 else None)

    def route(route_: Any) -> None:
        if route_.request.url.startswith((origin, "data:", "blob:")):
            route_.continue_()
        else:
            problems.append(f"dışarıya istek: {route_.request.url}")
            route_.abort()

    page.route("**/*", route)
    try:
        page.goto(url, wait_until="load", timeout=WAIT)
        mermaid_blocks = page.locator("pre.mermaid").count()
        if mermaid_blocks:
            try:
                page.wait_for_function(
                    "() => [...document.querySelectorAll('pre.mermaid')].every(p => p.querySelector('svg'))",
                    timeout=WAIT,
                )
            except Exception:
                problems.append("Mermaid bloğu SVG'ye çevrilmedi")
        images = page.evaluate(
            """() => Promise.all([...document.images].map(img => {
                img.loading = 'eager';
                return img.decode().then(() => [img.src, img.naturalWidth], () => [img.src, 0]);
            }))"""
        )
        problems += [f"resim yüklenmedi: {src}" for src, width in images if not width]
        svgs = page.locator("pre.mermaid svg").count()
        ids = page.evaluate("() => [...document.querySelectorAll('[id]')].map(e => e.id)")
        links = page.evaluate("() => [...document.querySelectorAll('a[href]')].map(a => a.href)")
        if screenshot is not None:
            path, selector = screenshot
            page.locator(selector).first.scroll_into_view_if_needed()
            page.screenshot(path=str(path))
        return {
            "problems": problems,
            "ids": set(ids),
            "links": links,
            "mermaid": mermaid_blocks,
            "svgs": svgs,
            "images": len(images),
        }
    finally:
        page.close()


def _check_links(pages: dict[str, dict[str, Any]], root: Path, origin: str) -> list[str]:
    """Her iç bağlantının dosyası var; .html'e çapalı bağlantının çapası o sayfada var."""
    broken: list[str] = []
    for source, seen in pages.items():
        for link in seen["links"]:
            if not link.startswith(origin):
                continue
            target, fragment = urldefrag(link)
            path = unquote(urlsplit(target).path).lstrip("/")
            file = root / path
            if file.is_dir():
                path = (Path(path) / "index.html").as_posix()
                file = root / path
            if not file.is_file():
                broken.append(f"{source} → {link}: dosya yok")
            elif fragment and path in pages and unquote(fragment) not in pages[path]["ids"]:
                broken.append(f"{source} → {link}: çapa yok")
    return broken


@pytest.mark.browser
def test_every_page_reads_offline_with_diagrams_images_and_links(browser, site_url):
    """Sitenin her sayfası dışarıya istek atmadan açılır: konsol hatası ve başarısız istek yok, her
    Mermaid bloğu SVG, her resim yüklü, her iç bağlantı ve çapa bir yere varıyor; bölümler, sözlük ve
    yedi lab sitede; 6.2.2 gibi numaralı çapalar var."""
    pages: dict[str, dict[str, Any]] = {}
    shots = {
        # Canlı sayfanın yerindeki ekran görüntüsü ve notu; giriş sayfası.
        "notebooks/03_istemciler.html": (BUILD / "site_03_istemciler.png", "img[src*='_sayfa_1']"),
        "index.html": (BUILD / "site_giris.png", "article"),
    }
    for html in sorted(SITE.rglob("*.html")):
        rel = html.relative_to(SITE).as_posix()
        if rel.startswith("_"):  # _static/ (tema parçaları), _downloads/ (defterlerin yan dosyaları)
            continue
        pages[rel] = _visit(browser, site_url + rel, site_url, shots.get(rel))
    problems = {rel: seen["problems"] for rel, seen in pages.items() if seen["problems"]}
    assert problems == {}
    assert _check_links(pages, SITE, site_url) == []
    chapters = [f"notebooks/{p.stem}.html" for p in edition.chapter_notebooks()]
    labs = [rel for rel in pages if rel.startswith("labs/")]
    assert all(rel in pages for rel in chapters) and len(chapters) == 8
    assert "notebooks/sozluk.html" in pages and len(labs) == 7
    # Bölümlerin Mermaid diyagramlarının (defterlerde 12 tane) hepsi çizildi.
    assert all(seen["svgs"] == seen["mermaid"] for seen in pages.values())
    assert sum(pages[rel]["mermaid"] for rel in chapters) >= 10
    assert {"6-2-2", "6-1"} <= pages["notebooks/06_ileri_seviye.html"]["ids"]
    assert "1-2" in pages["notebooks/01_websocket_nedir.html"]["ids"]
    # İndirme düğmesi defterin kendisini verir (iframe'li kayıtlı çıktılarıyla).
    original = ROOT / "notebooks" / "06_ileri_seviye.ipynb"
    assert (SITE / "_sources" / "notebooks" / original.name).read_bytes() == original.read_bytes()
    # Canlı sayfa çıktılarının yerinde ekran görüntüsü var.
    assert pages["notebooks/06_ileri_seviye.html"]["images"] >= 2


@pytest.mark.browser
def test_search_finds_a_turkish_word_with_its_suffix(browser, site_url):
    """Arama "bağlantıyı" ile "bağlantı" geçen sayfaları bulur (Türkçe kök bulma); kursta geçmeyen
    bir kelime hiçbir şey bulmaz. Arama sayfasının ekran görüntüsü build/site_arama.png."""
    page = browser.new_page(viewport={"width": 1200, "height": 900})
    blocked: list[str] = []
    page.route(
        "**/*",
        lambda r: r.continue_() if r.request.url.startswith(site_url) else (blocked.append(r.request.url), r.abort()),
    )
    try:
        results = {}
        for word in ("bağlantıyı", "zürafalarımızın"):
            page.goto(f"{site_url}search.html?q={word}", wait_until="load", timeout=WAIT)
            page.wait_for_function(
                "() => document.querySelector('#search-results p.search-summary')",
                timeout=WAIT,
            )
            page.wait_for_timeout(300)
            results[word] = page.locator("#search-results ul.search li").all_inner_texts()
            if word == "bağlantıyı":
                page.screenshot(path=str(BUILD / "site_arama.png"))
        found = results["bağlantıyı"]
        assert len(found) >= 3, found
        assert any("bağlantı" in text.lower() for text in found), found
        assert any("1. WebSocket Nedir?" in text for text in found), found
        assert results["zürafalarımızın"] == []
        assert blocked == []
    finally:
        page.close()


@pytest.mark.browser
def test_concept_questions_open_their_explanations_and_sections_are_linked(browser, site_url):
    """Bölüm sonundaki kavram soruları sitede kapalı gelir, tıklanınca açıklama görünür; lab'daki
    "Dayandığı bölüm" bağlantısı bölüm sayfasında o başlığa gider."""
    page = browser.new_page(viewport={"width": 1200, "height": 900})
    try:
        page.goto(f"{site_url}notebooks/02_fastapi_sunucusu.html", wait_until="load", timeout=WAIT)
        questions = page.locator("details")
        assert questions.count() >= 3
        first = questions.first
        explanation = first.locator("li").filter(has_text="Doğru.")
        assert not explanation.is_visible()
        first.locator("summary").click()
        assert explanation.is_visible()
        page.goto(f"{site_url}labs/lab02_fastapi_sunucusu.html", wait_until="load", timeout=WAIT)
        link = page.locator("a", has_text="2.2.3 Hiç okumayan istemci").first
        link.click()
        page.wait_for_load_state("load")
        assert "02_fastapi_sunucusu.html#2.2.3-" in page.url
        target = page.evaluate("() => decodeURIComponent(location.hash.slice(1))")
        assert page.evaluate("(id) => document.getElementById(id) !== null", target)
    finally:
        page.close()


@pytest.mark.browser
def test_the_page_checks_catch_a_broken_page(browser, tmp_path):
    """Denetimler gerçekten yakalar: dışarıdan yüklenen betik, yüklenmeyen resim, çizilmemiş Mermaid,
    var olmayan dosya ve çapa, konsol hatası."""
    (tmp_path / "a.html").write_text(
        """<!doctype html><meta charset="utf-8"><h1 id="var">Başlık</h1>
        <script src="https://cdn.example.org/x.js"></script>
        <img src="yok.png"><pre class="mermaid">graph TD; A-->B</pre>
        <a href="b.html#yok">çapa</a> <a href="c.html">dosya</a> <a href="#var">iyi</a>
        <script>console.error("bozuk")</script>""",
        encoding="utf-8",
    )
    (tmp_path / "b.html").write_text("<!doctype html><p id='baska'>b</p>", encoding="utf-8")
    handler = functools.partial(_QuietHandler, directory=str(tmp_path))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    origin = f"http://127.0.0.1:{server.server_address[1]}/"
    try:
        global WAIT
        saved, WAIT = WAIT, scaled(2) * 1000
        try:
            pages = {name: _visit(browser, origin + name, origin) for name in ("a.html", "b.html")}
        finally:
            WAIT = saved
    finally:
        server.shutdown()
        server.server_close()
    problems = " | ".join(pages["a.html"]["problems"])
    for expected in ("dışarıya istek: https://cdn.example.org/x.js", "resim yüklenmedi", "Mermaid", "konsol: bozuk"):
        assert expected in problems, problems
    assert sorted(_check_links(pages, tmp_path, origin)) == [
        f"a.html → {origin}b.html#yok: çapa yok",
        f"a.html → {origin}c.html: dosya yok",
    ]
