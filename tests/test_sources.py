"""`wskurs.lessons.sources` (dosyanın işaretli parçaları), `wskurs.lessons.terminal` (etkileşimli istemci
betiği) ve `wskurs.lessons.plots.reconnect_lanes` (yeniden bağlanmanın zaman çizelgesi)."""

from __future__ import annotations

import asyncio
import socket
from pathlib import Path

import pytest
from fastapi import FastAPI, WebSocket, WebSocketDisconnect

from wskurs import serve
from wskurs.lessons.plots import reconnect_lanes
from wskurs.lessons.sources import block, region, regions, show_block, show_region
from wskurs.lessons.terminal import terminal

ROOT = Path(__file__).resolve().parents[1]
CH03 = ROOT / "notebooks" / "ch03"
SCRIPT = CH03 / "etkilesimli_istemci.py"


def test_regions_of_the_page_and_the_script():
    """Sayfanın ve betiğin defterde gösterilen bütün bölümleri bulunur ve boş değildir."""
    page = regions(CH03 / "istemci.html")
    assert {"ayarlar", "baglanti", "yeniden", "mesajlar", "gonderme", "kapanis", "kalp"} <= set(page)
    assert all(text.strip() for text in page.values())
    assert "location" in page["ayarlar"]  # adres sayfanın kendi adresinden kurulur
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


def test_block_follows_braces_and_ignores_braces_in_strings(tmp_path):
    """JavaScript bloğu süslü parantezler dengelenince biter; tırnak ve yorum içindekiler sayılmaz."""
    file = tmp_path / "a.js"
    file.write_text(
        "class A {\n    f() {\n        const s = '}';  // }\n        return `${s}{`;\n    }\n    g() {}\n}\n",
        encoding="utf-8",
    )
    assert block(file, "f() {") == "f() {\n    const s = '}';  // }\n    return `${s}{`;\n}"
    assert block(file, "g() {") == "g() {}"
    assert block(file, "const s", end="return") == "const s = '}';  // }\nreturn `${s}{`;"


def test_block_of_a_python_function_ends_with_its_indentation(tmp_path):
    """Python'da blok, girintisi başlangıçtakinden derin satırlar bitince biter (boş satırlar içeride)."""
    file = tmp_path / "a.py"
    file.write_text("def f():\n    x = 1\n\n    return x\n\n\ndef g():\n    pass\n", encoding="utf-8")
    assert block(file, "def f") == "def f():\n    x = 1\n\n    return x"


def test_block_reports_what_it_did_not_find(tmp_path):
    """Olmayan bir başlangıç, bulunmayan bir son ve kapanmayan bir blok açık bir hata verir."""
    file = tmp_path / "a.js"
    file.write_text("function f() {\n  return 1;\n", encoding="utf-8")
    for start, end, message in [
        ("yok", None, "geçen bir satır yok"),
        ("function", "yok", "sonra"),
        ("function", None, "kapanmıyor"),
    ]:
        with pytest.raises(ValueError, match=message):
            block(file, start, end=end)


def test_show_block_takes_the_language_from_the_file():
    """Gösterilen blok, dosyanın dilini taşıyan bir Markdown kod bloğudur ve gerçek dosyadan gelir."""
    shown = show_block(ROOT / "notebooks" / "ch06" / "sayfa" / "message_handler.js", "handleMessage(")
    assert shown.data.startswith("```javascript\nhandleMessage(") and shown.data.endswith("}\n```")


def test_reconnect_lanes_from_measured_events():
    """Olaylar üç şeride (sunucu çalışıyor, istemci bağlı, bekliyor; ms) ve işaretlere dönüşür."""
    events = [
        (10.0, "açıldı", 1),
        (10.1, "kapandı", 1012),
        (10.1, "başarısız", 0.05),
        (10.15, "başarısız", 0.1),
        (10.25, "açıldı", 2),
        (10.3, "bitti", None),
    ]
    lanes, marks = reconnect_lanes(events, stopped=10.1, started=10.2)
    rounded = {name: [(round(a), round(b)) for a, b in spans] for name, spans in lanes.items()}
    assert rounded == {
        "sunucu çalışıyor": [(0, 100), (200, 375)],
        "istemci bağlı": [(0, 100), (250, 300)],
        "istemci bekliyor": [(100, 150), (150, 250)],
    }
    assert [label for _, label in marks["istemci bekliyor"]] == ["✗1", "✗2"]
    assert [label for _, label in marks["sunucu çalışıyor"]] == ["durdu", "başladı"]
    assert [label for _, label in marks["istemci bağlı"]] == ["1. oturum", "kod 1012", "2. oturum"]


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
