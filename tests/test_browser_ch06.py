"""6. bölüm: iki gerçek tarayıcı sayfası, defterin kendi sunucusunda bir odaya katılıp sohbet eder.

Defter gerçek bir çekirdekte baştan sona çalıştırılır; sayfa, defterin başlattığı sohbet
sunucusundan (``sunucu``) açılır. Böylece sınanan, defterin kendi kodudur.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from wskurs.engine.timing import scaled

from kernel import Kernel, notebook_kernel

pytestmark = [pytest.mark.browser, pytest.mark.kernel]

NOTEBOOK = Path(__file__).resolve().parents[1] / "notebooks" / "06_ileri_seviye.ipynb"
TIMEOUT_MS = scaled(10) * 1000


@pytest.fixture(scope="module")
def notebook() -> Iterator[tuple[str, Kernel]]:
    """Defteri çalıştırır; sohbet sayfasının adresini ve açık çekirdeği verir."""
    with notebook_kernel(NOTEBOOK) as kernel:
        yield kernel.value("sunucu.url('/sayfa/')"), kernel


def _open(browser, url: str, username: str):
    context = browser.new_context()
    page = context.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    page.goto(f"{url}?username={username}")
    page.wait_for_selector('#status[data-status="connected"]')
    return context, page


def _wait_for_line(page, selector: str, text: str) -> None:
    page.wait_for_function(
        "([selector, text]) => [...document.querySelectorAll(selector)].some((li) => li.textContent.includes(text))",
        arg=[selector, text],
    )


def test_two_pages_join_a_room_and_chat(browser, notebook):
    """İki ayrı tarayıcı sayfası aynı odaya katılır, birinin yazdığı öbürünün sayfasında görünür."""
    url, kernel = notebook
    assert url.startswith("http://127.0.0.1:") and url.endswith("/sayfa/")
    contexts = []
    try:
        pages = {}
        for name in ("Ayşe", "Bora"):
            context, page = _open(browser, url, name)
            contexts.append(context)
            pages[name] = page
            page.fill("#roomId", "kahve")
            page.click("#joinBtn")
            _wait_for_line(page, "#messages li.system", "'kahve' odasına katıldınız")
        ayse, bora = pages["Ayşe"], pages["Bora"]
        _wait_for_line(ayse, "#messages li.system", "Bora odaya katıldı")

        ayse.fill("#messageInput", "Merhaba Bora")
        ayse.click("#sendBtn")
        _wait_for_line(bora, "#messages li.chat", "Ayşe: Merhaba Bora")

        bora.fill("#messageInput", "Selam Ayşe")
        bora.press("#messageInput", "Enter")
        _wait_for_line(ayse, "#messages li.chat", "Bora: Selam Ayşe")

        for page in (ayse, bora):
            chats = page.locator("#messages li.chat").all_inner_texts()
            assert [line.split()[0] for line in chats] == ["#1", "#2"], chats
            assert "Ayşe: Merhaba Bora" in chats[0] and "Bora: Selam Ayşe" in chats[1], chats
        _wait_for_line(ayse, "#members li", "Bora")
        assert sorted(ayse.locator("#members li").all_inner_texts()) == ["Ayşe", "Bora"]

        # Sunucunun kendi kaydı: odada iki üye var.
        members = kernel.value("sorted(m.username for m in sunucu.app.state.manager.rooms['kahve'])")
        assert members == "['Ayşe', 'Bora']"
    finally:
        for context in contexts:
            context.close()


def test_page_uses_the_schema_and_shows_precise_errors(browser, notebook):
    """Sayfa mesaj türlerini sunucunun JSON Schema'sından öğrenir; hatalı girdiye alanı söyleyen
    bir hata satırı gösterir; geçmişi sayfalı ister."""
    url, _ = notebook
    context, page = _open(browser, url, "Cem")
    try:
        types = page.locator("#types").inner_text()
        for kind in ("chat", "error", "message_history", "room_members", "system"):
            assert kind in types, types
        assert "şema yok" not in types
        page.fill("#roomId", "cay")
        page.click("#joinBtn")
        _wait_for_line(page, "#messages li.system", "'cay' odasına katıldınız")
        page.fill("#messageInput", "   ")
        page.click("#sendBtn")
        _wait_for_line(page, "#messages li.error", "message: boş olamaz")
        page.fill("#messageInput", "Çay demlendi")
        page.click("#sendBtn")
        _wait_for_line(page, "#messages li.chat", "Cem: Çay demlendi")
        page.click("#historyBtn")
        _wait_for_line(page, "#messages li.history", "Cem: Çay demlendi")
        assert page.locator("#status").get_attribute("data-status") == "connected"
    finally:
        context.close()
