"""Lab 1 — WebSocket nedir? Yankı, sunucudan itme, istemci ve bağlantı başına durum."""

from __future__ import annotations

import asyncio
import contextlib

from fastapi import FastAPI, WebSocket, WebSocketDisconnect
from websockets.asyncio.client import ClientConnection
from websockets.exceptions import ConnectionClosed

from wskurs.checks.client import STEP, open_ws, receive, short
from wskurs.checks.core import Mismatch, Namespace, exercise, hidden_case, run_app
from wskurs.checks.remote import RemoteFunction, Rendezvous, not_concurrent
from wskurs.engine.server import serve
from wskurs.engine.timing import scaled

__all__: list[str] = []


@exercise("1.1", title="Yankı endpoint'i", points=3)
async def echo(ns: Namespace) -> None:
    app = await ns.get("yanki_app", FastAPI, what="bir FastAPI uygulaması")
    words = ["merhaba", "dünya", "çığ öğüş İı", "kalıcı bağlantı", "selam"]
    # İlk mesaj sabit (geri bildirim her çalışmada aynı olsun), sonrakiler her çalışmada başka.
    texts = ["merhaba"] + [f"{ns.rng.choice(words)} {ns.rng.randint(10, 999)}" for _ in range(3)] + ["çığ öğüş İı", ""]
    async with run_app(app) as server:
        ws = await open_ws(server.ws_url("/yanki"))
        async with ws:
            for text in texts:
                await _echo_once(ws, text)
            if ns.hidden:
                with hidden_case("uzun (65536 karakterden uzun) bir mesajın yankısı"):
                    await _echo_once(ws, "ş" * 70_000)


async def _echo_once(ws: ClientConnection, text: str) -> None:
    await ws.send(text)
    reply = await receive(ws, f"{short(text)} mesajının yanıtı")
    if reply != f"Yankı: {text}":
        raise Mismatch(
            "Yanıt beklenen biçimde değil.",
            expected=short(f"Yankı: {text}"),
            got=short(reply),
            hint='Yanıt tam olarak f"Yankı: {mesaj}" olmalı.',
        )


@exercise("1.2", title="Sunucudan itme (push)", points=3)
async def push(ns: Namespace) -> None:
    app = await ns.get("saat_app", FastAPI, what="bir FastAPI uygulaması")
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
    # `is_async` çekirdeğin kendi bildirimidir: yalnızca erken bir geri bildirim. Eşzamanlılığı
    # aşağıdaki buluşma (iki çağrı aynı anda) yargıcın kendi sunucusunda gözler.
    collect_fn = await ns.function("collect", is_async=True, params=2)
    closed = asyncio.Event()
    together = Rendezvous()
    source = FastAPI()
    tag = ns.rng.choice(["a", "b", "c", "x", "k"]) + str(ns.rng.randint(1, 99))
    counts = [1, ns.rng.randint(2, 4), ns.rng.randint(5, 7)]
    hidden = [ns.rng.randint(25, 40)] if ns.hidden else []

    @source.websocket("/olaylar")
    async def events(websocket: WebSocket) -> None:
        # İstemcinin okumadığı mesaj az olsun (en çok 3): websockets istemcisi okunmamış 16 mesajdan
        # sonra soketi okumayı bırakır ve kapanışı da okuyamaz.
        await websocket.accept()
        pair = together.present() if "birlikte" in websocket.query_params else contextlib.nullcontext()
        try:
            async with pair:
                for number in range(int(websocket.query_params.get("adet", "8"))):
                    await websocket.send_text(f"olay {tag}-{number}")
                await websocket.receive_text()
        except WebSocketDisconnect:
            closed.set()

    async with serve(source) as server:
        for n in counts + hidden:
            guard = hidden_case("çok sayıda mesajı toplamak") if n in hidden else contextlib.nullcontext()
            with guard:
                await _collect_once(collect_fn, server.ws_url(f"/olaylar?adet={n + 3}"), n, tag, closed)
        await _collect_together(collect_fn, server.ws_url("/olaylar?birlikte=1&adet="), tag, together)


async def _collect_together(collect_fn: RemoteFunction, url: str, tag: str, together: Rendezvous) -> None:
    """İki ``collect`` aynı anda: bağlantıları yargıcın sunucusunda buluşmalı (loop kilitlenmiyor)."""
    pairs = [(2, 4), (3, 5)]
    calls = [asyncio.wait_for(collect_fn(f"{url}{total}", n), timeout=scaled(5 + together.wait)) for n, total in pairs]
    results = await asyncio.gather(*calls)
    for (n, _), got in zip(pairs, results, strict=True):
        expected = [f"olay {tag}-{i}" for i in range(n)]
        if got != expected:
            raise Mismatch(
                f"Aynı anda çalışan iki çağrıdan collect(url, {n}) yanlış sonuç döndürdü.",
                expected=repr(expected),
                got=repr(got),
                hint="Her çağrı kendi bağlantısını açsın; ortak (modül düzeyinde) bir liste kullanmayın.",
            )
    if not together.met:
        raise not_concurrent("collect(url, n)", "collect")


async def _collect_once(collect_fn: RemoteFunction, url: str, n: int, tag: str, closed: asyncio.Event) -> None:
    closed.clear()
    got = await asyncio.wait_for(collect_fn(url, n), timeout=scaled(5))
    expected = [f"olay {tag}-{i}" for i in range(n)]
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
    app = await ns.get("sayac_app", FastAPI, what="bir FastAPI uygulaması")
    counts = {1: ns.rng.randint(2, 4), 2: ns.rng.randint(2, 4)}
    async with run_app(app) as server:
        for connection in (1, 2):
            ws = await open_ws(server.ws_url("/sayac"))
            async with ws:
                for expected in range(1, counts[connection] + 1):
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
        # Aynı anda açık iki bağlantı: sıra karışık gelse de her biri kendi sayacını tutar.
        first, second = await open_ws(server.ws_url("/sayac")), await open_ws(server.ws_url("/sayac"))
        async with first, second:
            for step, ws in enumerate([first, second, first, first, second]):
                expected = [1, 1, 2, 3, 2][step]
                await ws.send("+1")
                reply = await receive(ws, "aynı anda açık iki bağlantıdan birinin yanıtı")
                if reply != str(expected):
                    raise Mismatch(
                        "Aynı anda açık iki bağlantının sayaçları birbirine karıştı.",
                        expected=repr(str(expected)),
                        got=repr(reply),
                        hint="Sayaç handler'ın içinde yerel bir değişken olmalı: her bağlantının kendi çağrısı var.",
                    )
