"""3. bölümün JavaScript istemcisi gerçek bir (başsız) Chromium'da, defterin kendi sunucusuna
karşı: bağlanır, metin/JSON/ikili gönderip alır, kalp atışı yapar, kapanış kodunu okur ve
sunucu durup aynı portta yeniden başlayınca üstel beklemeyle geri gelir."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from pathlib import Path

import pytest

from wskurs.engine.timing import scaled

from kernel import Kernel, notebook_kernel

pytestmark = pytest.mark.browser

NOTEBOOK = Path(__file__).resolve().parents[1] / "notebooks" / "03_istemciler.ipynb"
FAST = "?taban=200&tavan=800&deneme=8&kalp=300"
WAIT = scaled(8) * 1000  # ms


@pytest.fixture(scope="module")
def kernel() -> Iterator[Kernel]:
    """Defterin bütün hücrelerini çalıştırmış, sunucusu hâlâ açık bir çekirdek."""
    with notebook_kernel(NOTEBOOK) as running:
        yield running


def run(kernel: Kernel, code: str) -> str:
    result = kernel.run(code, timeout=scaled(20))
    assert result.error is None, f"{result.error}: {result.evalue}"
    return result.stdout


def events(page, kind: str) -> list[dict]:
    return page.evaluate(f"() => wsLog.filter(e => e.type === {kind!r})")


def wait_for(page, condition: str) -> None:
    page.wait_for_function(f"() => {condition}", timeout=WAIT)


def test_page_talks_to_the_notebook_server(browser, kernel):
    """Sayfa adresini kendi konumundan kurar; metin, JSON, ArrayBuffer ve Blob mesajları gidip
    gelir; kalp atışına pong gelir; sunucunun 4001 kapanışından sonra yeniden bağlanılmaz."""
    url = kernel.value("sunucu.url('/')")
    page = browser.new_page()
    try:
        page.goto(url + FAST)
        wait_for(page, "wsLog.some(e => e.type === 'open')")
        connecting, opened = events(page, "connecting")[0], events(page, "open")[0]
        assert connecting["url"] == url.replace("http://", "ws://").rstrip("/") + "/ws"
        assert (connecting["readyState"], opened["readyState"]) == (0, 1)
        assert page.text_content("#readyState") == "1 (OPEN)"

        page.fill("#messageText", "tarayıcıdan merhaba")
        page.click("button[type=submit]")
        wait_for(page, "wsLog.some(e => e.type === 'text')")
        assert events(page, "text")[0]["data"] == "Mesajınız: tarayıcıdan merhaba"
        assert "Mesajınız: tarayıcıdan merhaba" in page.text_content("#messageContainer")

        page.click("#sendJson")
        wait_for(page, "wsLog.some(e => e.type === 'json')")
        assert events(page, "json")[0]["data"] == {"type": "yanit", "user": "Ali", "message": "Merhaba"}

        page.click("#sendBuffer")
        wait_for(page, "wsLog.some(e => e.type === 'binary')")
        page.select_option("#binaryType", "blob")
        page.click("#sendBlob")
        wait_for(page, "wsLog.filter(e => e.type === 'binary').length === 2")
        binary = [(e["kind"], e["bytes"]) for e in events(page, "binary")]
        assert binary == [("ArrayBuffer", [40, 30, 20, 10]), ("Blob", [3, 2, 1])]

        wait_for(page, "wsLog.some(e => e.type === 'pong')")
        pings = {e["id"] for e in events(page, "ping")}
        assert {e["id"] for e in events(page, "pong")} <= pings

        page.click("#askClose")
        wait_for(page, "wsLog.some(e => e.type === 'final')")
        close = events(page, "close")[-1]
        assert (close["code"], close["reason"], close["readyState"]) == (4001, "Oturum sona erdi", 3)
        page.wait_for_timeout(scaled(0.5) * 1000)
        assert events(page, "reconnect") == [] and len(events(page, "connecting")) == 1
    finally:
        page.close()


def test_user_close_is_1000_and_not_followed_by_reconnect(browser, kernel):
    """Kullanıcı kapatınca durum CLOSING'e geçer, sunucu 1000 görür ve sayfa yeniden bağlanmaz."""
    url = kernel.value("sunucu.url('/')")
    run(kernel, "sunucu.clear_log()")
    page = browser.new_page()
    try:
        page.goto(url + FAST)
        wait_for(page, "wsLog.some(e => e.type === 'open')")
        page.click("#closeButton")
        wait_for(page, "wsLog.some(e => e.type === 'final')")
        assert events(page, "closing")[0]["readyState"] == 2
        close = events(page, "close")[0]
        assert (close["code"], close["wasClean"]) == (1000, True)
        page.wait_for_timeout(scaled(0.5) * 1000)
        assert len(events(page, "connecting")) == 1
        assert "[ws] istemci ayrıldı: kod 1000" in run(kernel, 'sunucu.show_log(contains="[ws]")')
    finally:
        page.close()


def test_page_reconnects_with_exponential_backoff_after_restart(browser, kernel):
    """Sunucu durunca sayfa 1012 görür; sunucu kapalıyken denemeler artan beklemelerle başarısız
    olur; sunucu aynı portta başlayınca sayfa yeniden bağlanır ve konuşmaya devam eder."""
    url = kernel.value("sunucu.url('/')")
    page = browser.new_page()
    try:
        page.goto(url + FAST)
        wait_for(page, "wsLog.some(e => e.type === 'open')")

        run(kernel, "port = sunucu.port\nawait sunucu.stop()")
        wait_for(page, "wsLog.some(e => e.type === 'close' && e.code === 1012)")
        # Sunucu kapalıyken en az iki deneme boşa gitsin (ikinci bekleme birincinin iki katı).
        wait_for(page, "wsLog.filter(e => e.type === 'reconnect').length >= 3")
        run(kernel, "sunucu = await start_server(app, port=port)")
        assert kernel.value("sunucu.url('/')") == url
        wait_for(page, "wsLog.filter(e => e.type === 'open').length === 2")

        attempts = events(page, "reconnect")
        assert [a["attempt"] for a in attempts] == list(range(1, len(attempts) + 1))
        for a in attempts:
            assert a["cap"] == min(200 * 2 ** (a["attempt"] - 1), 800)
            assert a["cap"] / 2 - 1 <= a["delay"] <= a["cap"] + 1
        failed = [e["code"] for e in events(page, "close")[1:]]
        assert failed and set(failed) == {1006}, failed
        opens = events(page, "open")
        starts = [e["at"] for e in events(page, "connecting")]
        assert all(later > earlier for earlier, later in itertools.pairwise(starts))
        assert opens[1]["at"] >= starts[-1]

        page.fill("#messageText", "yeniden buradayım")
        page.click("button[type=submit]")
        wait_for(page, "wsLog.some(e => e.type === 'text' && e.data === 'Mesajınız: yeniden buradayım')")
    finally:
        page.close()
