"""Lab 6 — İleri seviye: odalar, yavaş üyeye dayanıklı yayın, Pydantic ile doğrulama, sayfalı
geçmiş ve lifespan ile itme."""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
from typing import Any

import httpx
from fastapi import FastAPI
from pydantic import TypeAdapter, ValidationError
from websockets.asyncio.client import ClientConnection
from websockets.exceptions import ConnectionClosed

from ..clients import stalled_client
from ..server import RunningServer, ServerStartError
from ..timing import scaled
from .client import STEP, open_ws, receive
from .core import Mismatch, Namespace, exercise, run_app

__all__: list[str] = []

QUIET = 0.3
"""Bir mesajın *gelmediğini* görmek için beklenen süre (saniye, ölçeklenir)."""


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
    async with httpx.AsyncClient(timeout=scaled(STEP)) as http:
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
    deadline = time.monotonic() + scaled(STEP)
    while time.monotonic() < deadline:
        seen = await _get(server, "/odalar")
        if seen == expected:
            break
        await asyncio.sleep(0.05)
    return seen


# 6.1 ----------------------------------------------------------------------------------------


async def _ping(ws: ClientConnection, who: str) -> int:
    await ws.send(json.dumps({"type": "ping"}))
    reply = await _receive_json(ws, f"{who} için pong")
    if not isinstance(reply, dict) or reply.get("type") != "pong" or not isinstance(reply.get("members"), int):
        raise Mismatch(
            "ping'e beklenen yanıt gelmedi.",
            expected='{"type": "pong", "members": <odadaki üye sayısı>}',
            got=json.dumps(reply, ensure_ascii=False),
        )
    return reply["members"]


@exercise("6.1", title="Odaya katılma, her durumda temizlik", points=3)
async def join_and_cleanup(ns: Namespace) -> None:
    app = ns.get("katilim_app", FastAPI, what="bir FastAPI uygulaması")
    async with run_app(app) as server:
        members_of: list[ClientConnection] = []
        try:
            for room, who, count in (
                ("genel", "1. üye (genel)", 1),
                ("genel", "2. üye (genel)", 2),
                ("oyun", "3. üye (oyun)", 1),
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
            rooms = await _wait_for_rooms(server, {"genel": 2, "oyun": 1})
            if rooms != {"genel": 2, "oyun": 1}:
                raise Mismatch("`/odalar` üye sayılarını yanlış veriyor.", expected={"genel": 2, "oyun": 1}, got=rooms)

            await a.close()
            rooms = await _wait_for_rooms(server, {"genel": 1, "oyun": 1})
            if rooms != {"genel": 1, "oyun": 1}:
                raise Mismatch(
                    "Normal ayrılan üye odadan çıkarılmadı.",
                    expected={"genel": 1, "oyun": 1},
                    got=rooms,
                    hint="İstemci ayrılınca bağlantıyı odanın kümesinden silin.",
                )

            await c.send("bu JSON değil {")
            rooms = await _wait_for_rooms(server, {"genel": 1})
            if rooms != {"genel": 1}:
                ghost = rooms.get("oyun")
                raise Mismatch(
                    "Hatayla kopan bağlantı odada hayalet üye olarak kaldı." if ghost else "Boşalan oda silinmedi.",
                    expected={"genel": 1},
                    got=rooms,
                    hint=(
                        "`json.loads` hatası `WebSocketDisconnect` değildir: temizliği `except` yerine "
                        "`finally` bloğuna koyun."
                        if ghost
                        else "Son üye de çıkınca odayı sözlükten silin."
                    ),
                )
            await b.close()
            rooms = await _wait_for_rooms(server, {})
            if rooms != {}:
                raise Mismatch("Herkes ayrıldıktan sonra odalar boş olmalı.", expected={}, got=rooms)
        finally:
            for ws in members_of:
                await ws.close()


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
            hint="Üyeyi odaya ekledikten sonra `katıldın: {oda}` metnini yalnız ona gönderin.",
        )
    return ws


@exercise("6.2", title="Odaya yayın, gönderen hariç", points=3)
async def broadcast_except_sender(ns: Namespace) -> None:
    app = ns.get("yayin_app", FastAPI, what="bir FastAPI uygulaması")
    async with run_app(app) as server:
        ayse = await _join(server, "genel", "Ayşe")
        bora = await _join(server, "genel", "Bora")
        cem = await _join(server, "genel", "Cem")
        dana = await _join(server, "oyun", "Dana")
        try:
            for sender, name, text, others in (
                (ayse, "Ayşe", "merhaba", ((bora, "Bora"), (cem, "Cem"))),
                (bora, "Bora", "selam", ((ayse, "Ayşe"), (cem, "Cem"))),
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
                        expected="mesajın yalnız odadaki diğer üyelere gitmesi",
                        got=f"gönderen ({name}) de aldı: {echo!r}",
                        hint="Yayın döngüsünde `if uye is not websocket:` ile göndereni atlayın.",
                    )
            leaked = await _nothing_arrives(dana)
            if leaked is not None:
                raise Mismatch(
                    "Başka odadaki üye mesajı aldı.",
                    expected="'oyun' odasındaki Dana'ya hiçbir şey gelmemesi",
                    got=repr(leaked),
                    hint="Yalnız aynı odanın üyelerine gönderin: odaları `oda` adına göre ayrı tutun.",
                )
            await cem.close()
            await asyncio.sleep(scaled(0.2))
            await ayse.send("son")
            got = await receive(bora, "Cem ayrıldıktan sonra Bora'ya Ayşe'nin mesajı")
            if got != "Ayşe: son":
                raise Mismatch("Üye ayrıldıktan sonra yayın bozuldu.", expected=repr("Ayşe: son"), got=repr(got))
        finally:
            for ws in (ayse, bora, cem, dana):
                await ws.close()


# 6.3 ----------------------------------------------------------------------------------------

FLOOD_COUNT = 100
FLOOD_SIZE = 64_000
"""100 × 64 KB: okumayan bir bağlantının (istemci + sunucu) tamponlarını kesinlikle doldurur."""


@exercise("6.3", title="Yavaş üye odayı bekletmesin", points=4, timeout=20)
async def slow_member(ns: Namespace) -> None:
    app = ns.get("kuyruk_app", FastAPI, what="bir FastAPI uygulaması")
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

        async def read(index: int, ws: ClientConnection) -> None:
            with contextlib.suppress(ConnectionClosed):
                async for message in ws:
                    if isinstance(message, str) and message.startswith("Gonderen: "):
                        number = int(message[len("Gonderen: ") :].split(" ", 1)[0])
                        order_ok[index] &= number == counts[index]
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
        if min(counts) < FLOOD_COUNT:
            raise Mismatch(
                "Okumayan bir üye varken diğer üyelere mesajların hepsi ulaşmadı: teslim durdu.",
                expected=f"okuyan üç üyeye {FLOOD_COUNT}'er mesaj",
                got=f"okuyan üyelere ulaşan: {counts} ({elapsed:.1f} sn sonra teslim durdu)",
                hint=(
                    "Yayın, okumayan üyenin `send_text`'ini beklememeli. Her bağlantıya sınırlı bir "
                    "`asyncio.Queue` ve onu boşaltan bir yazıcı görevi verin; yayın yalnız `put_nowait` yapsın."
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


def _errors(adapter: TypeAdapter[Any], text: str) -> list[dict[str, Any]] | None:
    try:
        adapter.validate_json(text)
    except ValidationError as exc:
        return exc.errors(include_url=False)
    return None


def _locs(errors: list[dict[str, Any]]) -> list[tuple[Any, ...]]:
    return [tuple(error["loc"]) for error in errors]


@exercise("6.4", title="Discriminated union ile doğrulama", points=4)
async def discriminated_union(ns: Namespace) -> None:
    adapter = ns.get("GelenMesaj", TypeAdapter, what="bir pydantic TypeAdapter")
    valid = {
        '{"type": "join_room", "room_id": "genel"}': ("join_room", "room_id", "genel"),
        '{"type": "leave_room", "room_id": "genel"}': ("leave_room", "room_id", "genel"),
        '{"type": "room_message", "room_id": "genel", "message": "  selam  "}': ("room_message", "message", "selam"),
    }
    for text, (kind, field, value) in valid.items():
        try:
            model = adapter.validate_json(text)
        except ValidationError as exc:
            raise Mismatch(
                "Geçerli bir mesaj reddedildi.",
                expected=f"{text} kabul edilsin",
                got=str(exc).splitlines()[0],
            ) from None
        if getattr(model, "type", None) != kind or getattr(model, field, None) != value:
            raise Mismatch(
                "Doğrulanan mesaj beklenen değerleri taşımıyor.",
                expected=f"type={kind!r}, {field}={value!r}",
                got=repr(model),
                hint="`message` alanını bir `field_validator` ile `strip()` edip döndürün."
                if kind == "room_message"
                else None,
            )

    missing = _errors(adapter, '{"type": "room_message", "room_id": "genel"}')
    if missing is None or _locs(missing) != [("room_message", "message")]:
        raise Mismatch(
            "Eksik alan hatası tek ve kesin olmalı.",
            expected="tek hata, konumu ('room_message', 'message')",
            got=_locs(missing) if missing else "hata yok",
            hint=(
                'Union\'ı `Annotated[A | B | C, Field(discriminator="type")]` ile kurun: Pydantic o zaman '
                "yalnız `type`'ın seçtiği modeli doğrular, her modelin hatasını tek tek saymaz."
            ),
        )

    system = _errors(adapter, '{"type": "system", "message": "Sunucu kapanıyor!"}')
    if system is None or system[0]["type"] != "union_tag_invalid":
        raise Mismatch(
            'İstemci `type: "system"` mesajı gönderebiliyor.',
            expected="union_tag_invalid hatası: 'system' istemci türlerinden biri değil",
            got="kabul edildi" if system is None else [e["type"] for e in system],
            hint="Sistem mesajlarını yalnız sunucu gönderir: istemcinin union'ında sistem modeli olmasın.",
        )

    cases = {
        "boş (yalnız boşluk) mesaj": ('{"type": "room_message", "room_id": "genel", "message": "   "}', "message"),
        "201 karakterlik mesaj": (
            json.dumps({"type": "room_message", "room_id": "genel", "message": "a" * 201}),
            "message",
        ),
        "boş oda adı": ('{"type": "join_room", "room_id": ""}', "room_id"),
        "fazladan alan": ('{"type": "join_room", "room_id": "genel", "admin": true}', "admin"),
        "sayı olan oda adı": ('{"type": "join_room", "room_id": 42}', "room_id"),
    }
    for label, (text, field) in cases.items():
        errors = _errors(adapter, text)
        if errors is None or len(errors) != 1 or errors[0]["loc"][-1] != field:
            raise Mismatch(
                f"{label} için beklenen hata yok.",
                expected=f"`{field}` alanında tek bir hata",
                got="kabul edildi" if errors is None else _locs(errors),
                hint={
                    "message": "`message: str = Field(max_length=200)` ve boşluk için bir `field_validator`.",
                    "room_id": "`room_id: str = Field(min_length=1, max_length=50)`.",
                    "admin": 'Modellere `model_config = ConfigDict(extra="forbid")` ekleyin.',
                }[field],
            )

    mapping = adapter.json_schema().get("discriminator", {}).get("mapping", {})
    if sorted(mapping) != ["join_room", "leave_room", "room_message"]:
        raise Mismatch(
            "JSON Schema'da ayrıştırıcı (discriminator) eşlemesi beklenen gibi değil.",
            expected=["join_room", "leave_room", "room_message"],
            got=sorted(mapping) or "discriminator yok",
        )


# 6.5 ----------------------------------------------------------------------------------------

ERROR_SHAPE = '{"type": "error", "errors": [{"field": ..., "problem": ...}]}'


@exercise("6.5", title="Kesin hata yanıtları, bağlantı açık", points=4)
async def precise_errors(ns: Namespace) -> None:
    app = ns.get("hata_app", FastAPI, what="bir FastAPI uygulaması")
    cases: list[tuple[str, str | bytes, set[str] | None]] = [
        ("geçersiz JSON", "merhaba", {"json"}),
        ("eksik alan", '{"type": "move", "x": 3}', {"y"}),
        ("yanlış tür", '{"type": "move", "x": "a", "y": 1}', {"x"}),
        ("aralık dışı", '{"type": "move", "x": 12, "y": 1}', {"x"}),
        ("iki hata birden", '{"type": "move"}', {"x", "y"}),
        ("ikili çerçeve", b"\x00\x01", {"frame"}),
        ("geçerli hamle", '{"type": "move", "x": 1, "y": 2}', None),
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
                if fields is None:
                    if reply != {"type": "ok", "x": 1, "y": 2}:
                        raise Mismatch(
                            "Geçerli hamlenin yanıtı yanlış.",
                            expected='{"type": "ok", "x": 1, "y": 2}',
                            got=json.dumps(reply, ensure_ascii=False),
                        )
                    continue
                errors = reply.get("errors") if isinstance(reply, dict) else None
                shape_ok = (
                    isinstance(reply, dict)
                    and reply.get("type") == "error"
                    and isinstance(errors, list)
                    and all(isinstance(e, dict) and isinstance(e.get("problem"), str) and e["problem"] for e in errors)
                )
                got_fields = {e.get("field") for e in errors} if shape_ok else None
                if not shape_ok or got_fields != fields:
                    raise Mismatch(
                        f"'{label}' için hata yanıtı alanı ve sorunu doğru söylemiyor.",
                        expected=f"{ERROR_SHAPE}, alanlar: {sorted(fields)}",
                        got=json.dumps(reply, ensure_ascii=False)[:200],
                        hint=(
                            "`ValidationError.errors()` içindeki her hatanın `loc`'unu alan adı yapın; "
                            "JSON çözülemiyorsa alan 'json', ikili çerçevede 'frame'."
                        ),
                    )
        except Mismatch as mismatch:
            if ws.close_code is not None:
                mismatch.hint = (
                    "Bağlantı her hatalı girdiden sonra açık kalmalı: hatayı yakalayıp yanıtlayın. İkili bir "
                    "çerçevede `receive_text()` hata fırlatır; `receive()` kullanın."
                )
            raise
        finally:
            await ws.close()


# 6.6 ----------------------------------------------------------------------------------------


@exercise("6.6", title="Sıra numaraları ve sayfalı geçmiş", points=3)
async def paged_history(ns: Namespace) -> None:
    history_class = ns.get("Gecmis", type, what="bir sınıf")
    history = history_class()
    first = history.ekle("Ayşe", "mesaj 1")
    if first != {"sequence": 1, "username": "Ayşe", "message": "mesaj 1"}:
        raise Mismatch(
            "`ekle` beklenen sözlüğü döndürmüyor.",
            expected={"sequence": 1, "username": "Ayşe", "message": "mesaj 1"},
            got=first,
            hint="Sıra numarası 1'den başlar ve her mesajda bir artar.",
        )
    for n in range(2, 46):
        history.ekle("Ayşe", f"mesaj {n}")
    expectations = {
        (1, 20): (list(range(26, 46)), 3),
        (2, 20): (list(range(6, 26)), 3),
        (3, 20): (list(range(1, 6)), 3),
        (4, 20): ([], 3),
        (1, 45): (list(range(1, 46)), 1),
        (2, 15): (list(range(16, 31)), 3),
    }
    for (page, size), (sequences, total_pages) in expectations.items():
        result = history.sayfa(page, size)
        got_sequences = [m.get("sequence") for m in result.get("messages", [])] if isinstance(result, dict) else None
        expected = {
            "type": "message_history",
            "page": page,
            "page_size": size,
            "total": 45,
            "total_pages": total_pages,
        }
        got_meta = {key: result.get(key) for key in expected} if isinstance(result, dict) else result
        if got_meta != expected or got_sequences != sequences:
            raise Mismatch(
                f"sayfa({page}, {size}) yanlış.",
                expected={**expected, "sequence'lar": sequences},
                got={**got_meta, "sequence'lar": got_sequences} if isinstance(got_meta, dict) else got_meta,
                hint=(
                    "Sayfa 1 en yeni mesajlardır, sayfanın içi eskiden yeniye sıralıdır. "
                    "Toplam sayfa sayısı yukarı yuvarlanır: 45 mesaj / 20 = 3 sayfa."
                ),
            )
    other = history_class()
    if other.sayfa(1, 20).get("total_pages") != 0 or other.ekle("Bora", "ilk")["sequence"] != 1:
        raise Mismatch(
            "Her geçmiş kendi sırasını tutmalı.",
            expected="yeni bir Gecmis(): 0 sayfa, ilk mesajın sequence'ı 1",
            got="ortak ya da yanlış başlayan bir sayaç",
            hint="Sayaç ve liste `__init__` içinde, örneğe (self) ait olsun; sınıf düzeyinde değil.",
        )


# 6.7 ----------------------------------------------------------------------------------------


def _task_label(task: asyncio.Task[Any]) -> str:
    return getattr(task.get_coro(), "__qualname__", None) or task.get_name()


@exercise("6.7", title="Lifespan ile yönetilen itme görevi", points=3)
async def lifespan_push(ns: Namespace) -> None:
    app = ns.get("itme_app", FastAPI, what="bir FastAPI uygulaması")
    before = asyncio.all_tasks()
    try:
        async with run_app(app) as server:
            ws = await open_ws(server.ws_url("/duyuru"))
            try:
                messages = [await receive(ws, f"{n}. duyuru (istemci hiçbir şey göndermeden)") for n in (1, 2)]
            finally:
                await ws.close()
    except ServerStartError as exc:
        raise Mismatch(
            "Uygulama başlatılamadı: lifespan başlarken hata verdi.",
            expected="lifespan'in `yield`'e kadar hatasız çalışması",
            got=str(exc).splitlines()[0],
            hint=(
                "`itme_lifespan` görevi başlatıp `yield` etmeli; `yield`'den sonra görevi iptal etmeli. "
                "`raise NotImplementedError(...)` satırını sildiniz mi?"
            ),
        ) from None
    for message in messages:
        if not message.startswith("duyuru "):
            raise Mismatch(
                "İtilen mesaj beklenen biçimde değil.", expected="'duyuru 1', 'duyuru 2', …", got=repr(message)
            )
    leftover: list[asyncio.Task[Any]] = []
    for _ in range(10):
        leftover = [t for t in asyncio.all_tasks() - before if not t.done() and t is not asyncio.current_task()]
        if not leftover:
            break
        await asyncio.sleep(0.05)
    if leftover:
        names = sorted(_task_label(t) for t in leftover)
        for task in leftover:
            task.cancel()  # çekirdekte sahipsiz görev bırakmayalım
        raise Mismatch(
            "Sunucu durduktan sonra itme görevi hâlâ çalışıyordu (kontrol onu iptal etti).",
            expected="lifespan'in `yield`'den sonrası görevi iptal edip beklesin",
            got=f"çalışan görev(ler): {names}",
            hint="`@app.on_event` yerine `FastAPI(lifespan=...)`: görevi `yield`'den önce başlatın, sonra `cancel()`.",
        )
