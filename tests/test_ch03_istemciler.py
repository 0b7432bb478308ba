"""3. bölümün yardımcıları ve etkileşimli istemci betiği."""

from __future__ import annotations

import asyncio
import socket
from pathlib import Path

import pytest
from fastapi import FastAPI, WebSocket, WebSocketDisconnect

from wskurs import serve
from wskurs.ch03_istemciler import region, regions, show_region, terminal

ROOT = Path(__file__).resolve().parents[1]
CH03 = ROOT / "notebooks" / "ch03"
SCRIPT = CH03 / "etkilesimli_istemci.py"


def test_regions_of_the_page_and_the_script():
    """Sayfanın ve betiğin defterde gösterilen bütün bölümleri bulunur ve boş değildir."""
    page = regions(CH03 / "istemci.html")
    assert {"ayarlar", "baglanti", "yeniden", "mesajlar", "gonderme", "kapanis", "kalp"} <= set(page)
    assert all(text.strip() for text in page.values())
    assert "location.host" in page["ayarlar"]
    script = regions(SCRIPT)
    assert {"okuyucu", "gorevler", "istemci"} <= set(script)
    assert script["okuyucu"].startswith("def start_stdin_reader")


def test_region_text_is_dedented_and_unknown_names_are_listed(tmp_path):
    """Bölüm metninin ortak girintisi kalkar; olmayan bir ad, var olanları sayan bir hata verir."""
    file = tmp_path / "a.js"
    file.write_text("x\n    //#region bir\n    let a = 1;\n      a++;\n    //#endregion\n", encoding="utf-8")
    assert region(file, "bir") == "let a = 1;\n  a++;"
    with pytest.raises(KeyError, match="olanlar: bir"):
        region(file, "iki")


@pytest.mark.parametrize(
    "text",
    ["//#region a\n//#region b\n//#endregion\n", "//#endregion\n", "// #region a\nx\n"],
)
def test_malformed_regions_are_reported(tmp_path, text):
    """İç içe, açılmamış ya da kapanmamış bölüm açık bir hata verir."""
    file = tmp_path / "a.js"
    file.write_text(text, encoding="utf-8")
    with pytest.raises(ValueError):
        regions(file)


def test_show_region_is_a_markdown_code_block():
    """Gösterim, dil adıyla açılan bir Markdown kod bloğudur."""
    shown = show_region(CH03 / "istemci.html", "kalp")
    assert shown.data.startswith("```javascript\n") and shown.data.endswith("\n```")


def _echo_app() -> FastAPI:
    app = FastAPI()

    @app.websocket("/ws")
    async def echo(websocket: WebSocket) -> None:
        await websocket.accept()
        try:
            while True:
                await websocket.send_text(f"Mesajınız: {await websocket.receive_text()}")
        except WebSocketDisconnect:
            pass

    return app


def test_script_echoes_and_exits_on_exit():
    """Betik yazılan satırı gönderir, yanıtı yazdırır ve `exit` ile 0 koduyla biter."""

    async def main() -> None:
        async with serve(_echo_app()) as server, terminal(SCRIPT, server.ws_url("/ws")) as t:
            await t.expect("Bağlandı")
            t.type("merhaba dünya")
            assert await t.expect("Mesajınız") == "< Mesajınız: merhaba dünya"
            t.type("exit")
            assert await t.wait() == 0
            assert t.lines[-1] == "Çıkılıyor."

    asyncio.run(main())


def test_script_exits_on_end_of_input():
    """Standart girdi kapanınca (Ctrl-D) betik kendiliğinden biter."""

    async def main() -> None:
        async with serve(_echo_app()) as server, terminal(SCRIPT, server.ws_url("/ws")) as t:
            await t.expect("Bağlandı")
            t.close_stdin()
            assert await t.wait() == 0

    asyncio.run(main())


def test_script_exits_when_the_server_stops():
    """Sunucu durunca betik, girdi beklerken bile, kapanış kodunu yazıp biter."""

    async def main() -> None:
        async with serve(_echo_app()) as server, terminal(SCRIPT, server.ws_url("/ws")) as t:
            await t.expect("Bağlandı")
            await server.stop()
            assert await t.expect("Bağlantı kapandı") == "Bağlantı kapandı (kod 1012)"
            assert await t.wait() == 0

    asyncio.run(main())


def test_script_reports_a_refused_connection_and_bad_usage():
    """Kapalı bir porta bağlanamayınca 1, adres verilmeyince 2 koduyla biter."""

    async def main() -> None:
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            port = sock.getsockname()[1]
        async with terminal(SCRIPT, f"ws://127.0.0.1:{port}/ws") as t:
            assert await t.wait() == 1
            assert any("bağlanılamadı" in line for line in t.lines)
        async with terminal(SCRIPT) as t:
            assert await t.wait() == 2

    asyncio.run(main())


def test_expect_fails_with_what_was_printed():
    """Beklenen satır gelmezse hata, betiğin yazdıklarını gösterir."""

    async def main() -> None:
        async with terminal(SCRIPT) as t:
            with pytest.raises(AssertionError, match="Kullanım"):
                await t.expect("Bağlandı", timeout=3)

    asyncio.run(main())
