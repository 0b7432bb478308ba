"""Ortak kontrol düzeni: eksik `await`, demetin (tuple) gösterimi — her lab'ın yararlandığı geri bildirim."""

from __future__ import annotations

import asyncio

import pytest
from fastapi import FastAPI, WebSocket, WebSocketDisconnect

from wskurs.checks import CheckFailed, check
from wskurs.checks.core import find_exercise, format_feedback
from wskurs.checks.errors import Mismatch
from wskurs.checks.protocol import RemoteTuple, decode, encode

pytestmark = pytest.mark.yavas


def run(exercise_id: str, namespace: dict) -> None:
    asyncio.run(check(exercise_id, namespace))


def _isle(mesaj):
    if mesaj == "patla":
        raise ValueError("işlenemeyen mesaj")
    return f"Mesajınız: {mesaj}"


def test_missing_await_in_a_55_style_handler_is_named_not_called_a_blocked_loop():
    """5.5 biçiminde bir handler'da `mesaj = websocket.receive_text()` (eksik `await`) "event loop'u
    kilitledi, asyncio.sleep/to_thread kullanın" diye değil, eksik `await` olarak bildirilir."""
    sayim_app = FastAPI()
    bagli: set = set()

    @sayim_app.get("/sayi")
    async def sayi():
        return {"bagli": len(bagli)}

    @sayim_app.websocket("/ws")
    async def sayim_endpoint(websocket: WebSocket):
        await websocket.accept()
        bagli.add(websocket)
        try:
            while True:
                mesaj = websocket.receive_text()  # eksik await: yeni başlayanın en sık hatası
                await websocket.send_text(_isle(mesaj))
        except WebSocketDisconnect:
            pass
        except Exception:
            await websocket.close(code=1011, reason="sunucu hatası")
        finally:
            bagli.discard(websocket)

    with pytest.raises(CheckFailed) as info:
        run("5.5", {"sayim_app": sayim_app, "bagli": bagli, "isle": _isle})
    feedback = info.value.feedback
    assert "`await` etmeden" in feedback and "receive_text" in feedback, feedback
    assert "was never awaited" in feedback
    assert "to_thread" not in feedback, feedback


def test_missing_await_in_a_lab2_broadcast_is_named():
    """Lab 2.1'de (yayın) `mesaj = websocket.receive_text()` eksik `await` olarak bildirilir."""
    yayin_app = FastAPI()
    istemciler: set = set()

    @yayin_app.websocket("/ws")
    async def yayin_ws(websocket: WebSocket):
        await websocket.accept()
        istemciler.add(websocket)
        try:
            while True:
                mesaj = websocket.receive_text()
                await websocket.send_text(f"Mesajınız: {mesaj}")
                for istemci in istemciler:
                    if istemci is not websocket:
                        await istemci.send_text(f"Başka bir istemciden: {mesaj}")
        except WebSocketDisconnect:
            istemciler.discard(websocket)

    with pytest.raises(CheckFailed) as info:
        run("2.1", {"yayin_app": yayin_app})
    feedback = info.value.feedback
    assert "`await` etmeden" in feedback and "receive_text" in feedback, feedback
    assert "mesaj = await websocket.receive_text()" in feedback
    assert "to_thread" not in feedback


def test_a_real_blocking_loop_is_still_called_blocking():
    """Gerçekten kilitleyen (`time.sleep`) bir handler eksik `await` sayılmaz: kilit açıklaması kalır."""
    app = FastAPI()

    @app.websocket("/ws")
    async def blocks(websocket: WebSocket):
        import time

        await websocket.accept()
        time.sleep(30)

    with pytest.raises(CheckFailed) as info:
        run("2.1", {"yayin_app": app})
    assert "kilitledi" in info.value.feedback and "was never awaited" not in info.value.feedback


def test_a_returned_tuple_is_shown_as_written():
    """Öğrencinin döndürdüğü demet geri bildirimde demet olarak görünür (`(400, {})`, `[400, {}]` değil);
    kontroller onu yine listeyle karşılaştırabilir."""
    value = decode(encode((400, {})))
    assert isinstance(value, RemoteTuple) and value == [400, {}]
    assert repr(value) == "(400, {})" and repr(decode(encode((1,)))) == "(1,)"
    assert decode(encode([400, {}])).__class__ is list
    ex = find_exercise("2.2")
    text = format_feedback(ex, False, Mismatch("yanlış", expected="[200, {}]", got=repr(value)))
    assert "Gelen:    (400, {})" in text
