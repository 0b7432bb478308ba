"""Yargıç tarafı: öğrencinin çekirdeğindeki adlara dar kanal üzerinden erişim.

Kontrol fonksiyonları (``@exercise``) yargıç sürecinde çalışır ve öğrencinin koduna
yalnızca ``RemoteNamespace`` üzerinden ulaşır::

    app = await ns.get("yayin_app", FastAPI, what="bir FastAPI uygulaması")
    async with run_app(app) as server:          # uygulama çekirdekte, gerçek uvicorn'da
        ws = await open_ws(server.ws_url("/ws"))  # yargıç gerçek bir istemci
    collect = await ns.function("collect", is_async=True, params=2)
    got = await collect(url, 3)                 # yargıcın seçtiği girdilerle çağrı
    sayi = await ns.read("ZAMAN_ASIMI", (int, float), what="bir sayı")

Her değer JSON olarak taşınır (``wskurs.checks.protocol``); nesne hiçbir zaman geçmez.

**Puan yalnızca yargıcın dışarıdan gördüğüne.** Toplu notlandırmada çekirdek öğrencinindir: aracıyı
değiştirip yalan söyletebilir. Çekirdeğin kendisi hakkında bildirdiği hiçbir şey (``is_async``,
``params``, tür/MRO, ``id``, ``repr``, görev listesi, "loop kilitlendi mi") tek başına bir puan
kazandıramaz; bunlar yalnızca *kalma* durumunda daha açık bir geri bildirim içindir (yalan söyleyen
kendine zarar verir). Eşzamanlılık yargıcın kendi sunucusunda ``Rendezvous`` ile gözlenir; çağrıların
döndürdüğü değerler, girdileri yargıç seçtiği için, değer olarak güvenilir.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import random
import re
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from typing import Any

from websockets.exceptions import ConnectionClosed

from wskurs.checks import protocol
from wskurs.checks.errors import AgentGone, Mismatch, RemoteError, RemoteNotImplemented
from wskurs.engine.service import WebAddresses
from wskurs.engine.timing import scaled

__all__ = [
    "Channel",
    "Description",
    "RemoteApp",
    "RemoteFunction",
    "RemoteNamespace",
    "RemoteObject",
    "RemoteServer",
    "Rendezvous",
    "TypeSpec",
    "Validation",
    "hidden_case",
    "not_concurrent",
    "run_app",
]

TypeSpec = type | tuple[type, ...]
"""``isinstance``'ın ikinci argümanı gibi: bir tür ya da türlerin demeti."""

REQUEST_LIMIT = 30.0
"""Bir isteğin yanıtı için en uzun bekleme (saniye, ölçeklenir); kontrolün kendi süresi daha kısadır."""


class Channel:
    """Aracıyla bir WebSocket bağlantısı üzerinden istek/yanıt."""

    def __init__(self, ws: Any) -> None:
        self.ws = ws
        self.pending: dict[int, asyncio.Future[dict[str, Any]]] = {}
        self.violations: list[str] = []
        self.closed = asyncio.Event()
        self._ids = itertools.count(1)
        self._reader = asyncio.create_task(self._read())

    async def _read(self) -> None:
        try:
            async for raw in self.ws:
                try:
                    message = protocol.loads(raw)
                except protocol.ProtocolError as exc:
                    self.violations.append(f"bozuk mesaj: {exc}")
                    continue
                reply_id = message.get("id") if message["type"] == "reply" else None
                future = self.pending.pop(reply_id, None) if isinstance(reply_id, int) else None
                if future is None:
                    self.violations.append(f"istenmemiş mesaj: {message['type']!r}")
                elif not future.done():
                    future.set_result(message)
        except ConnectionClosed:
            pass
        finally:
            self.closed.set()
            for future in self.pending.values():
                if not future.done():
                    future.set_exception(AgentGone("Çekirdekle bağlantı koptu."))
            self.pending.clear()

    async def request(self, op: str, *, timeout: float | None = None, **args: Any) -> Any:
        """Bir işlem ister ve yanıtın değerini döndürür.

        Raises:
            RemoteError: Öğrencinin kodu hata verdiyse (``RemoteNotImplemented``: çözülmemiş).
            AgentGone: Bağlantı koptuysa ya da yanıt ``timeout`` saniyede gelmediyse.
        """
        if self.closed.is_set():
            raise AgentGone("Çekirdekle bağlantı koptu.")
        request_id = next(self._ids)
        future: asyncio.Future[dict[str, Any]] = asyncio.get_running_loop().create_future()
        self.pending[request_id] = future
        try:
            await self.ws.send(protocol.dumps({"type": "request", "id": request_id, "op": op, "args": args}))
            reply = await asyncio.wait_for(future, timeout=scaled(REQUEST_LIMIT) if timeout is None else timeout)
        except ConnectionClosed:
            raise AgentGone("Çekirdekle bağlantı koptu.") from None
        except TimeoutError:
            raise AgentGone("Çekirdek zamanında yanıt vermedi.", timed_out=True) from None
        finally:
            self.pending.pop(request_id, None)
        if reply.get("ok") is True:
            return reply.get("value")
        kind = str(reply.get("kind", "error"))
        error = str(reply.get("error", "bilinmeyen hata"))[:2000]
        line = reply.get("line") if isinstance(reply.get("line"), int) else None
        if kind == "not_implemented":
            raise RemoteNotImplemented(kind, error, line)
        raise RemoteError(kind, error, line)

    async def close(self) -> None:
        self._reader.cancel()
        with contextlib.suppress(BaseException):
            await self._reader


@dataclass(frozen=True)
class Description:
    """Çekirdekteki bir değerin tarifi (``describe`` işleminin yanıtı)."""

    exists: bool
    type: str = ""
    mro: tuple[str, ...] = ()
    class_mro: tuple[str, ...] = ()
    callable: bool = False
    is_async: bool = False
    is_class: bool = False
    params: int | None = None
    repr: str = ""
    id: int = 0

    @classmethod
    def from_json(cls, data: Any) -> Description:
        if not isinstance(data, dict):
            raise protocol.ProtocolError("describe yanıtı bir sözlük değil")
        if not data.get("exists"):
            return cls(False)
        params = data.get("params")
        return cls(
            True,
            str(data.get("type", "")),
            tuple(str(item) for item in data.get("mro", []) or []),
            tuple(str(item) for item in data.get("class_mro", []) or []),
            bool(data.get("callable")),
            bool(data.get("is_async")),
            bool(data.get("is_class")),
            params if isinstance(params, int) else None,
            str(data.get("repr", ""))[:200],
            int(data.get("id", 0) or 0),
        )

    def is_instance(self, kind: TypeSpec) -> bool:
        kinds = kind if isinstance(kind, tuple) else (kind,)
        return any(f"{k.__module__}.{k.__qualname__}" in self.mro for k in kinds)


def _type_names(kind: TypeSpec) -> str:
    kinds = kind if isinstance(kind, tuple) else (kind,)
    return " ya da ".join(k.__name__ for k in kinds)


@dataclass(frozen=True)
class RemoteApp:
    """Çekirdekteki bir ASGI uygulamasına (ör. FastAPI) referans; ``run_app`` ile sunulur."""

    ns: RemoteNamespace
    label: str
    target: dict[str, Any]
    description: Description


@dataclass(frozen=True)
class RemoteObject:
    """Çekirdekteki bir nesneye tutamaç (``ns.new`` ya da ``ns.get``): metotları çağrılır, değeri okunur."""

    ns: RemoteNamespace
    label: str
    target: dict[str, Any]
    description: Description

    async def method(self, name: str, *args: Any, **kwargs: Any) -> Any:
        """``nesne.name(*args, **kwargs)``; sonuç bir coroutine ise beklenir. Değer JSON'dan döner."""
        value = await self.ns.channel.request(
            "method", **self.target, method=name, args=protocol.encode(list(args)), kwargs=protocol.encode(kwargs)
        )
        return protocol.decode(value)

    async def read(self, attr: str | None = None) -> Any:
        """Nesnenin (ya da bir özniteliğinin) JSON görüntüsü."""
        extra: dict[str, Any] = {"attr": attr} if attr else {}
        return protocol.decode(await self.ns.channel.request("read", **self.target, **extra))

    def as_app(self) -> RemoteApp:
        """Bu nesneyi bir ASGI uygulaması olarak ``run_app``'e vermek için."""
        return RemoteApp(self.ns, self.label, self.target, self.description)


@dataclass(frozen=True)
class RemoteFunction:
    """Çekirdekteki bir fonksiyon; çağrısı her zaman ``await`` edilir (senkron fonksiyon da)."""

    ns: RemoteNamespace
    name: str
    description: Description

    async def __call__(self, *args: Any, **kwargs: Any) -> Any:
        op = "await_call" if self.description.is_async else "call"
        value = await self.ns.channel.request(
            op, name=self.name, args=protocol.encode(list(args)), kwargs=protocol.encode(kwargs)
        )
        return protocol.decode(value)

    async def new(self, *args: Any, **kwargs: Any) -> RemoteObject:
        """Fonksiyonu çağırır ve dönen nesneyi çekirdekte tutar (ör. bir uygulama fabrikası)."""
        return await self.ns._new({"name": self.name}, self.name, args, kwargs)


@dataclass(frozen=True)
class Validation:
    """``ns.validate`` sonucu: geçerliyse ``value`` (JSON görüntüsü), değilse ``errors``."""

    valid: bool
    value: Any = None
    type: str = ""
    errors: list[dict[str, Any]] = field(default_factory=list)

    def locs(self) -> list[tuple[str, ...]]:
        return [tuple(error.get("loc", [])) for error in self.errors]


class RemoteNamespace:
    """Öğrencinin çekirdekteki adları, yargıcın gözünden.

    Attributes:
        rng: Bu yargıç çalışmasına özgü rastgele üreteç: girdileri her çalışmada değiştirmek için.
        hidden: Öğretmen notlandırmasında ``True``: gizli durumlar da denenir (``hidden_case``).
    """

    def __init__(self, channel: Channel, *, rng: random.Random | None = None, hidden: bool = False) -> None:
        self.channel = channel
        self.rng = rng or random.Random()
        self.hidden = hidden

    async def describe(self, name: str) -> Description:
        """``name`` adlı değerin tarifi (tanımlı değilse ``exists=False``)."""
        return Description.from_json(await self.channel.request("describe", name=name))

    async def _described(self, name: str, kind: TypeSpec | None, what: str | None) -> Description:
        info = await self.describe(name)
        if not info.exists:
            raise Mismatch(
                f"`{name}` adında bir tanım bulunamadı.",
                expected=f"`{name}` tanımlı olsun" + (f" ({what})" if what else ""),
                got="böyle bir ad yok",
                hint="Alıştırmanın cevap hücresini doldurup çalıştırdınız mı? Adı aynen yazın.",
            )
        if kind is not None and not info.is_instance(kind):
            raise Mismatch(
                f"`{name}` beklenen türde değil.",
                expected=what or _type_names(kind),
                got=f"{info.type}: {info.repr}",
                hint=f"`{name}` adını başka bir değerle ezmiş olabilir misiniz?",
            )
        return info

    async def get(self, name: str, kind: TypeSpec | None = None, *, what: str | None = None) -> RemoteObject:
        """``name`` adlı değere bir referans; türüne bakar.

        ``run_app(await ns.get("app", FastAPI))`` uygulamayı sunar; ``.method(...)`` ve
        ``.read()`` nesneyle konuşur.

        Raises:
            Mismatch: Ad yoksa ya da türü beklenen değilse.
        """
        info = await self._described(name, kind, what)
        return RemoteObject(self, name, {"name": name}, info)

    async def read(self, name: str, kind: TypeSpec | None = None, *, what: str | None = None) -> Any:
        """``name`` adlı değerin JSON görüntüsü (liste, sözlük, metin, sayı, küme…); türüne bakar."""
        if kind is not None:
            await self._described(name, kind, what)
        try:
            value = await self.channel.request("read", name=name)
        except RemoteError as exc:
            if exc.kind == "missing":
                await self._described(name, None, what)
            raise
        return protocol.decode(value)

    async def function(self, name: str, *, is_async: bool, params: int | None = None) -> RemoteFunction:
        """``name`` adlı fonksiyon; ``async def`` olup olmadığına ve parametre sayısına bakar.

        Dönen nesne her zaman ``await`` ile çağrılır: ``await func(x)``.

        ``is_async`` ve ``params`` çekirdeğin kendi bildirimidir: yalnızca erken ve açık bir *kalma*
        nedenidir, geçmek için yetmez. ``async def`` olması gereken bir fonksiyonun kontrolü onu
        ayrıca ``Rendezvous`` ile iki kez aynı anda çağırıp eşzamanlı çalıştığını yargıcın kendi
        sunucusunda görmelidir.
        """
        info = await self._described(name, None, "bir fonksiyon")
        if not info.callable:
            raise Mismatch(f"`{name}` bir fonksiyon değil.", expected="bir fonksiyon", got=info.type)
        if is_async and not info.is_async:
            raise Mismatch(
                f"`{name}` bir `async def` fonksiyonu olmalı.",
                expected=f"async def {name}(...)",
                got=f"def {name}(...)",
                hint="İçinde `await` kullanacaksanız fonksiyon `async def` ile tanımlanır.",
            )
        if params is not None and info.params is not None and info.params != params:
            raise Mismatch(
                f"`{name}` {params} parametre almalı.", expected=f"{params} parametre", got=f"{info.params} parametre"
            )
        return RemoteFunction(self, name, info)

    async def new(self, name: str, *args: Any, **kwargs: Any) -> RemoteObject:
        """``name(*args, **kwargs)`` çağrılır (ör. bir sınıf); dönen nesne çekirdekte tutulur."""
        return await self._new({"name": name}, name, args, kwargs)

    async def _new(self, target: dict[str, Any], label: str, args: Any, kwargs: Any) -> RemoteObject:
        data = await self.channel.request(
            "new", **target, args=protocol.encode(list(args)), kwargs=protocol.encode(kwargs)
        )
        if not isinstance(data, dict) or not isinstance(data.get("handle"), str):
            raise protocol.ProtocolError("new yanıtında tutamaç yok")
        return RemoteObject(self, label, {"handle": data["handle"]}, Description.from_json({"exists": True, **data}))

    async def validate(self, name: str, data: Any = None, *, json: str | None = None) -> Validation:
        """``name`` adlı pydantic ``TypeAdapter`` (ya da modeli) ile yargıcın verisini doğrular.

        ``json`` verilirse ``validate_json(json)``, değilse ``validate_python(data)``.
        """
        args: dict[str, Any] = {"json": json} if json is not None else {"data": protocol.encode(data)}
        reply = await self.channel.request("validate", name=name, **args)
        if not isinstance(reply, dict):
            raise protocol.ProtocolError("validate yanıtı bir sözlük değil")
        if reply.get("valid"):
            return Validation(True, protocol.decode(reply.get("value")), str(reply.get("type", "")))
        errors = [error for error in reply.get("errors", []) if isinstance(error, dict)]
        return Validation(False, errors=errors)

    async def handler(self, name: str) -> RemoteApp:
        """``async def name(websocket)`` (websockets kütüphanesinin handler'ı): ``run_app`` onu
        ``websockets.asyncio.server.serve`` ile sunar."""
        info = await self._described(name, None, f"bir `async def {name}(websocket)` fonksiyonu")
        if not info.is_async:
            raise Mismatch(
                f"`{name}` bir `async def` fonksiyonu olmalı.",
                expected=f"async def {name}(websocket)",
                got=info.type,
            )
        return RemoteApp(self, name, {"name": name, "$kind": "handler"}, info)

    async def tasks(self) -> list[str]:
        """Çekirdekte şu an çalışan asyncio görevlerinin coroutine adları."""
        value = await self.channel.request("tasks")
        return [str(item) for item in value] if isinstance(value, list) else []


class RemoteServer(WebAddresses):
    """Çekirdekte çalışan bir sunucu, yargıcın gözünden: adresleri (``WebAddresses``) ve günlüğü."""

    port: int

    def __init__(self, channel: Channel, handle: str, host: str, port: int) -> None:
        self.channel = channel
        self.handle = handle
        self.host = host
        self.port = port

    async def read_log(self) -> list[str]:
        """Sunucunun günlüğünün son satırları (``print``, uvicorn, yakalanmamış hatalar)."""
        try:
            lines = await self.channel.request("log", handle=self.handle, timeout=scaled(3))
        except (AgentGone, RemoteError):
            return []
        return [str(line) for line in lines] if isinstance(lines, list) else []


@contextlib.asynccontextmanager
async def run_app(app: RemoteApp | RemoteObject) -> AsyncIterator[RemoteServer]:
    """Öğrencinin uygulamasını çekirdekte gerçek bir uvicorn sunucusunda başlatır, blok bitince durdurur.

    Blok içinde bir ``Mismatch`` çıkarsa sunucu günlüğündeki son hata satırı ona eklenir.
    """
    target = dict(app.target)
    op = "serve_handler" if target.pop("$kind", None) == "handler" else "serve_app"
    try:
        info = await app.ns.channel.request(op, **target)
    except RemoteError as exc:
        raise Mismatch(
            f"`{app.label}` bir sunucuda başlatılamadı.",
            got=exc.error,
            hint="Uygulamayı `FastAPI()` ile oluşturup endpoint'leri ona eklediniz mi?",
        ) from None
    if not isinstance(info, dict) or not isinstance(info.get("port"), int):
        raise protocol.ProtocolError("sunucu yanıtında port yok")
    server = RemoteServer(app.ns.channel, str(info["handle"]), "127.0.0.1", int(info["port"]))
    try:
        yield server
    except Mismatch as mismatch:
        mismatch.server_note = _last_error(await server.read_log())
        raise
    finally:
        with contextlib.suppress(AgentGone, RemoteError, protocol.ProtocolError):
            await asyncio.shield(app.ns.channel.request("stop", handle=server.handle, timeout=scaled(8)))


def _last_error(lines: list[str]) -> str | None:
    for line in reversed(lines):
        stripped = line.strip()
        if re.match(r"^[A-Za-z_.]*(Error|Exception|Interrupt|Disconnect)\b.*", stripped):
            return stripped[:300]
    return None


@contextlib.contextmanager
def hidden_case(property_text: str) -> Iterator[None]:
    """Gizli bir durumu sarar: içindeki ``Mismatch`` girdiyi ve çıktıyı söylemeden, yalnızca
    tutmayan özelliği (``property_text``) adlandırır::

        if ns.hidden:
            with hidden_case("126 baytlık yükte uzunluk başlığı"):
                ...
    """
    try:
        yield
    except (Mismatch, RemoteError) as failure:
        # Ne girdi, ne beklenen, ne gelen, ne de öğrencinin kodunun hata metni (girdiyi içerebilir),
        # ne de alıştırmaya özgü ipucu (girdiyi adlandırabilir): yalnızca özellik.
        kind = "kodunuz bir hata fırlattı" if isinstance(failure, RemoteError) else "tutmadı"
        raise Mismatch(
            f"Öğretmenin gizli durumlarından birinde kaldı: {property_text}.",
            expected=property_text,
            got=f"{kind} (gizli durumun girdisi gösterilmez)",
            hint="Görünür durumları geçen kodunuz bu özellikte tutmuyor: özelliği sınır değerleriyle kendiniz deneyin.",
        ) from None


class Rendezvous:
    """Yargıcın kendi sunucusunda bir buluşma: öğrencinin ``parties`` işi (ör. iki çağrının bağlantısı)
    yargıcın sunucusunda *aynı anda* açık mı?

    Bir fonksiyonun ``async def`` olduğunu ve event loop'u kilitlemediğini çekirdeğin sözüne
    (``is_async``) değil, bu gözleme dayandırın: fonksiyon iki kez aynı anda çağrılır; sunucunun
    handler'ı ``async with rendezvous.present():`` içinde çalışır ve öteki çağrının bağlantısı gelene
    dek (en çok ``wait`` saniye) bekler. Eşzamanlı bir cevapta ikisi milisaniyeler içinde buluşur
    (yüklü makinede de: bekleme yalnızca yanlış cevabı yavaşlatır). Loop'u kilitleyen bir cevapta
    (``def`` + senkron istemci, ``time.sleep``) ikinci çağrı birincisi bitmeden başlayamaz: buluşma
    olmaz, bekleme dolunca handler yine devam eder ve ``met`` yanlış kalır (bir kez dolan bekleme
    sonraki bağlantılarda tekrarlanmaz).

    ``wait`` varsayılanı (2 sn, ölçekli) çekirdeğin watchdog sınırından (3 sn) kısadır: kilitleyen
    cevap watchdog'a takılmadan bu gözlemle kalır.
    """

    def __init__(self, parties: int = 2, wait: float = 2.0) -> None:
        self.parties = parties
        self.wait = wait
        self.inside = 0
        self._met = asyncio.Event()
        self._gave_up = False

    @property
    def met(self) -> bool:
        """``parties`` iş bir an aynı anda içerideydi."""
        return self._met.is_set()

    @contextlib.asynccontextmanager
    async def present(self) -> AsyncIterator[bool]:
        """Bir işin (bağlantının) varlığı: girerken ötekileri bekler; çıkarken sayımdan düşer.

        Yields:
            buluşmanın olup olmadığı (bekleme dolduysa ``False``).
        """
        self.inside += 1
        try:
            if self.inside >= self.parties:
                self._met.set()
            if not self._gave_up:
                try:
                    await asyncio.wait_for(self._met.wait(), timeout=scaled(self.wait))
                except TimeoutError:
                    self._gave_up = True  # sonraki bağlantılar boşuna beklemesin
            yield self.met
        finally:
            self.inside -= 1


def not_concurrent(call: str, name: str, hint: str | None = None) -> Mismatch:
    """İki aynı anda çağrının yargıcın sunucusunda buluşmadığı durumun açıklaması."""
    return Mismatch(
        f"İki `{call}` çağrısı aynı anda çalışmadı: `{name}` beklerken event loop'u kilitliyor.",
        expected="ikinci çağrının, birincisi beklerken başlaması (iki bağlantının sunucuda aynı anda açık olması)",
        got="sunucu iki çağrının bağlantısını hiçbir an birlikte görmedi: çağrılar sırayla çalıştı",
        hint=hint
        or f"`{name}` `async def` olmalı ve beklerken `await` etmeli (`websockets.asyncio.client.connect`, "
        "`await asyncio.sleep`); `time.sleep` ya da senkron istemci (`websockets.sync`) loop'u durdurur.",
    )
