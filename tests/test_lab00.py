"""`wskurs.checks.lab00`: 0. bölümün deneme alıştırması doğru cevabı geçirir, metinleri
birleştiren cevabı Türkçe bir geri bildirimle kaldırır."""

from __future__ import annotations

import asyncio

import pytest
from fastapi import FastAPI, WebSocket

from wskurs.checks import CheckFailed, check


def adding_app(*, convert: bool) -> FastAPI:
    app = FastAPI()

    @app.websocket("/topla")
    async def add(websocket: WebSocket):
        await websocket.accept()
        left, right = (await websocket.receive_text()).split()
        await websocket.send_text(str(int(left) + int(right)) if convert else left + right)
        await websocket.close()

    return app


def test_correct_answer_passes(capsys):
    """Sayıları toplayan endpoint 1/1 puan alır; kontrol bir değer döndürmez (hücrede gösterilmez)."""
    result = asyncio.run(check("0.1", {"toplama_app": adding_app(convert=True)}))
    assert result is None
    shown = capsys.readouterr().out
    assert "✅ Alıştırma 0.1" in shown and "1/1 puan" in shown


def test_string_concatenation_fails_with_hint():
    """Metinleri birleştiren endpoint ('34') kalır; geri bildirim beklenen, gelen ve int ipucunu söyler."""
    with pytest.raises(CheckFailed) as info:
        asyncio.run(check("0.1", {"toplama_app": adding_app(convert=False)}))
    feedback = info.value.feedback
    assert "0/1 puan" in feedback
    assert "'7'" in feedback and "'34'" in feedback and "int(...)" in feedback
