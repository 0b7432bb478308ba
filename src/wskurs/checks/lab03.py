"""Lab 3 — WebSocket istemcileri: mesaj türleri, üstel beklemeyle yeniden bağlanma, dinleyici
ve gönderici görevleri, HTTP→WebSocket köprüsü."""

from __future__ import annotations

import asyncio
import itertools
import json
import socket
import time
from typing import Any

import httpx
from fastapi import FastAPI, WebSocket, WebSocketDisconnect

from ..server import serve
from ..timing import scaled
from ..watchdog import LoopBlocked
from .client import open_ws, receive, short
from .core import Mismatch, Namespace, exercise, run_app

__all__: list[str] = []


def _free_port() -> int:
    """Şu an kimsenin dinlemediği bir port (bağlanan "connection refused" alır)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# --------------------------------------------------------------------------- 3.1

_FRAMES: list[tuple[str | bytes, tuple[str, Any]]] = [
    ("merhaba", ("metin", "merhaba")),
    ('{"type": "mesaj", "user": "Ali"}', ("json", {"type": "mesaj", "user": "Ali"})),
    ("42", ("metin", "42")),
    ('"tırnaklı metin"', ("metin", '"tırnaklı metin"')),
    ("[1, 2, 3]", ("metin", "[1, 2, 3]")),
    ("{bozuk json", ("metin", "{bozuk json")),
    (bytes([10, 20, 30, 40]), ("ikili", bytes([10, 20, 30, 40]))),
    (b'{"type": "mesaj"}', ("ikili", b'{"type": "mesaj"}')),
    ('{"iç": {"liste": [1, "ğ"]}}', ("json", {"iç": {"liste": [1, "ğ"]}})),
]


@exercise("3.1", title="Metin, JSON ya da ikili", points=2)
async def parse(ns: Namespace) -> None:
    parse_message = ns.function("parse_message", is_async=False, params=1)
    source = FastAPI()

    @source.websocket("/karisik")
    async def mixed(websocket: WebSocket) -> None:
        await websocket.accept()
        for frame, _ in _FRAMES:
            if isinstance(frame, bytes):
                await websocket.send_bytes(frame)
            else:
                await websocket.send_text(frame)
        await websocket.close()

    async with serve(source) as server:
        ws = await open_ws(server.ws_url("/karisik"))
        async with ws:
            for index, (_, expected) in enumerate(_FRAMES, start=1):
                message = await receive(ws, f"{index}. mesaj", text=False)
                try:
                    got = parse_message(message)
                except LoopBlocked:
                    raise
                except Exception as exc:
                    raise Mismatch(
                        f"parse_message({short(message)}) hata verdi.",
                        expected=short(expected),
                        got=f"{type(exc).__name__}: {exc}",
                        hint="Her mesaj JSON değildir: `json.loads`'u `try`/`except json.JSONDecodeError` "
                        "içinde çağırın; `bytes` gelirse hiç ayrıştırmayın.",
                    ) from None
                if got != expected:
                    raise Mismatch(
                        f"parse_message({short(message)}) yanlış sonuç verdi.",
                        expected=short(expected),
                        got=short(got),
                        hint=_parse_hint(message),
                    )


def _parse_hint(message: str | bytes) -> str:
    if isinstance(message, bytes):
        return "`recv()` ikili çerçeve için `bytes` döndürür: içinde JSON olsa bile bu bir ikili mesajdır."
    try:
        value = json.loads(message)
    except json.JSONDecodeError:
        return "Ayrıştırılamayan metin düz metindir: ('metin', mesaj)."
    if not isinstance(value, dict):
        return 'Yalnız JSON *nesnesi* ({...}) bir JSON mesajıdır; 42, "..." ya da [...] düz metin sayılır.'
    return "JSON nesnesi için ('json', json.loads(mesaj)) döndürün."


# --------------------------------------------------------------------------- 3.2


def _refusing_app(times: list[float]) -> FastAPI:
    """Her el sıkışmayı reddeder (HTTP 403) ve denemenin zamanını yazar."""
    app = FastAPI()

    @app.websocket("/ws")
    async def refuse(websocket: WebSocket) -> None:
        times.append(time.monotonic())
        await websocket.close(code=1013)  # accept'ten önce: istemci HTTP 403 görür

    return app


def _echo_app() -> FastAPI:
    app = FastAPI()

    @app.websocket("/ws")
    async def echo(websocket: WebSocket) -> None:
        await websocket.accept()
        try:
            while True:
                await websocket.send_text(f"Yankı: {await websocket.receive_text()}")
        except WebSocketDisconnect:
            pass

    return app


def _delays(attempts: int, base: float, cap: float) -> list[float]:
    return [min(base * 2**k, cap) for k in range(attempts - 1)]


async def _retry_must_fail(func: Any, attempts: int, base: float, cap: float) -> None:
    times: list[float] = []
    call = f"connect_with_retry(url, {attempts}, {base}, {cap})"
    async with serve(_refusing_app(times)) as server:
        try:
            result = await asyncio.wait_for(func(server.ws_url("/ws"), attempts, base, cap), timeout=scaled(6))
        except TimeoutError:
            raise Mismatch(
                f"{call} bitmedi.",
                expected=f"{attempts} denemeden sonra ConnectionError",
                got=f"{len(times)} deneme yapıldı ve fonksiyon {scaled(6):g} saniyede dönmedi",
                hint="Deneme sayısı `attempts` ile sınırlı olmalı; sonsuz bir döngü kurmayın.",
            ) from None
        except ConnectionError:
            ended = time.monotonic()
        except Exception as exc:
            raise Mismatch(
                f"{call} yanlış bir hata fırlattı.",
                expected="ConnectionError",
                got=f"{type(exc).__name__}: {exc}",
                hint="Başarısız bir deneme `OSError` ya da `InvalidStatus` (sunucu el sıkışmayı reddetti, "
                "burada HTTP 403) fırlatır; ikisini de yakalayın, denemeler bitince ConnectionError fırlatın.",
            ) from None
        else:
            if hasattr(result, "close"):
                await result.close()
            raise Mismatch(
                f"{call} hata fırlatmadı.",
                expected="sunucu her denemeyi reddettiğinde ConnectionError",
                got=short(result),
            )
    if len(times) != attempts:
        raise Mismatch(
            f"{call} {attempts} kez denemedi.",
            expected=f"{attempts} deneme",
            got=f"{len(times)} deneme",
            hint="İlk deneme hemen yapılır; her başarısız denemeden sonra (sonuncusu hariç) beklenir.",
        )
    expected = _delays(attempts, base, cap)
    gaps = [round(b - a, 3) for a, b in itertools.pairwise(times)]
    for index, (gap, want) in enumerate(zip(gaps, expected, strict=True)):
        if not want * 0.8 <= gap <= want * 1.5 + scaled(0.1):
            raise Mismatch(
                f"{call}: {index + 1}. başarısız denemeden sonraki bekleme yanlış.",
                expected=f"beklemeler (sn) {expected}",
                got=f"ölçülen aralıklar (sn) {gaps}",
                hint=f"k. başarısız denemeden sonra (k=0, 1, ...) min(base_delay * 2**k, max_delay) saniye bekleyin; "
                f"tavan ({cap} sn) üstel büyümeyi sınırlar.",
            )
    after_last = ended - times[-1]
    if after_last > min(base * 2 ** (attempts - 1), cap) * 0.5 + scaled(0.15):
        raise Mismatch(
            f"{call}: son denemeden sonra da beklendi.",
            expected="son başarısız denemeden hemen sonra ConnectionError",
            got=f"{after_last:.2f} sn sonra",
            hint="Bir deneme daha yapılmayacaksa beklemenin anlamı yok.",
        )


@exercise("3.2", title="Üstel beklemeyle yeniden bağlanma", points=3, timeout=20)
async def retry(ns: Namespace) -> None:
    func = ns.function("connect_with_retry", is_async=True, params=4)
    await _retry_must_fail(func, attempts=4, base=0.05, cap=1.0)  # büyüme: 0.05, 0.1, 0.2
    await _retry_must_fail(func, attempts=5, base=0.05, cap=0.1)  # tavan: 0.05, 0.1, 0.1, 0.1

    port = _free_port()
    call = "connect_with_retry(url, 8, 0.05, 0.2)"
    task = asyncio.create_task(func(f"ws://127.0.0.1:{port}/ws", 8, 0.05, 0.2))
    try:
        await asyncio.sleep(0.3)  # sunucu kapalı: ilk denemeler "connection refused" alır
        if task.done():
            exc = task.exception()
            raise Mismatch(
                f"{call}: sunucu kapalıyken fonksiyon hemen bitti.",
                expected="sunucu açılana dek yeniden denemesi",
                got=f"{type(exc).__name__}: {exc}" if exc else short(task.result()),
                hint="Sunucu kapalıyken `connect` `OSError` (ConnectionRefusedError) fırlatır; onu da yakalayın.",
            )
        async with serve(_echo_app(), port=port):
            try:
                ws = await asyncio.wait_for(asyncio.shield(task), timeout=scaled(5))
            except TimeoutError:
                raise Mismatch(
                    f"{call}: sunucu açıldıktan sonra bağlanmadı.",
                    expected="bir sonraki denemede bağlanması",
                    got=f"{scaled(5):g} saniyede dönmedi",
                ) from None
            except Exception as exc:
                raise Mismatch(
                    f"{call}: sunucu yeniden açılınca bağlanamadı.",
                    expected="açık bir bağlantı",
                    got=f"{type(exc).__name__}: {exc}",
                    hint="Denemeler arasında beklerken vazgeçmeyin: 8 deneme, en çok 0.2 sn beklemeyle, ~1 sn sürer.",
                ) from None
            if not hasattr(ws, "send") or not hasattr(ws, "recv"):
                raise Mismatch(f"{call} bir bağlantı döndürmedi.", expected="`connect(url)`'in sonucu", got=short(ws))
            async with ws:
                await ws.send("yeniden merhaba")
                reply = await receive(ws, "yeniden bağlanılan sunucunun yanıtı")
                if reply != "Yankı: yeniden merhaba":
                    raise Mismatch(
                        "Bağlantı beklenen sunucuya gitmiyor.", expected="'Yankı: yeniden merhaba'", got=short(reply)
                    )
    finally:
        if not task.done():
            task.cancel()
        await asyncio.gather(task, return_exceptions=True)


# --------------------------------------------------------------------------- 3.3


def _chat_app(rounds: int) -> FastAPI:
    app = FastAPI()

    @app.websocket("/sohbet")
    async def chat(websocket: WebSocket) -> None:
        await websocket.accept()
        try:
            await websocket.send_text("hoş geldiniz")
            for _ in range(rounds):
                await websocket.send_text(f"yankı: {await websocket.receive_text()}")
            await websocket.send_text("hoşça kalın")
            await websocket.close(code=1000)
        except WebSocketDisconnect:
            pass

    return app


async def _chat_round(func: Any, words: list[str]) -> None:
    outgoing: asyncio.Queue[str] = asyncio.Queue()

    async def feed() -> None:
        for word in words:
            await asyncio.sleep(0.05)
            outgoing.put_nowait(word)

    expected = ["hoş geldiniz", *(f"yankı: {word}" for word in words), "hoşça kalın"]
    async with serve(_chat_app(len(words))) as server:
        feeder = asyncio.create_task(feed())
        try:
            got = await asyncio.wait_for(func(server.ws_url("/sohbet"), outgoing), timeout=scaled(3))
        except TimeoutError:
            raise Mismatch(
                "chat_client, sunucu bağlantıyı kapattıktan sonra dönmedi.",
                expected="sunucu kapatınca (dinleyici bitince) dönmesi",
                got=f"{scaled(3):g} saniyede dönmedi",
                hint="Kuyrukta yeni mesaj bekleyen gönderici kendiliğinden bitmez: iki görevi "
                "`asyncio.wait(..., return_when=asyncio.FIRST_COMPLETED)` ile bekleyin ve kalanı iptal edin. "
                "Gönderip sonra okumak ya da okuyup sonra göndermek sırayla işlemez.",
            ) from None
        finally:
            feeder.cancel()
            await asyncio.gather(feeder, return_exceptions=True)
        if got != expected:
            raise Mismatch(
                f"chat_client yanlış liste döndürdü ({len(words)} mesajlık sohbet).",
                expected=short(expected, 200),
                got=short(got, 200),
                hint="Dinleyici gelen her mesajı sırayla listeye eklesin; liste bağlantı kapanınca döndürülsün.",
            )
        outgoing.put_nowait("sızıntı")
        await asyncio.sleep(0.2)
        if outgoing.empty():
            raise Mismatch(
                "chat_client döndükten sonra gönderici görevi hâlâ çalışıyor.",
                expected="dönmeden önce bekleyen görevin iptal edilip beklenmesi",
                got="kuyruğa sonradan konan mesajı biri aldı",
                hint="`for task in pending: task.cancel()` ve ardından "
                "`await asyncio.gather(*pending, return_exceptions=True)`.",
            )


@exercise("3.3", title="Dinleyici ve gönderici görevleri", points=3)
async def listener_and_sender(ns: Namespace) -> None:
    func = ns.function("chat_client", is_async=True, params=2)
    await _chat_round(func, ["bir", "iki", "üç"])
    await _chat_round(func, ["tek"])


# --------------------------------------------------------------------------- 3.4


def _target_app() -> FastAPI:
    app = FastAPI()

    @app.websocket("/ws")
    async def chat(websocket: WebSocket) -> None:
        await websocket.accept()
        try:
            await websocket.send_text("Hoş geldiniz! Bağlı istemci: 1")
            while True:
                await websocket.send_text(f"Yankı: {await websocket.receive_text()}")
        except WebSocketDisconnect:
            pass

    @app.websocket("/sessiz")
    async def silent(websocket: WebSocket) -> None:
        await websocket.accept()
        try:
            async with asyncio.timeout(4):
                while True:
                    await websocket.receive_text()
        except TimeoutError:
            await websocket.close()
        except WebSocketDisconnect:
            pass

    @app.websocket("/kapanan")
    async def closing(websocket: WebSocket) -> None:
        await websocket.accept()
        try:
            await websocket.receive_text()
            await websocket.close(code=1000)
        except WebSocketDisconnect:
            pass

    return app


async def _bridge_get(http: httpx.AsyncClient, url: str, situation: str) -> tuple[httpx.Response, float]:
    started = time.monotonic()
    try:
        response = await http.get(url)
    except httpx.TimeoutException:
        raise Mismatch(
            f"Köprü yanıt vermedi ({situation}).",
            expected="en geç ~1 saniyede bir HTTP yanıtı",
            got=f"{scaled(3):g} saniyede yanıt gelmedi: istek asılı kaldı",
            hint="Bütün konuşmayı `async with asyncio.timeout(1):` içine alın; süre dolarsa 504 döndürün.",
        ) from None
    return response, time.monotonic() - started


def _expect_status(response: httpx.Response, status: int, situation: str, hint: str) -> None:
    try:
        body = response.json()
    except ValueError:
        body = response.text
    if response.status_code != status:
        raise Mismatch(
            f"Köprü {situation} yanlış durum kodu döndürdü.",
            expected=f"HTTP {status}",
            got=f"HTTP {response.status_code}: {short(body)}",
            hint=hint,
        )
    detail = body.get("detail") if isinstance(body, dict) else None
    if not isinstance(detail, str) or not detail.strip():
        raise Mismatch(
            f"HTTP {status} yanıtında bir açıklama yok ({situation}).",
            expected='{"detail": "<Türkçe bir açıklama>"}',
            got=short(body),
            hint='`raise HTTPException(status_code=..., detail="...")`',
        )


@exercise("3.4", title="HTTP→WebSocket köprüsü", points=3, timeout=20)
async def bridge(ns: Namespace) -> None:
    app = ns.get("kopru_app", FastAPI, what="bir FastAPI uygulaması")
    async with (
        serve(_target_app()) as target,
        run_app(app) as server,
        httpx.AsyncClient(timeout=scaled(3)) as http,
    ):
        app.state.hedef_url = target.ws_url("/ws")
        message = "çay demlendi"
        response, _ = await _bridge_get(http, server.url(f"/gonder/{message}"), "hedef çalışırken")
        want = {"sent": message, "response": f"Yankı: {message}"}
        try:
            body = response.json()
        except ValueError:
            body = response.text
        if response.status_code != 200 or body != want:
            raise Mismatch(
                "Köprünün yanıtı beklenen değil (hedef çalışıyor).",
                expected=f"HTTP 200 {short(want, 200)}",
                got=f"HTTP {response.status_code} {short(body, 200)}",
                hint="Hedef önce bir selam gönderir: ilk mesaj yanıt değildir. `'Yankı: {message}'` gelene dek okuyun."
                if body and "Hoş geldiniz" in str(body)
                else "Mesajı gönderip kendi yankınız gelene dek okuyun, sonra sözlüğü döndürün.",
            )

        app.state.hedef_url = target.ws_url("/sessiz")
        response, took = await _bridge_get(http, server.url("/gonder/merhaba"), "hedef hiç yanıt vermiyor")
        _expect_status(
            response,
            504,
            "hedef hiç yanıt vermediğinde",
            "Süre dolunca `asyncio.timeout` `TimeoutError` fırlatır; onu yakalayıp 504 döndürün "
            "(TimeoutError bir OSError'dır: önce onu yakalayın).",
        )
        if took > scaled(2.5):
            raise Mismatch(
                "504 çok geç geldi.",
                expected="yaklaşık 1 saniyede",
                got=f"{took:.1f} saniyede",
                hint="Zaman aşımı 1 saniye olmalı.",
            )

        app.state.hedef_url = target.ws_url("/kapanan")
        response, _ = await _bridge_get(http, server.url("/gonder/merhaba"), "hedef yanıt vermeden kapatıyor")
        _expect_status(
            response,
            502,
            "hedef yanıt vermeden bağlantıyı kapattığında",
            "`async for` döngüsü bağlantı kapanınca biter; döngüden yanıtsız çıkılırsa 502 döndürün.",
        )

        app.state.hedef_url = f"ws://127.0.0.1:{_free_port()}/ws"
        response, took = await _bridge_get(http, server.url("/gonder/merhaba"), "hedef kapalı")
        _expect_status(
            response,
            502,
            "hedef kapalıyken",
            "Kapalı bir sunucuya bağlanmak `OSError` (ConnectionRefusedError) fırlatır; 502 Bad Gateway döndürün.",
        )
        if took > scaled(1):
            raise Mismatch("Kapalı hedef için 502 geç geldi.", expected="hemen", got=f"{took:.1f} saniyede")
