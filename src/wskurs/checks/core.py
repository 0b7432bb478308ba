"""Lab kontrollerinin ortak düzeni.

Her lab'ın kontrolleri ``wskurs.checks.labNN`` modülündedir; her alıştırma için bir
``@exercise`` fonksiyonu, öğrencinin çekirdekteki adlarına (``Namespace``) bakar,
uygulamasını gerçekten çalıştırır, bağlanır, gönderir ve sonucu karşılaştırır. Bir
şey tutmazsa ``Mismatch`` fırlatır: ne beklendi, ne geldi, bir ipucu.

Lab'daki kontrol hücresi tek satırdır::

    await check("1.2")
"""

from __future__ import annotations

import asyncio
import contextlib
import importlib
import inspect
import re
import sys
import traceback
from collections.abc import AsyncIterator, Awaitable, Callable, Coroutine
from dataclasses import dataclass, field
from typing import Any

from ..server import RunningServer, serve
from ..timing import scaled
from ..watchdog import LoopBlocked, keep_interruptible, loop_watchdog

__all__ = [
    "RESULT_MIME",
    "CheckFailed",
    "CheckResult",
    "Exercise",
    "Mismatch",
    "Namespace",
    "check",
    "exercise",
    "exercises_of",
    "find_exercise",
    "lab_module_name",
    "run_app",
]

RESULT_MIME = "application/vnd.wskurs.check+json"
"""Bir kontrolün sonucunu taşıyan çıktı türü; notlandırma bunu okur."""

BLOCK_LIMIT = 3.0
"""Bir kontrol sırasında event loop en fazla bu kadar saniye kilitli kalabilir."""

_ID = re.compile(r"^(\d+)\.(\d+)$")
_REGISTRY: dict[str, Exercise] = {}


@dataclass(frozen=True)
class Exercise:
    """Bir lab alıştırması: kimliği, başlığı, puanı ve kontrol fonksiyonu."""

    id: str
    title: str
    points: int
    func: Callable[[Namespace], Awaitable[None]]
    timeout: float = 10.0

    @property
    def lab(self) -> str:
        return lab_module_name(self.id)


def lab_module_name(exercise_id: str) -> str:
    """``"1.2"`` → ``"lab01"``."""
    match = _ID.match(exercise_id)
    if match is None:
        raise ValueError(f"Alıştırma kimliği 'bölüm.sıra' biçiminde olmalı (ör. '1.2'), gelen: {exercise_id!r}")
    return f"lab{int(match.group(1)):02d}"


def exercise(
    exercise_id: str, *, title: str, points: int, timeout: float = 10.0
) -> Callable[[Callable[[Namespace], Awaitable[None]]], Callable[[Namespace], Awaitable[None]]]:
    """Bir kontrol fonksiyonunu alıştırma olarak kaydeder.

    Args:
        exercise_id: ``"bölüm.sıra"``, ör. ``"1.2"``.
        title: Not tablosunda görünen kısa Türkçe başlık.
        points: Alıştırmanın puanı.
        timeout: Kontrolün bütününe tanınan süre (``WSKURS_TIMEOUT_SCALE`` ile ölçeklenir).
    """
    lab_module_name(exercise_id)

    def register(func: Callable[[Namespace], Awaitable[None]]) -> Callable[[Namespace], Awaitable[None]]:
        _REGISTRY[exercise_id] = Exercise(exercise_id, title, points, func, timeout)
        return func

    return register


def _load_lab(lab: str) -> None:
    try:
        importlib.import_module(f"wskurs.checks.{lab}")
    except ModuleNotFoundError as exc:
        if exc.name != f"wskurs.checks.{lab}":
            raise
        raise LookupError(f"'{lab}' için kontrol modülü yok (wskurs/checks/{lab}.py).") from None


def find_exercise(exercise_id: str) -> Exercise:
    """Kimliği verilen alıştırmayı (gerekirse lab modülünü yükleyerek) bulur.

    Raises:
        LookupError: Böyle bir alıştırma yoksa.
    """
    if exercise_id not in _REGISTRY:
        _load_lab(lab_module_name(exercise_id))
    try:
        return _REGISTRY[exercise_id]
    except KeyError:
        raise LookupError(f"'{exercise_id}' diye bir alıştırma yok.") from None


def exercises_of(lab: str) -> list[Exercise]:
    """Bir lab'ın (ör. ``"lab01"``) bütün alıştırmaları, kimlik sırasıyla."""
    _load_lab(lab)
    found = [ex for ex in _REGISTRY.values() if ex.lab == lab]
    return sorted(found, key=lambda ex: tuple(int(part) for part in ex.id.split(".")))


class Mismatch(Exception):
    """Öğrencinin cevabı beklenenle tutmadı.

    Args:
        problem: Bir cümleyle ne yanlış.
        expected: Ne beklendi.
        got: Ne geldi.
        hint: Çözüme götüren bir ipucu.
    """

    def __init__(self, problem: str, *, expected: Any = None, got: Any = None, hint: str | None = None) -> None:
        super().__init__(problem)
        self.problem = problem
        self.expected = expected
        self.got = got
        self.hint = hint
        self.server_note: str | None = None


class CheckFailed(Exception):
    """Bir kontrol geçmedi. Mesajı Türkçe geri bildirimin kendisidir."""

    def __init__(self, feedback: str) -> None:
        super().__init__(feedback)
        self.feedback = feedback

    def _render_traceback_(self) -> list[str]:
        # IPython bunu tam bir traceback yerine gösterir: öğrenci yalnız geri bildirimi görür.
        return self.feedback.splitlines()


@dataclass
class CheckResult:
    """Bir kontrolün sonucu."""

    exercise: Exercise
    passed: bool
    feedback: str
    details: dict[str, Any] = field(default_factory=dict)

    @property
    def earned(self) -> int:
        return self.exercise.points if self.passed else 0

    def as_json(self) -> dict[str, Any]:
        return {
            "exercise": self.exercise.id,
            "title": self.exercise.title,
            "points": self.exercise.points,
            "earned": self.earned,
            "passed": self.passed,
            "feedback": self.feedback,
        }


class Namespace:
    """Öğrencinin çekirdekteki adlarına erişim; eksik ya da yanlış türde bir ad açık bir
    ``Mismatch`` olur."""

    def __init__(self, values: dict[str, Any]) -> None:
        self.values = values

    def get(self, name: str, kind: type | tuple[type, ...] | None = None, *, what: str | None = None) -> Any:
        """``name`` adlı değeri döndürür.

        Args:
            name: Öğrencinin tanımlaması gereken ad.
            kind: Beklenen tür(ler).
            what: Hata mesajında türün insanca adı (ör. "bir FastAPI uygulaması").

        Raises:
            Mismatch: Ad yoksa ya da türü beklenen değilse.
        """
        if name not in self.values:
            raise Mismatch(
                f"`{name}` adında bir tanım bulunamadı.",
                expected=f"`{name}` tanımlı olsun" + (f" ({what})" if what else ""),
                got="böyle bir ad yok",
                hint="Alıştırmanın cevap hücresini doldurup çalıştırdınız mı? Adı aynen yazın.",
            )
        value = self.values[name]
        if kind is not None and not isinstance(value, kind):
            raise Mismatch(
                f"`{name}` beklenen türde değil.",
                expected=what or _type_names(kind),
                got=f"{type(value).__name__}: {_short(value)}",
                hint=f"`{name}` adını başka bir değerle ezmiş olabilir misiniz?",
            )
        return value

    def function(self, name: str, *, is_async: bool, params: int | None = None) -> Callable[..., Any]:
        """``name`` adlı fonksiyonu döndürür; ``async def`` olup olmadığına ve parametre
        sayısına bakar."""
        func = self.get(name, what="bir fonksiyon")
        if not callable(func):
            raise Mismatch(f"`{name}` bir fonksiyon değil.", expected="bir fonksiyon", got=type(func).__name__)
        if is_async and not inspect.iscoroutinefunction(func):
            raise Mismatch(
                f"`{name}` bir `async def` fonksiyonu olmalı.",
                expected=f"async def {name}(...)",
                got=f"def {name}(...)",
                hint="İçinde `await` kullanacaksanız fonksiyon `async def` ile tanımlanır.",
            )
        if params is not None:
            count = len(inspect.signature(func).parameters)
            if count != params:
                raise Mismatch(
                    f"`{name}` {params} parametre almalı.",
                    expected=f"{params} parametre",
                    got=f"{count} parametre",
                )
        return func


def _type_names(kind: type | tuple[type, ...]) -> str:
    kinds = kind if isinstance(kind, tuple) else (kind,)
    return " ya da ".join(k.__name__ for k in kinds)


def _short(value: Any, limit: int = 120) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


@contextlib.asynccontextmanager
async def run_app(app: Any) -> AsyncIterator[RunningServer]:
    """Öğrencinin uygulamasını gerçek bir uvicorn sunucusunda başlatır.

    Blok içinde bir ``Mismatch`` çıkarsa, sunucunun günlüğündeki son hata mesajına eklenir
    (ör. handler'da yakalanmamış bir ``NotImplementedError``).
    """
    async with serve(app, name=f"kontrol-{id(app):x}") as server:
        try:
            yield server
        except Mismatch as mismatch:
            mismatch.server_note = _last_error(server.log)
            raise


def _last_error(lines: list[str]) -> str | None:
    for line in reversed(lines):
        stripped = line.strip()
        if re.match(r"^[A-Za-z_.]*(Error|Exception|Interrupt|Disconnect)\b.*", stripped):
            return stripped
    return None


def _format(ex: Exercise, passed: bool, mismatch: Mismatch | None = None) -> str:
    head = f"Alıştırma {ex.id} — {ex.title}: "
    if passed:
        return f"✅ {head}{ex.points}/{ex.points} puan"
    assert mismatch is not None
    lines = [f"❌ {head}0/{ex.points} puan", f"Sorun:    {mismatch.problem}"]
    if mismatch.expected is not None:
        lines.append(f"Beklenen: {mismatch.expected}")
    if mismatch.got is not None:
        lines.append(f"Gelen:    {mismatch.got}")
    if mismatch.server_note:
        lines.append(f"Sunucu günlüğünde: {mismatch.server_note}")
    if mismatch.hint:
        lines.append(f"İpucu:    {mismatch.hint}")
    return "\n".join(lines)


def _from_exception(ex: Exercise, exc: BaseException) -> Mismatch:
    if isinstance(exc, NotImplementedError):
        return Mismatch(
            f"Alıştırma {ex.id} henüz çözülmedi.",
            hint="Cevap hücresindeki `raise NotImplementedError(...)` satırını silip kodunuzu yazın.",
        )
    where = traceback.extract_tb(exc.__traceback__)[-1:] if exc.__traceback__ else []
    line = f" (satır {where[0].lineno})" if where else ""
    return Mismatch(
        "Kodunuz çalışırken bir hata çıktı.",
        got=f"{type(exc).__name__}: {exc}{line}",
        hint="Hatanın söylediği satıra bakın; hücreyi tek başına çalıştırıp deneyin.",
    )


async def _run(ex: Exercise, values: dict[str, Any]) -> CheckResult:
    keep_interruptible()
    async with loop_watchdog(scaled(BLOCK_LIMIT)) as watchdog:
        mismatch = await _attempt(ex, values)
    if watchdog.fired:
        mismatch = Mismatch(
            f"Kodunuz event loop'u {watchdog.blocked_for:.0f} saniyeden uzun kilitledi; kontrol onu durdurdu.",
            expected="her işin kısa sürede bir `await`e varması",
            got="`await` etmeden dönen bir döngü ya da bekleme (ör. `while True: pass`, `time.sleep(...)`)",
            hint="Beklemek için `await asyncio.sleep(...)`, uzun hesap için `await asyncio.to_thread(...)` kullanın.",
        )
    if mismatch is None:
        return CheckResult(ex, True, _format(ex, True))
    return CheckResult(ex, False, _format(ex, False, mismatch))


async def _attempt(ex: Exercise, values: dict[str, Any]) -> Mismatch | None:
    try:
        async with asyncio.timeout(scaled(ex.timeout)):
            await ex.func(Namespace(values))
    except Mismatch as mismatch:
        return mismatch
    except TimeoutError:
        return Mismatch(
            f"Kontrol {scaled(ex.timeout):g} saniye içinde bitmedi.",
            expected="sunucunun/fonksiyonun kısa sürede yanıt vermesi",
            got="yanıt gelmedi (zaman aşımı)",
            hint="Bir `await` hiç dönmüyor olabilir: beklediğiniz mesaj gönderiliyor mu, bağlantı kapanıyor mu?",
        )
    except LoopBlocked:
        return None  # watchdog'un raporu açıklar
    except Exception as exc:
        return _from_exception(ex, exc)
    return None


def _publish(result: CheckResult) -> None:
    """Geçen bir kontrolün onayını yazar; Jupyter'de notlandırmanın okuduğu sonucu da ekler.

    Geçmeyen kontrolün geri bildirimi ``CheckFailed`` ile gösterilir (iki kez yazılmaz).
    """
    payload = result.as_json()
    try:
        from IPython import get_ipython
        from IPython.display import display
    except ImportError:  # pragma: no cover - IPython is a dependency
        get_ipython = None  # type: ignore[assignment]
    if get_ipython is not None and get_ipython() is not None:
        display({"text/plain": result.feedback, RESULT_MIME: payload}, raw=True)
    else:
        print(result.feedback)


def _caller_namespace(frame: Any) -> dict[str, Any]:
    try:
        from IPython import get_ipython

        shell = get_ipython()
    except ImportError:  # pragma: no cover
        shell = None
    if shell is not None:
        return shell.user_ns
    return frame.f_globals


def check(exercise_id: str, namespace: dict[str, Any] | None = None) -> Coroutine[Any, Any, CheckResult]:
    """Bir alıştırmanın kontrolünü çalıştırır: ``await check("1.2")``.

    Geçerse kısa bir onay yazar ve sonucu döndürür; geçmezse Türkçe geri bildirimi
    gösterir ve ``CheckFailed`` fırlatır (böylece nbval hücreyi başarısız sayar).

    Args:
        exercise_id: Alıştırma kimliği, ör. ``"1.2"``.
        namespace: Öğrencinin adları; verilmezse Jupyter çekirdeğinin ya da çağıran
            modülün adları.
    """
    values = namespace if namespace is not None else _caller_namespace(sys._getframe(1))

    async def run() -> CheckResult:
        try:
            ex = find_exercise(exercise_id)
        except LookupError as exc:
            raise CheckFailed(f"❌ {exc}") from None
        result = await _run(ex, values)
        if not result.passed:
            raise CheckFailed(result.feedback)
        _publish(result)
        return result

    return run()
