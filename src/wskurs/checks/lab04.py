"""Lab 4 — Asenkron iletişimin temelleri: bloke etmeyen bekleme, ``gather``, ağır hesabı
loop'tan uzaklaştırmak, mesaj başına zaman aşımı ve unutulan ``await``.

Zaman ölçen kontrollerin eşikleri cömerttir ve yapısal bir farka dayanır: ör. üç istemciye
``time.sleep(0.5)`` ile hizmet etmek en az 1,5 saniye sürer, ``await asyncio.sleep(0.5)`` ile
yaklaşık 0,5 saniye; eşik ikisinin arasındadır.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
import time
from typing import Any

from fastapi import FastAPI, WebSocket, WebSocketDisconnect
from websockets.exceptions import ConnectionClosed, InvalidStatus
from websockets.sync.client import connect as sync_connect

from ..server import serve
from ..timing import scaled
from .client import STEP, open_ws, receive, send
from .core import Mismatch, Namespace, exercise, hidden_case, run_app
from .errors import RemoteError

__all__: list[str] = []

WORDS = ["stok", "satış", "müşteri", "ödeme", "iade", "kargo", "fatura", "şube", "ürün"]


def _texts(ns: Namespace, count: int) -> list[str]:
    """Her çalışmada başka, birbirinden farklı mesajlar."""
    return [f"{word} {ns.rng.randint(10, 999)}" for word in ns.rng.sample(WORDS, count)]


RAPOR_GECIKMESI = 0.5
"""Alıştırma 4.1'de her mesajın beklemesi (saniye)."""

HESAP_SURESI = 1.0
"""Alıştırma 4.3'te A istemcisinin istediği hesabın süresi (saniye)."""

YANKI_BEKLEMESI = 0.2
"""Alıştırma 4.3'te B istemcisinin, A'nın hesabı başladıktan kaç saniye sonra yankı istediği."""


def _coroutine_hint(reply: str) -> str | None:
    if "<coroutine object" in reply:
        return (
            "Yanıtta bir coroutine nesnesinin adı var: `websocket.receive_text()` ya da bir `async def` "
            "fonksiyon `await` edilmeden çağrılmış."
        )
    return None


@exercise("4.1", title="Bloke etmeyen bekleme", points=2)
async def non_blocking_wait(ns: Namespace) -> None:
    app = await ns.get("rapor_app", FastAPI, what="bir FastAPI uygulaması")
    texts = ["sorgu 1", *_texts(ns, 2)]
    async with run_app(app) as server:
        await _reports_at_once(server, texts)
        if ns.hidden:
            with hidden_case("beş istemci aynı anda sorduğunda da hepsinin yaklaşık 0,5 saniyede yanıt alması"):
                await _reports_at_once(server, _texts(ns, 5))


async def _reports_at_once(server: Any, texts: list[str]) -> None:
    async with contextlib.AsyncExitStack() as stack:
        sockets = [await stack.enter_async_context(await open_ws(server.ws_url("/rapor"))) for _ in texts]
        started = time.perf_counter()
        for ws, text in zip(sockets, texts, strict=True):
            await ws.send(text)
        replies = await asyncio.gather(
            *(
                receive(
                    ws,
                    f"{number}. istemcinin yanıtı",
                    timeout=scaled(STEP) + len(texts) * RAPOR_GECIKMESI,
                    hint="Her mesaja `await websocket.send_text(...)` ile yanıt verin.",
                )
                for number, ws in enumerate(sockets, start=1)
            )
        )
        elapsed = time.perf_counter() - started
        for reply, text in zip(replies, texts, strict=True):
            expected = f"rapor hazır: {text}"
            if reply != expected:
                raise Mismatch(
                    "Yanıt beklenen biçimde değil.",
                    expected=repr(expected),
                    got=repr(reply),
                    hint=_coroutine_hint(str(reply)) or 'Yanıt tam olarak f"rapor hazır: {mesaj}" olmalı.',
                )
        if elapsed >= (len(texts) - 0.6) * RAPOR_GECIKMESI:
            raise Mismatch(
                f"{len(texts)} istemci sırayla hizmet aldı: biri beklerken öbürleri de bekledi.",
                expected=f"bütün yanıtların yaklaşık {RAPOR_GECIKMESI:g} saniyede gelmesi",
                got=f"{len(texts)} yanıt {elapsed:.2f} saniyede geldi (≈ {len(texts)} × {RAPOR_GECIKMESI:g} s)",
                hint="`time.sleep` event loop'u kilitler; `async def` içinde `await asyncio.sleep(...)` kullanın.",
            )
        if elapsed < 0.9 * RAPOR_GECIKMESI:
            raise Mismatch(
                "Yanıtlar beklemeden geldi.",
                expected=f"her mesajda {RAPOR_GECIKMESI:g} saniyelik bekleme",
                got=f"{len(texts)} yanıt {elapsed:.2f} saniyede geldi",
                hint="Sorguyu taklit eden beklemeyi silmeyin: `await asyncio.sleep(0.5)`.",
            )
        await sockets[0].send(texts[-1])
        again = await receive(sockets[0], "aynı bağlantıdan ikinci mesajın yanıtı")
        if again != f"rapor hazır: {texts[-1]}":
            raise Mismatch(
                "Aynı bağlantıdan gelen ikinci mesaj yanıtlanmadı.",
                expected=repr(f"rapor hazır: {texts[-1]}"),
                got=repr(again),
                hint="Handler her mesajı bir `while True` döngüsünde karşılamalı.",
            )


_FRUIT_DELAYS = {"elma": 0.5, "armut": 0.1, "kiraz": 0.4, "erik": 0.2, "incir": 0.3}


@exercise("4.2", title="Hepsini aynı anda getir (gather)", points=3, timeout=20)
async def gather_all(ns: Namespace) -> None:
    fetch_all = await ns.function("hepsini_getir", is_async=True, params=2)
    gauge = {"now": 0, "max": 0}
    source = FastAPI()

    @source.websocket("/meyve")
    async def fruit(websocket: WebSocket) -> None:
        await websocket.accept()
        try:
            while True:
                name = await websocket.receive_text()
                gauge["now"] += 1
                gauge["max"] = max(gauge["max"], gauge["now"])
                try:
                    await asyncio.sleep(_FRUIT_DELAYS.get(name, 0.1))
                finally:
                    gauge["now"] -= 1
                await websocket.send_text(f"yanıt: {name}")
        except WebSocketDisconnect:
            pass

    async with serve(source) as server:
        url = server.ws_url("/meyve")
        shuffled = ns.rng.sample(list(_FRUIT_DELAYS), len(_FRUIT_DELAYS))
        twice = ns.rng.choice(list(_FRUIT_DELAYS))
        # Sınırlar: boş liste, tek mesaj, aynı mesaj iki kez (sıra ve sayı korunmalı).
        for names in (list(_FRUIT_DELAYS), shuffled, [], [twice], ["kiraz", twice, "elma", twice]):
            await _fetch_round(fetch_all, url, names, gauge)
        if ns.hidden:
            with hidden_case("12 mesajlık, tekrarlı bir listede sıra ve eşzamanlılık"):
                await _fetch_round(fetch_all, url, ns.rng.choices(list(_FRUIT_DELAYS), k=12), gauge)


async def _fetch_round(fetch_all: Any, url: str, names: list[str], gauge: dict[str, int]) -> None:
    gauge.update(now=0, max=0)
    started = time.perf_counter()
    try:
        got = await asyncio.wait_for(fetch_all(url, names), timeout=scaled(5))
    except TimeoutError:
        raise Mismatch(
            f"hepsini_getir(url, {names!r}) {scaled(5):g} saniyede bitmedi.",
            expected="bütün yanıtların bir saniye içinde gelmesi",
            got="zaman aşımı",
            hint="Her mesaj için `tek_getir(url, mesaj)` çağırıp hepsini `asyncio.gather` ile bekleyin.",
        ) from None
    except RemoteError as exc:
        raise Mismatch(
            f"hepsini_getir(url, {names!r}) hata verdi.",
            expected=f"{len(names)} yanıtlık bir liste",
            got=exc.error[:200],
            hint="Boş bir listeyle de çalışmalı: `asyncio.gather()` boş bir liste döndürür.",
        ) from None
    elapsed = time.perf_counter() - started
    expected = [f"yanıt: {name}" for name in names]
    if not isinstance(got, list | tuple) or list(got) != expected:
        raise Mismatch(
            f"hepsini_getir(url, {names!r}) yanlış sonuç döndürdü.",
            expected=repr(expected),
            got=repr(got),
            hint=(
                "Yanıtlar, mesajlarla aynı sırada bir liste olmalı; `asyncio.gather` sonuçları verilen "
                "sırayla döndürür (hangisinin önce bittiğine bakmaz)."
            ),
        )
    if len(names) > 2 and gauge["max"] < 3:
        raise Mismatch(
            "İstekler sırayla gitti: biri bitmeden öteki başlamadı.",
            expected=f"{len(names)} isteğin aynı anda sunucuda olması",
            got=f"sunucu aynı anda en fazla {gauge['max']} istek gördü; toplam {elapsed:.2f} s "
            f"(sırayla ≈ {sum(_FRUIT_DELAYS.get(name, 0.1) for name in names):g} s)",
            hint=(
                "Bir döngüde tek tek `await` etmek her isteği bir öncekinin bitmesine bağlar. Önce bütün "
                "coroutine'leri oluşturun, sonra `await asyncio.gather(*...)` ile birlikte bekleyin."
            ),
        )


def _echo_latency(url: str, connected: threading.Event, go: threading.Event, delay: float) -> float:
    """Ayrı bir thread'de, kendi bağlantısıyla: ``go`` işaretinden ``delay`` saniye sonra bir
    yankı ister ve yanıtın kaç saniyede geldiğini döndürür.

    Kontrolün kendi event loop'u öğrencinin handler'ı tarafından kilitlenebilir; o zaman o
    loop'taki bir istemci gecikmeyi hiç göremez. Bu yüzden ölçen istemci başka bir thread'de,
    senkron istemciyle çalışır.
    """
    with sync_connect(url, open_timeout=scaled(STEP), close_timeout=scaled(1)) as ws:
        connected.set()
        if not go.wait(scaled(5)):
            raise TimeoutError("başlama işareti gelmedi")
        time.sleep(delay)
        started = time.perf_counter()
        ws.send("ping")
        reply = ws.recv(timeout=scaled(3))
        latency = time.perf_counter() - started
    if reply != "ping":
        raise ValueError(f"yankı yerine {reply!r} geldi")
    return latency


@exercise("4.3", title="Ağır hesabı loop'tan uzaklaştır", points=3)
async def offload_cpu(ns: Namespace) -> None:
    app = await ns.get("hesap_app", FastAPI, what="bir FastAPI uygulaması")
    limit = min(scaled(0.3), HESAP_SURESI - YANKI_BEKLEMESI - 0.2)
    async with run_app(app) as server:
        worker = await open_ws(server.ws_url("/hesap"))
        async with worker:
            connected, go = threading.Event(), threading.Event()
            probe: asyncio.Future[Any] = asyncio.ensure_future(
                asyncio.to_thread(_echo_latency, server.ws_url("/yanki"), connected, go, YANKI_BEKLEMESI)
            )
            try:
                deadline = time.perf_counter() + scaled(STEP) + 1
                while not connected.is_set() and not probe.done() and time.perf_counter() < deadline:
                    await asyncio.sleep(0.01)
                started = time.perf_counter()
                await worker.send(f"{HESAP_SURESI:g}")
                go.set()
                latency = await probe
            except (TimeoutError, OSError, InvalidStatus, ConnectionClosed, ValueError) as exc:
                raise Mismatch(
                    "İkinci istemcinin `/yanki` isteği yanıtlanmadı.",
                    expected="`/yanki` endpoint'inin her mesajı aynen geri göndermesi",
                    got=f"{type(exc).__name__}: {exc}",
                    hint="`/yanki` endpoint'ini değiştirmeyin; hesap loop'u 3 saniyeden uzun kilitliyor olabilir.",
                ) from None
            finally:
                go.set()
                if not probe.done():
                    probe.cancel()
            reply = await receive(
                worker,
                f"'{HESAP_SURESI:g}' mesajının yanıtı ('bitti')",
                timeout=scaled(STEP) + HESAP_SURESI,
                hint='Hesap bitince `await websocket.send_text("bitti")` gönderin.',
            )
            elapsed = time.perf_counter() - started
        if reply != "bitti":
            raise Mismatch("Hesabın yanıtı beklenen değil.", expected=repr("bitti"), got=repr(reply))
        if elapsed < 0.9 * HESAP_SURESI:
            raise Mismatch(
                "Yanıt, hesap bitmeden geldi.",
                expected=f"`cpu_isi({HESAP_SURESI:g})` bittikten sonra 'bitti'",
                got=f"'bitti' {elapsed:.2f} saniyede geldi",
                hint="Hesabı başlatıp beklemeden yanıt vermeyin: sonucunu `await` edin.",
            )
        if latency > limit:
            raise Mismatch(
                "Hesap sürerken öteki bağlantı bekledi: event loop kilitlendi.",
                expected=f"`/yanki`nın {1000 * limit:.0f} ms içinde yanıt vermesi",
                got=f"yankı {1000 * latency:.0f} ms sürdü",
                hint=(
                    "`cpu_isi` await etmeden çalışır; `async def` içinde doğrudan çağırmak ya da "
                    "`await asyncio.create_task(...)` ile sarmak onu yine aynı loop'ta çalıştırır. "
                    "`await asyncio.to_thread(cpu_isi, saniye)` kullanın."
                ),
            )


@exercise("4.4", title="Mesaj başına zaman aşımı", points=2, timeout=20)
async def per_message_timeout(ns: Namespace) -> None:
    app = await ns.get("sorgu_app", FastAPI, what="bir FastAPI uygulaması")
    limit = await ns.read("ZAMAN_ASIMI", (int, float), what="bir sayı (saniye)")
    # İlk üçü sabit; sonra her çalışmada başka süreler. Sınır: sınırın altında kalan 0,6 saniyelik
    # bir yanıt zaman aşımı sayılmamalı; art arda iki zaman aşımından sonra bağlantı yine çalışmalı.
    quick = [f"{ns.rng.randint(5, 30) / 100:g}" for _ in range(2)]
    plan = ["0.1", "5", "0.2", quick[0], "0.6", f"{ns.rng.randint(3, 6)}", "4", quick[1]]
    if ns.hidden:
        plan += ["3", "0.05"]
    async with run_app(app) as server:
        ws = await open_ws(server.ws_url("/sorgu"))
        async with ws:
            for step, message in enumerate(plan, start=1):
                expected = "zaman aşımı" if float(message) >= 2 * limit else f"sonuç: {message}"
                started = time.perf_counter()
                await send(
                    ws,
                    message,
                    hint="Bir mesajın zaman aşımı bağlantıyı bitirmemeli: sınırı (`asyncio.timeout`) bütün "
                    "döngüye değil, döngünün içinde yalnız `await dis_servis(mesaj)` çağrısına koyun.",
                )
                reply = await receive(
                    ws,
                    f"{step}. mesajın ('{message}') yanıtı ({expected!r})",
                    timeout=scaled(STEP) + limit,
                    hint=(
                        f"`dis_servis('{message}')` {message} saniye sürüyor; `async with "
                        "asyncio.timeout(ZAMAN_ASIMI):` ile sınırlayın ve `TimeoutError`'da 'zaman aşımı' gönderin."
                        if expected == "zaman aşımı"
                        else "Her mesajda `await dis_servis(mesaj)` sonucunu gönderin; bağlantı bir zaman "
                        "aşımından sonra da açık kalmalı."
                    ),
                )
                elapsed = time.perf_counter() - started
                if reply != expected:
                    raise Mismatch(
                        f"{step}. mesajın ('{message}') yanıtı yanlış.",
                        expected=repr(expected),
                        got=repr(reply),
                        hint=_coroutine_hint(reply)
                        or "Zaman aşımı yalnız o mesajın `dis_servis` çağrısını sınırlamalı, bütün bağlantıyı değil.",
                    )
                if expected == "zaman aşımı" and elapsed < 0.8 * limit:
                    raise Mismatch(
                        "'zaman aşımı' çok erken geldi.",
                        expected=f"yaklaşık {limit:g} saniye beklendikten sonra 'zaman aşımı'",
                        got=f"{elapsed:.2f} saniye sonra",
                        hint="Süreyi kendiniz tahmin etmeyin: `asyncio.timeout(ZAMAN_ASIMI)` kullanın.",
                    )


@exercise("4.5", title="Unutulan await", points=2)
async def forgotten_await(ns: Namespace) -> None:
    app = await ns.get("kayit_app", FastAPI, what="bir FastAPI uygulaması")
    before = len(await ns.read("gunluk", list, what="bir liste"))
    async with run_app(app) as server:
        ws = await open_ws(server.ws_url("/kayit"))
        async with ws:
            messages = ["kayıt 1", *_texts(ns, 2)]
            for message in messages:
                await ws.send(message)
                reply = await receive(
                    ws,
                    f"'{message}' mesajının yanıtı",
                    timeout=scaled(STEP),
                    hint="`websocket.send_text(...)` bir coroutine döndürür: başına `await` yazılmazsa hiçbir "
                    "şey gönderilmez.",
                )
                expected = f"kaydedildi: {message}"
                if reply != expected:
                    raise Mismatch(
                        "Yanıt beklenen biçimde değil.",
                        expected=repr(expected),
                        got=repr(reply),
                        hint=_coroutine_hint(reply) or 'Yanıt tam olarak f"kaydedildi: {mesaj}" olmalı.',
                    )
            written = (await ns.read("gunluk"))[before:]
        if written != messages:
            raise Mismatch(
                "Mesajlar `gunluk`e yazılmadı.",
                expected=f"gunluk'e eklenenler: {messages!r}",
                got=f"gunluk'e eklenenler: {written!r}",
                hint=(
                    "`kaydet(mesaj)` yalnız bir coroutine nesnesi oluşturur; `await` edilmezse gövdesi hiç çalışmaz "
                    "(Python: RuntimeWarning: coroutine 'kaydet' was never awaited)."
                ),
            )
