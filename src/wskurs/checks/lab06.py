"""Lab 6 — İleri seviye: odalar, yavaş üyeye dayanıklı yayın, Pydantic ile doğrulama, sınırlı
geçmiş ve kaçırılan mesajlar, lifespan ile itme."""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import time
from collections import Counter
from typing import Any

import httpx
from fastapi import FastAPI
from pydantic import TypeAdapter
from websockets.asyncio.client import ClientConnection
from websockets.exceptions import ConnectionClosed

from wskurs.checks.client import STEP, open_ws, receive, short
from wskurs.checks.core import Mismatch, Namespace, exercise, hidden_case, run_app
from wskurs.checks.errors import RemoteError
from wskurs.checks.remote import RemoteServer as RunningServer
from wskurs.engine.clients import stalled_client, wait_until
from wskurs.engine.timing import scaled

__all__: list[str] = []

QUIET = 0.3
"""Bir mesajın *gelmediğini* görmek için beklenen süre (saniye, ölçeklenir)."""

NAMES = ["Ayşe", "Bora", "Cem", "Dilek", "Emre", "Figen", "Gökhan", "Hülya", "İlker", "Şule"]


def _room(ns: Namespace) -> str:
    return ns.rng.choice(["genel", "oyun", "sinif", "kod", "muzik", "spor"]) + str(ns.rng.randint(1, 99))


# Ortak adımlar ---------------------------------------------------------------------------


async def _receive_json(ws: ClientConnection, what: str) -> Any:
    text = await receive(ws, what)
    try:
        return json.loads(text)
    except json.JSONDecodeError:
        raise Mismatch(
            f"{what} JSON değil.",
            expected="JSON metni (ör. json.dumps(...) ile)",
            got=repr(text[:120]),
        ) from None


async def _nothing_arrives(ws: ClientConnection) -> str | None:
    """``QUIET`` saniye içinde bir mesaj gelirse onu, gelmezse ``None`` döndürür."""
    try:
        message = await asyncio.wait_for(ws.recv(), timeout=scaled(QUIET))
    except (TimeoutError, ConnectionClosed):
        return None
    return message if isinstance(message, str) else repr(message)


async def _get(server: RunningServer, path: str) -> Any:
    async with httpx.AsyncClient(timeout=scaled(STEP), trust_env=False) as http:
        try:
            response = await http.get(server.url(path))
        except httpx.HTTPError as exc:
            raise Mismatch(f"GET {path} yanıt vermedi.", got=f"{type(exc).__name__}: {exc}") from None
    if response.status_code != 200:
        raise Mismatch(f"GET {path} başarısız.", expected="HTTP 200", got=f"HTTP {response.status_code}")
    return response.json()


async def _wait_for_rooms(server: RunningServer, expected: dict[str, int]) -> dict[str, int]:
    """``/odalar`` beklenen değere gelene dek (en çok birkaç saniye) sorar; son görüleni döndürür."""
    seen: dict[str, int] = {}

    async def reached() -> bool:
        nonlocal seen
        seen = await _get(server, "/odalar")
        return seen == expected

    await wait_until(reached, timeout=STEP, step=0.05)
    return seen


# 6.1 ----------------------------------------------------------------------------------------


async def _ping(ws: ClientConnection, who: str) -> int:
    await ws.send(json.dumps({"type": "ping"}))
    reply = await _receive_json(ws, f"{who} için pong")
    members = reply.get("members") if isinstance(reply, dict) else None
    if not isinstance(reply, dict) or reply.get("type") != "pong" or not isinstance(members, int):
        raise Mismatch(
            "ping'e beklenen yanıt gelmedi.",
            expected='{"type": "pong", "members": <odadaki üye sayısı>}',
            got=json.dumps(reply, ensure_ascii=False),
        )
    return members


@exercise("6.1", title="Odaya katılma, her durumda temizlik", points=3)
async def join_and_cleanup(ns: Namespace) -> None:
    app = await ns.get("katilim_app", FastAPI, what="bir FastAPI uygulaması")
    big, small = _room(ns), _room(ns) + "b"
    async with run_app(app) as server:
        members_of: list[ClientConnection] = []
        try:
            for room, who, count in (
                (big, f"1. üye ({big})", 1),
                (big, f"2. üye ({big})", 2),
                (small, f"3. üye ({small})", 1),
            ):
                ws = await open_ws(server.ws_url(f"/oda/{room}"))
                members_of.append(ws)
                members = await _ping(ws, who)
                if members != count:
                    raise Mismatch(
                        f"{who}: pong'daki üye sayısı yanlış.",
                        expected=count,
                        got=members,
                        hint="Bağlantıyı `accept`'ten hemen sonra odanın kümesine ekleyin.",
                    )
            a, b, c = members_of
            rooms = await _wait_for_rooms(server, {big: 2, small: 1})
            if rooms != {big: 2, small: 1}:
                raise Mismatch("`/odalar` üye sayılarını yanlış veriyor.", expected={big: 2, small: 1}, got=rooms)

            await a.close()
            rooms = await _wait_for_rooms(server, {big: 1, small: 1})
            if rooms != {big: 1, small: 1}:
                raise Mismatch(
                    "Normal ayrılan üye odadan çıkarılmadı.",
                    expected={big: 1, small: 1},
                    got=rooms,
                    hint="İstemci ayrılınca bağlantıyı odanın kümesinden silin.",
                )

            await _ends_cleanly(server, c, small, {big: 1}, ns.rng.choice(BROKEN_JSON))
            await b.close()
            rooms = await _wait_for_rooms(server, {})
            if rooms != {}:
                raise Mismatch("Herkes ayrıldıktan sonra odalar boş olmalı.", expected={}, got=rooms)
        finally:
            for ws in members_of:
                await ws.close()


BROKEN_JSON = ["bu JSON değil {", "{'tek': 'tırnak'}", "[1, 2", ""]
"""6.1'de tek üyeli odanın üyesine gönderilen bozuk JSON metinleri."""


async def _closed_soon(ws: ClientConnection) -> bool:
    """Bağlantı kısa sürede kapanıyor mu (sunucu handler'ı bitti mi)? Gelen mesajlar önemsizdir."""
    try:
        await asyncio.wait_for(ws.wait_closed(), timeout=scaled(0.5))
    except TimeoutError:
        return False
    return True


async def _ends_cleanly(server: RunningServer, ws: ClientConnection, room: str, rest: dict[str, int], bad: str) -> None:
    """Tek üyeli ``room``'un üyesi: önce bozuk JSON, bağlantı açık kalırsa ikili bir mesaj, o da
    açık kalırsa normal ayrılış. Bağlantı hangi yolla biterse bitsin oda silinmelidir. Bozuk
    JSON'u yakalayıp yanıtlamak da doğrudur (bölümün okuma döngüsü gibi): üye o zaman odada kalır."""
    ended_by = None
    for what, payload in (
        ("bozuk JSON'da `json.loads`'un hatası", bad),
        ("ikili mesajda `receive_text()`'in hatası", b"\x00"),
    ):
        with contextlib.suppress(ConnectionClosed):
            await ws.send(payload)
        if await _closed_soon(ws):
            ended_by = what
            break
    if ended_by is None:
        await ws.close()
    rooms = await _wait_for_rooms(server, rest)
    if rooms == rest:
        return
    if rooms.get(room):
        raise Mismatch(
            "Bağlantısı bittiği hâlde üye odada hayalet üye olarak kaldı; bağlantıyı bitiren: "
            f"{ended_by or 'istemcinin ayrılışı'}.",
            expected=rest,
            got=rooms,
            hint=(
                "Handler bir hatayla bitti; o hata `WebSocketDisconnect` değildir. Temizliği, bağlantı nasıl "
                "biterse bitsin çalışan `finally` bloğuna koyun (hatayı yakalayıp yanıt verip döngüde kalmak da "
                "doğrudur: o zaman bağlantı bitmez)."
                if ended_by
                else "İstemci ayrılınca bağlantıyı odanın kümesinden silin (`finally`)."
            ),
        )
    raise Mismatch(
        "Boşalan oda silinmedi.",
        expected=rest,
        got=rooms,
        hint="Son üye de çıkınca odayı sözlükten silin.",
    )


# 6.2 ----------------------------------------------------------------------------------------


async def _join(server: RunningServer, room: str, name: str, **options: Any) -> ClientConnection:
    ws = await open_ws(server.ws_url(f"/sohbet/{room}/{name}"), **options)
    confirmation = await receive(ws, f"{name} için katılma onayı")
    if confirmation != f"katıldın: {room}":
        await ws.close()
        raise Mismatch(
            "Katılma onayı beklenen biçimde değil.",
            expected=repr(f"katıldın: {room}"),
            got=repr(confirmation),
            hint="Üyeyi odaya ekleyip `katıldın: {oda}` metnini yalnızca ona gönderin.",
        )
    return ws


@exercise("6.2", title="Odaya yayın, gönderen hariç", points=3)
async def broadcast_except_sender(ns: Namespace) -> None:
    app = await ns.get("yayin_app", FastAPI, what="bir FastAPI uygulaması")
    room, other_room = _room(ns), _room(ns) + "x"
    a_name, b_name, c_name, d_name = ns.rng.sample(NAMES, 4)
    texts = [f"{word} {ns.rng.randint(1, 99)}" for word in ns.rng.sample(["merhaba", "selam", "nasılsın", "çay?"], 2)]
    async with run_app(app) as server:
        ayse = await _join(server, room, a_name)
        bora = await _join(server, room, b_name)
        cem = await _join(server, room, c_name)
        dana = await _join(server, other_room, d_name)
        try:
            for sender, name, text, others in (
                (ayse, a_name, texts[0], ((bora, b_name), (cem, c_name))),
                (bora, b_name, texts[1], ((ayse, a_name), (cem, c_name))),
            ):
                await sender.send(text)
                for ws, who in others:
                    got = await receive(ws, f"{name} adlı üyenin mesajı ({who} tarafında)")
                    if got != f"{name}: {text}":
                        raise Mismatch(
                            "Yayınlanan mesaj beklenen biçimde değil.",
                            expected=repr(f"{name}: {text}"),
                            got=repr(got),
                            hint='Her üyeye f"{ad}: {mesaj}" gönderin.',
                        )
                echo = await _nothing_arrives(sender)
                if echo is not None:
                    raise Mismatch(
                        "Gönderen kendi mesajını geri aldı.",
                        expected="mesajın yalnızca odadaki diğer üyelere gitmesi",
                        got=f"gönderen ({name}) de aldı: {echo!r}",
                        hint="Yayın döngüsünde `if uye is not websocket:` ile göndereni atlayın.",
                    )
            leaked = await _nothing_arrives(dana)
            if leaked is not None:
                raise Mismatch(
                    "Başka odadaki üye mesajı aldı.",
                    expected=f"{other_room!r} odasındaki {d_name} adlı üyeye hiçbir şey gelmemesi",
                    got=repr(leaked),
                    hint="Yalnızca aynı odanın üyelerine gönderin: odaları `oda` adına göre ayrı tutun.",
                )
            await cem.close()
            await asyncio.sleep(scaled(0.2))
            await ayse.send("son")
            got = await receive(bora, f"{c_name} ayrıldıktan sonra {b_name} adlı üyeye {a_name} adlı üyenin mesajı")
            if got != f"{a_name}: son":
                raise Mismatch("Üye ayrıldıktan sonra yayın bozuldu.", expected=repr(f"{a_name}: son"), got=repr(got))
            # Sınır: odada tek kalan üye yazınca kimseye bir şey gitmez, kendisine de.
            await dana.send("yalnızım")
            alone = await _nothing_arrives(dana)
            if alone is not None:
                raise Mismatch(
                    "Odada tek kalan üye kendi mesajını geri aldı.",
                    expected="hiçbir mesaj",
                    got=repr(alone),
                    hint="Yayın döngüsünde `if uye is not websocket:` ile göndereni atlayın.",
                )
        finally:
            for ws in (ayse, bora, cem, dana):
                await ws.close()


# 6.3 ----------------------------------------------------------------------------------------

FLOOD_COUNT = 100
FLOOD_SIZE = 64_000
"""100 × 64 KB: okumayan bir bağlantının (istemci + sunucu) tamponlarını kesinlikle doldurur."""


@exercise("6.3", title="Yavaş üye odayı bekletmesin", points=4, timeout=20)
async def slow_member(ns: Namespace) -> None:
    app = await ns.get("kuyruk_app", FastAPI, what="bir FastAPI uygulaması")
    async with run_app(app) as server, contextlib.AsyncExitStack() as stack:
        # Sıkıştırma kapalı: yoksa tekrar eden metin küçülür ve ölçüm yavaşlar.
        sender = await _join(server, "olcum", "Gonderen", compression=None)
        stack.push_async_callback(sender.close)
        readers = []
        for i in range(3):
            ws = await _join(server, "olcum", f"Okuyan{i}", compression=None)
            stack.push_async_callback(ws.close)
            readers.append(ws)
        try:
            await stack.enter_async_context(stalled_client(server.ws_url("/sohbet/olcum/Yavas")))
        except (ConnectionError, TimeoutError) as exc:
            raise Mismatch("Okumayan üye bağlanamadı.", expected="101 Switching Protocols", got=str(exc)) from None
        await asyncio.sleep(scaled(0.1))
        counts = [0] * len(readers)
        order_ok = [True] * len(readers)

        strangers: list[str] = []

        async def read(index: int, ws: ClientConnection) -> None:
            with contextlib.suppress(ConnectionClosed):
                async for message in ws:
                    head = message[len("Gonderen: ") :].split(" ", 1)[0] if isinstance(message, str) else ""
                    if not (isinstance(message, str) and message.startswith("Gonderen: ") and head.isdigit()):
                        strangers.append(short(message, 80))
                        continue
                    order_ok[index] &= int(head) == counts[index]
                    counts[index] += 1
                    if counts[index] == FLOOD_COUNT:
                        return

        tasks = [asyncio.create_task(read(i, ws)) for i, ws in enumerate(readers)]
        stack.callback(lambda: [task.cancel() for task in tasks])
        started = time.perf_counter()
        body = "x" * FLOOD_SIZE

        async def flood() -> None:
            for number in range(FLOOD_COUNT):
                await sender.send(f"{number} {body}")

        seen, last_change = -1, time.perf_counter()
        flood_task = asyncio.create_task(flood())
        stack.callback(flood_task.cancel)
        while not all(task.done() for task in tasks) and time.perf_counter() - started < scaled(8):
            await asyncio.sleep(0.02)
            if sum(counts) != seen:
                seen, last_change = sum(counts), time.perf_counter()
            elif time.perf_counter() - last_change > scaled(1.0):
                break
        elapsed = time.perf_counter() - started
        if min(counts) < FLOOD_COUNT and strangers:
            raise Mismatch(
                "Okuyan üyelere beklenmeyen biçimde mesajlar geldi.",
                expected="'Gonderen: <mesaj>' (6.2'deki gibi f\"{ad}: {mesaj}\")",
                got=f"ör. {strangers[0]} (okuyan üyelere ulaşan: {counts})",
                hint="6.2'deki protokolün aynısı: onay `katıldın: {oda}`, diğerlerine `{ad}: {mesaj}`.",
            )
        if min(counts) < FLOOD_COUNT:
            raise Mismatch(
                "Okumayan bir üye varken diğer üyelere mesajların hepsi ulaşmadı: teslim durdu.",
                expected=f"okuyan üç üyeye {FLOOD_COUNT}'er mesaj",
                got=f"okuyan üyelere ulaşan: {counts} ({elapsed:.1f} sn sonra teslim durdu)",
                hint=(
                    "Yayın, okumayan üyenin `send_text`'ini beklememeli. Her bağlantıya sınırlı bir "
                    "`asyncio.Queue` ve onu boşaltan bir yazıcı görevi verin; yayın yalnızca `put_nowait` yapsın."
                ),
            )
        if not all(order_ok):
            raise Mismatch(
                "Mesajlar sırasını kaybetti.",
                expected="her üyeye gönderildiği sırayla",
                got="en az bir üyede sıra karıştı",
                hint="Her üyenin tek bir yazıcı görevi olsun; mesajları kuyruktan sırayla göndersin.",
            )


# 6.4 ----------------------------------------------------------------------------------------


async def _errors(ns: Namespace, text: str) -> list[dict[str, Any]] | None:
    try:
        result = await ns.validate("GelenMesaj", json=text)
    except RemoteError as exc:
        raise Mismatch(
            "Doğrulama bir ValidationError yerine başka bir hata verdi.",
            got=exc.error[:200],
            hint="`field_validator` içinde yalnızca `ValueError` fırlatın; pydantic onu ValidationError'a çevirir.",
        ) from None
    return None if result.valid else result.errors


def _locs(errors: list[dict[str, Any]]) -> list[tuple[Any, ...]]:
    return [tuple(error["loc"]) for error in errors]


def _room_ids(ns: Namespace) -> list[str]:
    """Geçerli ``room_id``'ler: en kısa (1), en uzun (50) ve arada, her çalışmada başka harflerle."""
    letters = "abcçdefgğhıijklmnoöprsştuüvyz"
    return ["genel", ns.rng.choice(letters), "".join(ns.rng.choices(letters, k=50)), "x" * ns.rng.randint(2, 49)]


@exercise("6.4", title="Discriminated union ile doğrulama", points=4)
async def discriminated_union(ns: Namespace) -> None:
    await ns.get("GelenMesaj", TypeAdapter, what="bir pydantic TypeAdapter")
    valid: dict[str, tuple[str, str, str]] = {}
    for room in _room_ids(ns):
        valid[json.dumps({"type": "join_room", "room_id": room}, ensure_ascii=False)] = ("join_room", "room_id", room)
        valid[json.dumps({"type": "leave_room", "room_id": room}, ensure_ascii=False)] = ("leave_room", "room_id", room)
        valid[json.dumps({"type": "room_message", "room_id": room, "message": "  selam  "}, ensure_ascii=False)] = (
            "room_message",
            "room_id",
            room,
        )
    word = ns.rng.choice(["merhaba", "çığ öğüş", "İyi akşamlar"])
    for message, stripped in [
        ("  selam  ", "selam"),
        ("a", "a"),  # en kısa geçerli mesaj
        ("ş" * 200, "ş" * 200),  # en uzun geçerli mesaj
        (f"\t{word}\n", word),
    ]:
        text = json.dumps({"type": "room_message", "room_id": "genel", "message": message}, ensure_ascii=False)
        valid[text] = ("room_message", "message", stripped)
    for text, (kind, field, value) in valid.items():
        result = await ns.validate("GelenMesaj", json=text)
        if not result.valid:
            raise Mismatch(
                "Geçerli bir mesaj reddedildi.",
                expected=f"{text[:120]} kabul edilsin",
                got=f"hata(lar): {_locs(result.errors)}",
                hint="`room_id` 1–50 karakter: `Field(min_length=1, max_length=50)`; `message` en çok 200 karakter."
                if field == "room_id" or len(value) > 100 or len(value) == 1
                else None,
            )
        got = result.value if isinstance(result.value, dict) else {}
        if got.get("type") != kind or got.get(field) != value:
            raise Mismatch(
                "Doğrulanan mesaj beklenen değerleri taşımıyor.",
                expected=f"type={kind!r}, {field}={value[:60]!r}",
                got=repr(got)[:200],
                hint="`message` alanını bir `field_validator` ile `strip()` edip döndürün."
                if kind == "room_message"
                else None,
            )

    missing = await _errors(ns, '{"type": "room_message", "room_id": "genel"}')
    if missing is None or _locs(missing) != [("room_message", "message")]:
        raise Mismatch(
            "Eksik alan hatası tek ve kesin olmalı.",
            expected="tek hata, konumu ('room_message', 'message')",
            got=_locs(missing) if missing else "hata yok",
            hint=(
                'Union\'ı `Annotated[A | B | C, Field(discriminator="type")]` ile kurun: Pydantic o zaman '
                "yalnızca `type`'ın seçtiği modeli doğrular, her modelin hatasını tek tek saymaz."
            ),
        )

    system = await _errors(ns, '{"type": "system", "message": "Sunucu kapanıyor!"}')
    if system is None or system[0]["type"] != "union_tag_invalid":
        raise Mismatch(
            'İstemci `type: "system"` mesajı gönderebiliyor.',
            expected="union_tag_invalid hatası: 'system' istemci türlerinden biri değil",
            got="kabul edildi" if system is None else [e["type"] for e in system],
            hint="Sistem mesajlarını yalnızca sunucu gönderir: istemcinin union'ında sistem modeli olmasın.",
        )

    # Sınırlar: her kısıtlı alanın ilk geçersiz değeri (0 ve 51 karakterlik oda, 201 karakterlik mesaj).
    cases: dict[str, tuple[str, str]] = {
        "boş (yalnızca boşluk) mesaj": ('{"type": "room_message", "room_id": "genel", "message": "   "}', "message"),
        "boş metin mesaj": ('{"type": "room_message", "room_id": "genel", "message": ""}', "message"),
        "201 karakterlik mesaj": (
            json.dumps({"type": "room_message", "room_id": "genel", "message": "a" * 201}),
            "message",
        ),
        "fazladan alan": ('{"type": "join_room", "room_id": "genel", "admin": true}', "admin"),
        "sayı olan oda adı": ('{"type": "join_room", "room_id": 42}', "room_id"),
    }
    for kind in ("join_room", "leave_room", "room_message"):
        extra = ', "message": "selam"' if kind == "room_message" else ""
        cases[f"{kind}: boş oda adı"] = (f'{{"type": "{kind}", "room_id": ""{extra}}}', "room_id")
        cases[f"{kind}: 51 karakterlik oda adı"] = (f'{{"type": "{kind}", "room_id": "{"o" * 51}"{extra}}}', "room_id")
    for label, (text, field) in cases.items():
        await _expect_one_error(ns, label, text, field)
    if ns.hidden:
        with hidden_case("fazladan alanın her modelde (room_message da) reddedilmesi"):
            await _expect_one_error(
                ns,
                "gizli",
                '{"type": "room_message", "room_id": "genel", "message": "selam", "oncelik": 1}',
                "oncelik",
            )

    schema = await (await ns.get("GelenMesaj")).method("json_schema")
    mapping = schema.get("discriminator", {}).get("mapping", {}) if isinstance(schema, dict) else {}
    if sorted(mapping) != ["join_room", "leave_room", "room_message"]:
        raise Mismatch(
            "JSON Schema'da ayrıştırıcı (discriminator) eşlemesi beklenen gibi değil.",
            expected=["join_room", "leave_room", "room_message"],
            got=sorted(mapping) or "discriminator yok",
        )


async def _expect_one_error(ns: Namespace, label: str, text: str, field: str) -> None:
    errors = await _errors(ns, text)
    if errors is None or len(errors) != 1 or errors[0]["loc"][-1] != field:
        raise Mismatch(
            f"{label} için beklenen hata yok.",
            expected=f"`{field}` alanında tek bir hata",
            got="kabul edildi" if errors is None else _locs(errors),
            hint={
                "message": "`message: str = Field(max_length=200)` ve boşluk için bir `field_validator`.",
                "room_id": "`room_id: str = Field(min_length=1, max_length=50)` (üç modelde de).",
            }.get(field, 'Modellere `model_config = ConfigDict(extra="forbid")` ekleyin.'),
        )


# 6.5 ----------------------------------------------------------------------------------------

ERROR_SHAPE = '{"type": "error", "errors": [{"field": ..., "problem": ...}]}'


@exercise("6.5", title="Kesin hata yanıtları, bağlantı açık", points=4)
async def precise_errors(ns: Namespace) -> None:
    app = await ns.get("hata_app", FastAPI, what="bir FastAPI uygulaması")
    x, y = ns.rng.randint(1, 8), ns.rng.randint(1, 8)

    def move(a: Any, b: Any) -> str:
        return json.dumps({"type": "move", "x": a, "y": b})

    cases: list[tuple[str, str | bytes, Any]] = [
        ("geçersiz JSON", "merhaba", {"json"}),
        ("eksik alan", '{"type": "move", "x": 3}', {"y"}),
        ("yanlış tür", '{"type": "move", "x": "a", "y": 1}', {"x"}),
        ("aralık dışı", '{"type": "move", "x": 12, "y": 1}', {"x"}),
        ("iki hata birden", '{"type": "move"}', {"x", "y"}),
        ("ikili mesaj", b"\x00\x01", {"frame"}),
        ("geçerli hamle", '{"type": "move", "x": 1, "y": 2}', (1, 2)),
        # Sınırlar: 0 ve 9 geçerli, -1 ve 10 geçersiz (her iki koordinatta).
        ("en küçük hamle", move(0, 0), (0, 0)),
        ("en büyük hamle", move(9, 9), (9, 9)),
        ("x = 10", move(10, y), {"x"}),
        ("y = -1", move(x, -1), {"y"}),
        ("x = -1", move(-1, y), {"x"}),
        ("y = 10", move(x, 10), {"y"}),
        ("boş metin", "", {"json"}),
        ("boş ikili mesaj", b"", {"frame"}),
        ("başka bir geçerli hamle", move(x, y), (x, y)),
    ]
    async with run_app(app) as server:
        ws = await open_ws(server.ws_url("/oyun"))
        try:
            for label, frame, fields in cases:
                try:
                    await ws.send(frame)
                except ConnectionClosed:
                    raise Mismatch(
                        f"'{label}' gönderilemedi: bağlantı daha önce kapanmış.",
                        expected="bağlantının her hatadan sonra açık kalması",
                        got=f"kapanış kodu {ws.close_code}",
                    ) from None
                reply = await _receive_json(ws, f"'{label}' girdisinin yanıtı")
                if isinstance(fields, tuple):
                    want = {"type": "ok", "x": fields[0], "y": fields[1]}
                    if reply != want:
                        raise Mismatch(
                            f"Geçerli hamlenin ({label}) yanıtı yanlış.",
                            expected=json.dumps(want),
                            got=json.dumps(reply, ensure_ascii=False),
                            hint="Sınırlar dahil: 0 ve 9 geçerli koordinatlardır." if label.startswith("en ") else None,
                        )
                    continue
                _check_error_reply(label, reply, fields)
        except Mismatch as mismatch:
            if ws.close_code is not None:
                mismatch.hint = (
                    "Bağlantı her hatalı girdiden sonra açık kalmalı: hatayı yakalayıp yanıtlayın. İkili bir "
                    "mesajda `receive_text()` hata fırlatır; `receive()` kullanın."
                )
            raise
        finally:
            await ws.close()


def _field_name(value: Any) -> str | None:
    """``field``'ın kabul edilen biçimleri: bir metin (``"x"``, ``"json"``) ya da pydantic'in
    ``loc``'u gibi metin/sayılardan oluşan bir liste (``["x"]``; birden çok parça noktayla
    birleştirilir). Başka bir biçimse ``None``."""
    if isinstance(value, str):
        return value
    if isinstance(value, list) and all(isinstance(part, str | int) and not isinstance(part, bool) for part in value):
        return ".".join(str(part) for part in value)
    return None


def _check_error_reply(label: str, reply: Any, fields: set[str]) -> None:
    """Bir hata yanıtını denetler; yanıtın biçimi ne olursa olsun hata vermez, neyi beklediğini söyler."""
    shown = json.dumps(reply, ensure_ascii=False)[:200]
    errors = reply.get("errors") if isinstance(reply, dict) else None
    if not isinstance(reply, dict) or reply.get("type") != "error" or not isinstance(errors, list) or not errors:
        raise Mismatch(
            f"'{label}' için yanıt bir hata yanıtı değil.",
            expected=f"{ERROR_SHAPE}, alanlar: {sorted(fields)}",
            got=shown,
            hint='Hatalı girdiye `type` alanı "error" olan ve boş olmayan bir `errors` listesi taşıyan bir JSON '
            "nesnesi gönderin.",
        )
    names: set[str] = set()
    for item in errors:
        name = _field_name(item.get("field")) if isinstance(item, dict) else None
        problem = item.get("problem") if isinstance(item, dict) else None
        if name is None or not isinstance(problem, str) or not problem.strip():
            raise Mismatch(
                f"'{label}' için `errors` listesindeki bir öğe beklenen biçimde değil.",
                expected='{"field": "x" (ya da ["x"]), "problem": "<boş olmayan bir açıklama>"}',
                got=json.dumps(item, ensure_ascii=False)[:160],
                hint="`field` bir metin ya da pydantic'in `loc`'u gibi bir liste olabilir; `problem` boş "
                "olmayan bir metin (ör. pydantic'in `msg`'i).",
            )
        names.add(name)
    if names != fields:
        empty = "" in names
        raise Mismatch(
            f"'{label}' için hata yanıtı alanları doğru söylemiyor.",
            expected=f"alanlar: {sorted(fields)}",
            got=f"alanlar: {sorted(names)} ({shown})",
            hint=(
                "JSON hiç çözülemeyince pydantic'in `loc`'u boştur (`()`): o zaman `field` \"json\" olsun."
                if empty
                else "`ValidationError.errors()` içindeki her hata için bir öğe; `field` hatanın `loc`'u. JSON "
                'çözülemiyorsa "json", ikili bir mesajda "frame".'
            ),
        )


# 6.6 ----------------------------------------------------------------------------------------


async def _check_after(history: Any, kept: list[dict[str, Any]], last: int, son: int, label: str) -> None:
    oldest = kept[0]["sequence"] if kept else last + 1
    want: dict[str, Any] = {
        "type": "history",
        "messages": [m for m in kept if m["sequence"] > son],
        "eksik": son < oldest - 1,
    }
    try:
        got = await history.method("sonrakiler", son)
    except RemoteError as exc:
        raise Mismatch(f"{label}: sonrakiler({son}) hata verdi.", got=exc.error[:200]) from None
    if not isinstance(got, dict) or got.get("type") != "history" or not isinstance(got.get("messages"), list):
        raise Mismatch(
            f"{label}: sonrakiler({son}) beklenen sözlüğü döndürmüyor.",
            expected='{"type": "history", "messages": [<liste>], "eksik": ...}',
            got=short(got, 160),
            hint="`messages` bir liste olmalı (ör. `[kayit for kayit in self.mesajlar if ...]`; deque değil)."
            if isinstance(got, dict) and got.get("type") == "history"
            else None,
        )
    sequences = [m.get("sequence") if isinstance(m, dict) else m for m in got.get("messages", [])]
    wanted = [m["sequence"] for m in want["messages"]]
    if got.get("messages") != want["messages"]:
        raise Mismatch(
            f"{label}: sonrakiler({son}) yanlış mesajları döndürdü.",
            expected=f"sequence'lar {wanted}",
            got=f"sequence'lar {sequences[:40]}",
            hint="Yalnızca tutulan mesajlardan sequence'ı `son`'dan büyük olanlar, eskiden yeniye; "
            "tutulan mesaj sayısı en çok `kapasite`.",
        )
    if got.get("eksik") is not want["eksik"]:
        raise Mismatch(
            f"{label}: sonrakiler({son})'daki `eksik` yanlış.",
            expected=f"eksik: {want['eksik']} (tutulan en eski mesaj {oldest})",
            got=f"eksik: {got.get('eksik')!r}",
            hint="`son`'dan sonraki ilk mesaj `son + 1`'dir; o tutulmuyorsa (en eski tutulan > son + 1) "
            "bir şey kaçırılmıştır. Boş geçmişte ve `son` son mesajdan büyükken eksik yoktur.",
        )


async def _fill(ns: Namespace, history: Any, count: int, kept: list[dict[str, Any]], capacity: int) -> int:
    last = kept[-1]["sequence"] if kept else 0
    for _ in range(count):
        name, text = ns.rng.choice(NAMES), f"mesaj {ns.rng.randint(1, 999)}"
        try:
            record = await history.method("ekle", name, text)
        except RemoteError as exc:
            raise Mismatch(f"`ekle` hata verdi (kapasite {capacity}).", got=exc.error[:200]) from None
        want = {"sequence": last + 1, "username": name, "message": text}
        if record != want:
            raise Mismatch(
                f"{last + 1}. `ekle` beklenen sözlüğü döndürmüyor (kapasite {capacity}).",
                expected=want,
                got=record,
                hint="Sıra numarası 1'den başlar, her mesajda bir artar; eski mesajlar atılınca geri dönmez "
                "(`len(self.mesajlar) + 1` kapasite dolunca takılır).",
            )
        last += 1
        kept.append(want)
        del kept[:-capacity]
    return last


@exercise("6.6", title="Sınırlı geçmiş ve kaçırılan mesajlar", points=3)
async def bounded_history(ns: Namespace) -> None:
    await ns.get("Gecmis", type, what="bir sınıf")
    # Bölümün örneği: kapasite 10, 30 mesaj; sınırlar: son = en eski - 1 (eksik yok) ve en eski - 2.
    history = await ns.new("Gecmis", 10)
    kept: list[dict[str, Any]] = []
    await _check_after(history, kept, 0, 0, "boş geçmiş")
    last = await _fill(ns, history, 30, kept, 10)
    for son in (20, 19, 0, 25, 29, 30, 31):
        await _check_after(history, kept, last, son, "kapasite 10, 30 mesaj")
    # Her çalışmada başka bir kapasite ve doluluk; kapasite dolmadan önce hiçbir şey eksik değildir.
    capacity = ns.rng.randint(2, 7)
    other = await ns.new("Gecmis", capacity)
    kept2: list[dict[str, Any]] = []
    last2 = await _fill(ns, other, capacity - 1, kept2, capacity)
    for son in (0, last2):
        await _check_after(other, kept2, last2, son, f"kapasite {capacity}, {last2} mesaj")
    last2 = await _fill(ns, other, ns.rng.randint(capacity + 2, 3 * capacity), kept2, capacity)
    oldest = kept2[0]["sequence"]
    label = f"kapasite {capacity}, {last2} mesaj"
    for son in (0, oldest - 2, oldest - 1, oldest, last2 - 1, last2):
        await _check_after(other, kept2, last2, son, label)
    if ns.hidden:
        with hidden_case("kapasitesi 1 olan bir geçmiş"):
            tiny = await ns.new("Gecmis", 1)
            kept3: list[dict[str, Any]] = []
            last3 = await _fill(ns, tiny, 3, kept3, 1)
            for son in (1, 2, 3):
                await _check_after(tiny, kept3, last3, son, "gizli")


# 6.7 ----------------------------------------------------------------------------------------


ANNOUNCE_PERIOD = 0.1
"""6.7'deki hazır ``duyur`` görevinin iki duyurusu arasındaki bekleme (saniye)."""

FIRST_RUN_UNTIL = 8
"""6.7'nin ilk çalışmasında yargıç duyuruları bu numaraya dek dinler: geride kalan bir görevin
numarası ikinci çalışmada yeni görevinkinden belirgin biçimde büyük olur."""


def _announcement(message: str) -> int | None:
    number = message.removeprefix("duyuru ")
    return int(number) if number != message and number.isdigit() else None


async def _announcements(server: RunningServer, until: int, count: int) -> list[tuple[int, float]]:
    """``/duyuru``'ya bağlanıp (numara, geliş anı) çiftlerini toplar: en az ``count`` tane ve
    numara ``until``'e varana dek."""
    ws = await open_ws(server.ws_url("/duyuru"))
    got: list[tuple[int, float]] = []
    try:
        while len(got) < count or got[-1][0] < until:
            message = await receive(ws, f"{len(got) + 1}. duyuru (istemci hiçbir şey göndermeden)")
            number = _announcement(message)
            if number is None:
                raise Mismatch(
                    "İtilen mesaj beklenen biçimde değil.",
                    expected="'duyuru 1', 'duyuru 2', …",
                    got=repr(message),
                )
            got.append((number, time.monotonic()))
            if len(got) > 200:
                break
    finally:
        await ws.close()
    return got


def _lifespan_failed(mismatch: Mismatch) -> Mismatch:
    if "başlatılamadı" not in mismatch.problem:
        return mismatch
    return Mismatch(
        "Uygulama başlatılamadı: lifespan başlarken hata verdi.",
        expected="lifespan'in `yield`'e kadar hatasız çalışması",
        got=str(mismatch.got).splitlines()[0] if mismatch.got else None,
        hint=(
            "`itme_lifespan` görevi başlatıp `yield` etmeli; `yield`'den sonra görevi iptal etmeli. "
            "`raise NotImplementedError(...)` satırını sildiniz mi?"
        ),
    )


_LEFT_RUNNING_HINT = (
    "`@app.on_event` yerine `FastAPI(lifespan=...)`: görevi `yield`'den önce başlatın, `yield`'den sonra "
    "`cancel()` deyip bekleyin. Daha önceki bir denemenizden kalan görev de duyuru gönderir: düzelttikten "
    "sonra çekirdeği yeniden başlatıp hücreleri yeniden çalıştırın."
)


@exercise("6.7", title="Lifespan ile yönetilen itme görevi", points=3)
async def lifespan_push(ns: Namespace) -> None:
    app = await ns.get("itme_app", FastAPI, what="bir FastAPI uygulaması")
    # Görev listesi çekirdeğin kendi bildirimidir: yalnızca erken ve açık bir *kalma* nedeni. Geride
    # kalan görevi yargıç ayrıca dışarıdan görür: uygulamayı ikinci kez başlatır ve duyuruları dinler.
    before = Counter(await ns.tasks())
    cleanups = len(await _cleanups(ns))
    try:
        async with run_app(app) as server:
            first = await _announcements(server, FIRST_RUN_UNTIL, 2)
    except Mismatch as mismatch:
        raise _lifespan_failed(mismatch) from None
    # Sunucu durdu: lifespan döndü. Görevi iptal edip *bekleyen* bir lifespan, `duyur`'un
    # temizliği (TEMIZLIK_SURESI kadar sürer) bitmeden dönemez; yalnızca `cancel()` diyen döner.
    cleaned_before_return = len(await _cleanups(ns)) > cleanups
    leftover: list[str] = []
    for _ in range(40):
        leftover = sorted((Counter(await ns.tasks()) - before).elements())
        if "duyur" not in leftover:
            break
        await asyncio.sleep(0.05)
    if "duyur" in leftover:
        raise Mismatch(
            "Sunucu durduktan sonra itme görevi hâlâ çalışıyordu.",
            expected="lifespan'in `yield`'den sonrası görevi iptal edip beklesin",
            got=f"çalışan görev(ler): {leftover}",
            hint=_LEFT_RUNNING_HINT,
        )
    # Önce yargıcın kendi gözlediği (ikinci başlatmada eski görevin duyuruları), sonra çekirdeğin
    # bildirdiği (`temizlik_bitti`): yalan söyleyen bir aracı ilk sonucu değiştiremez.
    await _no_task_survives(app, first[-1][0])
    if not cleaned_before_return:
        cancelled_later = len(await _cleanups(ns)) > cleanups
        raise Mismatch(
            "Lifespan, itme görevinin bitmesini beklemeden döndü."
            if cancelled_later
            else "İtme görevi sunucu dururken temizliğini bitirmedi.",
            expected="sunucu durduğunda `duyur`'un temizliğinin bitmiş olması (`temizlik_bitti`'ye bir kayıt)",
            got="lifespan döndüğünde temizlik henüz sürüyordu; ancak sonra bitti"
            if cancelled_later
            else "`temizlik_bitti`'ye hiçbir kayıt eklenmedi",
            hint="`cancel()` görevi yalnızca iptale *çağırır*; görev temizliğini `finally`'de yapar ve ancak "
            "sonra biter. `gorev.cancel()`'dan sonra `with suppress(asyncio.CancelledError): await gorev` "
            "deyin: lifespan görev bitmeden dönmesin.",
        )


async def _cleanups(ns: Namespace) -> list[Any]:
    """Lab'daki ``duyur``'un temizliğini bitirdikçe eklediği kayıtlar (``temizlik_bitti`` listesi)."""
    value = await ns.read("temizlik_bitti", list, what="bir liste (lab'ın hazır kodundaki `temizlik_bitti`)")
    return value if isinstance(value, list) else []


async def _no_task_survives(app: Any, last_seen: int) -> None:
    """Uygulama ikinci kez başlatılır. Birinci sunucunun görevi iptal edildiyse ikinci sunucunun
    dinleyicisi yalnızca *yeni* görevin duyurularını alır: numaralar ardışık ve yeni görevin
    yaşından büyük olamaz (her duyurudan önce en az ``ANNOUNCE_PERIOD`` beklenir). Geride kalan
    görev aynı dinleyicilere kendi (daha büyük) numaralarıyla gönderir: iki dizi karışır ya da
    numaralar yeni bir görevin ulaşamayacağı kadar büyüktür."""
    requested = time.monotonic()
    try:
        async with run_app(app) as server:
            second = await _announcements(server, 0, 6)
    except Mismatch as mismatch:
        raise _lifespan_failed(mismatch) from None
    numbers = [number for number, _ in second]
    first_number, first_arrival = second[0]
    youngest = (first_arrival - requested) / ANNOUNCE_PERIOD + 1
    mixed = any(later != earlier + 1 for earlier, later in itertools.pairwise(numbers))
    if mixed or (first_number > youngest and first_number > last_seen):
        raise Mismatch(
            "Sunucu durduktan sonra itme görevi çalışmaya devam etti.",
            expected="yeniden başlatılınca yalnızca yeni görevin ardışık duyuruları ('duyuru 1', 'duyuru 2'…)",
            got=f"ikinci sunucuda gelen duyuruların numaraları: {', '.join(map(str, numbers))}"
            + (" (iki ayrı dizi karışıyor: eski görev de gönderiyor)" if mixed else " (eski görevin numaraları)"),
            hint=_LEFT_RUNNING_HINT,
        )
