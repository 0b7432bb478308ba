"""Çekirdekteki aracı: ``await check("2.1")`` öğrencinin adlarını yargıca bir soket üzerinden açar.

Aracı hiçbir şeyi kendisi değerlendirmez. Yargıca bağlanır, "2.1'i kontrol et" der, sonra
yargıcın isteklerini (bir uygulamayı sunucuda başlat, bir fonksiyonu şu girdilerle çağır,
bir değeri oku…) yargıç kararını gönderene dek yanıtlar. Öğrencinin uygulaması çekirdekte,
``loop_watchdog`` altında çalışır: event loop'u kilitleyen bir handler yine kesilir.

Yargıcın adresi ``WSKURS_JUDGE`` ortam değişkenindedir (toplu notlandırmada notlandırıcı
verir). Yoksa (JupyterLab'da kendi kendine çalışma) aracı çekirdek başına bir kez yerel bir
yargıç alt süreci başlatır ve onu yeniden kullanır.
"""

from __future__ import annotations

import asyncio
import contextlib
import inspect
import itertools
import os
import sys
import traceback
import warnings
from collections.abc import Callable, Coroutine, Iterator
from dataclasses import dataclass
from types import FrameType
from typing import Any

from websockets.asyncio.client import ClientConnection, connect
from websockets.asyncio.server import Server
from websockets.asyncio.server import serve as ws_serve
from websockets.exceptions import ConnectionClosed

from wskurs.checks import hints, progress, protocol
from wskurs.checks.client import short
from wskurs.checks.errors import CheckFailed
from wskurs.engine.proxy import proxy_hint
from wskurs.engine.server import RunningServer, start_server
from wskurs.engine.timing import scaled
from wskurs.engine.watchdog import WatchdogReport, keep_interruptible, loop_watchdog

__all__ = ["BLOCK_LIMIT", "AgentError", "Verdict", "ask_judge", "check", "local_judge", "relay_app"]

BLOCK_LIMIT = 3.0
"""Bir kontrol sırasında event loop en fazla bu kadar saniye kilitli kalabilir."""


class AgentError(RuntimeError):
    """Yargıca ulaşılamadı ya da yargıç beklenmedik biçimde yanıt verdi (Türkçe mesaj)."""


@dataclass(frozen=True)
class Verdict:
    """Yargıcın bir kontrol için verdiği karar (yalnızca gösterilir; notu yargıcın kaydı belirler)."""

    exercise: str
    passed: bool
    feedback: str
    points: int = 0


# Yerel yargıç ------------------------------------------------------------------------

_local: dict[str, Any] = {}


def local_judge() -> str:
    """Bu çekirdeğin yerel yargıcının adresi; gerekirse yargıcı bir kez başlatır (yargıcın tek
    başlatıcısıyla, ``wskurs.checks.judge.JudgeProcess``; kayıtsız, her deneme yeni bir karar alır)."""
    from wskurs.checks.judge import JudgeProcess  # yalıtılmış çekirdekte yoktur: orada yargıç dışarıdadır

    judge = _local.get("judge")
    if judge is not None and judge.process.poll() is None:
        return str(judge.address)
    judge = JudgeProcess(graded=False)
    _local["judge"] = judge
    return str(judge.address)


def _address() -> tuple[str, str]:
    value = os.environ.get(protocol.ENV) or local_judge()
    try:
        return protocol.parse_address(value)
    except protocol.ProtocolError as exc:
        raise AgentError(str(exc)) from None


# İstekleri yanıtlamak ------------------------------------------------------------------


class _Failure(Exception):
    def __init__(self, kind: str, error: str, line: int | None = None) -> None:
        super().__init__(error)
        self.kind = kind
        self.error = error
        self.line = line


def _learner_line(exc: BaseException) -> int | None:
    frames = traceback.extract_tb(exc.__traceback__) if exc.__traceback__ else []
    return frames[-1].lineno if frames else None


def _qualified(kind: type) -> str:
    return f"{kind.__module__}.{kind.__qualname__}"


@contextlib.contextmanager
def _watch_unawaited(found: list[str], noticed_first: Callable[[], None] = lambda: None) -> Iterator[None]:
    """Kontrol süresince beklenmeyen (``await`` edilmeyen) coroutine'lerin adlarını ``found``'a toplar.

    Yorumlayıcı böyle bir coroutine'i bırakırken ``warnings._warn_unawaited_coroutine``'i çağırır; bu
    kanca uyarı filtrelerinden ve ``showwarning``'den bağımsızdır (ikisi de işlem geneli ve pytest ya da
    bir kütüphane değiştirebilir). Her ad için uyarı bir kez gösterilir: boşa dönen bir döngü saniyede
    binlerce kez uyarır. "always" filtresi ilk uyarının her kontrolde görünmesini sağlar (varsayılan
    filtre aynı yerden gelen uyarıyı bir kez gösterir).
    """
    hook = warnings._warn_unawaited_coroutine  # type: ignore[attr-defined]

    def noticed(coro: Any) -> None:
        name = str(getattr(coro, "__qualname__", "") or "")
        if name in found:
            return
        hook(coro)
        found.append(name)
        noticed_first()

    with warnings.catch_warnings():
        warnings.filterwarnings("always", message=r"coroutine .* was never awaited", category=RuntimeWarning)
        warnings._warn_unawaited_coroutine = noticed  # type: ignore[attr-defined]
        try:
            yield
        finally:
            warnings._warn_unawaited_coroutine = hook  # type: ignore[attr-defined]


def relay_app(base_url: str) -> Any:
    """Yargıcın bir WebSocket sunucusunu çekirdekte bir ASGI uygulaması gibi gösterir.

    Öğrencinin ``TestClient(app)`` ile yazdığı test bu uygulamaya bağlanır; uygulama her bağlantıyı
    yargıcın ``base_url`` + yol adresine aktarır: mesajlar iki yönde olduğu gibi gider, yargıcın
    sunucusunun kapanış kodu ve gerekçesi ``TestClient``'a aynen ulaşır, el sıkışmayı reddederse
    bağlantı kabul edilmeden kapanır. Böylece test, yargıcın seçtiği (doğru ya da bozuk) bir
    endpoint'e karşı çalışır ve sonucunu yargıç kendisi görür.
    """

    async def app(scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] == "lifespan":
            while (await receive())["type"] != "lifespan.shutdown":
                await send({"type": "lifespan.startup.complete"})
            await send({"type": "lifespan.shutdown.complete"})
            return
        if scope["type"] != "websocket":
            await send({"type": "http.response.start", "status": 404, "headers": []})
            await send({"type": "http.response.body", "body": b""})
            return
        query = scope.get("query_string", b"").decode("latin-1")
        target = base_url.rstrip("/") + scope["path"] + (f"?{query}" if query else "")
        await receive()  # websocket.connect
        try:
            upstream = await connect(target, proxy=None, open_timeout=scaled(5), ping_interval=None)
        except Exception:
            await send({"type": "websocket.close", "code": 1008, "reason": ""})
            return
        await send({"type": "websocket.accept"})

        async def to_upstream() -> None:
            while True:
                message = await receive()
                if message["type"] == "websocket.disconnect":
                    await upstream.close(code=message.get("code", 1000) or 1000)
                    return
                data = message.get("text") if message.get("text") is not None else message.get("bytes")
                if data is not None:
                    await upstream.send(data)

        async def from_upstream() -> None:
            try:
                async for data in upstream:
                    key = "text" if isinstance(data, str) else "bytes"
                    await send({"type": "websocket.send", key: data})
            except ConnectionClosed:
                pass
            code = upstream.close_code or 1006
            reason = upstream.close_reason or ""
            await send({"type": "websocket.close", "code": code, "reason": reason})

        tasks = [asyncio.ensure_future(to_upstream()), asyncio.ensure_future(from_upstream())]
        try:
            await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
            await upstream.close()

    return app


class _Session:
    """Bir kontrolün süresince yargıcın isteklerini yanıtlar; başlattığı her şeyi sonunda durdurur."""

    def __init__(self, values: dict[str, Any], watchdog: WatchdogReport) -> None:
        self.values = values
        self.watchdog = watchdog
        self.unawaited: list[str] = []
        self.handles: dict[str, Any] = {}
        self.servers: dict[str, RunningServer | Server] = {}
        self._ids = itertools.count(1)

    # hedefler
    def _target(self, args: dict[str, Any]) -> Any:
        if "handle" in args:
            handle = str(args["handle"])
            if handle not in self.handles:
                raise _Failure("bad_request", f"bilinmeyen tutamaç {handle!r}")
            return self.handles[handle]
        name = args.get("name")
        if not isinstance(name, str):
            raise _Failure("bad_request", "ad ya da tutamaç gerekli")
        if name not in self.values:
            raise _Failure("missing", f"`{name}` tanımlı değil")
        return self.values[name]

    def _keep(self, value: Any) -> str:
        handle = f"h{next(self._ids)}"
        self.handles[handle] = value
        return handle

    @staticmethod
    def _describe(value: Any) -> dict[str, Any]:
        kind = value if isinstance(value, type) else type(value)
        params: int | None = None
        if callable(value):
            with contextlib.suppress(TypeError, ValueError):
                params = len(inspect.signature(value).parameters)
        return {
            "type": type(value).__qualname__,
            "mro": [_qualified(k) for k in type(value).__mro__],
            "class_mro": [_qualified(k) for k in kind.__mro__] if isinstance(value, type) else [],
            "callable": callable(value),
            "is_async": inspect.iscoroutinefunction(value),
            "is_class": isinstance(value, type),
            "params": params,
            "repr": short(value, limit=120),
            "id": id(value),
        }

    async def _invoke(self, func: Any, args: dict[str, Any]) -> Any:
        positional = protocol.decode(args.get("args", []))
        keywords = protocol.decode(args.get("kwargs", {}))
        if not isinstance(positional, list) or not isinstance(keywords, dict):
            raise _Failure("bad_request", "args bir liste, kwargs bir sözlük olmalı")
        if not callable(func):
            raise _Failure("error", f"TypeError: {type(func).__name__} çağrılabilir değil")
        try:
            result = func(*positional, **keywords)
            if inspect.isawaitable(result):
                result = await result
        except NotImplementedError as exc:
            raise _Failure("not_implemented", f"NotImplementedError: {exc}", _learner_line(exc)) from None
        except Exception as exc:
            raise _Failure("error", f"{type(exc).__name__}: {exc}", _learner_line(exc)) from None
        return result

    async def _serve(self, app: Any, label: str) -> dict[str, Any]:
        if not callable(app):
            raise _Failure("error", f"TypeError: {type(app).__name__} bir ASGI uygulaması değil")
        try:
            server = await start_server(app, name=f"kontrol-{label}-{id(app):x}-{next(self._ids)}")
        except Exception as exc:
            raise _Failure("error", f"{type(exc).__name__}: {exc}") from None
        handle = self._keep(server)
        self.servers[handle] = server
        return {"handle": handle, "host": server.host, "port": server.port}

    async def handle(self, op: str, args: dict[str, Any]) -> Any:
        if op == "describe":
            try:
                value = self._target(args)
            except _Failure as failure:
                if failure.kind == "missing":
                    return {"exists": False}
                raise
            return {"exists": True, **self._describe(value)}
        if op == "serve_app":
            return await self._serve(self._target(args), "uygulama")
        if op == "serve_factory":
            app = await self._invoke(self._target(args), args)
            return await self._serve(app, "fabrika")
        if op == "serve_handler":
            handler = self._target(args)
            try:
                ws_server = await ws_serve(handler, "127.0.0.1", 0)
            except Exception as exc:
                raise _Failure("error", f"{type(exc).__name__}: {exc}") from None
            handle = self._keep(ws_server)
            self.servers[handle] = ws_server
            port = next(iter(ws_server.sockets)).getsockname()[1]
            return {"handle": handle, "host": "127.0.0.1", "port": port}
        if op == "stop":
            server = self.servers.pop(str(args.get("handle")), None)
            if server is not None:
                await _stop(server)
            return None
        if op == "log":
            server = self.servers.get(str(args.get("handle")))
            lines = server.log[-200:] if isinstance(server, RunningServer) else []
            return [line[:2000] for line in lines]
        if op in ("call", "await_call"):
            return protocol.encode(await self._invoke(self._target(args), args))
        if op == "new":
            value = await self._invoke(self._target(args), args)
            return {"handle": self._keep(value), **self._describe(value)}
        if op == "method":
            target = self._target(args)
            name = args.get("method")
            if not isinstance(name, str) or name.startswith("_"):
                raise _Failure("bad_request", "geçersiz metot adı")
            try:
                bound = getattr(target, name)
            except AttributeError:
                raise _Failure(
                    "error", f"AttributeError: {type(target).__name__} nesnesinin `{name}` metodu yok"
                ) from None
            return protocol.encode(await self._invoke(bound, args))
        if op == "read":
            value = self._target(args)
            attr = args.get("attr")
            if isinstance(attr, str):
                if attr.startswith("_"):
                    raise _Failure("bad_request", "geçersiz öznitelik adı")
                try:
                    value = getattr(value, attr)
                except Exception as exc:
                    raise _Failure("error", f"{type(exc).__name__}: {exc}") from None
            return protocol.encode(value)
        if op == "validate":
            return self._validate(self._target(args), args)
        if op == "run_test":
            return await self._run_test(self._target(args), str(args.get("url", "")))
        if op == "status":
            return {
                "blocked": self.watchdog.fired,
                "seconds": self.watchdog.blocked_for,
                "unawaited": self.unawaited[:5],
            }
        if op == "tasks":
            names = []
            for task in asyncio.all_tasks():
                coro = task.get_coro()
                names.append(getattr(coro, "__qualname__", None) or task.get_name())
            return sorted(str(name) for name in names)
        raise _Failure("bad_request", f"bilinmeyen işlem {op!r}")

    @staticmethod
    async def _run_test(func: Any, url: str) -> dict[str, Any]:
        """Öğrencinin test fonksiyonunu (``test_x(app)``) yargıcın sunucusunu gösteren bir uygulamayla
        çalıştırır. Testin kalması (``AssertionError`` ya da başka bir hata) bir sonuçtur, hata değil."""
        if not callable(func):
            raise _Failure("error", f"TypeError: {type(func).__name__} çağrılabilir değil")
        app = relay_app(url)

        def run() -> Any:
            result = func(app)
            if inspect.isawaitable(result):  # async def yazılmış test: kendi loop'unda
                return asyncio.run(_awaited(result))
            return result

        try:
            await asyncio.to_thread(run)
        except NotImplementedError as exc:
            raise _Failure("not_implemented", f"NotImplementedError: {exc}", _learner_line(exc)) from None
        except Exception as exc:
            return {"passed": False, "error": f"{type(exc).__name__}: {exc}"[:500], "line": _learner_line(exc)}
        return {"passed": True}

    @staticmethod
    def _validate(adapter: Any, args: dict[str, Any]) -> dict[str, Any]:
        try:
            from pydantic import TypeAdapter, ValidationError
        except ImportError:  # pragma: no cover - pydantic is a dependency
            raise _Failure("error", "pydantic yok") from None
        if not isinstance(adapter, TypeAdapter):
            if isinstance(adapter, type) and hasattr(adapter, "model_validate"):
                adapter = TypeAdapter(adapter)
            else:
                raise _Failure("error", f"TypeError: {type(adapter).__name__} bir TypeAdapter ya da model değil")
        try:
            if "json" in args:
                value = adapter.validate_json(str(args["json"]))
            else:
                value = adapter.validate_python(protocol.decode(args.get("data")))
        except ValidationError as exc:
            errors = [
                {
                    "loc": [str(part) for part in error.get("loc", ())],
                    "type": str(error.get("type", "")),
                    "msg": str(error.get("msg", "")),
                }
                for error in exc.errors(include_url=False)
            ]
            return {"valid": False, "errors": errors}
        except Exception as exc:
            raise _Failure("error", f"{type(exc).__name__}: {exc}", _learner_line(exc)) from None
        try:
            dumped = adapter.dump_python(value, mode="json")
        except Exception:
            dumped = None
        return {"valid": True, "type": type(value).__qualname__, "value": protocol.encode(dumped)}

    async def close(self) -> None:
        for server in list(self.servers.values()):
            with contextlib.suppress(Exception):
                await _stop(server)
        self.servers.clear()
        self.handles.clear()


async def _awaited(value: Any) -> Any:
    return await value


async def _stop(server: RunningServer | Server) -> None:
    if isinstance(server, RunningServer):
        await server.stop()
        return
    server.close()
    with contextlib.suppress(Exception):
        await asyncio.wait_for(server.wait_closed(), timeout=scaled(3))


async def _answer(ws: ClientConnection, session: _Session, message: dict[str, Any]) -> None:
    request_id = message.get("id")
    op = message.get("op")
    raw_args = message.get("args")
    args: dict[str, Any] = raw_args if isinstance(raw_args, dict) else {}
    try:
        if not isinstance(op, str):
            raise _Failure("bad_request", "işlem adı yok")
        value = await session.handle(op, args)
        reply: dict[str, Any] = {"type": "reply", "id": request_id, "ok": True, "value": value}
    except _Failure as failure:
        reply = {
            "type": "reply",
            "id": request_id,
            "ok": False,
            "kind": failure.kind,
            "error": failure.error,
            "line": failure.line,
        }
    except protocol.ProtocolError as exc:
        reply = {"type": "reply", "id": request_id, "ok": False, "kind": "bad_request", "error": str(exc)}
    except asyncio.CancelledError:
        raise
    except BaseException as exc:  # LoopBlocked, KeyboardInterrupt: öğrencinin kodu kesildi
        reply = {
            "type": "reply",
            "id": request_id,
            "ok": False,
            "kind": "error",
            "error": f"{type(exc).__name__}: {exc}",
        }
    with contextlib.suppress(ConnectionClosed):
        await ws.send(protocol.dumps(reply))


async def ask_judge(exercise_id: str, values: dict[str, Any]) -> Verdict:
    """Yargıçtan bir alıştırmayı kontrol etmesini ister ve isteklerini karar gelene dek yanıtlar.

    Raises:
        AgentError: Yargıca ulaşılamazsa ya da bağlantı karar gelmeden koparsa.
    """
    url, token = _address()
    keep_interruptible()
    async with loop_watchdog(scaled(BLOCK_LIMIT)) as watchdog:
        session = _Session(values, watchdog)
        # Eksik await görülünce kod zaten bozuk: boşa dönen döngü (kesmeyi yutsa da) sık sık kesilir.
        unawaited = _watch_unawaited(session.unawaited, lambda: setattr(watchdog, "recut", 0.25))
        unawaited.__enter__()
        tasks: set[asyncio.Task[None]] = set()
        try:
            try:
                ws = await asyncio.wait_for(
                    connect(url, proxy=None, max_size=protocol.MAX_MESSAGE, open_timeout=None, ping_interval=None),
                    timeout=scaled(10),
                )
            except (OSError, TimeoutError) as exc:
                hint = proxy_hint(url)
                raise AgentError(f"Yargıca bağlanılamadı ({type(exc).__name__}).{' ' + hint if hint else ''}") from None
            async with ws:
                await ws.send(protocol.dumps({"type": "check", "token": token, "exercise": exercise_id}))
                async for raw in ws:
                    message = protocol.loads(raw)
                    if message["type"] == "request":
                        task = asyncio.create_task(_answer(ws, session, message))
                        tasks.add(task)
                        task.add_done_callback(tasks.discard)
                    elif message["type"] == "verdict":
                        return Verdict(
                            str(message.get("exercise", exercise_id)),
                            bool(message.get("passed")),
                            str(message.get("feedback", "")),
                            int(message.get("points", 0) or 0),
                        )
            raise AgentError("Yargıç karar vermeden bağlantıyı kapattı.")
        except ConnectionClosed:
            raise AgentError("Yargıçla bağlantı koptu.") from None
        finally:
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
            await session.close()
            unawaited.__exit__(None, None, None)


# Öğrencinin hücresindeki `await check("N.k")` ---------------------------------------------------


def _caller_namespace(frame: FrameType) -> dict[str, Any]:
    try:
        from IPython import get_ipython

        shell = get_ipython()
    except ImportError:  # pragma: no cover
        shell = None
    if shell is not None:
        user_ns: dict[str, Any] = shell.user_ns  # IPython'da bu öznitelik türsüz
        return user_ns
    return frame.f_globals


def _show(feedback: str, html: str = "") -> None:
    try:
        from IPython import get_ipython
        from IPython.display import display
    except ImportError:  # pragma: no cover - IPython is a dependency
        get_ipython = None
    if get_ipython is not None and get_ipython() is not None:
        display({"text/plain": feedback, **({"text/html": html} if html else {})}, raw=True)
    else:
        print(feedback)


def check(exercise_id: str, namespace: dict[str, Any] | None = None) -> Coroutine[Any, Any, None]:
    """Bir alıştırmanın kontrolünü yargıca yaptırır: ``await check("1.2")``.

    Geçerse kısa bir onay gösterir (hücrenin ayrıca bir değer göstermemesi için ``None``
    döndürür); geçmezse Türkçe geri bildirimi
    gösterir ve ``CheckFailed`` fırlatır (böylece nbval hücreyi başarısız sayar). Gösterilen
    yalnızca geri bildirimdir: not yargıcın kaydından gelir.

    Args:
        exercise_id: Alıştırma kimliği, ör. ``"1.2"``.
        namespace: Öğrencinin adları; verilmezse Jupyter çekirdeğinin ya da çağıran
            modülün adları.
    """
    values = namespace if namespace is not None else _caller_namespace(sys._getframe(1))

    async def run() -> None:
        try:
            verdict = await ask_judge(exercise_id, values)
        except AgentError as exc:
            raise CheckFailed(f"❌ Alıştırma {exercise_id}: kontrol yapılamadı. {exc}") from None
        # İlerleme (öğrencinin kendi görünümü; notu etkilemez) ve üst üste başarısızlıkla ilerleyen ipucu.
        entry = progress.record(exercise_id, verdict.passed, verdict.points)
        if not verdict.passed:
            failures = entry.failures_in_a_row if entry is not None else 1
            extra = hints.extra_text(exercise_id, failures)
            if extra:
                _show(extra.strip("\n"), hints.extra_html(exercise_id, failures))
            raise CheckFailed(verdict.feedback)
        _show(verdict.feedback)

    return run()
