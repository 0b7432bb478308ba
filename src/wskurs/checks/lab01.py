"""Lab 1 — WebSocket nedir? Yoklayan istemci, itilen olayların gecikmesi, ilk n mesajı toplayan
istemci ve bağlantı başına durum. Öğrenci yalnızca istemci yazar (1. bölümün araçları: ``httpx``,
``websockets``'in ``connect``'i, ``asyncio.sleep``); sunucular yargıcındır ve ne gördüklerini
(istek sayısı, parametreler, bağlantılar) kendileri sayar."""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import time

from fastapi import FastAPI, Request, WebSocket, WebSocketDisconnect

from wskurs.checks.client import STEP, short
from wskurs.checks.core import Mismatch, Namespace, exercise, hidden_case
from wskurs.checks.remote import RemoteFunction, Rendezvous, not_concurrent
from wskurs.engine.server import serve
from wskurs.engine.timing import scaled

__all__: list[str] = []


def _ids_of(value: object) -> list[object] | None:
    """Bir listenin öğeleri (demet de olur); liste değilse ``None``."""
    return list(value) if isinstance(value, list | tuple) else None


# 1.1 --------------------------------------------------------------------------------


class _EventSource:
    """Yargıcın olay kaynağı: ``every`` saniyede bir yeni olay; ``GET /olaylar?sonra=N``'e gelen her
    isteği (anı, ``sonra`` değeri, döndürülen olaylar) kaydeder."""

    def __init__(self, count: int, every: float) -> None:
        self.count = count
        self.every = every
        self.started: float | None = None
        self.requests: list[tuple[float, str | None, list[int]]] = []
        self.app = FastAPI()

        @self.app.get("/olaylar")
        async def events(request: Request) -> list[dict[str, int]]:
            now = time.monotonic()
            if self.started is None:
                self.started = now
            raw = request.query_params.get("sonra")
            try:
                after = int(raw) if raw is not None else 0
            except ValueError:
                after = 0
            ready = min(self.count, int((now - self.started) / self.every))
            served = list(range(after + 1, ready + 1))
            self.requests.append((now, raw, served))
            return [{"id": number} for number in served]


async def _poll_once(poll: RemoteFunction, interval: float, count: int, every: float) -> None:
    source = _EventSource(count, every)
    async with serve(source.app) as server:
        url = server.url("/olaylar")
        try:
            got = await asyncio.wait_for(poll(url, count, interval), timeout=scaled(count * every + 4 * interval + 5))
        except TimeoutError:
            raise Mismatch(
                f"yokla(url, {count}, {interval}) {count}. olayı gördükten sonra da dönmedi.",
                expected=f"{count}. olayı görünce döngüden çıkıp olayların listesini döndürmesi",
                got=f"zaman aşımı; sunucu {len(source.requests)} istek saydı",
                hint="Döngünün koşulu `son_id` numaralı olayı gördüğünüzde bitmeli.",
            ) from None
        await asyncio.sleep(scaled(max(2 * interval, 0.2)))  # dönüşten sonra istek gelmeye devam ediyor mu?
    requests = source.requests
    ids = _ids_of(got)
    if ids is None:
        raise Mismatch(
            "yokla bir liste döndürmedi.",
            expected="görülen olay numaralarının listesi, ör. [1, 2, 3]",
            got=f"{type(got).__name__}: {short(got)}",
            hint='Her yanıtın JSON listesindeki her olayın `"id"` değerini bir listeye ekleyip listeyi döndürün.',
        )
    expected = list(range(1, count + 1))
    if ids != expected:
        repeated = len(ids) > len(set(map(repr, ids)))
        raise Mismatch(
            f"yokla(url, {count}, {interval}) yanlış olaylar döndürdü.",
            expected=repr(expected),
            got=short(got),
            hint="Bir olay birden çok kez geldi: her istekte `sonra` parametresiyle gördüğünüz son olayın "
            "numarasını gönderin."
            if repeated
            else 'Her yanıt bir JSON listesidir: `yanit.json()`; her olayın numarası `olay["id"]`.',
        )
    last_seen = 0
    for number, (_, raw, served) in enumerate(requests, start=1):
        if raw != str(last_seen) and not (raw is None and last_seen == 0):
            raise Mismatch(
                f"{number}. istek `sonra` parametresini yanlış gönderdi.",
                expected=f"`?sonra={last_seen}` (o ana dek görülen son olayın numarası)",
                got=f"`?sonra={raw}`" if raw is not None else "`sonra` parametresi yok",
                hint='Örn. `await client.get(url, params={"sonra": son})`: sunucu yalnızca ondan sonrakileri '
                "döndürür, aynı olay iki kez gelmez.",
            )
        if served:
            last_seen = served[-1]
    done_at = next(i for i, (_, _, served) in enumerate(requests) if served and served[-1] >= count)
    if len(requests) > done_at + 1:
        raise Mismatch(
            f"yokla {count}. olayı gördükten sonra da istek gönderdi.",
            expected=f"{done_at + 1} istek (son olay gelince durmak)",
            got=f"{len(requests)} istek",
            hint="Son olayı (`son_id`) görünce döngüden çıkın; açık kalan bir görev yoklamayı sürdürmesin.",
        )
    gaps = [later[0] - earlier[0] for earlier, later in itertools.pairwise(requests)]
    if gaps and min(gaps) < 0.6 * interval:
        raise Mismatch(
            f"yokla istekler arasında `aralik` ({interval} sn) kadar beklemedi.",
            expected=f"iki istek arasında en az ~{interval} sn "
            f"(bu sürede en çok ~{1 + int(count * every / interval)} istek)",
            got=f"{len(requests)} istek, en kısa ara {1000 * min(gaps):.0f} ms",
            hint="Her boş ya da dolu yanıttan sonra `await asyncio.sleep(aralik)`: beklemeyen yoklama sunucuyu "
            "boş yanıtlarla boğar.",
        )


@exercise("1.1", title="Yoklayan (polling) istemci", points=3, timeout=25.0)
async def polling(ns: Namespace) -> None:
    poll = await ns.function("yokla", is_async=True, params=3)
    count = ns.rng.randint(4, 6)
    every = 0.12
    for interval in (0.05, 0.3):
        await _poll_once(poll, interval, count, every)
    if ns.hidden:
        with hidden_case("olaylar yoklamadan seyrek geldiğinde çoğu yanıtın boş olması"):
            await _poll_once(poll, 0.04, 3, 0.25)


# 1.2 --------------------------------------------------------------------------------


@exercise("1.2", title="İtilen olayların gecikmesi", points=3, timeout=20.0)
async def push_latency(ns: Namespace) -> None:
    measure = await ns.function("gecikmeler", is_async=True, params=2)
    count = ns.rng.randint(3, 5)
    ages = ns.rng.sample(range(120, 900, 10), count)  # her olay sunucuda oluşturulalı bu kadar ms olmuş
    spacing = 0.35
    connections: list[int] = []
    app = FastAPI()

    @app.websocket("/canli")
    async def live(websocket: WebSocket) -> None:
        await websocket.accept()
        connections.append(1)
        try:
            for number, age in enumerate(ages, start=1):
                if number > 1:
                    await asyncio.sleep(spacing)
                await websocket.send_text(json.dumps({"id": number, "t": time.time() - age / 1000}))
            await websocket.receive_text()
        except WebSocketDisconnect:
            pass

    async with serve(app) as server:
        got = await asyncio.wait_for(measure(server.ws_url("/canli"), count), timeout=scaled(count * spacing + 5))
    if len(connections) != 1:
        raise Mismatch(
            "gecikmeler birden çok bağlantı açtı.",
            expected="tek bir WebSocket bağlantısı (olaylar o bağlantıdan itilir)",
            got=f"{len(connections)} bağlantı",
            hint="Bir kez bağlanın ve `n` mesajı aynı bağlantıdan okuyun.",
        )
    values = _ids_of(got)
    if values is None or len(values) != count:
        raise Mismatch(
            f"gecikmeler(url, {count}) {count} sayılık bir liste döndürmedi.",
            expected=f"{count} sayı (milisaniye), olayların geliş sırasıyla",
            got=f"{type(got).__name__}: {short(got)}",
            hint="Her mesaj için bir gecikme hesaplayıp listeye ekleyin; `n` mesaj gelince listeyi döndürün.",
        )
    if not all(isinstance(value, int | float) and not isinstance(value, bool) for value in values):
        raise Mismatch(
            "gecikmeler sayı olmayan değerler döndürdü.",
            expected="milisaniye cinsinden sayılar (int ya da float)",
            got=short(got),
            hint='Mesaj bir JSON metnidir: `olay = json.loads(mesaj)`; gecikme `(time.time() - olay["t"]) * 1000`.',
        )
    tolerance = 1000 * scaled(0.25)
    numbers = [float(value) for value in values if isinstance(value, int | float)]
    for number, (age, value) in enumerate(zip(ages, numbers, strict=True), start=1):
        if abs(value - age / 1000) < 0.05 and age > 100:
            raise Mismatch(
                "Gecikmeler saniye cinsinden, milisaniye değil.",
                expected=f"{number}. olay için ~{age} ms",
                got=short(got),
                hint="Saniye farkını 1000 ile çarpın.",
            )
        if not age - 5 <= value <= age + tolerance:
            late = value > age + tolerance
            raise Mismatch(
                f"{number}. olayın gecikmesi yanlış.",
                expected=f"~{age} ms (olay sunucuda {age} ms önce oluşturuldu ve hemen itildi)",
                got=f"{value:.0f} ms",
                hint="Gecikmeyi mesaj geldiği anda ölçün: önce bütün mesajları toplayıp sonra hesaplarsanız "
                "sonraki mesajları beklediğiniz süre de gecikmeye eklenir."
                if late
                else 'Gecikme = şimdiki an − olayın oluşturulma anı: `(time.time() - olay["t"]) * 1000`.',
            )


@exercise("1.3", title="İstemci: ilk n mesajı topla", points=2)
async def collect(ns: Namespace) -> None:
    # `is_async` çekirdeğin kendi bildirimidir: yalnızca erken bir geri bildirim. Eşzamanlılığı
    # aşağıdaki buluşma (iki çağrı aynı anda) yargıcın kendi sunucusunda gözler.
    collect_fn = await ns.function("collect", is_async=True, params=2)
    closed = asyncio.Event()
    together = Rendezvous()
    source = FastAPI()
    tag = ns.rng.choice(["a", "b", "c", "x", "k"]) + str(ns.rng.randint(1, 99))
    counts = [1, ns.rng.randint(2, 4), ns.rng.randint(5, 7)]
    hidden = [ns.rng.randint(25, 40)] if ns.hidden else []

    @source.websocket("/olaylar")
    async def events(websocket: WebSocket) -> None:
        # İstemcinin okumadığı mesaj az olsun (en çok 3): websockets istemcisi okunmamış 16 mesajdan
        # sonra soketi okumayı bırakır ve kapanışı da okuyamaz.
        await websocket.accept()
        pair = together.present() if "birlikte" in websocket.query_params else contextlib.nullcontext()
        try:
            async with pair:
                for number in range(int(websocket.query_params.get("adet", "8"))):
                    await websocket.send_text(f"olay {tag}-{number}")
                await websocket.receive_text()
        except WebSocketDisconnect:
            closed.set()

    async with serve(source) as server:
        for n in counts + hidden:
            guard = hidden_case("çok sayıda mesajı toplamak") if n in hidden else contextlib.nullcontext()
            with guard:
                await _collect_once(collect_fn, server.ws_url(f"/olaylar?adet={n + 3}"), n, tag, closed)
        await _collect_together(collect_fn, server.ws_url("/olaylar?birlikte=1&adet="), tag, together)


async def _collect_together(collect_fn: RemoteFunction, url: str, tag: str, together: Rendezvous) -> None:
    """İki ``collect`` aynı anda: bağlantıları yargıcın sunucusunda buluşmalı (loop kilitlenmiyor)."""
    pairs = [(2, 4), (3, 5)]
    calls = [asyncio.wait_for(collect_fn(f"{url}{total}", n), timeout=scaled(5 + together.wait)) for n, total in pairs]
    results = await asyncio.gather(*calls)
    for (n, _), got in zip(pairs, results, strict=True):
        expected = [f"olay {tag}-{i}" for i in range(n)]
        if got != expected:
            raise Mismatch(
                f"Aynı anda çalışan iki çağrıdan collect(url, {n}) yanlış sonuç döndürdü.",
                expected=repr(expected),
                got=repr(got),
                hint="Her çağrı kendi bağlantısını açsın; ortak (modül düzeyinde) bir liste kullanmayın.",
            )
    if not together.met:
        raise not_concurrent("collect(url, n)", "collect")


async def _collect_once(collect_fn: RemoteFunction, url: str, n: int, tag: str, closed: asyncio.Event) -> None:
    closed.clear()
    got = await asyncio.wait_for(collect_fn(url, n), timeout=scaled(5))
    expected = [f"olay {tag}-{i}" for i in range(n)]
    if got != expected:
        raise Mismatch(
            f"collect(url, {n}) yanlış sonuç döndürdü.",
            expected=repr(expected),
            got=repr(got),
            hint="Tam n kez `await websocket.recv()` yapıp mesajları bir listeye ekleyin ve listeyi döndürün.",
        )
    try:
        await asyncio.wait_for(closed.wait(), timeout=scaled(STEP))
    except TimeoutError:
        raise Mismatch(
            "collect bittikten sonra bağlantı açık kaldı.",
            expected="collect dönerken bağlantının kapanması",
            got="sunucu hâlâ bağlı bir istemci görüyor",
            hint="`async with connect(url) as websocket:` bloğu çıkışta bağlantıyı kapatır.",
        ) from None


@exercise("1.4", title="Bağlantı başına durum", points=2)
async def per_connection_state(ns: Namespace) -> None:
    greet = await ns.function("selamlas", is_async=True, params=3)
    opened: list[list[str]] = []
    app = FastAPI()

    @app.websocket("/selam")
    async def greeting(websocket: WebSocket) -> None:
        await websocket.accept()
        seen: list[str] = []
        opened.append(seen)
        try:
            name = await websocket.receive_text()  # bağlantı başına bir kez
            seen.append(name)
            while True:
                message = await websocket.receive_text()
                seen.append(message)
                await websocket.send_text(f"{name}, mesajın alındı: {message}")
        except WebSocketDisconnect:
            pass

    name = ns.rng.choice(["Ayşe", "Çağrı", "İpek", "Ömer", "Şule", "Güneş"])
    messages = [
        f"{word} {ns.rng.randint(1, 99)}" for word in ns.rng.sample(["ilk", "ikinci", "üçüncü", "çay", "ışık"], 3)
    ]
    async with serve(app) as server:
        got = await asyncio.wait_for(greet(server.ws_url("/selam"), name, messages), timeout=scaled(5))
    expected = [f"{name}, mesajın alındı: {message}" for message in messages]
    if len(opened) != 1:
        raise Mismatch(
            f"selamlas {len(messages)} mesaj için {len(opened)} bağlantı açtı.",
            expected="tek bir bağlantı: ad bağlantının başında bir kez söylenir, sonra bütün mesajlar aynı bağlantıdan",
            got=f"{len(opened)} bağlantı",
            hint="Ad, bağlantının durumudur (HTTP'deki gibi her istekte yeniden söylenmez): bir kez bağlanın, "
            "adı bir kez gönderin, sonra mesajları aynı `websocket` ile gönderip yanıtlarını okuyun.",
        )
    sent = opened[0]
    if sent[:1] != [name] or name in sent[1:]:
        raise Mismatch(
            "Ad bağlantının başında tam bir kez gönderilmedi.",
            expected=repr([name, *messages]),
            got=short(sent),
            hint="İlk mesaj ad olsun, sonra yalnızca mesajlar: sunucu adı bağlantı boyunca hatırlar.",
        )
    if _ids_of(got) != expected:
        raise Mismatch(
            "selamlas sunucunun yanıtlarını döndürmedi.",
            expected=repr(expected),
            got=short(got),
            hint="Her mesajı gönderdikten sonra `await websocket.recv()` ile yanıtı okuyup listeye ekleyin.",
        )
