"""Sphinx ayarları: kursun web baskısı (make site; kaynak klasörünü site/edition.py kurar)."""

import os
import sys
from typing import Any

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

project = "FastAPI WebSocket Kursu"
author = "FastAPI WebSocket Kursu"
copyright = "FastAPI WebSocket Kursu"
language = "tr"  # Arayüz metinleri Türkçe; arama Türkçe Snowball kökleriyle (sphinx.search.tr)

extensions = ["myst_nb", "sphinxcontrib.mermaid", "edition"]

# Defterler kayıtlı çıktılarıyla okunur; derlemede hiçbir hücre çalıştırılmaz.
nb_execution_mode = "off"
nb_merge_streams = True
# ```mermaid blokları (JupyterLab'ın çizdiği gibi) diyagram olur; mermaid.js yerel kopyadır.
myst_fence_as_directive = ["mermaid"]
myst_heading_anchors = 4
mermaid_use_local = "mermaid-esm.mjs"
mermaid_fullscreen = False
mermaid_d3_zoom = False

exclude_patterns = ["_static", "**/.ipynb_checkpoints"]
# myst.xref_missing: lab'lardaki "Dayandığı bölüm" bağlantılarının çapaları (JupyterLab'ın başlık adları)
# edition.py'nin dönüşümüyle eklenir; MyST onları çözmeden önce arar ve uyarır. Her bağlantının ve
# çapanın gerçekten çözüldüğünü tests/test_site.py tarayıcıda denetler.
suppress_warnings = ["myst.header", "mystnb.unknown_mime_type", "myst.xref_missing"]

html_theme = "sphinx_book_theme"
html_title = "FastAPI WebSocket Kursu"
html_css_files = ["site.css"]
html_show_sourcelink = False
html_copy_source = True
html_last_updated_fmt = None
# Açık tema: grafikler ve tablolar JupyterLab'daki gibi görünür (okur düğmeyle koyuya geçebilir).
html_context = {"default_mode": "light"}
html_theme_options = {
    "home_page_in_toc": True,
    "show_navbar_depth": 1,
    "use_download_button": True,
    "navigation_with_keys": False,
}


def setup(app: Any) -> None:
    """Kaynak klasörünün _static'i (mermaid.min.js, site.css) siteye kopyalanır."""
    app.config.html_static_path = [os.path.join(app.srcdir, "_static")]
