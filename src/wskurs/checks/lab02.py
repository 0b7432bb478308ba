"""Lab 2 — FastAPI ile WebSocket sunucusu: yayın, bağlı istemci sayısı, ikili mesajı
reddetmek, takılan alıcıyı düşürmek, açık kapanış."""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import Callable
from urllib.parse import quote

import httpx
from fastapi import FastAPI
from websockets.asyncio.client import ClientConnection
from websockets.exceptions import ConnectionClosed

from wskurs.checks.client import STEP, close_all, close_code, open_ws, receive, short, wait_closed
from wskurs.checks.core import Mismatch, Namespace, exercise, hidden_case, run_app
from wskurs.checks.remote import RemoteServer
from wskurs.engine.clients import open_stalled_client, wait_until
from wskurs.engine.timing import scaled

__all__: list[str] = []

ECHO = "Mesajınız: {}"
OTHERS = "Başka bir istemciden: {}"
WORDS = ["bir", "iki", "üç", "merhaba", "çığ", "öğüş", "İzmir", "ılık", "selam"]


def _texts(ns: Namespace, count: int) -> list[str]:
    """Her çalışmada başka, birbirinden farklı mesajlar."""
    picked = ns.rng.sample(WORDS, count)
    return [f"{word} {ns.rng.randint(10, 999)}" for word in picked]


# 2.1 --------------------------------------------------------------------------------


@exercise("2.1", title="Diğerlerine yayın", points=2)
async def broadcast_to_others(ns: Namespace) -> None:
    app = await ns.get("yayin_app", FastAPI, what="bir FastAPI uygulaması")
    texts = _texts(ns, 5)
    async with run_app(app) as server:
        # Sınır: tek başına bağlı bir istemci yalnızca kendi yankısını alır.
        alone = await open_ws(server.ws_url("/ws"))
        try:
            await alone.send(texts[4])
            got = await receive(alone, f"tek istemci için {ECHO.format(texts[4])!r}")
            if got != ECHO.format(texts[4]):
                raise Mismatch(
                    "Tek başına bağlı istemci yanlış mesaj aldı.",
                    expected=repr(ECHO.format(texts[4])),
                    got=repr(got),
                    hint="Gönderene `Mesajınız: <mesaj>` gitmeli; başka istemci yoksa başka bir şey gitmemeli.",
                )
            try:
                extra = await asyncio.wait_for(alone.recv(), timeout=scaled(0.3))
            except (TimeoutError, ConnectionClosed):
                extra = None
            if extra is not None:
                raise Mismatch(
                    "Tek başına bağlı istemci kendi mesajını iki kez aldı.",
                    expected=f"yalnızca {ECHO.format(texts[4])!r}",
                    got=f"bir de {short(extra)}",
                    hint="Yayında `if istemci is not websocket:` ile göndereni atlayın.",
                )
        finally:
            await close_all(alone)
        clients = [await open_ws(server.ws_url("/ws")) for _ in range(3)]
        sent: list[set[str]] = [set() for _ in clients]
        order = [0, 1, 2, ns.rng.randrange(3)]
        try:
            for sender, text in zip(order, texts, strict=False):
                await clients[sender].send(text)
                sent[sender].add(text)
                for index, ws in enumerate(clients):
                    own = index == sender
                    expected = (ECHO if own else OTHERS).format(text)
                    who = f"{index + 1}. istemci" + (" (gönderen)" if own else "")
                    got = await receive(ws, f"{who} için {expected!r}")
                    if got != expected:
                        raise Mismatch(
                            f"{sender + 1}. istemci {text!r} gönderdiğinde {who} yanlış mesaj aldı.",
                            expected=repr(expected),
                            got=repr(got),
                            hint=(
                                "Gönderen kendi mesajını bir de 'Başka bir istemciden: ...' olarak alıyor: "
                                "yayında `if istemci is not websocket:` ile göndereni atlayın."
                                if got in {OTHERS.format(own_text) for own_text in sent[index]}
                                else "Gönderene `Mesajınız: <mesaj>`, diğer her bağlı istemciye "
                                "`Başka bir istemciden: <mesaj>` gitmeli; her mesaj tam bir kez."
                            ),
                        )
        finally:
            await close_all(*clients)


# 2.2 --------------------------------------------------------------------------------


async def _count(http: httpx.AsyncClient, server: RemoteServer) -> int:
    try:
        response = await http.get(server.url("/"))
    except httpx.HTTPError as exc:
        raise Mismatch(
            "`GET /` isteği yanıtlanmadı.",
            expected="200 ve bir JSON nesnesi",
            got=f"{type(exc).__name__}",
            hint='`@sayac_app.get("/")` ile bir endpoint tanımladınız mı?',
        ) from None
    if response.status_code != 200:
        raise Mismatch(
            "`GET /` başarısız oldu.",
            expected="HTTP 200",
            got=f"HTTP {response.status_code}",
            hint='`@sayac_app.get("/")` ile bir endpoint tanımladınız mı?',
        )
    try:
        body = response.json()
    except ValueError:
        body = None
    if not isinstance(body, dict) or not isinstance(body.get("connected_clients"), int):
        raise Mismatch(
            "`GET /` yanıtında bağlı istemci sayısı yok.",
            expected='{"connected_clients": <tam sayı>, ...}',
            got=short(body if body is not None else response.text),
            hint='Endpoint `{"connected_clients": len(...)}` döndürmeli.',
        )
    return body["connected_clients"]


async def _expect_count(
    http: httpx.AsyncClient, server: RemoteServer, expected: int, when: str, hint: str | None = None
) -> None:
    seen: list[int] = []

    async def matches() -> bool:
        seen.append(await _count(http, server))
        return seen[-1] == expected

    if not await wait_until(matches, timeout=STEP, step=0.05):
        raise Mismatch(
            f"{when} bağlı istemci sayısı yanlış.",
            expected=str(expected),
            got=str(seen[-1]),
            hint=hint or "WebSocket endpoint'i bağlantıyı kabul edince ortak kümeye eklemeli, `GET /` onu saymalı.",
        )


@exercise("2.2", title="Bağlı istemci sayısı ve temizlik", points=2)
async def connected_count(ns: Namespace) -> None:
    app = await ns.get("sayac_app", FastAPI, what="bir FastAPI uygulaması")
    cleanup = (
        "Ayrılan istemciyi ortak kümeden çıkarın; bunu `finally:` bloğunda yapın ki her çıkış yolunda "
        "(`WebSocketDisconnect` ya da başka bir hata) çalışsın."
    )
    async with run_app(app) as server, httpx.AsyncClient(timeout=scaled(STEP)) as http:
        base = await _count(http, server)
        first = await open_ws(server.ws_url("/ws"))
        second: ClientConnection | None = None
        try:
            text = _texts(ns, 1)[0]
            await first.send(text)
            reply = await receive(first, f"{text!r} mesajının yanıtı")
            if reply != ECHO.format(text):
                raise Mismatch("Yankı beklenen biçimde değil.", expected=repr(ECHO.format(text)), got=repr(reply))
            await _expect_count(http, server, base + 1, "Bir istemci bağlıyken")
            second = await open_ws(server.ws_url("/ws"))
            await _expect_count(http, server, base + 2, "İki istemci bağlıyken")
            await first.close()
            await _expect_count(http, server, base + 1, "Bir istemci kibarca ayrıldıktan sonra", cleanup)
            second.transport.abort()
            await _expect_count(http, server, base, "Diğer istemcinin bağlantısı aniden koptuktan sonra", cleanup)
        finally:
            await close_all(first, *([second] if second else []))


# 2.3 --------------------------------------------------------------------------------


@exercise("2.3", title="İkili mesajı 1003 ile reddetmek", points=2)
async def refuse_binary(ns: Namespace) -> None:
    app = await ns.get("metin_app", FastAPI, what="bir FastAPI uygulaması")
    payload = bytes([0x89, 0x50, 0x4E, 0x47]) + ns.rng.randbytes(ns.rng.randint(2, 12))
    async with run_app(app) as server:
        ws = await open_ws(server.ws_url("/ws"))
        try:
            # Sınır: boş bir metin mesajı da metindir; reddedilmemeli.
            for text in [*_texts(ns, 2), "çığ öğüş İı", ""]:
                await ws.send(text)
                reply = await receive(ws, f"{text!r} mesajının yanıtı")
                if reply != ECHO.format(text):
                    raise Mismatch(
                        "Metin mesajının yanıtı beklenen biçimde değil.",
                        expected=repr(ECHO.format(text)),
                        got=repr(reply),
                    )
            await ws.send(payload)
            code, reason, _ = await wait_closed(ws, "İkili mesajdan sonra")
            if code != 1003:
                raise Mismatch(
                    "İkili mesaj 1003 ile reddedilmedi.",
                    expected="kapanış kodu 1003 (desteklenmeyen veri) ve bir neden",
                    got=f"kapanış kodu {code}" + (" (kapanış çerçevesi yok)" if code == 1006 else ""),
                    hint=(
                        "`receive_text()` ikili mesajda `KeyError` verir; `except Exception` onu yutar ve "
                        "handler `close()` demeden biterse istemci 1006 görür. `await websocket.receive()` ile "
                        'mesaja bakın: `"text"` yoksa `await websocket.close(code=1003, reason=...)`.'
                    ),
                )
            if not reason:
                raise Mismatch(
                    "Kapanışın bir nedeni yok.",
                    expected="boş olmayan bir neden (ör. 'Yalnız metin mesajları kabul edilir')",
                    got="boş neden",
                    hint='`await websocket.close(code=1003, reason="...")`',
                )
        finally:
            await close_all(ws)
        # Sunucu sağlam kalmalı: yeni bir bağlantı yine yanıt alır.
        again = await open_ws(server.ws_url("/ws"))
        try:
            text = _texts(ns, 1)[0]
            await again.send(text)
            reply = await receive(again, "reddedilen bağlantıdan sonra yeni bir bağlantının yanıtı")
            if reply != ECHO.format(text):
                raise Mismatch("Yeni bağlantının yanıtı yanlış.", expected=repr(ECHO.format(text)), got=repr(reply))
            if ns.hidden:
                with hidden_case("boş bir ikili mesajın da 1003 ile reddedilmesi"):
                    await again.send(b"")
                    code, _, _ = await wait_closed(again, "Boş ikili mesajdan sonra")
                    if code != 1003:
                        raise Mismatch("Boş ikili mesaj 1003 ile reddedilmedi.", got=f"kapanış kodu {code}")
        finally:
            await close_all(again)


# 2.4 --------------------------------------------------------------------------------

STALL_MESSAGES = 48
"""Okumayan alıcının tamponlarını kesin doldurmak için gönderilen mesaj sayısı."""

STALL_SIZE = 256 * 1024
"""Bir mesajın boyu (bayt): toplam 12 MB; kaynak sunucu ~3 MB'ta takılıyor."""


class _Inbox:
    """Arka planda okuyan istemci: yalnız sayar ve ilk beklenmeyen mesajı saklar."""

    def __init__(self, ws: ClientConnection, expected: Callable[[int], str]) -> None:
        self.ws = ws
        self.count = 0
        self.expected = expected
        self.wrong: tuple[str, str] | None = None
        self.closed: int | None = None
        self.last: str | None = None
        self.task = asyncio.create_task(self._run())

    async def _run(self) -> None:
        try:
            async for message in self.ws:
                text = message if isinstance(message, str) else repr(message)
                want = self.expected(self.count)
                if text != want and self.wrong is None:
                    self.wrong = (want, text)
                self.count += 1
                self.last = text
        except ConnectionClosed as exc:
            self.closed = close_code(exc)
            return
        self.closed = self.ws.close_code or 1000

    async def stop(self) -> None:
        self.task.cancel()
        await asyncio.gather(self.task, return_exceptions=True)


def _describe(text: str) -> str:
    if len(text) > 60:
        return repr(text[:40] + f"… ({len(text)} karakter)")
    return repr(text)


@exercise("2.4", title="Takılan alıcıyı düşürmek", points=3, timeout=20.0)
async def drop_stalled_peer(ns: Namespace) -> None:
    app = await ns.get("hizli_app", FastAPI, what="bir FastAPI uygulaması")
    payload = "x" * STALL_SIZE
    async with run_app(app) as server:
        url = server.ws_url("/ws")
        sender_ws, reader_ws = await open_ws(url), await open_ws(url)
        stalled = await open_stalled_client(url)
        sender = _Inbox(sender_ws, lambda i: ECHO.format(payload) if i < STALL_MESSAGES else ECHO.format("son"))
        reader = _Inbox(reader_ws, lambda i: OTHERS.format(payload) if i < STALL_MESSAGES else OTHERS.format("son"))
        try:
            for _ in range(STALL_MESSAGES):
                await sender_ws.send(payload)
            await wait_until(lambda: sender.closed is not None or min(sender.count, reader.count) >= STALL_MESSAGES, 5)
            done = min(sender.count, reader.count) >= STALL_MESSAGES
            for inbox, who in [(sender, "gönderen"), (reader, "okuyan alıcı")]:
                if inbox.wrong is not None:
                    want, got = inbox.wrong
                    raise Mismatch(
                        f"{who.capitalize()} yanlış bir mesaj aldı.", expected=_describe(want), got=_describe(got)
                    )
            if not done:
                closed = sender.closed is not None
                changed = any("changed size during iteration" in line for line in await server.read_log())
                raise Mismatch(
                    "Hiç okumayan bir alıcı yayını durdurdu ya da yavaşlattı.",
                    expected=f"gönderene {STALL_MESSAGES} yankı, okuyan alıcıya {STALL_MESSAGES} yayın",
                    got=f"gönderene {sender.count} yankı, okuyan alıcıya {reader.count} yayın"
                    + (f"; gönderenin bağlantısı kapandı (kod {sender.closed})" if closed else ""),
                    hint=(
                        "Küme dolaşılırken değişti: `for istemci in list(hizli_istemciler):` ile anlık görüntü "
                        "üzerinde dolaşın."
                        if changed
                        else "Gönderenin handler'ı bir hatayla bitti: yayındaki hatalar (zaman aşımı dahil) "
                        "alıcı başına yakalanmalı ve yalnız o alıcıyı çıkarmalı."
                        if closed
                        else "Her gönderimi `asyncio.wait_for(istemci.send_text(metin), timeout=SEND_TIMEOUT)` ile "
                        "sınırlayın; süreyi aşan alıcıyı kümeden çıkarın."
                    ),
                )
            # Takılan alıcı şimdi aniden kayboluyor: gönderen ve okuyan etkilenmemeli.
            stalled.abort()
            await sender_ws.send("son")
            finished = await wait_until(lambda: sender.count > STALL_MESSAGES and reader.count > STALL_MESSAGES, STEP)
            if not finished:
                raise Mismatch(
                    "Takılan alıcı kaybolunca yayın bozuldu.",
                    expected="gönderene 'Mesajınız: son', okuyan alıcıya 'Başka bir istemciden: son'",
                    got=f"gönderen: {_describe(sender.last or '')}, okuyan: {_describe(reader.last or '')}"
                    + (f"; gönderenin bağlantısı kapandı (kod {sender.closed})" if sender.closed else ""),
                    hint="Bir alıcıya gönderim hatası (`WebSocketDisconnect`, `RuntimeError`) yayının içinde "
                    "yakalanmalı ve yalnız o alıcıyı çıkarmalı.",
                )
        finally:
            stalled.abort()
            await sender.stop()
            await reader.stop()
            await close_all(sender_ws, reader_ws)


# 2.5 --------------------------------------------------------------------------------


@exercise("2.5", title="Selamla ve kapat", points=1)
async def greet_and_close(ns: Namespace) -> None:
    app = await ns.get("selam_app", FastAPI, what="bir FastAPI uygulaması")
    room = ns.rng.choice(["genel", "oyun", "sinif", "kod"]) + str(ns.rng.randint(1, 99))
    name = ns.rng.choice(["Ayşe", "Çağrı", "İlkay", "Şule Öz", "Bora"])
    cases = [
        ("genel", "Ayşe", {"oda": "genel", "ad": "Ayşe"}, False),
        (room, name, {"oda": room, "ad": name}, False),
        (room, None, {"oda": room, "ad": "misafir"}, False),
    ]
    if ns.hidden:
        odd = f"Ali & Veli={ns.rng.randint(1, 9)}?#"
        cases.append((room, odd, {"oda": room, "ad": odd}, True))
    async with run_app(app) as server:
        for room, name, expected, secret in cases:
            guard = hidden_case("özel karakterli bir adın aynen geri gelmesi") if secret else contextlib.nullcontext()
            with guard:
                url = server.ws_url(f"/selam/{room}") + (f"?ad={quote(name)}" if name else "")
                shown = f"/selam/{room}" + (f"?ad={name}" if name else "")
                ws = await open_ws(url)
                try:
                    text = await receive(ws, f"{shown} için JSON mesajı")
                    try:
                        got = json.loads(text)
                    except ValueError:
                        raise Mismatch(
                            f"{shown}: gelen mesaj JSON değil.",
                            expected=json.dumps(expected, ensure_ascii=False),
                            got=repr(text),
                            hint="`await websocket.send_json({...})` kullanın.",
                        ) from None
                    if got != expected:
                        raise Mismatch(
                            f"{shown}: JSON içeriği yanlış.",
                            expected=json.dumps(expected, ensure_ascii=False),
                            got=json.dumps(got, ensure_ascii=False),
                            hint=(
                                "`oda` yol parametresinden, `ad` ise `websocket.query_params.get('ad', 'misafir')` ile."
                            ),
                        )
                    code, _, extra = await wait_closed(ws, f"{shown}: mesajdan sonra")
                    if extra:
                        raise Mismatch(
                            f"{shown}: tek mesajdan fazlası geldi.", expected="yalnız bir JSON mesajı", got=short(extra)
                        )
                    if code != 1000:
                        raise Mismatch(
                            f"{shown}: bağlantı düzgün kapanmadı.",
                            expected="kapanış kodu 1000 (normal kapanış)",
                            got=f"kapanış kodu {code}" + (" (kapanış çerçevesi yok)" if code == 1006 else ""),
                            hint="Handler `await websocket.close()` demeden biterse istemci 1006 görür.",
                        )
                finally:
                    await close_all(ws)
