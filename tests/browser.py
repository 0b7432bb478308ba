"""Gerçek bir Chromium (Debian paketi) ile tarayıcı testleri için ortak fixture.

Playwright'ın kendi tarayıcı indirmesi bu ortamda çalışmaz; sistemin Chromium'u kullanılır
(``make test`` root olarak çalışıyorsa Debian'ın ``chromium`` paketini kendisi kurar). Yoksa
testler, kurulum komutunu söyleyerek atlanır; hiçbir zaman başarısız olmaz.

Betik olarak (``python tests/browser.py``) bulunan tarayıcının yolunu yazar; yoksa kurulum
komutunu yazar ve 1 ile çıkar (Makefile bununla karar verir).
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator

import pytest

INSTALL_HINT = "Tarayıcı testleri için Chromium gerekli: sudo apt-get install chromium (Debian/Ubuntu)"
"""Chromium yokken tarayıcı testlerinin atlanma nedeni."""
ARGS = [
    "--no-sandbox",
    "--no-proxy-server",  # sayfalar 127.0.0.1'de: ortamdaki HTTP_PROXY'ye gitmesin
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def chromium_path() -> str | None:
    for candidate in (os.environ.get("WSKURS_CHROMIUM"), "chromium", "chromium-browser", "google-chrome"):
        if candidate and (found := shutil.which(candidate)):
            return found
    return None


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    """Başsız (headless) Chromium; Chromium ya da Playwright yoksa test atlanır.

    Modül kapsamlıdır: Playwright'ın senkron API'si açıkken ana iş parçacığında bir event loop
    çalışır ve sonraki testlerin ``asyncio.run(...)`` çağrıları başarısız olurdu.
    """
    path = chromium_path()
    if path is None:
        pytest.skip(INSTALL_HINT)
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.skip("Playwright kurulu değil: make test (ya da pip install playwright)")
    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=path, headless=True, args=ARGS)
        try:
            yield instance
        finally:
            instance.close()


if __name__ == "__main__":
    found = chromium_path()
    if found is None:
        print(f"Not: Chromium bulunamadı, tarayıcı testleri atlanacak. {INSTALL_HINT}")
        raise SystemExit(1)
    print(found)
