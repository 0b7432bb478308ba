"""Lab 1 — WebSocket nedir? Yankı, sunucudan itme, istemci ve bağlantı başına durum."""

from __future__ import annotations

import asyncio

from fastapi import FastAPI, WebSocket, WebSocketDisconnect
from websockets.exceptions import ConnectionClosed

from ..server import serve
from ..timing import scaled
from .client import STEP, open_ws, receive
from .core import Mismatch, Namespace, exercise, run_app

__all__: list[str] = []


@exercise("1.1", title="Yankı endpoint'i", points=3)
async def echo(ns: Namespace) -> None:
    app = ns.get("yanki_app", FastAPI, what="bir FastAPI uygulaması")
    async with run_app(app) as server:
        ws = await open_ws(server.ws_url("/yanki"))
        async with ws:
            for text in ["merhaba", "dünya", "çığ öğüş İı"]:
                await ws.send(text)
                reply = await receive(ws, f"'{text}' mesajının yanıtı")
                if reply != f"Yankı: {text}":
                    raise Mismatch(
                        "Yanıt beklenen biçimde değil.",
                        expected=repr(f"Yankı: {text}"),
                        got=repr(reply),
                        hint='Yanıt tam olarak f"Yankı: {mesaj}" olmalı.',
                    )


@exercise("1.2", title="Sunucudan itme (push)", points=3)
async def push(ns: Namespace) -> None:
    app = ns.get("saat_app", FastAPI, what="bir FastAPI uygulaması")
    async with run_app(app) as server:
        ws = await open_ws(server.ws_url("/saat"))
        async with ws:
            for number in (1, 2, 3):
                message = await receive(ws, f"'tik {number}' (istemci hiçbir şey göndermeden)")
                if message != f"tik {number}":
                    raise Mismatch("İtilen mesaj beklenen değil.", expected=repr(f"tik {number}"), got=repr(message))
            try:
                extra = await asyncio.wait_for(ws.recv(), timeout=scaled(STEP))
            except ConnectionClosed:
                pass
            except TimeoutError:
                raise Mismatch(
                    "Üç mesajdan sonra bağlantı kapanmadı.",
                    expected="kapanış kodu 1000",
                    got="bağlantı açık kaldı",
                    hint="Son mesajdan sonra `await websocket.close()` çağırın.",
                ) from None
            else:
                raise Mismatch("Üç mesajdan fazlası geldi.", expected="yalnız tik 1–3", got=repr(extra))
            code = ws.close_code
            if code != 1000:
                raise Mismatch(
                    "Bağlantı düzgün kapanmadı.",
                    expected="kapanış kodu 1000 (normal kapanış)",
                    got=f"kapanış kodu {code}",
                    hint="Handler'dan `await websocket.close()` demeden çıkılırsa istemci 1006 görür.",
                )


@exercise("1.3", title="İstemci: ilk n mesajı topla", points=2)
async def collect(ns: Namespace) -> None:
    collect_fn = ns.function("collect", is_async=True, params=2)
    closed = asyncio.Event()
    source = FastAPI()

    @source.websocket("/olaylar")
    async def events(websocket: WebSocket) -> None:
        await websocket.accept()
        try:
            for number in range(5):
                await websocket.send_text(f"olay {number}")
            await websocket.receive_text()
        except WebSocketDisconnect:
            closed.set()

    async with serve(source) as server:
        for n in (3, 5):
            closed.clear()
            got = await asyncio.wait_for(collect_fn(server.ws_url("/olaylar"), n), timeout=scaled(5))
            expected = [f"olay {i}" for i in range(n)]
            if got != expected:
                raise Mismatch(
                    f"collect(url, {n}) yanlış sonuç döndürdü.",
                    expected=repr(expected),
                    got=repr(got),
                    hint="Tam n kez `await websocket.recv()` yapıp mesajları bir listeye ekleyin ve listeyi döndürün.",
                )
            try:
                await asyncio.wait_for(closed.wait(), timeout=scaled(STEP))
            except TimeoutError:
                raise Mismatch(
                    "collect bittikten sonra bağlantı açık kaldı.",
                    expected="collect dönerken bağlantının kapanması",
                    got="sunucu hâlâ bağlı bir istemci görüyor",
                    hint="`async with connect(url) as websocket:` bloğu çıkışta bağlantıyı kapatır.",
                ) from None


@exercise("1.4", title="Bağlantı başına durum", points=2)
async def per_connection_state(ns: Namespace) -> None:
    app = ns.get("sayac_app", FastAPI, what="bir FastAPI uygulaması")
    async with run_app(app) as server:
        for connection in (1, 2):
            ws = await open_ws(server.ws_url("/sayac"))
            async with ws:
                for expected in (1, 2, 3):
                    await ws.send("+1")
                    reply = await receive(ws, f"{connection}. bağlantının {expected}. yanıtı")
                    if reply != str(expected):
                        raise Mismatch(
                            f"{connection}. bağlantıda sayaç yanlış.",
                            expected=repr(str(expected)),
                            got=repr(reply),
                            hint=(
                                "Sayaç her bağlantıya ait olmalı: handler'ın içinde yerel bir değişken "
                                "(`sayac = 0`) olarak başlatın, modül düzeyinde değil."
                                if connection == 2
                                else "Her '+1' mesajında sayacı bir artırıp `str(sayac)` gönderin."
                            ),
                        )
