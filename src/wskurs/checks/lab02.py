"""Lab 2 — FastAPI ile WebSocket sunucusu: yayın, bağlı istemci sayısı, ikili mesajı
reddetmek, takılan alıcıyı düşürmek, kimin hangi kodla kapattığını kaydetmek ve kendi
endpoint'ini ``TestClient`` ile test etmek (testi yargıç kendi doğru ve bozuk endpoint'lerine karşı
çalıştırır)."""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import Callable

import httpx
from fastapi import FastAPI, WebSocket, WebSocketDisconnect
from websockets.asyncio.client import ClientConnection
from websockets.exceptions import ConnectionClosed

from wskurs.checks.client import STEP, close_all, close_code, open_ws, receive, short, wait_closed
from wskurs.checks.core import Mismatch, Namespace, exercise, hidden_case, run_app
from wskurs.checks.errors import RemoteError
from wskurs.checks.remote import RemoteServer
from wskurs.engine.clients import open_stalled_client, wait_until
from wskurs.engine.server import serve
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
            await _after_one_left(clients, _texts(ns, 2))
        finally:
            await close_all(*clients)


async def _after_one_left(clients: list[ClientConnection], texts: list[str]) -> None:
    """Bir istemci kibarca ayrılır; kalan ikisi konuşmayı sürdürür. Ayrılan kümeden çıkarılmadıysa
    ona gönderim hata verir ve gönderenin handler'ı biter: gönderen ikinci mesajının yanıtını alamaz."""
    await clients[0].close()
    await asyncio.sleep(scaled(0.2))  # sunucu ayrılışı işlesin
    sender, other = clients[1], clients[2]
    for text in texts:
        own: object
        seen: object
        try:
            await sender.send(text)
            own = await receive(sender, f"ayrılan istemciden sonra gönderen için {ECHO.format(text)!r}")
            seen = await receive(other, f"ayrılan istemciden sonra öteki istemci için {OTHERS.format(text)!r}")
        except (Mismatch, ConnectionClosed):
            own = seen = None
        if (own, seen) != (ECHO.format(text), OTHERS.format(text)):
            raise Mismatch(
                "Bir istemci ayrıldıktan sonra kalanların yayını bozuldu.",
                expected=f"gönderene {ECHO.format(text)!r}, öteki istemciye {OTHERS.format(text)!r}",
                got=f"gönderen: {short(own)}, öteki: {short(seen)}"
                + (f"; gönderenin bağlantısı kapandı (kod {sender.close_code})" if sender.close_code else ""),
                hint="Ayrılan istemci kümede kaldıysa ona gönderim hata verir ve gönderenin handler'ı biter. "
                "`finally:` bloğunda `yayin_istemciler.discard(websocket)` ile onu kümeden çıkarın.",
            )


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
    count = body.get("connected_clients") if isinstance(body, dict) else None
    if not isinstance(count, int):
        raise Mismatch(
            "`GET /` yanıtında bağlı istemci sayısı yok.",
            expected='{"connected_clients": <tam sayı>, ...}',
            got=short(body if body is not None else response.text),
            hint='Endpoint `{"connected_clients": len(...)}` döndürmeli.',
        )
    return count


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
    async with run_app(app) as server, httpx.AsyncClient(timeout=scaled(STEP), trust_env=False) as http:
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
                    expected="kapanış kodu 1003 (desteklenmeyen veri) ve bir gerekçe",
                    got=f"kapanış kodu {code}" + (" (kapanış çerçevesi yok)" if code == 1006 else ""),
                    hint=(
                        "`receive_text()` ikili mesajda `KeyError` verir; `except Exception` onu yutar ve "
                        "handler `close()` demeden biterse istemci 1006 görür. `await websocket.receive()` ile "
                        'mesaja bakın: `"text"` yoksa `await websocket.close(code=1003, reason=...)`.'
                    ),
                )
            if not reason:
                raise Mismatch(
                    "Kapanışın gerekçesi yok.",
                    expected="boş olmayan bir gerekçe (ör. 'Yalnızca metin mesajları kabul edilir')",
                    got="boş gerekçe",
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
        # İstemci kibarca ayrılır: handler sessizce bitmeli (sunucu günlüğünde hata yok).
        leaving = await open_ws(server.ws_url("/ws"))
        await leaving.close(code=1000)
        await asyncio.sleep(scaled(0.3))
        if any("Exception in ASGI application" in line for line in await server.read_log()):
            raise Mismatch(
                "İstemci ayrılınca handler bir hatayla bitti.",
                expected="istemci ayrılınca handler'ın sessizce bitmesi",
                got="sunucu günlüğünde 'Exception in ASGI application'",
                hint='`receive()` ayrılışta `{"type": "websocket.disconnect"}` döndürür: ona bakıp `return` deyin; '
                "ayrılmış bir bağlantıda `close()` ya da `send_text()` çağırmayın.",
            )


# 2.4 --------------------------------------------------------------------------------

STALL_MESSAGES = 48
"""Okumayan alıcının tamponlarını kesin doldurmak için gönderilen mesaj sayısı."""

STALL_SIZE = 256 * 1024
"""Bir mesajın boyu (bayt): toplam 12 MB; kaynak sunucu ~3 MB'ta takılıyor."""


class _BackgroundReader:
    """Arka planda okuyan istemci: gelen her mesajı ``_take``'e verir, kapanış kodunu saklar."""

    def __init__(self, ws: ClientConnection) -> None:
        self.ws = ws
        self.closed: int | None = None
        self.task = asyncio.create_task(self._run())

    def _take(self, text: str) -> None:
        raise NotImplementedError

    async def _run(self) -> None:
        try:
            async for message in self.ws:
                self._take(message if isinstance(message, str) else repr(message))
        except ConnectionClosed as exc:
            self.closed = close_code(exc)
            return
        self.closed = self.ws.close_code or 1000

    async def stop(self) -> None:
        self.task.cancel()
        await asyncio.gather(self.task, return_exceptions=True)


class _Inbox(_BackgroundReader):
    """Yalnızca sayar ve ilk beklenmeyen mesajı saklar."""

    def __init__(self, ws: ClientConnection, expected: Callable[[int], str]) -> None:
        self.count = 0
        self.expected = expected
        self.wrong: tuple[str, str] | None = None
        self.last: str | None = None
        super().__init__(ws)

    def _take(self, text: str) -> None:
        want = self.expected(self.count)
        if text != want and self.wrong is None:
            self.wrong = (want, text)
        self.count += 1
        self.last = text


def _describe(text: str) -> str:
    if len(text) > 60:
        return repr(text[:40] + f"… ({len(text)} karakter)")
    return repr(text)


@exercise("2.4", title="Takılan alıcıyı düşürmek", points=3, timeout=30.0)
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
                try:
                    await sender_ws.send(payload)
                except ConnectionClosed:
                    break  # gönderenin handler'ı bitti: aşağıda açıklanır
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
                        "alıcı başına yakalanmalı ve yalnızca o alıcıyı çıkarmalı."
                        if closed
                        else "Her gönderimi `asyncio.wait_for(istemci.send_text(metin), timeout=SEND_TIMEOUT)` ile "
                        "sınırlayın; süreyi aşan alıcıyı kümeden çıkarın."
                    ),
                )
            # Takılan alıcı şimdi aniden kayboluyor: gönderen ve okuyan etkilenmemeli.
            stalled.abort()
            with contextlib.suppress(ConnectionClosed):
                await sender_ws.send("son")
            finished = await wait_until(lambda: sender.count > STALL_MESSAGES and reader.count > STALL_MESSAGES, STEP)
            if not finished:
                raise Mismatch(
                    "Takılan alıcı kaybolunca yayın bozuldu.",
                    expected="gönderene 'Mesajınız: son', okuyan alıcıya 'Başka bir istemciden: son'",
                    got=f"gönderen: {_describe(sender.last or '')}, okuyan: {_describe(reader.last or '')}"
                    + (f"; gönderenin bağlantısı kapandı (kod {sender.closed})" if sender.closed else ""),
                    hint="Bir alıcıya gönderim hatası (`WebSocketDisconnect`, `RuntimeError`) yayının içinde "
                    "yakalanmalı ve yalnızca o alıcıyı çıkarmalı.",
                )
        finally:
            stalled.abort()
            await sender.stop()
            await reader.stop()
        try:
            await _vanished_peer(url, sender_ws, reader_ws, payload)
        finally:
            await close_all(sender_ws, reader_ws)


class _Tally(_BackgroundReader):
    """İzin verilen her metni sayar, ilk beklenmeyeni saklar."""

    def __init__(self, ws: ClientConnection, allowed: set[str]) -> None:
        self.counts: dict[str, int] = dict.fromkeys(allowed, 0)
        self.wrong: str | None = None
        super().__init__(ws)

    def _take(self, text: str) -> None:
        if text in self.counts:
            self.counts[text] += 1
        elif self.wrong is None:
            self.wrong = text


async def _vanished_peer(url: str, sender_ws: ClientConnection, reader_ws: ClientConnection, payload: str) -> None:
    """Yayın bir alıcıya gönderirken o alıcı kaybolur: gönderim zaman aşımıyla değil, hemen bir hatayla
    (starlette'te `WebSocketDisconnect(1006)`, sonraki gönderimlerde `RuntimeError`) biter.

    Kaybolan alıcı ``V`` hiç okumaz ama kendisi büyük mesajlar gönderir: handler'ı ``V``'ye yankı
    gönderirken tıkanır, yani ``V`` kümede kalır ve sunucunun ona yazma yolu tıkalıdır. Gönderenin
    yankısı gelince yayın ``V``'ye gönderimde beklemektedir (yankı yayından önce gider); tam o anda
    ``V``'nin bağlantısı koparılır. Yalnızca ``TimeoutError`` yakalayan bir yayında hata göndereni düşürür.
    """
    last, after = "kayboldu", "yine"
    sender = _Tally(sender_ws, {OTHERS.format(payload), ECHO.format(last), ECHO.format(after)})
    reader = _Tally(reader_ws, {OTHERS.format(payload), OTHERS.format(last), OTHERS.format(after)})
    vanishing = await open_stalled_client(url)
    flood: asyncio.Task[None] | None = None
    try:

        async def send_all() -> None:
            for _ in range(STALL_MESSAGES):
                await vanishing.send_text(payload)

        flood = asyncio.create_task(send_all())
        # V'nin handler'ı kendi yankısında tıkanınca V'nin yayınları kesilir: okuyan alıcının sayısı durur.
        seen: list[int] = []

        def settled() -> bool:
            seen.append(reader.counts[OTHERS.format(payload)])
            return len(seen) > 10 and seen[-1] == seen[-7]

        if not await wait_until(settled, timeout=10, step=0.05) or seen[-1] >= STALL_MESSAGES:
            return  # V hiç tıkanmadı (ölçülemedi): bu aşama bir şey söylemez
        with contextlib.suppress(ConnectionClosed):
            await sender_ws.send(last)
        if not await wait_until(lambda: sender.counts[ECHO.format(last)] > 0 or sender.closed is not None, STEP):
            raise Mismatch(
                "Bir alıcı tıkanmışken gönderen kendi yankısını almadı.",
                expected=repr(ECHO.format(last)),
                got="yanıt yok",
            )
        vanishing.abort()  # yayın şu an V'ye gönderimde bekliyor
        delivered = await wait_until(
            lambda: reader.counts[OTHERS.format(last)] > 0 and sender.closed is None, STEP, step=0.05
        )
        if delivered and sender.closed is None:
            with contextlib.suppress(ConnectionClosed):
                await sender_ws.send(after)
            delivered = await wait_until(
                lambda: sender.counts[ECHO.format(after)] > 0 and reader.counts[OTHERS.format(after)] > 0,
                STEP,
                step=0.05,
            )
        if not delivered:
            raise Mismatch(
                "Yayın bir alıcıya gönderirken o alıcının bağlantısı koptu; hata göndereni etkiledi.",
                expected=f"gönderenin bağlantısı açık kalsın, okuyan alıcı {OTHERS.format(last)!r} alsın",
                got=(f"gönderenin bağlantısı kapandı (kod {sender.closed})" if sender.closed is not None else "")
                or "okuyan alıcıya yayın ulaşmadı",
                hint="Kaybolan bir alıcıya gönderim zaman aşımıyla değil, hemen bir hatayla biter: starlette "
                "`WebSocketDisconnect` (kod 1006), aynı alıcıya sonraki gönderimlerde `RuntimeError` fırlatır. "
                "Yayında `except (TimeoutError, WebSocketDisconnect, RuntimeError):` ile yalnızca o alıcıyı çıkarın.",
            )
        if sender.wrong is not None or reader.wrong is not None:
            raise Mismatch(
                "Kaybolan alıcıdan sonra beklenmeyen bir mesaj geldi.",
                got=_describe(sender.wrong or reader.wrong or ""),
            )
    finally:
        vanishing.abort()
        if flood is not None:
            flood.cancel()
            await asyncio.gather(flood, return_exceptions=True)
        await sender.stop()
        await reader.stop()


# 2.5 --------------------------------------------------------------------------------

DROP_CODES = {1005, 1006}
"""TCP'si kapanış çerçevesi olmadan kopan istemci için kabul edilen kodlar."""

DROP_NOTE = (
    "RFC 6455'e göre kopan bağlantının kodu 1006'dır; uvicorn'un varsayılan arka ucu "
    "(websockets-sansio) ise handler'a 1005 bildirir (2. bölüm). Bu yüzden ikisi de kabul edilir."
)


async def _entries(ns: Namespace, before: int, want: int) -> list[object]:
    """``kapanislar``a ``before``dan sonra eklenenleri döndürür: en az ``want`` tanesini bekler,
    sonra biraz daha bekleyip fazladan eklenenleri de toplar."""

    async def enough() -> bool:
        return len((await ns.read("kapanislar", list, what="bir liste"))[before:]) >= want

    await wait_until(enough, timeout=STEP, step=0.05)
    await asyncio.sleep(scaled(0.15))
    got = (await ns.read("kapanislar", list, what="bir liste"))[before:]
    return [list(entry) if isinstance(entry, (list, tuple)) else entry for entry in got]


def _show(entry: object) -> str:
    """Bir kaydı öğrencinin yazdığı biçimde (JSON) gösterir."""
    try:
        return json.dumps(entry, ensure_ascii=False)
    except (TypeError, ValueError):
        return short(entry)


def _check_entries(got: list[object], expected: list[list[object]], when: str) -> None:
    """Eklenen kayıtlar tam olarak beklenenler mi (sırası önemsiz)? Değilse neden olmadığını söyler."""
    shown = ", ".join(map(_show, expected))
    if len(got) == len(expected) and sorted(map(repr, got)) == sorted(map(repr, expected)):
        return
    if not got:
        server_side = any(entry[0] == "sunucu" for entry in expected)
        raise Mismatch(
            f"{when} `kapanislar` listesine kayıt eklenmedi.",
            expected=shown,
            got="yeni kayıt yok",
            hint=(
                "Kaydı yalnızca istemci ayrılınca (`except WebSocketDisconnect` ya da `websocket.disconnect` "
                "mesajında) ekliyorsanız sunucunun kapattığı bağlantılar kaydedilmez. Kim ve hangi kod "
                "olduğunu bir değişkende tutun, kaydı `finally:` bloğunda bir kez ekleyin."
                if server_side
                else "Bağlantı bitince handler `kapanislar.append([kim, kod])` ile bir kayıt eklemeli."
            ),
        )
    server_codes = {entry[1] for entry in expected if entry[0] == "sunucu"}
    if any(
        isinstance(entry, list) and len(entry) == 2 and entry[0] == "istemci" and entry[1] in server_codes
        for entry in got
    ):
        raise Mismatch(
            f"{when} handler `close()`'tan sonra okumayı sürdürdü; sunucunun kendi kapanışı istemcininki sanıldı.",
            expected=shown,
            got=", ".join(map(_show, got)),
            hint="`close()`'tan sonraki `receive_text()`/`receive()` sunucunun kendi kapanış kodunu "
            "(`WebSocketDisconnect` ya da `websocket.disconnect` mesajı olarak) geri verir; onu istemcinin "
            "kapanışı diye kaydetmeyin. `close()`'tan hemen sonra döngüden çıkın (`break` ya da `return`).",
        )
    if len(got) > len(expected):
        raise Mismatch(
            f"{when} bağlantı başına birden çok kayıt eklendi.",
            expected=shown,
            got=", ".join(map(_show, got)),
            hint="Kayıt hem `except` hem `finally` içinde mi ekleniyor? Her bağlantı için tam bir kayıt olmalı: "
            "yalnızca `finally:` bloğunda ekleyin.",
        )
    codes = {entry[1] for entry in expected}
    fixed = all(isinstance(entry, list) and len(entry) == 2 and entry[1] == 1000 for entry in got)
    raise Mismatch(
        f"{when} kayıt yanlış.",
        expected=shown,
        got=", ".join(map(_show, got)),
        hint=(
            "Kod sabit yazılmış gibi: istemcinin gönderdiği kod `WebSocketDisconnect.code`'da "
            '(ya da `receive()` mesajının `"code"` anahtarında) gelir.'
            if fixed and 1000 not in codes
            else 'Her kayıt `[kim, kod]` biçiminde olmalı: `kim` `"sunucu"` ya da `"istemci"`, `kod` bir tam sayı.'
        ),
    )


async def _client_close(ns: Namespace, server: RemoteServer, closes: list[tuple[int, str]], when: str) -> None:
    """İstemciler bağlanır, birer metin yankılatır, sonra hepsi aynı anda verilen kodla kapatır."""
    texts = _texts(ns, len(closes))
    clients = [await open_ws(server.ws_url("/ws")) for _ in closes]
    try:
        before = len(await ns.read("kapanislar", list, what="bir liste"))
        for ws, text in zip(clients, texts, strict=True):
            await ws.send(text)
            reply = await receive(ws, f"{text!r} mesajının yankısı")
            if reply != text:
                raise Mismatch(
                    "Metin mesajı aynen geri gelmedi.",
                    expected=repr(text),
                    got=short(reply),
                    hint='"bitir" dışındaki her metin olduğu gibi geri gönderilmeli.',
                )
        await asyncio.gather(
            *(ws.close(code=code, reason=reason) for ws, (code, reason) in zip(clients, closes, strict=True))
        )
        got = await _entries(ns, before, len(closes))
        _check_entries(got, [["istemci", code] for code, _ in closes], when)
    finally:
        await close_all(*clients)


@exercise("2.5", title="Kim kapattı, hangi kodla?", points=2, timeout=25.0)
async def who_closed(ns: Namespace) -> None:
    app = await ns.get("kapanis_app", FastAPI, what="bir FastAPI uygulaması")
    await ns.read("kapanislar", list, what="bir liste")
    code = ns.rng.randint(4000, 4999)
    reason = ns.rng.choice(["oyun bitti", "oturum süresi doldu", "görüşürüz", "çıkış yapıldı"])
    async with run_app(app) as server:
        # İstemci kapatır: önce sabit bir durum (1001), sonra rastgele bir uygulama kodu.
        await _client_close(ns, server, [(1001, "sayfadan ayrıldı")], "İstemci 1001 ile kapattığında")
        await _client_close(ns, server, [(code, reason)], f"İstemci {code} ile kapattığında")

        # Sunucu kapatır: "bitir" → "hoşça kal", sonra 1000 ve bir gerekçe.
        ws = await open_ws(server.ws_url("/ws"))
        try:
            before = len(await ns.read("kapanislar", list, what="bir liste"))
            await ws.send("bitir")
            reply = await receive(ws, "'bitir' mesajının yanıtı")
            if reply != "hoşça kal":
                raise Mismatch("'bitir' mesajına yanlış yanıt geldi.", expected="'hoşça kal'", got=short(reply))
            closed, why, extra = await wait_closed(ws, "'hoşça kal' mesajından sonra")
            if extra:
                raise Mismatch(
                    "'hoşça kal' mesajından sonra başka mesaj geldi.", expected="kapanış 1000", got=short(extra)
                )
            if closed != 1000:
                raise Mismatch(
                    "'bitir' mesajından sonra bağlantı 1000 ile kapanmadı.",
                    expected="kapanış kodu 1000 ve bir gerekçe",
                    got=f"kapanış kodu {closed}" + (" (kapanış çerçevesi yok)" if closed == 1006 else ""),
                    hint="Handler `await websocket.close(code=1000, reason=...)` demeden biterse istemci 1006 görür.",
                )
            if not why:
                raise Mismatch(
                    "Sunucunun 1000 kapanışının gerekçesi yok.",
                    expected="boş olmayan bir gerekçe",
                    got="boş gerekçe",
                    hint='`await websocket.close(code=1000, reason="...")`',
                )
            _check_entries(await _entries(ns, before, 1), [["sunucu", 1000]], "Sunucu 1000 ile kapattığında")
        finally:
            await close_all(ws)

        # Sunucu kapatır: ikili mesaj → 1003.
        ws = await open_ws(server.ws_url("/ws"))
        try:
            before = len(await ns.read("kapanislar", list, what="bir liste"))
            await ws.send(ns.rng.randbytes(ns.rng.randint(1, 16)))
            closed, _, _ = await wait_closed(ws, "İkili mesajdan sonra")
            if closed != 1003:
                raise Mismatch(
                    "İkili mesaj 1003 ile reddedilmedi.",
                    expected="kapanış kodu 1003",
                    got=f"kapanış kodu {closed}" + (" (kapanış çerçevesi yok)" if closed == 1006 else ""),
                    hint='`receive()` mesajında `"text"` yoksa `await websocket.close(code=1003, reason=...)`.',
                )
            _check_entries(await _entries(ns, before, 1), [["sunucu", 1003]], "Sunucu 1003 ile kapattığında")
        finally:
            await close_all(ws)

        # İstemcinin TCP'si kapanış çerçevesi olmadan kopar.
        ws = await open_ws(server.ws_url("/ws"))
        try:
            text = _texts(ns, 1)[0]
            await ws.send(text)
            reply = await receive(ws, f"{text!r} mesajının yankısı")
            if reply != text:
                raise Mismatch("Metin mesajı aynen geri gelmedi.", expected=repr(text), got=short(reply))
            before = len(await ns.read("kapanislar", list, what="bir liste"))
            ws.transport.abort()
            got = await _entries(ns, before, 1)
            if not (
                len(got) == 1
                and isinstance(got[0], list)
                and len(got[0]) == 2
                and got[0][0] == "istemci"
                and got[0][1] in DROP_CODES
            ):
                if len(got) != 1:
                    _check_entries(got, [["istemci", 1005]], "Bağlantı aniden koptuğunda")
                raise Mismatch(
                    "Bağlantı aniden koptuğunda kayıt yanlış.",
                    expected='["istemci", 1005] ya da ["istemci", 1006]',
                    got=_show(got[0]),
                    hint="Kodu uvicorn'un bildirdiği gibi kaydedin (`WebSocketDisconnect.code`). " + DROP_NOTE,
                )
        finally:
            await close_all(ws)

        if ns.hidden:
            with hidden_case("aynı anda kapatan iki istemcinin ayrı ayrı kaydedilmesi"):
                closes = [(ns.rng.randint(4000, 4999), "ilk"), (1000, "ikinci")]
                await _client_close(ns, server, closes, "İki istemci aynı anda kapattığında")

        log = await server.read_log()
        if any("Exception in ASGI application" in line for line in log):
            after_close = any(
                'Need to call "accept" first' in line
                or "once a close message has been sent" in line
                or 'Cannot call "receive" once a disconnect' in line
                for line in log
            )
            raise Mismatch(
                "Handler `close()`'tan sonra okumayı ya da göndermeyi sürdürdü ve bir hatayla bitti."
                if after_close
                else "Handler bir hatayla bitti.",
                expected="her bağlantının handler'ı hatasız bitsin",
                got="sunucu günlüğünde 'Exception in ASGI application'",
                hint="`close()`'tan hemen sonra döngüden çıkın (`break` ya da `return`): kapanmış bağlantıda "
                "`receive_text()` `RuntimeError` fırlatır."
                if after_close
                else "Bağlantı kapandıktan sonra `receive()` ya da `send_text()` çağırmayın.",
            )


# 2.6 --------------------------------------------------------------------------------


def _judged_app(fault: str | None, seen: list[str]) -> FastAPI:
    """2.3'ün sözleşmesini uygulayan bir endpoint; ``fault`` verilirse o yerinden bozuk. Gelen her
    mesajın türünü ``seen``'e yazar: testin gerçekten ne gönderdiğini yargıç kendisi görür."""
    app = FastAPI()

    @app.websocket("/ws")
    async def endpoint(websocket: WebSocket) -> None:
        await websocket.accept()
        try:
            while True:
                message = await websocket.receive()
                if message["type"] == "websocket.disconnect":
                    return
                seen.append("metin" if message.get("text") is not None else "ikili")
                if message.get("text") is None:
                    if fault == "ikili":
                        await websocket.close(code=1000)
                    else:
                        await websocket.close(code=1003, reason="Yalnızca metin mesajları kabul edilir")
                    return
                text = message["text"]
                await websocket.send_text(text if fault == "onek" else ECHO.format(text))
        except WebSocketDisconnect:
            pass

    return app


FAULTS = {
    "onek": "metni öneksiz (`Mesajınız: ` olmadan) geri gönderen",
    "ikili": "ikili mesajda bağlantıyı 1003 yerine 1000 ile kapatan",
}
"""Öğrencinin testinin yakalaması gereken bozuk endpoint'ler: alıştırmanın saydığı iki özellik."""


async def _run_learner_test(ns: Namespace, fault: str | None, seen: list[str] | None = None) -> dict[str, object]:
    async with serve(_judged_app(fault, seen if seen is not None else [])) as server:
        try:
            result = await ns.channel.request("run_test", name=TEST_NAME, url=server.base_ws_url, timeout=scaled(15))
        except RemoteError as exc:
            if exc.kind == "missing":
                raise Mismatch(
                    f"`{TEST_NAME}` tanımlı değil.",
                    expected=f"`def {TEST_NAME}(app):` biçiminde bir test fonksiyonu",
                    hint="Cevap hücresini çalıştırdınız mı? Fonksiyonun adını aynen yazın.",
                ) from None
            raise
    if not isinstance(result, dict):
        raise Mismatch("Test çalıştırılamadı.", got=short(result))
    return result


TEST_NAME = "test_metin_endpoint"


@exercise("2.6", title="Endpoint'inizi test edin (TestClient)", points=2, timeout=40.0)
async def learner_test(ns: Namespace) -> None:
    info = await ns.get(TEST_NAME, None, what="bir test fonksiyonu")
    if not info.description.callable:
        raise Mismatch(
            f"`{TEST_NAME}` bir fonksiyon değil.",
            expected=f"`def {TEST_NAME}(app):`",
            got=info.description.type,
        )
    if info.description.params is not None and info.description.params != 1:
        raise Mismatch(
            f"`{TEST_NAME}` tek parametre (`app`) almalı.",
            expected=f"`def {TEST_NAME}(app):`",
            got=f"{info.description.params} parametre",
            hint="Test, denenecek uygulamayı parametre olarak alır: `TestClient(app)`.",
        )
    seen: list[str] = []
    good = await _run_learner_test(ns, None, seen)
    if not good.get("passed"):
        line = f" (satır {good['line']})" if good.get("line") else ""
        raise Mismatch(
            "Testiniz doğru çalışan bir endpoint'te kaldı.",
            expected="2.3'ün sözleşmesine uyan endpoint'te testin geçmesi",
            got=f"{good.get('error')}{line}",
            hint='Metne `"Mesajınız: <mesaj>"` beklenir; ikili mesajdan sonra `receive_text()` kapanışı '
            "`WebSocketDisconnect` olarak fırlatır, kodu `exc.code`'dadır.",
        )
    # Testin sonucunu çekirdek bildirir; yargıç en azından testin iki özelliği gerçekten sınadığını
    # (bir metin ve bir ikili mesaj gönderdiğini) kendi sunucusunda görür.
    for kind, what in [("metin", "bir metin mesajı"), ("ikili", "ikili bir mesaj")]:
        if kind not in seen:
            raise Mismatch(
                f"Testiniz sunucuya {what} göndermedi.",
                expected="bir metin mesajı (yanıtı denetlenir) ve ikili bir mesaj (1003 kapanışı denetlenir)",
                got=f"sunucunun gördüğü mesajlar: {seen or 'hiç yok'}",
                hint="`websocket.send_text(...)` ve `websocket.send_bytes(...)` ile iki özelliği de sınayın.",
            )
    for fault, what in FAULTS.items():
        broken = await _run_learner_test(ns, fault)
        if broken.get("passed"):
            raise Mismatch(
                f"Testiniz bozuk bir endpoint'te de geçti: {what} endpoint.",
                expected="bu endpoint'te testin kalması (ör. bir `assert` ile)",
                got="test geçti",
                hint='Yanıtın tam metnini `assert websocket.receive_text() == "Mesajınız: merhaba"` ile denetleyin.'
                if fault == "onek"
                else "İkili mesajdan sonra kapanışı bekleyin ve kodunu denetleyin: `WebSocketDisconnect` yakalayıp "
                "`assert exc.code == 1003`.",
            )
