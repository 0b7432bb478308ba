"""Lab 3 — WebSocket istemcileri: mesaj türleri, üstel beklemeyle yeniden bağlanma, dinleyici
ve gönderici görevleri, HTTP→WebSocket köprüsü.

Kontroller yargıçta çalışır: hedef sunucular yargıcındır, öğrencinin fonksiyonları çekirdekte
yargıcın seçtiği girdilerle (her çalışmada başka) çağrılır.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import time
from typing import Any
from urllib.parse import quote

import httpx
from fastapi import FastAPI, WebSocket, WebSocketDisconnect
from websockets.asyncio.client import ClientConnection

from wskurs.checks.client import open_ws, receive, short
from wskurs.checks.core import Mismatch, Namespace, exercise, hidden_case, run_app
from wskurs.checks.errors import RemoteError
from wskurs.checks.remote import RemoteFunction, Rendezvous, not_concurrent
from wskurs.engine.ports import free_port
from wskurs.engine.server import serve
from wskurs.engine.timing import scaled

__all__: list[str] = []

WORDS = ["merhaba", "çay", "öğle", "şimşek", "İzmir", "ılık", "güneş", "kitap", "yol"]


def _phrase(ns: Namespace, words: int = 2) -> str:
    return " ".join(ns.rng.sample(WORDS, words)) + f" {ns.rng.randint(10, 999)}"


# --------------------------------------------------------------------------- 3.1


def _expected_parse(frame: str | bytes) -> list[Any]:
    """Referans: ``parse_message``'ın beklenen sonucu (JSON'dan geçtiği için liste)."""
    if isinstance(frame, bytes):
        return ["ikili", frame]
    try:
        value = json.loads(frame)
    except json.JSONDecodeError:
        return ["metin", frame]
    return ["json", value] if isinstance(value, dict) else ["metin", frame]


def _frames(ns: Namespace) -> list[str | bytes]:
    """İlk dokuzu sabit; sınırlar (boş metin, boş nesne, boş bayt, ``null``) ve her çalışmada başka mesajlar."""
    word, number = ns.rng.choice(WORDS), ns.rng.randint(0, 10_000)
    varied: list[str | bytes] = [
        json.dumps({"type": "mesaj", "user": word, "n": number}, ensure_ascii=False),
        f"{word} {number}",
        str(number),
        json.dumps([word, number], ensure_ascii=False),
        json.dumps({"iç": {"liste": [number, word]}}, ensure_ascii=False).encode(),
        ns.rng.randbytes(ns.rng.randint(1, 16)),
        "{" + word,
    ]
    ns.rng.shuffle(varied)
    return [
        "merhaba",
        '{"type": "mesaj", "user": "Ali"}',
        "42",
        '"tırnaklı metin"',
        "[1, 2, 3]",
        "{bozuk json",
        bytes([10, 20, 30, 40]),
        b'{"type": "mesaj"}',
        '{"iç": {"liste": [1, "ğ"]}}',
        # sınırlar
        "",
        "{}",
        "null",
        b"",
        '  {"boşluklu": true}  ',
        *varied,
    ]


@exercise("3.1", title="Metin, JSON ya da ikili", points=2)
async def parse(ns: Namespace) -> None:
    parse_message = await ns.function("parse_message", is_async=False, params=1)
    frames = _frames(ns)
    source = FastAPI()

    @source.websocket("/karisik")
    async def mixed(websocket: WebSocket) -> None:
        await websocket.accept()
        for frame in frames:
            if isinstance(frame, bytes):
                await websocket.send_bytes(frame)
            else:
                await websocket.send_text(frame)
        await websocket.close()

    async with serve(source) as server:
        ws = await open_ws(server.ws_url("/karisik"))
        async with ws:
            for index in range(1, len(frames) + 1):
                message = await receive(ws, f"{index}. mesaj", text=False)
                await _parse_one(parse_message, message)
    if ns.hidden:
        with hidden_case("büyük bir JSON nesnesinin ve \\u kaçışlı metnin ayrıştırılması"):
            await _parse_one(parse_message, json.dumps({f"k{i}": list(range(i)) for i in range(300)}))
            await _parse_one(parse_message, '{"ad": "\\u00e7\\u0131\\u011f"}')


async def _parse_one(parse_message: RemoteFunction, message: str | bytes) -> None:
    expected = _expected_parse(message)
    try:
        got = await parse_message(message)
    except RemoteError as exc:
        raise Mismatch(
            f"parse_message({short(message)}) hata verdi.",
            expected=short(tuple(expected)),
            got=exc.error,
            hint="Her mesaj JSON değildir: `json.loads`'u `try`/`except json.JSONDecodeError` "
            "içinde çağırın; `bytes` gelirse hiç ayrıştırmayın.",
        ) from None
    if not isinstance(got, list) or got != expected or type(got[1]) is not type(expected[1]):
        raise Mismatch(
            f"parse_message({short(message)}) yanlış sonuç verdi.",
            expected=short(tuple(expected)),
            got=short(tuple(got) if isinstance(got, list) else got),
            hint=_parse_hint(message),
        )


def _parse_hint(message: str | bytes) -> str:
    if isinstance(message, bytes):
        return "`recv()` ikili bir mesaj için `bytes` döndürür: içinde JSON olsa bile bu bir ikili mesajdır."
    try:
        value = json.loads(message)
    except json.JSONDecodeError:
        return "Ayrıştırılamayan metin (boş metin de) düz metindir: ('metin', mesaj)."
    if not isinstance(value, dict):
        return 'Yalnızca JSON *nesnesi* ({...}) bir JSON mesajıdır; 42, null, "..." ya da [...] düz metin sayılır.'
    return "JSON nesnesi (boş `{}` de) için ('json', json.loads(mesaj)) döndürün."


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


async def _retries_together(func: RemoteFunction) -> None:
    """İki ``connect_with_retry`` aynı anda: ilk denemeleri yargıcın sunucusunda buluşmalı. Bekleme
    sürelerini yargıç ölçer ama ``time.sleep`` ve senkron istemci de doğru süreleri üretir; loop'u
    kilitlemediğini (``async def`` olduğunu, aracının sözüne değil) bu buluşma gösterir."""
    together = Rendezvous()
    app = FastAPI()

    @app.websocket("/ws")
    async def refuse(websocket: WebSocket) -> None:
        async with together.present():
            await websocket.close(code=1013)

    async with serve(app) as server:
        limit = scaled(5 + together.wait)
        calls = [asyncio.wait_for(func(server.ws_url("/ws"), 1, 0.05, 0.05), timeout=limit) for _ in range(2)]
        await asyncio.gather(*calls, return_exceptions=True)
    if not together.met:
        raise not_concurrent("connect_with_retry(url, 1, 0.05, 0.05)", "connect_with_retry")


def _delays(attempts: int, base: float, cap: float) -> list[float]:
    return [min(base * 2**k, cap) for k in range(attempts - 1)]


_CONNECTION_ERRORS = (
    "ConnectionError",
    "ConnectionRefusedError",
    "ConnectionResetError",
    "ConnectionAbortedError",
    "BrokenPipeError",
)


TIMING_TRIES = 3
"""Beklemeler en çok bu kadar kez ölçülür. Yüklü bir makinede doğru bir cevabın tek bir ölçümü
toleransın dışına düşebilir (bir deneme zamanlayıcıda birkaç on milisaniye gecikir); yanlış bir
beklemenin her ölçümü yanlıştır. Deneme sayısı ve hata türü ölçüme bağlı değildir, tekrarlanmaz."""


JITTER_FLOOR = 0.5
"""Bir beklemenin kendi değerine (``min(base * 2**k, cap)``) oranla en kısası: 3. bölümün eşit jitter'ı
(``random.uniform(d / 2, d)``) kabul edilir. Tam jitter (``uniform(0, d)``) kabul edilmez: beklemenin hiçbir
parçası sabit kalmayınca yargıç büyümeyi ve tavanı ölçemez (lab'ın metni bunu söyler)."""

AFTER_LAST_MIN = 0.3
"""Son denemeden sonraki gereksiz bekleme en az bu kadar (sn) olacaksa ölçülür."""


async def _retry_must_fail(func: RemoteFunction, attempts: int, base: float, cap: float) -> None:
    """Her el sıkışmayı reddeden sunucuya karşı ``connect_with_retry``: deneme sayısı, hata ve
    beklemeler. Beklemeler tutmazsa ölçüm ``TIMING_TRIES`` kez yapılır; biri tutarsa yeter."""
    problem: Mismatch | None = None
    for _ in range(TIMING_TRIES):
        times, ended = await _refused_attempts(func, attempts, base, cap)
        problem = _timing_mismatch(times, ended, base, cap)
        if problem is None:
            return
    assert problem is not None
    problem.problem = problem.problem.removesuffix(".") + f" ({TIMING_TRIES} ölçümün hepsinde)."
    raise problem


async def _refused_attempts(func: RemoteFunction, attempts: int, base: float, cap: float) -> tuple[list[float], float]:
    """Fonksiyonu reddeden sunucuya karşı çağırır.

    Returns:
        (sunucunun her denemeyi gördüğü anlar, fonksiyonun ConnectionError fırlattığı an)
    """
    times: list[float] = []
    call = f"connect_with_retry(url, {attempts}, {base:g}, {cap:g})"
    limit = scaled(2 + sum(_delays(attempts, base, cap)) * 2)
    async with serve(_refusing_app(times)) as server:
        try:
            result = await asyncio.wait_for(func(server.ws_url("/ws"), attempts, base, cap), timeout=limit)
        except TimeoutError:
            raise Mismatch(
                f"{call} bitmedi.",
                expected=f"{attempts} denemeden sonra ConnectionError",
                got=f"{len(times)} deneme yapıldı ve fonksiyon {limit:g} saniyede dönmedi",
                hint="Deneme sayısı `attempts` ile sınırlı olmalı; sonsuz bir döngü kurmayın.",
            ) from None
        except RemoteError as exc:
            if exc.error.split(":", 1)[0] not in _CONNECTION_ERRORS:
                raise Mismatch(
                    f"{call} yanlış bir hata fırlattı.",
                    expected="ConnectionError",
                    got=exc.error[:200],
                    hint="Başarısız bir deneme `OSError` ya da `InvalidStatus` (sunucu el sıkışmayı reddetti, "
                    "burada HTTP 403) fırlatır; ikisini de yakalayın, denemeler bitince ConnectionError fırlatın.",
                ) from None
            ended = time.monotonic()
        else:
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
    return times, ended


def _timing_mismatch(times: list[float], ended: float, base: float, cap: float) -> Mismatch | None:
    """Denemeler arasındaki ve son denemeden sonraki bekleme; tutmuyorsa ne yanlış."""
    attempts = len(times)
    call = f"connect_with_retry(url, {attempts}, {base:g}, {cap:g})"
    expected = _delays(attempts, base, cap)
    gaps = [round(b - a, 3) for a, b in itertools.pairwise(times)]
    for index, (gap, want) in enumerate(zip(gaps, expected, strict=True)):
        if not want * JITTER_FLOOR * 0.8 <= gap <= want * 1.5 + scaled(0.1):
            return Mismatch(
                f"{call}: {index + 1}. başarısız denemeden sonraki bekleme yanlış.",
                expected=f"beklemeler (sn) {[round(d, 3) for d in expected]} "
                "(eşit jitter'la her biri kendi değerinin yarısıyla tamamı arasında)",
                got=f"ölçülen aralıklar (sn) {gaps}",
                hint=f"k. başarısız denemeden sonra (k=0, 1, ...) d = min(base_delay * 2**k, max_delay) saniye "
                f"bekleyin (ya da bölümdeki gibi `random.uniform(d / 2, d)`); tavan ({cap:g} sn) üstel büyümeyi "
                "sınırlar."
                + (
                    " Bekleme çok kısa: her başarısız denemede iki katına çıkmalı."
                    if gap < want * JITTER_FLOOR * 0.8
                    else ""
                ),
            )
    # Son denemeden sonra bekleyen bir cevap ``extra`` kadar geç biter; hatanın çekirdekten yargıca
    # gelişi de (yüklü makinede on milisaniyeler) bu süreye girer. Kısa bir fazla bekleme bu gecikmeden
    # ayırt edilemez: yalnızca en az AFTER_LAST_MIN saniyelik olanı ölçülür (ilk ve tek denemeli çağrılar).
    extra = min(base * 2 ** (attempts - 1), cap)
    after_last = ended - times[-1]
    if extra >= AFTER_LAST_MIN and after_last > extra * 0.5 + scaled(0.15):
        return Mismatch(
            f"{call}: son denemeden sonra da beklendi.",
            expected="son başarısız denemeden hemen sonra ConnectionError",
            got=f"{after_last:.2f} sn sonra",
            hint="Bir deneme daha yapılmayacaksa beklemenin anlamı yok.",
        )
    return None


@exercise("3.2", title="Üstel beklemeyle yeniden bağlanma", points=3, timeout=25)
async def retry(ns: Namespace) -> None:
    func = await ns.function("connect_with_retry", is_async=True, params=4)
    # Büyüme: 0.02, 0.04, …, 0.64. Eşit jitter'la her bekleme yarısına inebilir; doğrusal büyüme
    # (0.02 * (k + 1)) altıncı beklemede alt sınırın (0.4 * 0.64) belirgin altında kalır (0.12): yüklü bir
    # makinede zamanlayıcının eklediği on milisaniyeler onu sınırın üstüne taşıyamaz.
    await _retry_must_fail(func, attempts=7, base=0.02, cap=1.0)
    # Tavan, her çalışmada başka bir denemede devreye girer: 0.04…, sonra sabit. Tavandan sonra en az iki
    # bekleme gelir: tavanı yok sayan bir cevabın ikinci beklemesi tavanın dört katıdır; toleransa sığmaz.
    base = ns.rng.choice([0.04, 0.05, 0.06])
    doublings = ns.rng.randint(1, 2)
    # Tavandan sonra en az üç bekleme: tavansız bir eşit jitter'ın üçüncüsü en az tavanın dört katıdır.
    attempts = doublings + 5 + ns.rng.randint(0, 1)
    await _retry_must_fail(func, attempts=attempts, base=base, cap=base * 2**doublings)
    # Sınır: tek deneme hakkı — hiç beklemeden ConnectionError.
    await _retry_must_fail(func, attempts=1, base=0.8, cap=0.8)
    if ns.hidden:
        with hidden_case("tavan taban beklemeden küçükken her beklemenin tavanda kalması"):
            # Bekleme 0,25 sn: tavanı yalnızca büyümeye uygulayan cevabın ilk beklemesi (0,5) toleransı aşar.
            await _retry_must_fail(func, attempts=3, base=0.5, cap=0.25)
    await _retries_together(func)

    port = free_port()
    # 10 deneme, en çok 0,4 sn beklemeyle ~2,8 sn: yüklü makinede sunucunun açılışı da sığar.
    call = "connect_with_retry(url, 10, 0.05, 0.4)"
    task = asyncio.create_task(func.new(f"ws://127.0.0.1:{port}/ws", 10, 0.05, 0.4))
    try:
        await asyncio.sleep(0.3)  # sunucu kapalı: ilk denemeler "connection refused" alır
        if task.done():
            exc = task.exception()
            raise Mismatch(
                f"{call}: sunucu kapalıyken fonksiyon hemen bitti.",
                expected="sunucu açılana dek yeniden denemesi",
                got=exc.error[:200] if isinstance(exc, RemoteError) else "bir değer döndürdü",
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
            except RemoteError as exc:
                raise Mismatch(
                    f"{call}: sunucu yeniden açılınca bağlanamadı.",
                    expected="açık bir bağlantı",
                    got=exc.error[:200],
                    hint="Denemeler arasında beklerken vazgeçmeyin: 10 deneme, en çok 0.4 sn beklemeyle, ~3 sn sürer.",
                ) from None
            if not ws.description.is_instance(ClientConnection):
                raise Mismatch(
                    f"{call} bir bağlantı döndürmedi.",
                    expected="`await connect(url)`'in sonucu (ClientConnection)",
                    got=f"{ws.description.type}: {ws.description.repr}",
                )
            text = _phrase(ns)
            try:
                await ws.method("send", text)
                reply = await asyncio.wait_for(ws.method("recv"), timeout=scaled(3))
            except (RemoteError, TimeoutError):
                reply = None
            finally:
                await ws.method("close")
            if reply != f"Yankı: {text}":
                raise Mismatch(
                    "Dönen bağlantı beklenen sunucuya gitmiyor.",
                    expected=repr(f"Yankı: {text}"),
                    got=short(reply),
                    hint="Bağlantıyı kapatmadan döndürün (`async with connect(...)` bloğundan dönmeyin).",
                )
    finally:
        if not task.done():
            task.cancel()
        await asyncio.gather(task, return_exceptions=True)


# --------------------------------------------------------------------------- 3.3


def _chat_app(rounds: int, close_code: int) -> FastAPI:
    app = FastAPI()

    @app.websocket("/sohbet")
    async def chat(websocket: WebSocket) -> None:
        await websocket.accept()
        try:
            await websocket.send_text("hoş geldiniz")
            for _ in range(rounds):
                await websocket.send_text(f"yankı: {await websocket.receive_text()}")
            await websocket.send_text("hoşça kalın")
            await websocket.close(code=close_code)
        except WebSocketDisconnect:
            pass

    return app


async def _drain(queue: Any) -> None:
    for _ in range(1000):
        try:
            await queue.method("get_nowait")
        except RemoteError:
            return


async def _chat_round(
    ns: Namespace, func: RemoteFunction, queue: Any, words: list[str], close_code: int = 1000
) -> None:
    await _drain(queue)

    async def feed() -> None:
        for word in words:
            await asyncio.sleep(ns.rng.uniform(0.03, 0.08))
            await queue.method("put_nowait", word)

    expected = ["hoş geldiniz", *(f"yankı: {word}" for word in words), "hoşça kalın"]
    async with serve(_chat_app(len(words), close_code)) as server:
        feeder = asyncio.create_task(feed())
        try:
            got = await asyncio.wait_for(func(server.ws_url("/sohbet")), timeout=scaled(3))
        except TimeoutError:
            raise Mismatch(
                f"chat_client, sunucu bağlantıyı kapattıktan sonra dönmedi ({len(words)} mesajlık sohbet).",
                expected="sunucu kapatınca (dinleyici bitince) dönmesi",
                got=f"{scaled(3):g} saniyede dönmedi",
                hint="Kuyrukta yeni mesaj bekleyen gönderici kendiliğinden bitmez: iki görevi "
                "`asyncio.wait(..., return_when=asyncio.FIRST_COMPLETED)` ile bekleyin ve kalanı iptal edin. "
                "Gönderip sonra okumak ya da okuyup sonra göndermek sırayla işlemez.",
            ) from None
        except RemoteError as exc:
            raise Mismatch(
                f"chat_client hata verdi ({len(words)} mesajlık sohbet).",
                got=exc.error[:200],
                hint="Sunucu 1000 dışında bir kodla kapatınca `async for` `ConnectionClosedError` fırlatabilir; "
                "dinleyicinin hatası `asyncio.wait`'in döndürdüğü görevde kalır.",
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
        await queue.method("put_nowait", "sızıntı")
        await asyncio.sleep(0.2)
        left = await queue.method("qsize")
        await _drain(queue)
        if left == 0:
            raise Mismatch(
                "chat_client döndükten sonra gönderici görevi hâlâ çalışıyor.",
                expected="dönmeden önce bekleyen görevin iptal edilip beklenmesi",
                got="kuyruğa sonradan konan mesajı biri aldı",
                hint="`for task in pending: task.cancel()` ve ardından "
                "`await asyncio.gather(*pending, return_exceptions=True)`.",
            )


@exercise("3.3", title="Dinleyici ve gönderici görevleri", points=3, timeout=20)
async def listener_and_sender(ns: Namespace) -> None:
    func = await ns.function("chat_client", is_async=True, params=1)
    queue = await ns.get("giden", asyncio.Queue, what="bir `asyncio.Queue` (hazır hücrede: `giden = asyncio.Queue()`)")
    await _chat_round(ns, func, queue, ["bir", "iki", "üç"])
    await _chat_round(ns, func, queue, ns.rng.sample(WORDS, ns.rng.randint(1, 4)))
    # Sınır: sunucu hiçbir mesaj beklemeden selamlayıp kapatıyor; gönderici hiç göndermez.
    await _chat_round(ns, func, queue, [])
    if ns.hidden:
        with hidden_case("sunucu 1001 (ayrılıyor) koduyla kapattığında da listenin döndürülmesi"):
            await _chat_round(ns, func, queue, ns.rng.sample(WORDS, 2), close_code=1001)
    await _chats_together(func)


async def _chats_together(func: RemoteFunction) -> None:
    """İki ``chat_client`` aynı anda: bağlantıları yargıcın sunucusunda buluşmalı (loop kilitlenmiyor;
    ``async def`` olduğu aracının sözüne değil bu gözleme dayanır)."""
    together = Rendezvous()
    app = FastAPI()

    @app.websocket("/sohbet")
    async def chat(websocket: WebSocket) -> None:
        await websocket.accept()
        async with together.present():
            try:
                await websocket.send_text("hoş geldiniz")
                await websocket.send_text("hoşça kalın")
                await websocket.close(code=1000)
            except WebSocketDisconnect:
                pass

    expected = ["hoş geldiniz", "hoşça kalın"]
    async with serve(app) as server:
        calls = [asyncio.wait_for(func(server.ws_url("/sohbet")), timeout=scaled(3 + together.wait)) for _ in range(2)]
        results = await asyncio.gather(*calls, return_exceptions=True)
    if together.met:
        for got in results:
            if got != expected:
                raise Mismatch(
                    "Aynı anda çalışan iki chat_client'tan biri yanlış sonuç verdi.",
                    expected=short(expected),
                    got=short(got if not isinstance(got, BaseException) else type(got).__name__),
                    hint="Her çağrı kendi listesini ve görevlerini tutsun; ortak (modül düzeyinde) liste kullanmayın.",
                )
        return
    raise not_concurrent("chat_client(url)", "chat_client")


# --------------------------------------------------------------------------- 3.4


def _target_app(decoy: str) -> FastAPI:
    app = FastAPI()

    @app.websocket("/ws")
    async def chat(websocket: WebSocket) -> None:
        await websocket.accept()
        try:
            await websocket.send_text("Hoş geldiniz! Bağlı istemci: 2")
            while True:
                message = await websocket.receive_text()
                # Önce başka bir istemcinin yankısı (yayın) gelir: kendi yankınız değildir.
                await websocket.send_text(f"Yankı: {decoy}")
                await websocket.send_text(f"Yankı: {message}")
        except WebSocketDisconnect:
            pass

    @app.websocket("/yavas")
    async def slow(websocket: WebSocket) -> None:
        await websocket.accept()
        try:
            message = await websocket.receive_text()
            await asyncio.sleep(0.4)
            await websocket.send_text(f"Yankı: {message}")
            await websocket.receive_text()
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
            await websocket.send_text("Hoş geldiniz!")
            await websocket.close(code=1000)
        except WebSocketDisconnect:
            pass

    @app.websocket("/reddeden")
    async def refusing(websocket: WebSocket) -> None:
        await websocket.close(code=1008)  # accept'ten önce: HTTP 403

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


async def _expect_echo(http: httpx.AsyncClient, server: Any, message: str, situation: str) -> None:
    response, _ = await _bridge_get(http, server.url(f"/gonder/{quote(message)}"), situation)
    want = {"sent": message, "response": f"Yankı: {message}"}
    try:
        body = response.json()
    except ValueError:
        body = response.text
    if response.status_code != 200 or body != want:
        text = str(body)
        raise Mismatch(
            f"Köprünün yanıtı beklenen değil ({situation}).",
            expected=f"HTTP 200 {short(want, 200)}",
            got=f"HTTP {response.status_code} {short(body, 200)}",
            hint="Hedef önce bir selam gönderir: ilk mesaj yanıt değildir. `'Yankı: {message}'` gelene dek okuyun."
            if "Hoş geldiniz" in text
            else "Başka bir istemcinin yankısı da gelebilir: tam olarak `'Yankı: ' + message` gelene dek okuyun."
            if "Yankı:" in text
            else "Mesajı gönderip kendi yankınız gelene dek okuyun, sonra sözlüğü döndürün.",
        )


@exercise("3.4", title="HTTP→WebSocket köprüsü", points=3, timeout=30)
async def bridge(ns: Namespace) -> None:
    factory = await ns.function("kopru_uygulamasi", is_async=False, params=1)
    message, decoy = _phrase(ns), _phrase(ns)
    async with serve(_target_app(decoy)) as target, httpx.AsyncClient(timeout=scaled(3), trust_env=False) as http:

        async def bridge_to(path: str) -> Any:
            app = await factory.new(target.ws_url(path) if path.startswith("/") else path)
            if not app.description.is_instance(FastAPI):
                raise Mismatch(
                    "`kopru_uygulamasi(hedef_url)` bir FastAPI uygulaması döndürmeli.",
                    expected="FastAPI",
                    got=f"{app.description.type}: {app.description.repr}",
                    hint="Fonksiyonun sonunda `return kopru_app`.",
                )
            return run_app(app)

        async with await bridge_to("/ws") as server:
            await _expect_echo(http, server, message, "hedef çalışırken")
        async with await bridge_to("/yavas") as server:
            await _expect_echo(http, server, _phrase(ns), "hedef 0,4 saniyede yanıt verirken")

        async with await bridge_to("/sessiz") as server:
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

        async with await bridge_to("/kapanan") as server:
            response, _ = await _bridge_get(http, server.url("/gonder/merhaba"), "hedef yanıt vermeden kapatıyor")
            _expect_status(
                response,
                502,
                "hedef yanıt vermeden bağlantıyı kapattığında",
                "`async for` döngüsü bağlantı kapanınca biter; döngüden yanıtsız çıkılırsa 502 döndürün.",
            )

        async with await bridge_to(f"ws://127.0.0.1:{free_port()}/ws") as server:
            response, took = await _bridge_get(http, server.url("/gonder/merhaba"), "hedef kapalı")
            _expect_status(
                response,
                502,
                "hedef kapalıyken",
                "Kapalı bir sunucuya bağlanmak `OSError` (ConnectionRefusedError) fırlatır; 502 Bad Gateway döndürün.",
            )
            if took > scaled(1):
                raise Mismatch("Kapalı hedef için 502 geç geldi.", expected="hemen", got=f"{took:.1f} saniyede")

        if ns.hidden:
            with hidden_case("hedef el sıkışmayı reddettiğinde (HTTP 403) 502 Bad Gateway"):
                async with await bridge_to("/reddeden") as server:
                    response, _ = await _bridge_get(http, server.url("/gonder/merhaba"), "hedef reddediyor")
                    _expect_status(response, 502, "hedef el sıkışmayı reddettiğinde", "`InvalidStatus`'u da yakalayın.")
