"""Lab 4 — Asenkron iletişimin temelleri: bloke etmeyen bekleme, ``gather``, ağır hesabı
loop'tan uzaklaştırmak, mesaj başına zaman aşımı ve unutulan ``await``.

Zaman ölçen kontrollerin eşikleri cömerttir ve yapısal bir farka dayanır: ör. üç istemciye
``time.sleep(0.5)`` ile hizmet etmek en az 1,5 saniye sürer, ``await asyncio.sleep(0.5)`` ile
yaklaşık 0,5 saniye; eşik ikisinin arasındadır.
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections import Counter
from collections.abc import Callable
from typing import Any

from fastapi import FastAPI, WebSocket, WebSocketDisconnect
from websockets.exceptions import ConnectionClosed, InvalidStatus
from websockets.sync.client import connect as sync_connect

from wskurs.checks.client import STEP, open_ws, receive, send
from wskurs.checks.core import Mismatch, Namespace, exercise, hidden_case, run_app
from wskurs.checks.errors import RemoteError
from wskurs.checks.remote import Rendezvous, not_concurrent
from wskurs.engine.clients import wait_until
from wskurs.engine.server import serve
from wskurs.engine.timing import scaled

__all__: list[str] = []

WORDS = ["stok", "satış", "müşteri", "ödeme", "iade", "kargo", "fatura", "şube", "ürün"]


def _texts(ns: Namespace, count: int) -> list[str]:
    """Her çalışmada başka, birbirinden farklı mesajlar."""
    return [f"{word} {ns.rng.randint(10, 999)}" for word in ns.rng.sample(WORDS, count)]


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


@exercise("4.1", title="Bir bağlantıda aynı anda birden çok iş", points=2, timeout=20)
async def concurrent_in_one_connection(ns: Namespace) -> None:
    app = await ns.get("rapor_app", FastAPI, what="bir FastAPI uygulaması")
    long = ns.rng.choice(["0.8", "0.85", "0.9"])
    async with run_app(app) as server:
        # Uzun, kısa, orta: yanıtlar bitiş sırasıyla (kısa, orta, uzun) gelmeli.
        await _reports_in_order(server, [long, "0.1", "0.4"])
        # Sınırlar: aynı süre iki kez (ikisi de yanıtlanır); sıfır saniyelik rapor.
        short = f"{ns.rng.randint(5, 15) / 100:g}"
        await _reports_in_order(server, [long, short, short, "0"])
        if ns.hidden:
            with hidden_case("beş farklı süreli raporun bitiş sırasıyla gelmesi"):
                await _reports_in_order(server, ["0.9", "0.7", "0.5", "0.3", "0.1"])
        await _no_report_left_behind(ns, server)


async def _reports_in_order(server: Any, texts: list[str]) -> None:
    ws = await open_ws(server.ws_url("/rapor"))
    async with ws:
        started = time.perf_counter()
        for text in texts:
            await ws.send(text)
        expected = [f"rapor hazır: {text}" for text in sorted(texts, key=float)]
        longest = max(float(text) for text in texts)
        replies: list[str] = []
        for _ in texts:
            replies.append(
                str(
                    await receive(
                        ws,
                        f"{len(replies) + 1}. rapor",
                        timeout=scaled(STEP) + sum(float(text) for text in texts),
                        hint="Her mesajın raporunu gönderin; istemci ayrılmadan görevleri iptal etmeyin.",
                    )
                )
            )
        elapsed = time.perf_counter() - started
    if sorted(replies) != sorted(expected):
        raise Mismatch(
            "Raporlar beklenen metinlerle gelmedi.",
            expected=short_list(expected),
            got=short_list(replies),
            hint=_coroutine_hint(" ".join(replies)) or 'Her mesaja f"rapor hazır: {mesaj}" gönderin.',
        )
    if replies != expected:
        raise Mismatch(
            "Kısa raporlar, aynı bağlantıda önce gelen uzun raporu bekledi.",
            expected=f"bitiş sırası: {short_list(expected)}",
            got=f"geliş sırası: {short_list(replies)} ({elapsed:.2f} sn)",
            hint=(
                "`await rapor_hazirla(...)` handler'ı o rapor bitene dek durdurur; bu sırada yeni mesaj "
                "okunmaz. Her raporu `asyncio.create_task(...)` ile ayrı bir görevde hazırlayıp gönderin."
            ),
        )
    if elapsed > longest + 0.6 * (sum(float(text) for text in texts) - longest) + scaled(0.3):
        raise Mismatch(
            "Raporlar aynı anda hazırlanmadı.",
            expected=f"hepsinin en uzun rapor kadar (≈ {longest:g} sn) sürmesi",
            got=f"{elapsed:.2f} sn",
            hint="Görevleri oluşturup hemen yeni mesajı okuyun; görevi `await` etmeyin.",
        )


def short_list(values: list[str]) -> str:
    return ", ".join(repr(value) for value in values)[:200]


async def _no_report_left_behind(ns: Namespace, server: Any) -> None:
    before = Counter(await ns.tasks())
    ws = await open_ws(server.ws_url("/rapor"))
    await ws.send("30")
    await ws.send("20")
    await asyncio.sleep(0.2)
    await ws.close()
    leftover: list[str] = []
    for _ in range(30):
        await asyncio.sleep(0.05)
        leftover = [name for name in (Counter(await ns.tasks()) - before).elements() if "rapor" in name.lower()]
        if not leftover:
            return
    raise Mismatch(
        "İstemci ayrıldıktan sonra bitmemiş raporların görevleri çalışmaya devam ediyor.",
        expected="ayrılan istemcinin görevlerinin iptal edilmesi",
        got=f"çalışan görev(ler): {sorted(set(leftover))}",
        hint="Görevleri bir kümede tutun; `finally:` bloğunda her birine `cancel()` deyip "
        "`await asyncio.gather(*gorevler, return_exceptions=True)` ile bekleyin.",
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
    await _calls_together(
        fetch_all,
        "hepsini_getir(url, [mesaj])",
        "hepsini_getir",
        lambda text: f"yanıt: {text}",
        lambda url, t: (url, [t]),
    )


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


async def _calls_together(
    func: Any,
    call: str,
    name: str,
    reply: Callable[[str], str],
    arguments: Callable[[str, str], tuple[Any, ...]],
) -> None:
    """Fonksiyon iki kez aynı anda, tek mesajla çağrılır: iki çağrının bağlantısı yargıcın
    sunucusunda buluşmalı. Tek bir çağrının içindeki eşzamanlılığı (``gather``) sunucunun sayacı
    görür; ama iş parçacıklarıyla (thread) aynı sayıya varan, beklerken loop'u kilitleyen bir ``def``
    de onu geçer. ``async def`` olduğu aracının sözüne (``is_async``) değil bu buluşmaya dayanır."""
    together = Rendezvous()
    app = FastAPI()

    @app.websocket("/birlikte")
    async def meet(websocket: WebSocket) -> None:
        await websocket.accept()
        async with together.present():
            try:
                while True:
                    await websocket.send_text(reply(await websocket.receive_text()))
            except WebSocketDisconnect:
                pass

    texts = ["birinci", "ikinci"]
    async with serve(app) as server:
        url = server.ws_url("/birlikte")
        calls = [asyncio.wait_for(func(*arguments(url, text)), timeout=scaled(5 + together.wait)) for text in texts]
        results = await asyncio.gather(*calls, return_exceptions=True)
    if not together.met:
        raise not_concurrent(call, name)
    for text, got in zip(texts, results, strict=True):
        if got != [reply(text)]:
            raise Mismatch(
                f"Aynı anda çalışan iki {name} çağrısından biri yanlış sonuç verdi.",
                expected=repr([reply(text)]),
                got=short_text(got),
                hint="Her çağrı kendi bağlantılarını ve listesini kullansın; ortak (modül düzeyinde) bir şey tutmayın.",
            )


def short_text(value: Any) -> str:
    if isinstance(value, RemoteError):
        return value.error[:200]
    if isinstance(value, BaseException):
        return type(value).__name__
    return repr(value)[:200]


def _echo_latency(url: str, connected: threading.Event, go: threading.Event, delay: float) -> float:
    """Ayrı bir iş parçacığında (thread), kendi bağlantısıyla: ``go`` işaretinden ``delay`` saniye sonra bir
    yankı ister ve yanıtın kaç saniyede geldiğini döndürür.

    Kontrolün kendi event loop'u öğrencinin handler'ı tarafından kilitlenebilir; o zaman o
    loop'taki bir istemci gecikmeyi hiç göremez. Bu yüzden ölçen istemci başka bir iş parçacığında,
    senkron istemciyle çalışır.
    """
    with sync_connect(url, proxy=None, open_timeout=scaled(STEP), close_timeout=scaled(1)) as ws:
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
                await wait_until(lambda: connected.is_set() or probe.done(), timeout=STEP + 1)
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
                    "`await asyncio.create_task(...)` ile sarmak onu yine aynı loop'ta çalıştırır. Hesabı 4.5'teki "
                    "gibi süreç havuzuna gönderin: `await asyncio.get_running_loop().run_in_executor(havuz, cpu_isi, "
                    "saniye)` (kısa işler için `await asyncio.to_thread(cpu_isi, saniye)` da olur)."
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
    async with run_app(app) as server:
        ws = await open_ws(server.ws_url("/sorgu"))
        async with ws:
            await _ask_each(ws, plan, limit)
            if ns.hidden:
                with hidden_case("bir zaman aşımından hemen sonra çok kısa bir sorgunun yanıtlanması"):
                    await _ask_each(ws, ["3", "0.05"], limit)


async def _ask_each(ws: Any, plan: list[str], limit: float) -> None:
    for step, message in enumerate(plan, start=1):
        expected = "zaman aşımı" if float(message) >= 2 * limit else f"sonuç: {message}"
        started = time.perf_counter()
        await send(
            ws,
            message,
            hint="Bir mesajın zaman aşımı bağlantıyı bitirmemeli: sınırı (`asyncio.timeout`) bütün "
            "döngüye değil, döngünün içinde yalnızca `await dis_servis(mesaj)` çağrısına koyun.",
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
                or "Zaman aşımı yalnızca o mesajın `dis_servis` çağrısını sınırlamalı, bütün bağlantıyı değil.",
            )
        if expected == "zaman aşımı" and elapsed < 0.8 * limit:
            raise Mismatch(
                "'zaman aşımı' çok erken geldi.",
                expected=f"yaklaşık {limit:g} saniye beklendikten sonra 'zaman aşımı'",
                got=f"{elapsed:.2f} saniye sonra",
                hint="Süreyi kendiniz tahmin etmeyin: `asyncio.timeout(ZAMAN_ASIMI)` kullanın.",
            )


# 4.5 ---------------------------------------------------------------------------------------


def _gauged_app(gauge: dict[str, Any]) -> FastAPI:
    """Her mesajın son sözcüğü saniye: o kadar bekleyip yanıt verir; aynı anda kaç isteğe
    baktığını ve her isteğin başladığı anı kaydeder."""
    source = FastAPI()

    @source.websocket("/is")
    async def work(websocket: WebSocket) -> None:
        await websocket.accept()
        try:
            while True:
                text = await websocket.receive_text()
                gauge["starts"][text] = time.perf_counter()
                gauge["now"] += 1
                gauge["max"] = max(gauge["max"], gauge["now"])
                try:
                    await asyncio.sleep(float(text.rsplit(" ", 1)[-1]))
                finally:
                    gauge["now"] -= 1
                await websocket.send_text(f"bitti: {text}")
        except WebSocketDisconnect:
            pass

    return source


async def _bounded_round(
    func: Any, url: str, gauge: dict[str, Any], delays: list[float], limit: int
) -> dict[str, float]:
    texts = [f"iş{i} {delay:g}" for i, delay in enumerate(delays)]
    gauge.update(now=0, max=0, starts={})
    call = f"sinirli_getir(url, <{len(texts)} mesaj>, {limit})"
    started = time.perf_counter()
    try:
        got = await asyncio.wait_for(func(url, texts, limit), timeout=scaled(5) + sum(delays))
    except TimeoutError:
        raise Mismatch(f"{call} bitmedi.", got="zaman aşımı", hint="Semaphore'u `async with` ile kullanın.") from None
    except RemoteError as exc:
        raise Mismatch(
            f"{call} hata verdi.",
            got=exc.error[:200],
            hint="Boş bir listeyle de çalışmalı: `asyncio.gather()` boş bir liste döndürür.",
        ) from None
    expected = [f"bitti: {text}" for text in texts]
    if not isinstance(got, list) or got != expected:
        raise Mismatch(
            f"{call} yanlış sonuç döndürdü.",
            expected=short_list(expected),
            got=repr(got)[:200],
            hint="Yanıtlar mesajlarla aynı sırada olmalı: `asyncio.gather` verilen sırayı korur.",
        )
    wanted = min(limit, len(texts))
    if gauge["max"] != wanted:
        raise Mismatch(
            f"{call}: aynı anda yolda olan istek sayısı yanlış.",
            expected=f"en çok {limit}, {len(texts)} mesajda tam {wanted} istek aynı anda",
            got=f"sunucu aynı anda en çok {gauge['max']} istek gördü",
            hint="Bütün istekleri aynı anda başlatın (`gather`), ama her birini ortak bir "
            "`asyncio.Semaphore(en_cok)` ile sınırlayın (4. bölümün araç kutusu, 4.7): semaphore'u bir kez "
            "oluşturun, her istekte yeniden değil."
            if gauge["max"] > limit
            else "İstekleri tek tek `await` etmeyin: sınıra kadar aynı anda yolda olsunlar.",
        )
    return {text: gauge["starts"][text] - started for text in texts}


@exercise("4.5", title="Aynı anda en çok N istek", points=3, timeout=25)
async def bounded_concurrency(ns: Namespace) -> None:
    func = await ns.function("sinirli_getir", is_async=True, params=3)
    gauge: dict[str, Any] = {"now": 0, "max": 0, "starts": {}}
    async with serve(_gauged_app(gauge)) as server:
        url = server.ws_url("/is")
        # Bir uzun, beş kısa iş, sınır 2: uzun iş sürerken kısa işler birbiri ardına başlamalı.
        long = ns.rng.choice([0.8, 0.9])
        delays = [long] + [0.1] * 5
        starts = await _bounded_round(func, url, gauge, delays, 2)
        third = starts[f"iş2 {0.1:g}"]
        if third > long - 0.2:
            raise Mismatch(
                "Bir istek bitince sıradaki hemen başlamadı: istekler gruplar hâlinde bekleniyor.",
                expected=f"3. isteğin, {long:g} sn süren 1. istek bitmeden (≈ 0,1 sn'de) başlaması",
                got=f"3. istek {third:.2f} sn'de başladı",
                hint="Listeyi `en_cok`'luk gruplara bölmeyin; hepsini bir `Semaphore` ile birlikte `gather` edin.",
            )
        # Sınırlar: en_cok = 1 (sırayla), en_cok listeden büyük (hepsi birden), boş liste.
        await _bounded_round(func, url, gauge, [0.05, 0.1, 0.05], 1)
        await _bounded_round(func, url, gauge, [0.2, 0.1, 0.15], ns.rng.randint(4, 9))
        await _bounded_round(func, url, gauge, [], ns.rng.randint(1, 3))
        # Her çalışmada başka bir liste ve sınır.
        count = ns.rng.randint(5, 8)
        await _bounded_round(
            func, url, gauge, [ns.rng.randint(5, 20) / 100 for _ in range(count)], ns.rng.randint(2, 4)
        )
        if ns.hidden:
            with hidden_case("20 mesajlık bir listede sınırın (3) korunması"):
                await _bounded_round(func, url, gauge, [0.05] * 20, 3)
    await _calls_together(
        func,
        "sinirli_getir(url, [mesaj], 1)",
        "sinirli_getir",
        lambda text: f"bitti: {text}",
        lambda url, t: (url, [t], 1),
    )
