"""Lab 5 — asyncio iş akışı: el sıkışma, çerçeveler, kapanış kodları, temizlik, websockets
sunucusu ve el sıkışma isteğini doğrulamak."""

from __future__ import annotations

import asyncio
import base64
import contextlib
import hashlib
import struct
from typing import Any

import httpx
from fastapi import FastAPI, WebSocket, WebSocketDisconnect
from websockets.asyncio.client import ClientConnection
from websockets.asyncio.server import serve as ws_serve
from websockets.exceptions import ConnectionClosed
from websockets.frames import Close, Frame, Opcode

from wskurs.checks.client import STEP, close_code, open_ws, receive, short
from wskurs.checks.core import Mismatch, Namespace, exercise, hidden_case, run_app
from wskurs.checks.errors import RemoteError
from wskurs.checks.remote import RemoteFunction
from wskurs.engine.clients import wait_until
from wskurs.engine.server import serve
from wskurs.engine.timing import scaled

__all__: list[str] = []

GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"
RFC_KEY = "dGhlIHNhbXBsZSBub25jZQ=="
RFC_ACCEPT = "s3pPLMBiTxaQ9kYGzzhZRbK+xOo="


def _accept(key: str) -> str:
    return base64.b64encode(hashlib.sha1((key + GUID).encode()).digest()).decode()


def _client_frame(opcode: int, payload: bytes, mask: bytes) -> bytes:
    """Referans: istemciden giden, maskeli, tek parçalık çerçeve."""
    n = len(payload)
    if n < 126:
        length = bytes([0x80 | n])
    elif n < 2**16:
        length = bytes([0xFE]) + struct.pack("!H", n)
    else:
        length = bytes([0xFF]) + struct.pack("!Q", n)
    masked = bytes(b ^ mask[i % 4] for i, b in enumerate(payload))
    return bytes([0x80 | opcode]) + length + mask + masked


def _echo_app() -> FastAPI:
    app = FastAPI()

    @app.websocket("/yanki")
    async def echo(websocket: WebSocket) -> None:
        await websocket.accept()
        try:
            while True:
                message = await websocket.receive_text()
                await websocket.send_text(f"Yankı: {message}")
        except WebSocketDisconnect:
            pass

    return app


async def _raw_handshake(
    host: str, port: int, key: str, path: str = "/yanki"
) -> tuple[asyncio.StreamReader, asyncio.StreamWriter, dict[str, str]]:
    reader, writer = await asyncio.wait_for(asyncio.open_connection(host, port), scaled(STEP))
    request = (
        f"GET {path} HTTP/1.1\r\nHost: {host}:{port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
        f"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n"
    )
    writer.write(request.encode())
    head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), scaled(STEP))
    status, *lines = head.decode().strip().split("\r\n")
    headers = {name.lower(): value for name, value in (line.split(": ", 1) for line in lines)}
    headers[":status"] = status
    return reader, writer, headers


async def _read_server_frame(reader: asyncio.StreamReader) -> tuple[int, bytes]:
    first, second = await asyncio.wait_for(reader.readexactly(2), scaled(STEP))
    n = second & 0x7F
    if n == 126:
        (n,) = struct.unpack("!H", await reader.readexactly(2))
    elif n == 127:
        (n,) = struct.unpack("!Q", await reader.readexactly(8))
    payload = await asyncio.wait_for(reader.readexactly(n), scaled(STEP))
    return first & 0x0F, payload


async def _call(func: RemoteFunction, *args: Any, what: str, hint: str) -> Any:
    """Öğrencinin fonksiyonunu çağırır; hata verirse bunu girdisiyle birlikte açıklar."""
    try:
        return await func(*args)
    except RemoteError as exc:
        if exc.kind == "not_implemented":
            raise
        line = f" (satır {exc.line})" if exc.line else ""
        raise Mismatch(f"{what} hata verdi.", got=f"{exc.error[:200]}{line}", hint=hint) from None


def _short_hex(data: Any, limit: int = 24) -> str:
    if not isinstance(data, (bytes, bytearray)):
        return repr(data)[:120]
    shown = bytes(data[:limit]).hex(" ")
    return shown + (f" … ({len(data)} bayt)" if len(data) > limit else f" ({len(data)} bayt)")


# 5.1 ---------------------------------------------------------------------------------------


@exercise("5.1", title="Sec-WebSocket-Accept hesabı", points=2)
async def accept_value(ns: Namespace) -> None:
    func = await ns.function("accept_degeri", is_async=False, params=1)
    hint = "Anahtar bir metindir: `(anahtar + GUID).encode()`; sonucu `.decode()` ile metne çevirin."
    got = await _call(func, RFC_KEY, what=f"accept_degeri({RFC_KEY!r})", hint=hint)
    if not isinstance(got, str):
        raise Mismatch(
            "`accept_degeri` bir metin (str) döndürmeli.",
            expected=repr(RFC_ACCEPT),
            got=f"{type(got).__name__}: {got!r}"[:160],
            hint="`base64.b64encode(...)` bayt döndürür; sonuna `.decode()` ekleyin.",
        )
    if got != RFC_ACCEPT:
        no_guid = base64.b64encode(hashlib.sha1(RFC_KEY.encode()).digest()).decode()
        wrong_hints = {
            no_guid: "GUID'i anahtarın sonuna eklemeyi unuttunuz.",
            hashlib.sha1((RFC_KEY + GUID).encode()).hexdigest(): "Özeti onaltılık (`hexdigest`) değil, bayt olarak "
            "(`digest()`) alıp base64 ile yazın.",
            base64.b64encode((RFC_KEY + GUID).encode()).decode(): "Önce SHA-1 özeti alınır, sonra base64.",
        }
        raise Mismatch(
            "RFC 6455'in örnek anahtarı için değer yanlış.",
            expected=f"accept_degeri({RFC_KEY!r}) == {RFC_ACCEPT!r}",
            got=repr(got),
            hint=wrong_hints.get(got, f"Formül: base64( sha1( anahtar + GUID ).digest() ); GUID {GUID!r}."),
        )
    async with serve(_echo_app(), name="lab05-el-sikisma") as server:
        for _ in range(3):
            key = base64.b64encode(ns.rng.randbytes(16)).decode()
            _, writer, headers = await _raw_handshake(server.host, server.port, key)
            writer.close()
            with contextlib.suppress(Exception):
                await writer.wait_closed()
            mine = await _call(func, key, what=f"accept_degeri({key!r})", hint=hint)
            if mine != headers.get("sec-websocket-accept"):
                raise Mismatch(
                    "Rastgele bir anahtar için sonucunuz sunucunun gönderdiğiyle aynı değil.",
                    expected=f"{headers.get('sec-websocket-accept')!r} (anahtar {key!r})",
                    got=repr(mine),
                    hint="Yalnızca örnek anahtar için sabit bir değer döndürmeyin; her anahtardan hesaplayın.",
                )


# 5.2 ---------------------------------------------------------------------------------------


def _field_of(index: int, frame: bytes) -> str:
    if index == 0:
        return "1. bayt (FIN + opcode)"
    if index == 1:
        return "2. bayt (MASK biti + uzunluk)"
    n = frame[1] & 0x7F
    extra = 2 if n == 126 else 8 if n == 127 else 0
    if index < 2 + extra:
        return "genişletilmiş uzunluk alanı"
    if index < 6 + extra:
        return "maske anahtarı"
    return "maskelenmiş veri"


@exercise("5.2", title="Maskeli metin çerçevesi", points=3)
async def masked_frame(ns: Namespace) -> None:
    func = await ns.function("metin_cercevesi", is_async=False, params=2)
    letter = ns.rng.choice("abcdefghijklmnoprstuvyz")

    def mask() -> bytes:
        return ns.rng.randbytes(4)

    # Sınırlar: 7 bitlik alanın son değeri (125), 16 bitlik alanın ilk ve son değerleri (126, 127,
    # 65535), 64 bitlik alanın ilk değeri (65536); karakter ≠ bayt (63 × 'ş' = 126 bayt); boş metin.
    cases = [
        ("Hello", bytes.fromhex("37fa213d")),
        ("çığ öğüş İı", bytes.fromhex("a1b2c3d4")),
        ("", mask()),
        (letter * 125, mask()),
        (letter * 126, mask()),
        (letter * 127, mask()),
        ("ş" * 63, mask()),
        (letter * ns.rng.randint(128, 1000), mask()),
        (letter * 65535, mask()),
        (letter * 65536, mask()),
        ("ş" * 40_000, mask()),
    ]
    for text, key in cases:
        await _check_frame(func, text, key)
    if ns.hidden:
        with hidden_case("65536 baytlık Türkçe metinde 64 bitlik uzunluk ve maskeleme"):
            await _check_frame(func, "ğ" * 32768, mask())
        with hidden_case("124 baytlık metinde 7 bitlik uzunluk"):
            await _check_frame(func, "ı" * 62, mask())
    async with serve(_echo_app(), name="lab05-cerceve") as server:
        for text in ("merhaba dünya", letter * 126 + " ğ"):
            await _frame_to_server(func, server, text, mask())


async def _check_frame(func: RemoteFunction, text: str, mask: bytes) -> None:
    expected = _client_frame(1, text.encode(), mask)
    shown = text if len(text) <= 20 else f"{text[:3]}… ({len(text)} karakter, {len(text.encode())} bayt)"
    got = await _call(
        func,
        text,
        mask,
        what=f"metin_cercevesi({shown!r}, maske)",
        hint="Uzunluk alanı için `struct.pack('!H', n)` ya da `struct.pack('!Q', n)`; maske `bytes`'tır.",
    )
    if not isinstance(got, bytes):
        raise Mismatch(
            "`metin_cercevesi` bayt (bytes) döndürmeli.",
            expected="bytes",
            got=f"{type(got).__name__}",
            hint="Parçaları `bytes([...])`, `struct.pack(...)` ile oluşturup `+` ile birleştirin.",
        )
    if got != expected:
        first = next((i for i, (a, b) in enumerate(zip(expected, got, strict=False)) if a != b), None)
        where = _field_of(first, expected) if first is not None else "çerçevenin uzunluğu"
        hint = {
            "1. bayt (FIN + opcode)": "İlk bayt FIN (0x80) ile metin opcode'unun (0x1) birleşimi: 0x81.",
            "2. bayt (MASK biti + uzunluk)": "İstemci çerçevesinde MASK biti (0x80) 1 olmalı; uzunluk UTF-8 "
            "baytlarının sayısıdır (`len(metin.encode())`), karakter sayısı değil. 125'ten uzunsa 126 ya da 127 "
            "yazılır.",
            "genişletilmiş uzunluk alanı": "126 → sonraki 2 bayt `struct.pack('!H', n)`; 127 → sonraki 8 bayt "
            "`struct.pack('!Q', n)`; ikisi de büyük uçlu (ağ sırası).",
            "maske anahtarı": "Uzunluk alanından hemen sonra verilen 4 baytlık maske gelir.",
            "maskelenmiş veri": "Verinin i. baytı `maske[i % 4]` ile XOR'lanır.",
        }.get(where, "Uzunluk UTF-8 baytlarının sayısıdır; veri eksik ya da fazla olabilir.")
        raise Mismatch(
            f"{shown!r} metni için çerçeve yanlış; ilk fark: {where}.",
            expected=_short_hex(expected),
            got=_short_hex(got),
            hint=hint,
        )


async def _frame_to_server(func: RemoteFunction, server: Any, text: str, mask: bytes) -> None:
    reader, writer, _ = await _raw_handshake(server.host, server.port, RFC_KEY)
    try:
        writer.write(await _call(func, text, mask, what="metin_cercevesi", hint="Çerçeve bayt olmalı."))
        opcode, payload = await _read_server_frame(reader)
    except (TimeoutError, asyncio.IncompleteReadError):
        raise Mismatch(
            "Gerçek sunucu çerçevenize yanıt vermedi.",
            expected=short(f"Yankı: {text}"),
            got="yanıt yok",
        ) from None
    finally:
        writer.close()
    if opcode != 1 or payload.decode(errors="replace") != f"Yankı: {text}":
        raise Mismatch(
            "Gerçek sunucu çerçevenizi kabul etmedi.",
            expected=f"metin çerçevesi {short(f'Yankı: {text}')}",
            got=f"opcode {opcode}, veri {payload[:60]!r}",
            hint="Opcode 8 kapanış demektir: sunucu çerçeveyi protokol hatası saydı.",
        )


# 5.3 ---------------------------------------------------------------------------------------


@exercise("5.3", title="Sunucu çerçevesinin başlığını çözmek", points=3)
async def parse_frame(ns: Namespace) -> None:
    func = await ns.function("cerceve_coz", is_async=False, params=1)
    data = ns.rng.randbytes
    cases = [
        ("5 baytlık metin", Frame(Opcode.TEXT, b"hello"), False),
        ("300 baytlık ikili veri", Frame(Opcode.BINARY, bytes(range(256)) + b"\x00" * 44), False),
        ("70.000 baytlık metin", Frame(Opcode.TEXT, b"a" * 70_000), False),
        ("kapanış çerçevesi", Frame(Opcode.CLOSE, struct.pack("!H", 1008) + "geçersiz".encode()), False),
        ("son parçası olmayan metin", Frame(Opcode.TEXT, "yarım".encode(), fin=False), False),
        ("istemciden maskeli metin", Frame(Opcode.TEXT, "maskeli ğ".encode()), True),
        # Sınırlar: boş veri, 125/126/127, 65535/65536 bayt; maskeli uzun çerçeve; ping.
        ("boş metin", Frame(Opcode.TEXT, b""), False),
        ("125 baytlık ikili veri", Frame(Opcode.BINARY, data(125)), False),
        ("126 baytlık ikili veri", Frame(Opcode.BINARY, data(126)), False),
        ("127 baytlık ikili veri", Frame(Opcode.BINARY, data(127)), ns.rng.random() < 0.5),
        ("65535 baytlık ikili veri", Frame(Opcode.BINARY, data(65535)), False),
        ("65536 baytlık ikili veri", Frame(Opcode.BINARY, data(65536)), False),
        ("istemciden maskeli 300 baytlık veri", Frame(Opcode.BINARY, data(300)), True),
        ("ping", Frame(Opcode.PING, data(ns.rng.randint(0, 20))), False),
    ]
    for name, frame, masked in cases:
        await _check_parse(func, name, frame, masked)
    if ns.hidden:
        with hidden_case("maskeli, 65536 baytlık, son parçası olmayan bir devam çerçevesi"):
            await _check_parse(func, "gizli", Frame(Opcode.CONT, data(65536), fin=False), True)


async def _check_parse(func: RemoteFunction, name: str, frame: Frame, masked: bool) -> None:
    data = frame.serialize(mask=masked)
    expected = {
        "fin": frame.fin,
        "opcode": int(frame.opcode),
        "maske": masked,
        "uzunluk": len(frame.data),
        "yuk": bytes(frame.data),
    }
    got = await _call(
        func,
        data,
        what=f"cerceve_coz(<{name}>)",
        hint="Uzunluğa göre başlık 2, 4 ya da 10 bayttır; maskeliyse ardından 4 bayt maske gelir.",
    )
    if not isinstance(got, dict):
        raise Mismatch("`cerceve_coz` bir sözlük döndürmeli.", expected="dict", got=type(got).__name__)
    missing = [key for key in expected if key not in got]
    if missing:
        raise Mismatch(
            f"Sözlükte {', '.join(map(repr, missing))} anahtar(lar)ı yok.",
            expected=f"anahtarlar: {list(expected)}",
            got=f"anahtarlar: {list(got)}",
        )
    for key, value in expected.items():
        mine = got[key]
        if isinstance(mine, bytearray):
            mine = bytes(mine)
        if mine != value or (key in ("fin", "maske") and not isinstance(mine, bool)):
            hint = {
                "fin": "FIN, ilk baytın en üst biti: `bool(veri[0] & 0x80)`.",
                "opcode": "Opcode, ilk baytın alt 4 biti: `veri[0] & 0x0F`.",
                "maske": "MASK, ikinci baytın en üst biti: `bool(veri[1] & 0x80)`.",
                "uzunluk": "İkinci baytın alt 7 biti 126 ise gerçek uzunluk sonraki 2 bayttır "
                "(`struct.unpack('!H', ...)`), 127 ise sonraki 8 bayt (`'!Q'`).",
                "yuk": "Veri, başlıktan (ve varsa 4 baytlık maskeden) sonra başlar; maskeliyse her bayt "
                "`maske[i % 4]` ile XOR'lanarak çözülür.",
            }[key]
            raise Mismatch(
                f"{name}: `{key}` yanlış.",
                expected=_short_hex(value),
                got=_short_hex(mine),
                hint=hint,
            )


# 5.4 ---------------------------------------------------------------------------------------


def _sendable(code: int) -> bool:
    return 1000 <= code <= 1003 or 1007 <= code <= 1014 or 3000 <= code <= 4999


async def _close_payload(func: RemoteFunction, code: int, reason: str) -> bytes | None:
    """Öğrencinin kapanış verisi; ``ValueError`` fırlattıysa ``None``."""
    try:
        got = await func(code, reason)
    except RemoteError as exc:
        if exc.kind == "not_implemented":
            raise
        if exc.error.startswith("ValueError"):
            return None
        raise Mismatch(
            f"kapanis_yuku({code}, <{len(reason.encode())} baytlık gerekçe>) beklenmedik bir hata verdi.",
            expected="bayt ya da ValueError",
            got=exc.error[:200],
            hint="Gönderilemeyecek bir kapanışta `raise ValueError(...)`.",
        ) from None
    if not isinstance(got, bytes):
        raise Mismatch(
            "`kapanis_yuku` bayt (bytes) döndürmeli.",
            expected="bytes",
            got=type(got).__name__,
            hint="`struct.pack('!H', kod) + gerekce.encode('utf-8')`",
        )
    return got


async def _expect_payload(func: RemoteFunction, code: int, reason: str) -> None:
    size = len(reason.encode())
    call = f"kapanis_yuku({code}, <{len(reason)} karakter, {size} baytlık gerekçe>)"
    got = await _close_payload(func, code, reason)
    sendable = _sendable(code) and size <= 123
    if not sendable:
        if got is not None:
            raise Mismatch(
                f"{call} bayt döndürdü; bu kapanış gönderilemez.",
                expected="ValueError",
                got=_short_hex(got),
                hint="Gerekçe en çok 123 bayt (karakter değil)."
                if _sendable(code)
                else "1005 ve 1006 hiç gönderilmez; 1004, 1015–2999 ayrılmıştır, 999 ve 5000 geçersizdir.",
            )
        return
    if got is None:
        raise Mismatch(
            f"{call} ValueError fırlattı; bu kapanış gönderilebilir.",
            expected="bayt",
            got="ValueError",
            hint="Gönderilebilir kodlar 1000–1003, 1007–1014, 3000–4999; gerekçe 123 bayta kadar (dahil).",
        )
    expected = struct.pack("!H", code) + reason.encode()
    if got != expected:
        try:
            parsed = Close.parse(got)
            seen = f"kütüphaneye göre kod {parsed.code}, gerekçe {parsed.reason[:30]!r}"
        except Exception as exc:
            seen = f"kütüphane çözemedi: {type(exc).__name__}"
        raise Mismatch(
            f"{call} yanlış veri döndürdü.",
            expected=_short_hex(expected),
            got=f"{_short_hex(got)} ({seen})",
            hint="Kod 2 bayt büyük uçlu (`struct.pack('!H', kod)`), ardından gerekçenin UTF-8 baytları.",
        )


@exercise("5.4", title="Kapanış çerçevesinin verisi", points=3, timeout=15)
async def close_payload(ns: Namespace) -> None:
    func = await ns.function("kapanis_yuku", is_async=False, params=2)
    reason = ns.rng.choice(["geçersiz token", "bakım", "hoşça kal", "oda kapandı", "sınır aşıldı"])
    cases = [
        (1000, ""),
        (1008, "geçersiz token"),
        (1011, reason),
        # Sınırlar: gönderilebilir aralıkların uçları ve hemen dışları.
        (1003, "x"),
        (1007, "x"),
        (1014, "x"),
        (3000, "uygulama"),
        (4999, reason),
        (999, ""),
        (1004, "x"),
        (1005, ""),
        (1006, ""),
        (1015, ""),
        (2999, "x"),
        (5000, "x"),
        # Gerekçe: 123 bayt olur, 124 olmaz; 'ş' iki bayttır.
        (1001, "a" * 123),
        (1001, "a" * 124),
        (1001, "ş" * 61 + "a"),
        (1001, "ş" * 62),
        (ns.rng.randint(3000, 4999), "ğ" * ns.rng.randint(1, 61)),
    ]
    for code, text in cases:
        await _expect_payload(func, code, text)
    if ns.hidden:
        with hidden_case("ayrılmış aralığın ortasındaki bir kodun (2000) reddedilmesi"):
            await _expect_payload(func, 2000, "")
    # Gerçek bir websockets sunucusu, maskeli bir kapanış çerçevesindeki verinizi okur.
    seen: list[tuple[int | None, str | None]] = []

    async def record(websocket: Any) -> None:
        try:
            async for _ in websocket:
                pass
        except ConnectionClosed:
            pass  # 1000/1001 dışındaki kodlarda `async for` istisnayla biter
        finally:
            seen.append((websocket.close_code, websocket.close_reason))

    async with ws_serve(record, "127.0.0.1", 0) as server:
        port = server.sockets[0].getsockname()[1]
        code, text = ns.rng.choice([(1000, "hoşça kal"), (4000 + ns.rng.randint(0, 999), reason)])
        payload = await _close_payload(func, code, text)
        reader, writer, _ = await _raw_handshake("127.0.0.1", port, RFC_KEY, path="/")
        try:
            writer.write(_client_frame(8, payload or b"", ns.rng.randbytes(4)))
            with contextlib.suppress(TimeoutError, asyncio.IncompleteReadError):
                await _read_server_frame(reader)
        finally:
            writer.close()
        await wait_until(lambda: bool(seen), timeout=STEP, step=0.02)
    if seen != [(code, text)]:
        raise Mismatch(
            "Gerçek sunucu kapanış çerçevenizi beklendiği gibi okumadı.",
            expected=f"kod {code}, gerekçe {text!r}",
            got=f"{seen[0][0]}, {seen[0][1]!r}" if seen else "kapanış görülmedi",
        )


# 5.5 ---------------------------------------------------------------------------------------


async def _count(http: httpx.AsyncClient, url: str) -> int:
    try:
        response = await http.get(url)
        return int(response.json()["bagli"])
    except Exception as exc:
        raise Mismatch(
            "`GET /sayi` okunamadı.",
            expected='{"bagli": <sayı>}',
            got=f"{type(exc).__name__}: {exc}"[:160],
            hint="Cevap hücresindeki `/sayi` endpoint'ini silmediniz, değil mi?",
        ) from None


async def _count_becomes(http: httpx.AsyncClient, url: str, wanted: int) -> int:
    current = -1

    async def reached() -> bool:
        nonlocal current
        current = await _count(http, url)
        return current == wanted

    await wait_until(reached, timeout=STEP, step=0.02)
    return current


@exercise("5.5", title="Hata olsa da temizlik (finally)", points=3)
async def cleanup(ns: Namespace) -> None:
    app = await ns.get("sayim_app", FastAPI, what="bir FastAPI uygulaması")
    bagli = await ns.get("bagli", set, what="bağlı istemcilerin kümesi (set)")
    await bagli.method("clear")
    text = ns.rng.choice(["merhaba", "selam", "günaydın", "çay", "şeker"]) + f" {ns.rng.randint(1, 99)}"
    async with run_app(app) as server, httpx.AsyncClient(timeout=scaled(STEP), trust_env=False) as http:
        count_url = server.url("/sayi")
        a = await open_ws(server.ws_url("/ws"))
        b = await open_ws(server.ws_url("/ws"))
        try:
            now = await _count_becomes(http, count_url, 2)
            if now != 2:
                raise Mismatch(
                    "İki istemci bağlıyken sayaç 2 değil.",
                    expected='{"bagli": 2}',
                    got=f'{{"bagli": {now}}}',
                    hint="`accept()`'ten sonra `bagli.add(websocket)`.",
                )
            await a.send(text)
            reply = await receive(a, f"{text!r} mesajının yanıtı")
            if reply != f"Mesajınız: {text}":
                raise Mismatch(
                    "Yanıt yanlış.",
                    expected=repr(f"Mesajınız: {text}"),
                    got=repr(reply),
                    hint="Yanıtı `isle(mesaj)` üretir; onu gönderin.",
                )
            await a.send("patla")
            try:
                extra = await asyncio.wait_for(a.recv(), scaled(STEP))
            except ConnectionClosed as exc:
                code = close_code(exc)
                reason = exc.rcvd.reason if exc.rcvd is not None else ""
            except TimeoutError:
                raise Mismatch(
                    "'patla' mesajından sonra bağlantı kapanmadı.",
                    expected="kapanış kodu 1011",
                    got="bağlantı açık kaldı",
                    hint="`isle` hata fırlatınca handler `except Exception` ile yakalayıp 1011 ile kapatmalı.",
                ) from None
            else:
                raise Mismatch("'patla' mesajına yanıt gelmemeliydi.", expected="kapanış kodu 1011", got=repr(extra))
            if code != 1011:
                raise Mismatch(
                    "Hata sonrası kapanış kodu yanlış.",
                    expected="1011 (sunucu hatası)",
                    got=f"{code}" + (" (kapanış çerçevesi hiç gelmedi)" if code == 1006 else ""),
                    hint="Yakalanmamış hata istemciye 1006 olarak görünür: "
                    '`except Exception: await websocket.close(code=1011, reason="sunucu hatası")`.',
                )
            if reason != "sunucu hatası":
                raise Mismatch(
                    "Hata sonrası kapanışın gerekçesi yanlış.",
                    expected="kapanış kodu 1011, gerekçe 'sunucu hatası'",
                    got=f"kapanış kodu {code}, gerekçe {reason!r}",
                    hint='`await websocket.close(code=1011, reason="sunucu hatası")`',
                )
            now = await _count_becomes(http, count_url, 1)
            if now != 1:
                raise Mismatch(
                    "Hata veren bağlantı kümede kaldı (hayalet bağlantı).",
                    expected='{"bagli": 1} (yalnızca b bağlı)',
                    got=f'{{"bagli": {now}}}',
                    hint="Kümeden çıkarmayı `finally:` bloğuna koyun: bağlantı nasıl biterse bitsin çalışır.",
                )
        finally:
            await a.close()
            await b.close()
        now = await _count_becomes(http, count_url, 0)
        if now != 0:
            raise Mismatch(
                "Normal kapanan bağlantıdan sonra sayaç 0'a inmedi.",
                expected='{"bagli": 0}',
                got=f'{{"bagli": {now}}}',
                hint="İstemci ayrılınca `WebSocketDisconnect` fırlar; `finally`'de `bagli.discard(websocket)`.",
            )


# 5.6 ---------------------------------------------------------------------------------------


@exercise("5.6", title="websockets sunucusu, bugünkü API", points=3)
async def websockets_handler(ns: Namespace) -> None:
    handler = await ns.handler("sohbet")
    if handler.description.params not in (None, 1):
        raise Mismatch(
            "`sohbet` tek parametre almalı.",
            expected="async def sohbet(websocket)",
            got=f"{handler.description.params} parametre",
            hint="websockets 14.0'dan beri `serve` handler'ı tek argümanla çağırır; iki parametreli eski imza her "
            "bağlantıda TypeError verir, istemci 1011 görür. Yol: `websocket.request.path`.",
        )
    path = f"/oda/{ns.rng.randint(1, 999)}"
    # Üç istemci: yayın gönderenin dışındaki *herkese* gider; ayrılan istemci kümeden çıkar.
    async with run_app(handler) as server:
        url = server.base_ws_url + path
        clients = [await open_ws(url) for _ in range(3)]
        try:
            for who, ws in enumerate(clients, start=1):
                welcome = await receive(ws, f"{who}. istemcinin karşılama mesajı")
                if welcome != f"Hoş geldiniz: {path}":
                    raise Mismatch(
                        "Karşılama mesajı yanlış.",
                        expected=repr(f"Hoş geldiniz: {path}"),
                        got=repr(welcome),
                        hint='f"Hoş geldiniz: {websocket.request.path}"',
                    )
            sender = ns.rng.randrange(3)
            await _chat_once(clients, sender, f"selam {ns.rng.randint(10, 99)}")
            await _chat_once(clients, (sender + 1) % 3, "çığ öğüş İı")
            await clients[2].close()
            size = await _set_size(ns, "sohbet_istemcileri", 2)
            if size != 2:
                raise Mismatch(
                    "Ayrılan istemci `sohbet_istemcileri` kümesinden çıkmadı.",
                    expected="üç istemciden biri ayrılınca kümede 2 bağlantı",
                    got=f"kümede {size} bağlantı",
                    hint="Kümeden çıkarmayı `finally:` bloğuna koyun: `sohbet_istemcileri.discard(websocket)`.",
                )
            await _chat_once(clients[:2], 0, "son mesaj")
        except ConnectionClosed as exc:
            raise Mismatch(
                "Bağlantı beklenmedik biçimde kapandı.",
                expected="açık bağlantı",
                got=f"kapanış kodu {close_code(exc)}",
                hint="1011: handler bir hata verdi.",
            ) from None
        finally:
            for ws in clients:
                await ws.close()


async def _set_size(ns: Namespace, name: str, wanted: int) -> int | None:
    """Çekirdekteki bir kümenin eleman sayısı (elemanları JSON olmasa da); ``wanted`` olana dek bekler."""
    size: int | None = None

    async def reached() -> bool:
        nonlocal size
        raw = await ns.channel.request("read", name=name)
        size = raw.get("len") if isinstance(raw, dict) and isinstance(raw.get("len"), int) else None
        return size == wanted

    await wait_until(reached, timeout=STEP, step=0.02)
    return size


async def _chat_once(clients: list[ClientConnection], sender: int, text: str) -> None:
    await clients[sender].send(text)
    mine = await receive(clients[sender], "gönderene yanıt")
    if mine != f"Mesajınız: {text}":
        raise Mismatch(
            "Gönderene giden yanıt yanlış.",
            expected=repr(f"Mesajınız: {text}"),
            got=repr(mine),
            hint='Gönderene `await websocket.send(f"Mesajınız: {mesaj}")`.',
        )
    for index, ws in enumerate(clients):
        if index == sender:
            continue
        other = await receive(ws, f"{index + 1}. istemciye yayın")
        if other != f"Başka bir istemciden: {text}":
            raise Mismatch(
                "Yayın yanlış.",
                expected=repr(f"Başka bir istemciden: {text}"),
                got=repr(other),
                hint="Ötekilere `broadcast(sohbet_istemcileri - {websocket}, ...)`; yayın gönderen dışındaki herkese.",
            )
    with contextlib.suppress(TimeoutError):
        echo = await asyncio.wait_for(clients[sender].recv(), scaled(0.3))
        raise Mismatch(
            "Gönderen kendi yayınını da aldı.",
            expected="yayın yalnızca ötekilere",
            got=repr(echo),
            hint="Yayın kümesinden gönderenin kendisini çıkarın: `sohbet_istemcileri - {websocket}`.",
        )


# 5.7 ---------------------------------------------------------------------------------------


def _handshake_reply(method: str, headers: dict[str, str]) -> tuple[int, dict[str, str]]:
    """Referans: RFC 6455 4.2.1–4.2.2'ye göre sunucunun yanıtı."""
    lowered = {name.lower(): value for name, value in headers.items()}

    def tokens(name: str) -> set[str]:
        return {part.strip().lower() for part in lowered.get(name, "").split(",")}

    if method != "GET":
        return 405, {}
    if "websocket" not in tokens("upgrade") or "upgrade" not in tokens("connection"):
        return 400, {}
    if lowered.get("sec-websocket-version", "").strip() != "13":
        return 426, {"Sec-WebSocket-Version": "13"}
    key = lowered.get("sec-websocket-key", "").strip()
    try:
        raw = base64.b64decode(key, validate=True)
    except ValueError:
        return 400, {}
    if len(raw) != 16:
        return 400, {}
    return 101, {"Upgrade": "websocket", "Connection": "Upgrade"}


def _handshake_cases(ns: Namespace) -> list[tuple[str, str, dict[str, str]]]:
    key = base64.b64encode(ns.rng.randbytes(16)).decode()
    base = {
        "Host": "127.0.0.1:8000",
        "Upgrade": "websocket",
        "Connection": "Upgrade",
        "Sec-WebSocket-Key": key,
        "Sec-WebSocket-Version": "13",
    }

    def changed(**changes: str | None) -> dict[str, str]:
        headers = {name: value for name, value in base.items() if name not in changes}
        headers.update({name.replace("_", "-"): value for name, value in changes.items() if value is not None})
        return headers

    return [
        ("RFC'nin örneği", "GET", {**base, "Sec-WebSocket-Key": RFC_KEY}),
        ("tarayıcının isteği (Connection: keep-alive, Upgrade)", "GET", {**base, "Connection": "keep-alive, Upgrade"}),
        ("küçük harfli başlık adları", "GET", {name.lower(): value for name, value in base.items()}),
        ("Upgrade: WebSocket", "GET", {**base, "Upgrade": "WebSocket"}),
        ("POST isteği", "POST", base),
        ("Upgrade başlığı yok", "GET", changed(Upgrade=None)),
        ("Upgrade: h2c", "GET", {**base, "Upgrade": "h2c"}),
        ("Connection: keep-alive", "GET", {**base, "Connection": "keep-alive"}),
        ("sürüm 8", "GET", {**base, "Sec-WebSocket-Version": "8"}),
        ("sürüm başlığı yok", "GET", changed(Sec_WebSocket_Version=None)),
        ("anahtar yok", "GET", changed(Sec_WebSocket_Key=None)),
        ("15 baytlık anahtar", "GET", {**base, "Sec-WebSocket-Key": base64.b64encode(ns.rng.randbytes(15)).decode()}),
        ("17 baytlık anahtar", "GET", {**base, "Sec-WebSocket-Key": base64.b64encode(ns.rng.randbytes(17)).decode()}),
        ("base64 olmayan anahtar", "GET", {**base, "Sec-WebSocket-Key": "bu-bir-anahtar-değil!!!"}),
        ("sürüm de anahtar da yanlış", "GET", {**base, "Sec-WebSocket-Version": "7", "Sec-WebSocket-Key": "x"}),
    ]


@exercise("5.7", title="El sıkışma isteğini doğrulamak", points=3)
async def validate_handshake(ns: Namespace) -> None:
    func = await ns.function("el_sikisma_yaniti", is_async=False, params=2)
    cases = _handshake_cases(ns)
    for label, method, headers in cases:
        await _check_handshake(func, label, method, headers)
    if ns.hidden:
        with hidden_case("Connection başlığında büyük harfli ve boşluklu değer listesi"):
            first = cases[0][2]
            await _check_handshake(func, "gizli", "GET", {**first, "Connection": "Keep-Alive ,  UPGRADE "})


async def _check_handshake(func: RemoteFunction, label: str, method: str, headers: dict[str, str]) -> None:
    status, extra = _handshake_reply(method, headers)
    got = await _call(
        func,
        method,
        headers,
        what=f"el_sikisma_yaniti({method!r}, <{label}>)",
        hint="Başlık adlarını önce küçük harfe çevirin; eksik başlığı `.get(ad, '')` ile okuyun.",
    )
    ok = isinstance(got, list) and len(got) == 2 and got[0] == status and isinstance(got[1], dict)
    if ok and status in (101, 426):
        mine = {str(name).lower(): str(value) for name, value in got[1].items()}
        want = {name.lower(): value for name, value in extra.items()}
        for name in ("upgrade", "connection"):
            if name in mine:
                mine[name] = mine[name].lower()
                want[name] = want[name].lower()
        ok = all(mine.get(name) == value for name, value in want.items())  # fazladan başlık serbest
    if not ok:
        hint = {
            405: "El sıkışma yalnızca bir GET isteğidir.",
            400: "Değer listesini virgülle bölüp her parçayı `strip().lower()` edin; anahtar "
            "`base64.b64decode(anahtar, validate=True)` ile tam 16 bayt olmalı.",
            426: "Sürüm 13 değilse (ya da yoksa) 426 ve `Sec-WebSocket-Version: 13` başlığı.",
            101: "`Connection` virgülle ayrılmış bir değer listesidir (`keep-alive, Upgrade`); başlık adları "
            "büyük/küçük harfe duyarsızdır.",
        }[status]
        raise Mismatch(
            f"{label}: yanıt yanlış.",
            expected=f"({status}, {extra})",
            got=short(got, 200),
            hint=hint,
        )
