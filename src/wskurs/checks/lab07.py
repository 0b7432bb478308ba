"""Lab 7 — En iyi uygulamalar: 1008 ile reddetme, HTTP yanıtıyla reddetme (Origin ve 401), jeton
kovası, yeniden bağlanma takvimi, CPU işini loop'tan taşımak, Redis pub/sub ile süreçler arası yayın."""

from __future__ import annotations

import asyncio
import contextlib
import json
import math
import time
from typing import Any

from fastapi import FastAPI
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed, InvalidStatus

from ..ch07_redis import INSTALL_HINT, RedisNotFound, redis_server, require_redis
from ..timing import scaled
from .client import STEP, close_all, open_ws, receive, short, wait_closed
from .core import Mismatch, Namespace, exercise, hidden_case, run_app
from .errors import RemoteError
from .remote import RemoteServer as RunningServer

__all__: list[str] = []

TOKENS = {"gizli-ayse": "ayse", "gizli-mert": "mert"}
"""Lab defterindeki ``TOKENLAR`` sözlüğünün aynısı."""

QUIET = 0.3
"""Bir mesajın *gelmediğini* görmek için beklenen süre (saniye, ölçeklenir)."""


# Ortak adımlar ---------------------------------------------------------------------------


async def _handshake(url: str, **options: Any) -> ClientConnection | InvalidStatus:
    """Bağlanır; el sıkışma bir HTTP yanıtıyla reddedilirse o yanıtı (``InvalidStatus``) döndürür."""
    options.setdefault("close_timeout", scaled(1))
    options.setdefault("open_timeout", None)
    try:
        return await asyncio.wait_for(connect(url, **options), timeout=scaled(STEP))
    except InvalidStatus as exc:
        return exc
    except (TimeoutError, OSError) as exc:
        raise Mismatch(
            "WebSocket el sıkışması bitmedi.",
            expected="101 ya da bir HTTP yanıtı",
            got="yanıt gelmedi" if isinstance(exc, TimeoutError) else f"{type(exc).__name__}: {exc}",
            hint="Handler ya `accept()`, ya `close()`, ya da `send_denial_response(...)` çağırmalı.",
        ) from None


def _headers(token: str | None) -> dict[str, str]:
    return {} if token is None else {"Authorization": f"Bearer {token}"}


def _describe(token: str | None) -> str:
    return "Authorization başlığı olmadan" if token is None else f"token {token!r} ile"


async def _expect_welcome(url: str, token: str, what: str, **options: Any) -> None:
    result = await _handshake(url, additional_headers=_headers(token), **options)
    if isinstance(result, InvalidStatus):
        raise Mismatch(
            f"{what}: geçerli token reddedildi.",
            expected="101 ve 'hoş geldin, ...'",
            got=f"HTTP {result.response.status_code}",
            hint="Başlığı `websocket.headers.get('authorization')` ile okuyup 'Bearer ' önekini atın.",
        )
    async with result as ws:
        welcome = await receive(ws, f"{what}: karşılama mesajı")
        name = TOKENS[token]
        if welcome != f"hoş geldin, {name}":
            raise Mismatch(
                f"{what}: karşılama mesajı beklenen biçimde değil.",
                expected=repr(f"hoş geldin, {name}"),
                got=repr(welcome),
                hint='f"hoş geldin, {TOKENLAR[token]}" gönderin.',
            )
        code, _, _ = await wait_closed(ws, f"{what}: karşılamadan sonra")
        if code != 1000:
            raise Mismatch(
                f"{what}: karşılamadan sonra bağlantı düzgün kapanmadı.",
                expected="kapanış kodu 1000",
                got=f"kapanış kodu {code}",
                hint="Karşılamadan sonra `await websocket.close()` çağırın.",
            )


def _json_body(status: InvalidStatus) -> Any:
    try:
        return json.loads(bytes(status.response.body or b""))
    except ValueError:
        return None


# 7.1 ----------------------------------------------------------------------------------------


@exercise("7.1", title="Geçersiz tokenı 1008 ve gerekçeyle reddetmek", points=2)
async def reject_with_1008(ns: Namespace) -> None:
    app = await ns.get("kimlik_app", FastAPI, what="bir FastAPI uygulaması")
    valid = ns.rng.choice(sorted(TOKENS))
    # Sınırlar: boş token, geçerli bir tokenın öneki ve fazladan harfli hâli de geçersizdir.
    near = [valid + ns.rng.choice(["2", "x", "-yedek"]), valid[: ns.rng.randint(3, len(valid) - 1)]]
    async with run_app(app) as server:
        url = server.ws_url("/ws")
        for token in ("tahmin", None, "", *near):
            what = _describe(token)
            result = await _handshake(url, additional_headers=_headers(token))
            if isinstance(result, InvalidStatus):
                body = bytes(result.response.body or b"")
                raise Mismatch(
                    f"{what} bağlanan istemci 1008'i görmedi: el sıkışma reddedildi.",
                    expected="101, ardından kapanış kodu 1008 ve gerekçe 'geçersiz token'",
                    got=f"HTTP {result.response.status_code}, gövde: {short(body)}",
                    hint=(
                        "`accept()`'ten önce `close()` el sıkışmayı reddeder; istemci kodu da gerekçeyi de "
                        "göremez. Önce `await websocket.accept()`, sonra `close(code=1008, reason=...)`."
                        if result.response.status_code == 403
                        else "Handler `accept()`'e varmadan hata verdi (HTTP 500); sunucu günlüğündeki hataya bakın."
                    ),
                )
            async with result as ws:
                code, reason, before = await wait_closed(ws, f"{what}:")
            if (code, reason) != (1008, "geçersiz token"):
                raise Mismatch(
                    f"{what} bağlanan istemci beklenen kapanışı görmedi.",
                    expected="kapanış kodu 1008, gerekçe 'geçersiz token'",
                    got=f"kapanış kodu {code}, gerekçe {reason!r}"
                    + (f"; önce gelenler: {short(before)}" if before else ""),
                    hint='`await websocket.close(code=1008, reason="geçersiz token")`',
                )
        await _expect_welcome(url, valid, f"Geçerli token ({valid!r})")
        if ns.hidden:
            with hidden_case("öteki geçerli tokenla da karşılama"):
                other = next(token for token in sorted(TOKENS) if token != valid)
                await _expect_welcome(url, other, "gizli")


# 7.2 ----------------------------------------------------------------------------------------


@exercise("7.2", title="HTTP yanıtıyla reddetmek: Origin (403) ve token (401)", points=3)
async def reject_with_http(ns: Namespace) -> None:
    app = await ns.get("kapi_app", FastAPI, what="bir FastAPI uygulaması")
    forbidden = {"hata": "izin verilmeyen origin"}
    invalid = {"hata": "geçersiz token"}
    # Sınırlar: izinli adrese benzeyen Origin'ler (başka şema, sonuna eklenmiş alan adı) izinli
    # değildir; hem Origin hem token yanlışsa önce Origin'e bakılır.
    async with run_app(app) as server:
        url = server.ws_url("/ws")
        cases = [
            ("https://kotu.example", "gizli-ayse", 403, forbidden),
            ("https://sohbet.example", "tahmin", 401, invalid),
            (None, None, 401, invalid),
            ("http://sohbet.example", "gizli-mert", 403, forbidden),
            ("https://sohbet.example.kotu.example", "gizli-ayse", 403, forbidden),
            ("https://kotu-sohbet.example", ns.rng.choice(sorted(TOKENS)), 403, forbidden),
            ("https://kotu.example", None, 403, forbidden),
            ("https://sohbet.example", "", 401, invalid),
        ]
        for origin, token, status, body in cases:
            what = f"Origin {origin!r}, {_describe(token)}"
            result = await _handshake(url, origin=origin, additional_headers=_headers(token))
            if not isinstance(result, InvalidStatus):
                await close_all(result)
                raise Mismatch(
                    f"{what}: el sıkışma bir HTTP yanıtıyla reddedilmedi.",
                    expected=f"HTTP {status}, gövde {json.dumps(body, ensure_ascii=False)}",
                    got="bağlantı açıldı (101 Switching Protocols)",
                    hint="`accept()` çağırmadan `await websocket.send_denial_response(JSONResponse(...))`.",
                )
            got_status, got_body = result.response.status_code, _json_body(result)
            if got_status != status or got_body != body:
                raw = bytes(result.response.body or b"")
                raise Mismatch(
                    f"{what}: reddin HTTP yanıtı beklenen değil.",
                    expected=f"HTTP {status}, gövde {json.dumps(body, ensure_ascii=False)}",
                    got=f"HTTP {got_status}, gövde {short(raw)}",
                    hint=(
                        "`accept()`'ten önce `close()` hep gövdesiz bir 403 verir. Durumu ve gövdeyi seçmek için "
                        f"`send_denial_response(JSONResponse({body!r}, status_code={status}))`."
                        if got_status == 403 and not raw
                        else "Önce Origin'e (izinli değilse 403), sonra tokena (geçersizse 401) bakın."
                    ),
                )
        await _expect_welcome(url, "gizli-ayse", "İzinli Origin ve geçerli token", origin="https://sohbet.example")
        await _expect_welcome(url, "gizli-mert", "Origin başlığı olmadan, geçerli token")


# 7.3 ----------------------------------------------------------------------------------------


def _is_rejection(reply: str) -> bool:
    try:
        data = json.loads(reply)
    except ValueError:
        return False
    return isinstance(data, dict) and data.get("hata") == "hız sınırı"


async def _flood(ws: ClientConnection, texts: list[str], who: str) -> list[str]:
    for text in texts:
        await ws.send(text)
    return [str(await receive(ws, f"{who}: {text!r} mesajının yanıtı", timeout=scaled(STEP))) for text in texts]


@exercise("7.3", title="Kullanıcı başına jeton kovası", points=3, timeout=20)
async def token_bucket(ns: Namespace) -> None:
    app = await ns.get("hiz_app", FastAPI, what="bir FastAPI uygulaması")
    # Her çalışmada başka kullanıcılar: bir önceki kontrolün boşalttığı kova bu kontrolü etkilemesin.
    tag = ns.rng.randint(100, 999)
    ayse, mert, deniz = f"ayse{tag}", f"mert{tag}", f"deniz{tag}"
    async with run_app(app) as server:
        opened: list[ClientConnection] = []
        try:
            first = await open_ws(server.ws_url(f"/ws?kullanici={ayse}"))
            opened.append(first)
            texts = [f"m{i}" for i in range(8)]
            replies = await _flood(first, texts, f"{ayse} (1. bağlantı)")
            processed = [r for r in replies if r.startswith("işlendi: ")]
            if replies[:5] != [f"işlendi: m{i}" for i in range(5)]:
                raise Mismatch(
                    "Kovadaki 5 jetonla ilk 5 mesaj işlenmeli.",
                    expected=[f"işlendi: m{i}" for i in range(5)],
                    got=replies[:5],
                    hint='Jeton varsa f"işlendi: {mesaj}" gönderin.',
                )
            if len(processed) > 6 or not all(_is_rejection(r) for r in replies if not r.startswith("işlendi: ")):
                raise Mismatch(
                    "Art arda gelen 8 mesajın fazlası reddedilmedi.",
                    expected='ilk 5\'i işlendi, sonrakilere {"hata": "hız sınırı"} yanıtı',
                    got=f"{len(processed)}/8 işlendi; yanıtlar: {short(replies, 200)}",
                    hint=(
                        "Beklemek (`asyncio.sleep`) sınırlamak değildir: mesajlar yine işlenir. Jeton yoksa "
                        "mesajı işlemeyin ve JSON bir hata yanıtı gönderin."
                    ),
                )
            second = await open_ws(server.ws_url(f"/ws?kullanici={ayse}"))
            opened.append(second)
            (reply,) = await _flood(second, ["ikinci"], f"{ayse} (2. bağlantı)")
            if not _is_rejection(reply):
                raise Mismatch(
                    "Aynı kullanıcının ikinci bağlantısı yeni bir kova aldı.",
                    expected=f'{ayse} adlı kullanıcının kovası boş: {{"hata": "hız sınırı"}}',
                    got=repr(reply),
                    hint=(
                        "Kovanın anahtarı kullanıcı adı olmalı (`kovalar[kullanici]`), "
                        "bağlantı (`id(websocket)`) değil."
                    ),
                )
            other = await open_ws(server.ws_url(f"/ws?kullanici={mert}"))
            opened.append(other)
            replies = await _flood(other, ["a", "b"], mert)
            if replies != ["işlendi: a", "işlendi: b"]:
                raise Mismatch(
                    "Başka bir kullanıcı, ilk kullanıcı yüzünden sınırlandı.",
                    expected=["işlendi: a", "işlendi: b"],
                    got=replies,
                    hint="Her kullanıcının kendi kovası olmalı; tek bir ortak kova herkesi sınırlar.",
                )
            # Kova dolar: boşalmış bir kovaya ~1,2 saniyede bir jeton gelir.
            refill = await open_ws(server.ws_url(f"/ws?kullanici={deniz}"))
            opened.append(refill)
            await _flood(refill, [f"d{i}" for i in range(6)], deniz)
            await asyncio.sleep(1.25)
            (reply,) = await _flood(refill, ["dolum"], f"{deniz} (1,25 sn sonra)")
            if reply != "işlendi: dolum":
                raise Mismatch(
                    "Boşalan kova zamanla dolmuyor.",
                    expected="saniyede DOLUM (1) jeton: 1,25 saniye sonra bir mesaj daha işlenir",
                    got=repr(reply),
                    hint="`al()` her çağrıda geçen süreyle jeton eklesin: "
                    "`jeton = min(kapasite, jeton + (simdi - son) * dolum)`.",
                )
            for i in range(12):
                with contextlib.suppress(ConnectionClosed):
                    await first.send(f"x{i}")
            code, reason, before = await wait_closed(first, "Sınırı 10 kez aşan bağlantı", limit=20)
            if code != 1008 or "hız sınırı" not in reason:
                raise Mismatch(
                    "Israrla sınırı aşan bağlantı 1008 ile kapatılmadı.",
                    expected="10. ihlalde kapanış kodu 1008, gerekçede 'hız sınırı'",
                    got=f"kapanış kodu {code}, gerekçe {reason!r}",
                    hint=(
                        "Bağlantı başına ihlalleri sayın; `IHLAL_SINIRI`'na varınca "
                        '`close(code=1008, reason="hız sınırı aşıldı")`.'
                    ),
                )
            if sum(1 for r in before if isinstance(r, str) and _is_rejection(r)) > 7:
                raise Mismatch(
                    "Bağlantı 10. ihlalden sonra da açık kaldı.",
                    expected="ilk 3 ihlalden sonra en çok 6 hata yanıtı, sonra kapanış",
                    got=f"{len(before)} yanıt: {short(before, 200)}",
                    hint="İhlal sayacı bağlantı başına ve kalıcı olmalı (her mesajda sıfırlanmamalı).",
                )
        finally:
            await close_all(*opened)


# 7.4 ----------------------------------------------------------------------------------------

SAMPLES = 120
"""Deneme başına örnek sayısı: 120 düzgün örneğin aralığın dörtte birinden dar kalma olasılığı ihmal edilir."""


@exercise("7.4", title="Yeniden bağlanma takvimi: üstel, tavanlı, jitter'lı", points=2)
async def backoff(ns: Namespace) -> None:
    func = await ns.function("bekleme_suresi", is_async=False, params=1)
    # Sınırlar: tavanın altındaki son deneme (3: 4 sn), tavana ilk varan (4: 8 sn), çok büyük deneme.
    for attempt in (0, 1, 2, 3, 4, 5, ns.rng.randint(6, 20), 50):
        ceiling = min(8.0, 0.5 * 2**attempt)
        samples = []
        for _ in range(SAMPLES):
            try:
                value = await func(attempt)
            except RemoteError as exc:
                raise Mismatch(
                    f"bekleme_suresi({attempt}) hata verdi.",
                    got=exc.error[:200],
                    hint="Büyük denemelerde `2**deneme` çok büyür; tavanla `min` alın (float taşması olmasın).",
                ) from None
            if not isinstance(value, int | float) or isinstance(value, bool) or not math.isfinite(value):
                raise Mismatch(
                    f"bekleme_suresi({attempt}) bir sayı döndürmedi.",
                    expected="saniye cinsinden bir float",
                    got=short(value),
                )
            samples.append(float(value))
        low, high = min(samples), max(samples)
        if low < ceiling / 2 - 1e-9 or high > ceiling + 1e-9:
            raise Mismatch(
                f"bekleme_suresi({attempt}) sınırların dışına çıktı.",
                expected=f"{ceiling / 2:g} ile {ceiling:g} saniye arası (tavan = min(8, 0.5 · 2^deneme))",
                got=f"{SAMPLES} denemede en küçük {low:.3f}, en büyük {high:.3f}",
                hint="ust = min(8.0, 0.5 * 2**deneme); random.uniform(ust / 2, ust)",
            )
        if high - low < ceiling / 4:
            raise Mismatch(
                f"bekleme_suresi({attempt}) hep (neredeyse) aynı değeri veriyor: jitter yok.",
                expected=f"{ceiling / 2:g}–{ceiling:g} arasına yayılmış rastgele değerler",
                got=f"{SAMPLES} denemede {low:.3f}–{high:.3f}",
                hint=(
                    "Rastgelelik olmadan, aynı anda kopan bütün istemciler aynı anlarda yeniden dener. "
                    "`random.uniform(ust / 2, ust)` kullanın."
                ),
            )


# 7.5 ----------------------------------------------------------------------------------------


async def _observe(ws: ClientConnection, duration: float, interval: float) -> list[float]:
    """``interval`` saniyede bir 'ping' gönderir; her yanıtın planlanan andan itibaren süresi (s)."""
    delays: list[float] = []
    start = time.perf_counter()
    for i in range(int(duration / interval)):
        planned = start + i * interval
        await asyncio.sleep(max(0.0, planned - time.perf_counter()))
        await ws.send("ping")
        reply = await receive(ws, "öteki istemcinin yankısı", timeout=scaled(STEP) + duration)
        if reply != "ping":
            raise Mismatch("Yankı beklenen biçimde değil.", expected=repr("ping"), got=repr(reply))
        delays.append(time.perf_counter() - planned)
    return delays


@exercise("7.5", title="CPU işini loop'tan taşımak", points=3, timeout=15)
async def offload(ns: Namespace) -> None:
    app = await ns.get("hesap_app", FastAPI, what="bir FastAPI uygulaması")
    work = scaled(0.6)
    async with run_app(app) as server:
        worker = await open_ws(server.ws_url("/ws"))
        observer = await open_ws(server.ws_url("/ws"))
        try:
            await observer.send("ping")
            if (reply := await receive(observer, "'ping' mesajının yankısı")) != "ping":
                raise Mismatch(
                    "Hesap dışındaki mesajlar aynen geri gönderilmeli.", expected=repr("ping"), got=repr(reply)
                )
            watching = asyncio.create_task(_observe(observer, work + 0.3, 0.03))
            await asyncio.sleep(0.05)
            started = time.perf_counter()
            await worker.send(f"hesapla {work}")
            result = await receive(worker, f"'hesapla {work}' mesajının yanıtı", timeout=scaled(STEP) + work * 3)
            took = time.perf_counter() - started
            delays = await watching
        finally:
            await close_all(worker, observer)
    if not result.startswith("sonuç: ") or not result.removeprefix("sonuç: ").isdigit():
        raise Mismatch(
            "Hesabın yanıtı beklenen biçimde değil.",
            expected="'sonuç: <agir_hesap'ın döndürdüğü sayı>'",
            got=repr(result),
            hint='f"sonuç: {sonuc}"',
        )
    if took < work * 0.8:
        raise Mismatch(
            "Hesap yapılmadı: yanıt çok çabuk geldi.",
            expected=f"agir_hesap({work:g}) — en az {work * 0.8:.2f} saniye",
            got=f"{took:.2f} saniye",
            hint="Mesajdaki saniyeyi `float(...)` ile okuyup `agir_hesap(saniye)`'yi (loop'un dışında) çalıştırın.",
        )
    worst = max(delays)
    if worst > work * 0.5:
        raise Mismatch(
            "Hesap sürerken öteki istemcinin yankısı bekledi: event loop kilitlendi.",
            expected=f"öteki istemcinin yankısı {work * 0.5 * 1000:.0f} ms'den kısa",
            got=f"en kötü yankı {worst * 1000:.0f} ms (hesap {took * 1000:.0f} ms sürdü)",
            hint=(
                "`await asyncio.create_task(...)` ya da `async def` içinde doğrudan çağırmak hesabı yine aynı "
                "loop'ta yapar. `await asyncio.to_thread(agir_hesap, saniye)` ya da bir süreç havuzu kullanın."
            ),
        )


# 7.6 ----------------------------------------------------------------------------------------


async def _everyone_gets(clients: list[tuple[str, ClientConnection]], text: str) -> dict[str, bool]:
    async def gets(ws: ClientConnection) -> bool:
        try:
            async with asyncio.timeout(scaled(STEP)):
                while True:
                    if await ws.recv() == text:
                        return True
        except (TimeoutError, ConnectionClosed):
            return False

    results = await asyncio.gather(*(gets(ws) for _, ws in clients))
    return {name: got for (name, _), got in zip(clients, results, strict=True)}


async def _channel_messages(pubsub: Any, wanted: str) -> list[str]:
    seen: list[str] = []
    deadline = time.monotonic() + scaled(STEP)
    while time.monotonic() < deadline and wanted not in seen:
        message = await pubsub.get_message(ignore_subscribe_messages=True, timeout=0.1)
        if message is not None and message.get("type") == "message":
            seen.append(message["data"])
    return seen


@exercise("7.6", title="İki uygulama örneği arasında Redis pub/sub ile yayın", points=3, timeout=20)
async def redis_broadcast(ns: Namespace) -> None:
    import redis.asyncio as aioredis

    factory = await ns.function("redis_yayin_uygulamasi", is_async=False, params=1)
    try:
        require_redis()
    except RedisNotFound:
        raise Mismatch(
            "Bu makinede redis-server kurulu değil; bu alıştırma gerçek bir Redis sunucusu ister.",
            hint=f"Kurun: {INSTALL_HINT} (macOS: brew install redis), sonra kontrolü yeniden çalıştırın.",
        ) from None
    async with redis_server() as redis:
        first, second = await factory.new(redis.url), await factory.new(redis.url)
        for app in (first, second):
            if not app.description.is_instance(FastAPI):
                raise Mismatch(
                    "redis_yayin_uygulamasi bir FastAPI uygulaması döndürmedi.",
                    expected="FastAPI",
                    got=f"{app.description.type}: {app.description.repr}",
                )
        if first.description.id == second.description.id:
            raise Mismatch(
                "İki çağrı aynı uygulamayı döndürdü.",
                expected="her çağrıda yeni bir FastAPI() (iki ayrı işçi süreç gibi)",
                got="aynı nesne",
                hint="`app = FastAPI(lifespan=...)` fonksiyonun içinde oluşturulmalı.",
            )
        observer = aioredis.from_url(redis.url, decode_responses=True)
        pubsub = observer.pubsub()
        try:
            await pubsub.subscribe("sohbet")
            async with run_app(first) as one, run_app(second) as two:
                await _broadcast_between(ns, one, two, observer, pubsub)
        finally:
            await pubsub.aclose()
            await observer.aclose()


async def _broadcast_between(ns: Namespace, one: RunningServer, two: RunningServer, client: Any, pubsub: Any) -> None:
    clients: list[tuple[str, ClientConnection]] = []
    try:
        for name, server in (("1. örnek/a", one), ("1. örnek/b", one), ("2. örnek/a", two), ("2. örnek/b", two)):
            clients.append((name, await open_ws(server.ws_url("/ws"))))
        await asyncio.sleep(scaled(0.05))
        text = f"merhaba {ns.rng.randint(1, 999)}"
        await clients[0][1].send(text)
        got = await _everyone_gets(clients, text)
        seen = await _channel_messages(pubsub, text)
        if not all(got.values()):
            missing = sorted(name for name, ok in got.items() if not ok)
            raise Mismatch(
                "1. örnekteki bir istemcinin mesajı herkese ulaşmadı.",
                expected=f"dört istemcinin dördü de {text!r} alsın (iki örnekteki herkes)",
                got=f"alamayanlar: {', '.join(missing)}",
                hint=(
                    "Gelen mesajı doğrudan bağlantılara değil Redis'e yayımlayın: "
                    "`await istemci.publish('sohbet', mesaj)`; kanaldan geleni kendi bağlantılarınıza gönderin."
                    if all(not ok for name, ok in got.items() if name.startswith("2."))
                    else "Her örnek kanala lifespan'de, ilk bağlantıdan önce abone olmalı."
                ),
            )
        if text not in seen:
            raise Mismatch(
                "Mesaj Redis'in 'sohbet' kanalına yayımlanmadı.",
                expected=f"PUBLISH sohbet {text!r}",
                got=f"kanalda görülen: {short(seen)}",
                hint="İki örnek gerçekte iki ayrı süreçtir; ortak bellek yok. Yayın Redis üzerinden gitmeli.",
            )
        # Öteki yön: 2. örnekteki bir istemcinin mesajı 1. örnektekilere de ulaşır.
        text = f"ikinci örnekten {ns.rng.randint(1, 999)}"
        await clients[ns.rng.choice([2, 3])][1].send(text)
        got = await _everyone_gets(clients, text)
        if not all(got.values()):
            missing = sorted(name for name, ok in got.items() if not ok)
            raise Mismatch(
                "2. örnekteki bir istemcinin mesajı herkese ulaşmadı.",
                expected=f"dört istemcinin dördü de {text!r} alsın",
                got=f"alamayanlar: {', '.join(missing)}",
                hint="Her örnek hem yayımlamalı hem abone olmalı: iki örneğin kodu aynıdır.",
            )
        await client.publish("sohbet", "Redis'ten duyuru")
        got = await _everyone_gets(clients, "Redis'ten duyuru")
        if not all(got.values()):
            missing = sorted(name for name, ok in got.items() if not ok)
            raise Mismatch(
                "'sohbet' kanalına gelen mesaj bağlantılara iletilmedi.",
                expected="kanala yayımlanan her mesaj iki örnekteki herkese gitsin",
                got=f"alamayanlar: {', '.join(missing)}",
                hint="Lifespan'de kanala abone olun ve `pubsub.listen()`'dan gelen her mesajı bağlantılara gönderin.",
            )
    finally:
        await close_all(*(ws for _, ws in clients))
