"""Lab 7 — En iyi uygulamalar: 1008 ile reddetme, HTTP yanıtıyla reddetme (Origin ve 401), jeton
kovası, yeniden bağlanınca kaçırılan olaylar, büyük mesajı parçalara bölmek, Redis pub/sub ile
süreçler arası yayın."""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
from typing import Any

from fastapi import FastAPI, WebSocket, WebSocketDisconnect
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed, InvalidStatus

from wskurs.checks.client import STEP, close_all, open_ws, receive, short, wait_closed
from wskurs.checks.core import Mismatch, Namespace, exercise, hidden_case, run_app
from wskurs.checks.errors import RemoteError
from wskurs.checks.remote import RemoteServer as RunningServer
from wskurs.checks.remote import Rendezvous, not_concurrent
from wskurs.engine.clients import wait_until
from wskurs.engine.proxy import proxy_hint
from wskurs.engine.redis_server import INSTALL_HINT, RedisNotFound, redis_server, require_redis
from wskurs.engine.server import serve
from wskurs.engine.timing import scaled

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
    options.setdefault("proxy", None)
    try:
        return await asyncio.wait_for(connect(url, **options), timeout=scaled(STEP))
    except InvalidStatus as exc:
        return exc
    except (TimeoutError, OSError) as exc:
        raise Mismatch(
            "WebSocket el sıkışması bitmedi.",
            expected="101 ya da bir HTTP yanıtı",
            got="yanıt gelmedi" if isinstance(exc, TimeoutError) else f"{type(exc).__name__}: {exc}",
            hint=" ".join(
                filter(
                    None,
                    [
                        "Handler ya `accept()`, ya `close()`, ya da `send_denial_response(...)` çağırmalı.",
                        proxy_hint(url),
                    ],
                )
            ),
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


@exercise("7.1", title="Geçersiz token'ı 1008 ve gerekçeyle reddetmek", points=2)
async def reject_with_1008(ns: Namespace) -> None:
    app = await ns.get("kimlik_app", FastAPI, what="bir FastAPI uygulaması")
    valid = ns.rng.choice(sorted(TOKENS))
    # Sınırlar: boş token, geçerli bir token'ın öneki ve fazladan harfli hâli de geçersizdir.
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
            with hidden_case("öteki geçerli token'la da karşılama"):
                other = next(token for token in sorted(TOKENS) if token != valid)
                await _expect_welcome(url, other, "gizli")


# 7.2 ----------------------------------------------------------------------------------------


@exercise("7.2", title="HTTP yanıtıyla reddetmek: Origin (403) ve token (401)", points=3)
async def reject_with_http(ns: Namespace) -> None:
    app = await ns.get("kapi_app", FastAPI, what="bir FastAPI uygulaması")
    forbidden = {"hata": "izin listesinde olmayan Origin"}
    # Lab'ın eski sürümündeki gövde de kabul edilir (o sürüme göre yazılmış cevaplar kalmasın).
    accepted = {json.dumps(forbidden): [forbidden, {"hata": "izin verilmeyen origin"}]}
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
            if got_status != status or got_body not in accepted.get(json.dumps(body), [body]):
                raw = bytes(result.response.body or b"")
                raise Mismatch(
                    f"{what}: reddin HTTP yanıtı beklenen değil.",
                    expected=f"HTTP {status}, gövde {json.dumps(body, ensure_ascii=False)}",
                    got=f"HTTP {got_status}, gövde {short(raw)}",
                    hint=(
                        "`accept()`'ten önce `close()` hep gövdesiz bir 403 verir. Durumu ve gövdeyi seçmek için "
                        f"`send_denial_response(JSONResponse({body!r}, status_code={status}))`."
                        if got_status == 403 and not raw
                        else "Önce Origin'e (izinli değilse 403), sonra token'a (geçersizse 401) bakın."
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


WAIT_CAP = 0.5
"""7.4'te iki bağlantı arasındaki beklemenin üst sınırı (lab'daki ``BEKLEME_TAVANI``, saniye)."""

WAIT_SLACK = 0.75
"""Ölçülen aralığa (kopuş → yeni bağlantının isteği) bağlanmanın kendisi için eklenen pay (ölçeklenir;
yüklü bir makinede kapanış el sıkışması ve yeni bağlantı birkaç yüz milisaniye sürebilir)."""


def _resume_app(
    events: list[str], plan: list[tuple[int, int, int]], asked: list[int], gaps: list[float] | None = None
) -> FastAPI:
    """Olay sunucusu: ``plan[i]`` = (bu bağlantıda en çok kaç yeni olay, yeniden gönderilecek eski
    olay sayısı, sonra kapanış kodu). Her bağlantının istediği ``son`` ``asked``'e, sunucunun
    kapattığı bir bağlantıdan sonraki bağlantının ne kadar sonra geldiği ``gaps``'e yazılır."""
    app = FastAPI()
    closed_at: list[float] = []

    @app.websocket("/olaylar")
    async def feed(websocket: WebSocket) -> None:
        if closed_at and gaps is not None:
            gaps.append(time.monotonic() - closed_at.pop())
        try:
            last = int(websocket.query_params.get("son", "-1"))
        except ValueError:
            last = -1
        asked.append(last)
        await websocket.accept()
        index = len(asked) - 1
        fresh, again, code = plan[index] if index < len(plan) else (len(events), 0, 1000)
        last = max(last, 0)
        upto = min(len(events), last + fresh)
        try:
            for seq in range(max(1, last + 1 - again), upto + 1):
                await websocket.send_text(json.dumps({"seq": seq, "olay": events[seq - 1]}, ensure_ascii=False))
            if upto < len(events):
                await websocket.close(code=code)
                closed_at.append(time.monotonic())
                return
            async with asyncio.timeout(scaled(5)):  # son olay gitti: istemci kapatmalı
                while True:
                    await websocket.receive_text()
        except (WebSocketDisconnect, TimeoutError):
            pass

    return app


def _plan(ns: Namespace, n: int, *, first_empty: bool) -> list[tuple[int, int, int]]:
    plan: list[tuple[int, int, int]] = [(0, 0, 1012)] if first_empty else []
    delivered = 0
    while delivered < n:
        fresh = ns.rng.randint(1, 4)
        plan.append((fresh, ns.rng.randint(0, 2), ns.rng.choice([1001, 1011, 1012])))
        delivered += fresh
    return plan


def _expected_asks(plan: list[tuple[int, int, int]], n: int) -> list[int]:
    asks, last = [], 0
    for fresh, _, _ in plan:
        asks.append(last)
        last = min(n, last + fresh)
        if last >= n:
            break
    return asks


async def _resume_round(func: Any, events: list[str], plan: list[tuple[int, int, int]]) -> None:
    asked: list[int] = []
    gaps: list[float] = []
    n = len(events)
    call = f"olaylari_topla(url, {n})"
    limit = scaled(4 + (WAIT_CAP + 0.1) * len(plan))
    async with serve(_resume_app(events, plan, asked, gaps)) as server:
        try:
            got = await asyncio.wait_for(func(server.ws_url("/olaylar"), n), timeout=limit)
        except TimeoutError:
            _long_waits(call, gaps)
            raise Mismatch(
                f"{call} bitmedi.",
                expected=f"{n}. olayı alınca dönmesi",
                got=f"{limit:g} saniyede dönmedi; istenen `son` değerleri: {asked[:12]}",
                hint="Son olayı alınca döngüden çıkıp listeyi döndürün; sunucu bağlantıyı sizin kapatmanızı bekler.",
            ) from None
        except RemoteError as exc:
            raise Mismatch(
                f"{call} hata verdi.",
                expected=f"{len(plan)} bağlantıda {n} olay",
                got=exc.error[:200],
                hint="Bağlantı 1011/1012 ile kapanınca `async for` `ConnectionClosedError` fırlatır; "
                "`except ConnectionClosed:` ile yakalayıp yeniden bağlanın."
                if "ConnectionClosed" in exc.error
                else "Her yeniden bağlanışta `?son=<aldığınız son seq>` isteyin; baştan istemek (son=0) "
                "sunucunun yalnızca ilk olayları tekrar tekrar göndermesine yol açar.",
            ) from None
    if got != events:
        raise Mismatch(
            f"{call} yanlış liste döndürdü.",
            expected=short(events, 200),
            got=short(got, 200),
            hint="Yeniden gönderilen (seq ≤ son) olayları atlayın; her olayın yalnızca metnini (`olay`) ekleyin.",
        )
    wanted = _expected_asks(plan, n)
    if asked != wanted:
        raise Mismatch(
            f"{call}: yeniden bağlanırken istenen `son` değerleri yanlış.",
            expected=f"?son= {wanted}",
            got=f"?son= {asked}",
            hint="`son`, o ana dek alınan en büyük `seq`'tir; ilk bağlantıda 0. Bitince yeniden bağlanmayın.",
        )
    _long_waits(call, gaps)


def _long_waits(call: str, gaps: list[float]) -> None:
    """Kopuştan yeni bağlantıya geçen süreler ``BEKLEME_TAVANI``'nı (bağlanma payıyla) aşmamalı.
    Alt sınır yok: tam jitter'ın (``uniform(0, ...)``) sıfıra yakın beklemesi de doğrudur."""
    limit = WAIT_CAP + scaled(WAIT_SLACK)
    if gaps and max(gaps) > limit:
        raise Mismatch(
            f"{call}: yeniden bağlanmadan önceki bekleme tavanı aştı.",
            expected=f"her bekleme en çok BEKLEME_TAVANI = {WAIT_CAP:g} sn (ölçümde bağlanma payıyla {limit:.2f} sn)",
            got="kopuştan yeni bağlantıya geçen süreler (sn): " + ", ".join(f"{gap:.2f}" for gap in gaps[:12]),
            hint="Bekleme büyüyebilir ve jitter'lı olabilir, ama tavanı geçmemeli: "
            "`min(BEKLEME_TAVANI, BEKLEME_TABANI * 2**deneme)`; jitter bu değerin içinde kalsın "
            "(ör. `random.uniform(0, bekleme)`).",
        )


@exercise("7.4", title="Yeniden bağlanınca kaçırılan olayları istemek", points=3, timeout=45)
async def resume_missed(ns: Namespace) -> None:
    func = await ns.function("olaylari_topla", is_async=True, params=2)
    words = ["sipariş", "ödeme", "kargo", "iade", "şikâyet", "yorum", "üyelik", "güncelleme"]

    def events(count: int) -> list[str]:
        return [f"{ns.rng.choice(words)} #{ns.rng.randint(100, 999)}" for _ in range(count)]

    await _resume_round(func, events(8), [(3, 0, 1001), (2, 1, 1011), (3, 2, 1012)])
    # Sınırlar: ilk bağlantı hiçbir olay göndermeden kopar; tek olay; her çalışmada başka kopuşlar.
    n = ns.rng.randint(6, 12)
    await _resume_round(func, events(n), _plan(ns, n, first_empty=True))
    await _resume_round(func, events(1), [(1, 0, 1000)])
    # Art arda sekiz olaysız kopuş: üstel bekleme burada büyür; tavanı olmayan bekleme (0,05 · 2⁷ = 6,4 sn)
    # ölçeklenmiş payla da tavanı açıkça aşar.
    await _resume_round(func, events(2), [(0, 0, 1012)] * 8 + [(2, 0, 1000)])
    if ns.hidden:
        with hidden_case("her bağlantıda yalnızca bir yeni olay ve iki eski olay"):
            await _resume_round(func, events(6), [(1, 2, 1011)] * 6)
    await _resumes_together(func, events(2))


async def _resumes_together(func: Any, events: list[str]) -> None:
    """İki ``olaylari_topla`` aynı anda: bağlantıları yargıcın sunucusunda buluşmalı. ``async def``
    olduğu (loop'u kilitlemediği) aracının sözüne (``is_async``) değil bu gözleme dayanır."""
    together = Rendezvous()
    app = FastAPI()

    @app.websocket("/olaylar")
    async def feed(websocket: WebSocket) -> None:
        await websocket.accept()
        async with together.present():
            try:
                for seq, event in enumerate(events, start=1):
                    await websocket.send_text(json.dumps({"seq": seq, "olay": event}, ensure_ascii=False))
                async with asyncio.timeout(scaled(5)):
                    while True:
                        await websocket.receive_text()
            except (WebSocketDisconnect, TimeoutError):
                pass

    async with serve(app) as server:
        url = server.ws_url("/olaylar")
        limit = scaled(5 + together.wait)
        calls = [asyncio.wait_for(func(url, len(events)), timeout=limit) for _ in range(2)]
        results = await asyncio.gather(*calls, return_exceptions=True)
    if not together.met:
        raise not_concurrent(f"olaylari_topla(url, {len(events)})", "olaylari_topla")
    for got in results:
        if got != events:
            raise Mismatch(
                "Aynı anda çalışan iki olaylari_topla çağrısından biri yanlış sonuç verdi.",
                expected=short(events, 200),
                got=got.error[:200] if isinstance(got, RemoteError) else short(got, 200),
                hint="Her çağrı kendi listesini ve `son` değerini tutsun; ortak (modül düzeyinde) bir şey tutmayın.",
            )


# 7.5 ----------------------------------------------------------------------------------------


async def _parts_of(ws: ClientConnection, text: str, part_size: int, label: str) -> None:
    try:
        await ws.send(text)
        parts: list[Any] = []
        total: int | None = None
        while total is None or len(parts) < total:
            try:
                raw = await asyncio.wait_for(ws.recv(), timeout=scaled(STEP))
            except TimeoutError:
                raise Mismatch(
                    f"{label}: {len(parts) + 1}. parça gelmedi.",
                    expected=f"{max(1, -(-len(text) // part_size))} parça",
                    got=f"{len(parts)} parça geldi, sonra {scaled(STEP):g} saniye hiçbir şey",
                    hint='Boş metin de tek bir parçadır: `{"parca": 1, "toplam": 1, "veri": ""}`.',
                ) from None
            try:
                part = json.loads(raw)
            except ValueError:
                raise Mismatch(f"{label}: parça JSON değil.", got=short(raw)) from None
            if not isinstance(part, dict) or not {"parca", "toplam", "veri"} <= set(part):
                raise Mismatch(
                    f"{label}: parçanın biçimi yanlış.",
                    expected='{"parca": <sıra>, "toplam": <parça sayısı>, "veri": <dilim>}',
                    got=short(part, 160),
                )
            total = part["toplam"] if isinstance(part["toplam"], int) and part["toplam"] > 0 else 0
            parts.append(part)
            if total == 0 or len(parts) > 1000:
                raise Mismatch(f"{label}: `toplam` geçersiz.", got=short(part["toplam"]))
    except ConnectionClosed as exc:
        code = exc.rcvd.code if exc.rcvd is not None else exc.sent.code if exc.sent is not None else 1006
        raise Mismatch(
            f"{label}: bağlantı kapandı.",
            expected=f"en çok {part_size} karakterlik parçalar",
            got=f"kapanış kodu {code}" + (" (mesaj çok büyük: bölünmemiş bir yanıt)" if code == 1009 else ""),
            hint="Metni `PARCA_BOYU` karakterlik dilimlere bölüp her dilimi ayrı bir mesaj olarak gönderin.",
        ) from None
    want = max(1, -(-len(text) // part_size))
    if total != want:
        raise Mismatch(
            f"{label}: parça sayısı en az değil.",
            expected=f"{len(text)} karakter / {part_size} → {want} parça",
            got=f"{total} parça",
            hint="Parça sayısı yukarı yuvarlanır; tam katlarda boş bir son parça olmaz; boş metin tek parçadır.",
        )
    not_text = [part["veri"] for part in parts if not isinstance(part["veri"], str)]
    if not_text:
        raise Mismatch(
            f"{label}: parçanın `veri`'si metin değil.",
            expected="her parçada `veri` bir metin (str) dilimi",
            got=short(not_text[0], 120),
            hint='Boş metnin tek parçası da `"veri": ""` taşır.',
        )
    sizes = [len(part["veri"]) for part in parts]
    numbers = [part["parca"] for part in parts]
    totals = {part["toplam"] for part in parts}
    if numbers != list(range(1, want + 1)) or totals != {want}:
        raise Mismatch(
            f"{label}: parça numaraları ya da toplamlar yanlış.",
            expected=f"parca 1…{want}, her birinde toplam {want}",
            got=f"parca {numbers[:10]}, toplam {sorted(totals)}",
        )
    if any(size > part_size for size in sizes) or any(size != part_size for size in sizes[:-1]):
        raise Mismatch(
            f"{label}: parçaların boyu yanlış.",
            expected=f"sonuncusu dışında her parça tam {part_size} karakter",
            got=f"boylar: {sizes[:10]}",
            hint="`metin[i : i + PARCA_BOYU]`, i = 0, PARCA_BOYU, 2·PARCA_BOYU, …",
        )
    if "".join(part["veri"] for part in parts) != text:
        raise Mismatch(
            f"{label}: parçalar birleşince metin çıkmıyor.",
            expected=f"{len(text)} karakterlik metnin kendisi",
            got="başka bir metin",
            hint="Dilimleri sırayla ve eksiksiz gönderin.",
        )


@exercise("7.5", title="Büyük mesajı parçalara bölmek", points=3, timeout=20)
async def split_large(ns: Namespace) -> None:
    app = await ns.get("parca_app", FastAPI, what="bir FastAPI uygulaması")
    size = await ns.read("PARCA_BOYU", int, what="bir tam sayı (karakter)")
    if not 16 <= size <= 65536:
        raise Mismatch("`PARCA_BOYU` beklenen aralıkta değil.", expected="4096", got=size)
    letters = "abcçdefgğhıijklmnoöprsştuüvyz "

    def text(length: int) -> str:
        return "".join(ns.rng.choices(letters, k=length))

    # Her karakter JSON'da en çok 6 bayt (\uXXXX): sınır bölünmüş parçalara yeter, bölünmemiş bir
    # yanıta yetmez.
    limit = 6 * size + 256
    async with run_app(app) as server:
        ws = await open_ws(server.ws_url("/dosya"), max_size=limit, compression=None)
        async with ws:
            for length, label in [
                (ns.rng.randint(3, 6) * size + ns.rng.randint(1, size - 1), "büyük metin"),
                (ns.rng.randint(2, 4) * size, "PARCA_BOYU'nun tam katı"),
                (size, "tam PARCA_BOYU"),
                (size + 1, "PARCA_BOYU + 1"),
                (size - 1, "PARCA_BOYU - 1"),
                (1, "tek karakter"),
                (0, "boş metin"),
            ]:
                await _parts_of(ws, text(length), size, f"{label} ({length} karakter)")
            if ns.hidden:
                with hidden_case("yalnızca Türkçe harflerden oluşan, 10 parçalık bir metin"):
                    await _parts_of(ws, "ğüşıöç" * (10 * size // 6), size, "gizli")


# 7.6 ----------------------------------------------------------------------------------------


async def _receivers(clients: list[tuple[str, ClientConnection]], text: str, seconds: float) -> dict[str, bool]:
    """Her istemci ``seconds`` içinde ``text``'i (yeniden) aldı mı (yargıcın kendi istemcileriyle gözlenir)."""

    async def gets(ws: ClientConnection) -> bool:
        try:
            async with asyncio.timeout(seconds):
                while True:
                    if await ws.recv() == text:
                        return True
        except (TimeoutError, ConnectionClosed):
            return False

    results = await asyncio.gather(*(gets(ws) for _, ws in clients))
    return {name: got for (name, _), got in zip(clients, results, strict=True)}


async def _everyone_gets(clients: list[tuple[str, ClientConnection]], text: str) -> dict[str, bool]:
    return await _receivers(clients, text, scaled(STEP))


async def _repeated(clients: list[tuple[str, ClientConnection]], text: str) -> list[str]:
    """Mesajı bir kez aldıktan sonra kısa bir süre içinde ikinci kez alan istemciler: iki "örnek" aslında
    aynı uygulamaysa her mesaj iki abonelikten iki kez gelir."""
    again = await _receivers(clients, text, scaled(0.3))
    return [name for name, repeated in again.items() if repeated]


async def _channel_messages(pubsub: Any, wanted: str) -> list[str]:
    seen: list[str] = []

    async def arrived() -> bool:
        message = await pubsub.get_message(ignore_subscribe_messages=True, timeout=0.1)
        if message is not None and message.get("type") == "message":
            seen.append(message["data"])
        return wanted in seen

    await wait_until(arrived, timeout=STEP, step=0)
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
        # Aracının bildirdiği kimlik yalnızca erken bir geri bildirimdir; puan için aynı uygulamanın iki kez
        # döndürülmesi yargıcın istemcilerinde gözlenir (her mesaj iki kez gelir: _broadcast_between).
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
            await _closed_on_shutdown(observer)
        finally:
            await pubsub.aclose()
            await observer.aclose()


async def _closed_on_shutdown(observer: Any) -> None:
    """İki örnek durunca kanalda yalnızca yargıcın aboneliği kalır (``PUBSUB NUMSUB``; varsayılan
    kullanıcı ``CLIENT LIST``/``INFO`` çalıştıramadığı için bağlantılar sayılmaz)."""
    subscribers = 0

    async def closed() -> bool:
        nonlocal subscribers
        subscribers = int(dict(await observer.pubsub_numsub("sohbet")).get("sohbet", 0))
        return subscribers <= 1

    await wait_until(closed, timeout=STEP, step=0.05)
    if subscribers > 1:
        raise Mismatch(
            "Uygulama durduktan sonra 'sohbet' kanalına abonelik açık kaldı.",
            expected="kapanışta dinleyicinin (pubsub) kapanması: kanalda yalnızca kontrolün kendi aboneliği",
            got=f"kanalda {subscribers} abone (biri kontrolün)",
            hint="Lifespan'in `yield`'den sonrasında dinleme görevini iptal edip `await pubsub.aclose()`.",
        )


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
        twice = await _repeated(clients, text)
        if twice:
            raise Mismatch(
                "Mesaj bazı istemcilere iki kez ulaştı.",
                expected="her istemciye tam bir kez",
                got=f"iki kez alanlar: {', '.join(sorted(twice))}",
                hint=(
                    "Her çağrı kendi FastAPI() uygulamasını, kendi bağlantı kümesini ve kendi aboneliğini "
                    "oluşturmalı; mesajı hem doğrudan hem Redis'ten göndermeyin."
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
