"""Lab kontrollerinin ortak düzeni.

Her lab'ın kontrolleri ``wskurs.checks.labNN`` modülündedir; her alıştırma için bir
``@exercise`` fonksiyonu. Kontroller **yargıç sürecinde** çalışır (``wskurs.checks.judge``):
öğrencinin adlarına ``RemoteNamespace`` (``ns``) üzerinden bakar, uygulamasını çekirdekte
``run_app`` ile gerçek bir sunucuda başlatır, ona gerçek bir istemciyle bağlanır ve sonucu
karşılaştırır. Bir şey tutmazsa ``Mismatch`` fırlatır: ne beklendi, ne geldi, bir ipucu.

Lab'daki kontrol hücresi tek satırdır::

    await check("1.2")

Bu satır çekirdekte yalnızca bir aracı çalıştırır (``wskurs.checks.agent``): yargıca bağlanır ve
yargıç kararını gönderene dek isteklerini yanıtlar. Çekirdeğin gösterdiği geri bildirimdir,
not değildir: not yargıcın kaydından gelir.
"""

from __future__ import annotations

import asyncio
import importlib
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from wskurs.checks.errors import AgentGone, CheckFailed, Mismatch, RemoteError, RemoteNotImplemented
from wskurs.checks.remote import RemoteNamespace, hidden_case, run_app
from wskurs.engine.timing import scaled
from wskurs.labformat import ExerciseSpec

Namespace = RemoteNamespace
"""Kontrol fonksiyonlarının aldığı ``ns``: öğrencinin adları, yargıcın gözünden."""

__all__ = [
    "BLOCK_LIMIT",
    "RESULT_MIME",
    "CheckFailed",
    "Exercise",
    "Mismatch",
    "Namespace",
    "blocked_mismatch",
    "exercise",
    "exercises_of",
    "find_exercise",
    "format_feedback",
    "hidden_case",
    "lab_module_name",
    "run_app",
    "run_exercise",
    "specs_of",
    "unawaited_mismatch",
]

RESULT_MIME = "application/vnd.wskurs.check+json"
"""Eski sürümlerin kontrol sonucu çıktı türü. Artık not bundan okunmaz (bkz. ``wskurs.checks.judge``)."""

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

    @property
    def spec(self) -> ExerciseSpec:
        return ExerciseSpec(self.id, self.title, self.points)


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


def specs_of(lab: str) -> list[ExerciseSpec]:
    """Bir lab'ın kayıtlı alıştırmalarının notlandırmaya gereken yüzü."""
    return [ex.spec for ex in exercises_of(lab)]


def format_feedback(ex: Exercise, passed: bool, mismatch: Mismatch | None = None) -> str:
    """Türkçe geri bildirim: ✅ … ya da ❌ Sorun/Beklenen/Gelen/İpucu."""
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
    if isinstance(exc, RemoteNotImplemented):
        return Mismatch(
            f"Alıştırma {ex.id} henüz çözülmedi.",
            hint="Cevap hücresindeki `raise NotImplementedError(...)` satırını silip kodunuzu yazın.",
        )
    if isinstance(exc, RemoteError):
        if exc.kind == "missing":
            return Mismatch(
                f"Gereken bir ad tanımlı değil: {exc.error}.",
                hint="Alıştırmanın cevap hücresini doldurup çalıştırdınız mı? Adı aynen yazın.",
            )
        line = f" (satır {exc.line})" if exc.line else ""
        if "'coroutine' object" in exc.error or "type 'coroutine'" in exc.error:
            return Mismatch(
                "Kodunuz bir coroutine nesnesini sonucu sandı: bir `await` eksik.",
                got=f"{exc.error}{line}",
                hint="`async def` ile tanımlı bir fonksiyonun sonucu ancak `await` ile alınır "
                "(ör. `mesaj = await websocket.recv()`); hatanın söylediği satırdaki çağrıya `await` ekleyin.",
            )
        return Mismatch(
            "Kodunuz çalışırken bir hata çıktı.",
            got=f"{exc.error}{line}",
            hint="Hatanın söylediği satıra bakın; hücreyi tek başına çalıştırıp deneyin.",
        )
    return Mismatch(
        "Kontrol beklenmedik bir hatayla durdu.",
        got=f"{type(exc).__name__}: {exc}"[:300],
        hint="Kodunuzun döndürdüğü değerin türüne bakın; sorun sürerse öğretmeninize haber verin.",
    )


def blocked_mismatch(seconds: float) -> Mismatch:
    """Event loop'u kilitleyen kodun açıklaması (çekirdekteki watchdog onu kesti)."""
    return Mismatch(
        f"Kodunuz event loop'u {max(seconds, scaled(BLOCK_LIMIT)):.0f} saniyeden uzun kilitledi; kontrol onu durdurdu.",
        expected="her işin kısa sürede bir `await`e varması",
        got="`await` etmeden dönen bir döngü ya da bekleme (ör. `while True: pass`, `time.sleep(...)`)",
        hint="Beklemek için `await asyncio.sleep(...)`, uzun hesap için `await asyncio.to_thread(...)` kullanın.",
    )


def unawaited_mismatch(names: list[str], *, blocked: bool = False, seen: Mismatch | None = None) -> Mismatch:
    """Eksik ``await``: bir coroutine çağrıldı ama beklenmedi (Python "was never awaited" uyarısı verdi).

    Args:
        names: Beklenmeyen coroutine'lerin adları (ör. ``WebSocket.receive_text``).
        blocked: Event loop ayrıca kilitlendiyse (beklenmeyen ``receive_text`` döngüyü boşa döndürür).
        seen: Kontrolün bu yüzden gördüğü asıl uyuşmazlık (varsa, sorun cümlesine eklenir).
    """
    calls = ", ".join(f"`{name.rsplit('.', 1)[-1]}(...)`" for name in names)
    problem = f"Kodunuz bir coroutine'i `await` etmeden çağırdı: {calls} hiç beklenmedi."
    if blocked:
        problem += " Beklenmeyen çağrı hiç beklemediği için döngü durmadan döndü ve event loop'u kilitledi."
    elif seen is not None:
        problem += f" Kontrolün gördüğü sonuç: {seen.problem}"
    example = names[0].rsplit(".", 1)[-1]
    return Mismatch(
        problem,
        expected=f"her coroutine çağrısının önünde `await` (ör. `mesaj = await websocket.{example}()`)"
        if example.startswith(("receive", "send", "accept", "close"))
        else f"her coroutine çağrısının önünde `await` (ör. `await {example}(...)`)",
        got="; ".join(f"RuntimeWarning: coroutine '{name}' was never awaited" for name in names),
        hint="`async def` ile tanımlı bir fonksiyonu çağırmak yalnızca bir coroutine nesnesi üretir; iş ancak "
        "`await` ile yapılır ve sonuç ancak öyle alınır. Uyarının adını verdiği çağrının önüne `await` ekleyin.",
    )


def _timeout_mismatch(ex: Exercise) -> Mismatch:
    return Mismatch(
        f"Kontrol {scaled(ex.timeout):g} saniye içinde bitmedi.",
        expected="sunucunun/fonksiyonun kısa sürede yanıt vermesi",
        got="yanıt gelmedi (zaman aşımı)",
        hint="Bir `await` hiç dönmüyor olabilir: beklediğiniz mesaj gönderiliyor mu, bağlantı kapanıyor mu?",
    )


async def run_exercise(ex: Exercise, ns: RemoteNamespace) -> Mismatch | None:
    """Bir alıştırmanın kontrolünü yargıçta çalıştırır; geçtiyse ``None``, kaldıysa nedeni.

    Çekirdekle bağlantı koparsa ``AgentGone`` yukarı çıkar (çekirdek öldü).
    """
    mismatch: Mismatch | None
    try:
        async with asyncio.timeout(scaled(ex.timeout)):
            await ex.func(ns)
        mismatch = None
    except Mismatch as found:
        mismatch = found
    except TimeoutError:
        mismatch = _timeout_mismatch(ex)
    except AgentGone as gone:
        if not gone.timed_out:
            raise
        mismatch = _timeout_mismatch(ex)
    except Exception as exc:
        mismatch = _from_exception(ex, exc)
    # Kilitlenme her şeyden önce gelir: kilitli loop yanıt veremediği için kontrol başka bir
    # nedenle (zaman aşımı) kalmış olabilir. Aracı yanıtını ancak loop kurtulunca gönderir.
    try:
        status = await ns.channel.request("status", timeout=scaled(BLOCK_LIMIT * 2 + 4))
    except AgentGone as gone:
        if not gone.timed_out:
            raise
        status = {"blocked": True, "seconds": scaled(BLOCK_LIMIT * 2 + 4)}
    except RemoteError:
        status = {}
    if not isinstance(status, dict):
        return mismatch
    names = status.get("unawaited")
    unawaited = [str(name) for name in names] if isinstance(names, list) else []
    if unawaited and (mismatch is not None or status.get("blocked")):
        # Eksik `await` asıl nedendir: kilitlenme ya da yanlış yanıt onun sonucudur.
        return unawaited_mismatch(unawaited, blocked=bool(status.get("blocked")), seen=mismatch)
    if status.get("blocked"):
        seconds = status.get("seconds")
        return blocked_mismatch(float(seconds) if isinstance(seconds, int | float) else 0.0)
    return mismatch
