"""Öğrencinin ilerlemesi: kendi kendine kontrollerin kararları, deponun dışında küçük bir dosyada.

Her ``await check("N.k")`` kararını (alıştırma, geçti mi, puan, ne zaman) bu dosyaya yazar; öğrencinin
kodu hiçbir zaman yazılmaz. Dosya kullanıcının veri klasöründedir (``platformdirs``; Linux'ta
``~/.local/share/wskurs/ilerleme.json``, Windows'ta ``%LOCALAPPDATA%\\wskurs\\ilerleme.json``), deponun
içinde değil: ``git pull`` ya da yeni bir klon onu silmez. Silmek ilerlemeyi sıfırlar.

``WSKURS_ILERLEME`` ortam değişkeni dosyanın yolunu değiştirir; ``kapali`` değeri kaydı kapatır
(toplu notlandırma onu böyle çalıştırır: ilerleme hiçbir notu etkilemez, notu yargıcın kaydı verir).

Kayıt hiçbir zaman bir kontrolü düşürmez: dosya yazılamazsa ya da bozuksa bir uyarı gösterilir
(bozuk dosya ``ilerleme.json.bozuk`` adıyla saklanır, yenisi başlar) ve kontrol sürer.

Bu modül çekirdekte çalışır (aracı içe aktarır): yalnızca standart kütüphaneyi ve
``platformdirs``'ü kullanır; kontrol modüllerini (``checks/labNN.py``) içe aktarmaz.
"""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
import warnings
from collections.abc import Iterator, Mapping
from dataclasses import asdict, dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

__all__ = [
    "ENV",
    "OFF",
    "ExerciseProgress",
    "ProgressWarning",
    "load",
    "progress_path",
    "record",
]

ENV = "WSKURS_ILERLEME"
"""İlerleme dosyasının yolunu değiştiren ortam değişkeni."""

OFF = "kapali"
"""``WSKURS_ILERLEME`` bu değerdeyse hiçbir şey kaydedilmez (toplu notlandırma)."""

FILE_NAME = "ilerleme.json"
VERSION = 1


class ProgressWarning(UserWarning):
    """İlerleme dosyası okunamadı ya da yazılamadı (kontrol yine de sürer)."""


@dataclass(frozen=True)
class ExerciseProgress:
    """Bir alıştırmanın kayıtlı geçmişi (öğrencinin kodu değil, yalnızca kararlar).

    Attributes:
        exercise: Alıştırma kimliği, ör. ``"2.4"``.
        passed: Son denemenin sonucu.
        points: Son denemede alınan puan.
        attempts: Toplam deneme sayısı.
        failures_in_a_row: Son geçişten bu yana üst üste başarısız deneme sayısı (ipucu basamakları
            buna bakar).
        last: Son denemenin zamanı (ISO 8601, UTC).
        first_passed: İlk geçtiği zaman; hiç geçmediyse ``None``.
    """

    exercise: str
    passed: bool
    points: int
    attempts: int
    failures_in_a_row: int
    last: str
    first_passed: str | None = None

    @classmethod
    def from_json(cls, exercise: str, raw: Mapping[str, Any]) -> ExerciseProgress:
        """Dosyadaki bir kaydı okur; beklenmeyen biçim ``ValueError`` fırlatır."""
        passed, last, first = raw.get("passed"), raw.get("last"), raw.get("first_passed")
        counts = [raw.get(key) for key in ("points", "attempts", "failures_in_a_row")]
        numbers = [value for value in counts if isinstance(value, int) and not isinstance(value, bool) and value >= 0]
        if (
            not isinstance(passed, bool)
            or len(numbers) != len(counts)
            or not isinstance(last, str)
            or not (first is None or isinstance(first, str))
        ):
            raise ValueError(f"{exercise} kaydı beklenen biçimde değil")
        points, attempts, failures = numbers
        return cls(exercise, passed, points, attempts, failures, last, first)


def progress_path() -> Path | None:
    """İlerleme dosyasının yolu; kayıt kapalıysa ``None``."""
    value = os.environ.get(ENV, "").strip()
    if value.lower() == OFF:
        return None
    if value:
        return Path(value).expanduser()
    import platformdirs

    return Path(platformdirs.user_data_dir("wskurs", appauthor=False)) / FILE_NAME


def _warn(message: str) -> None:
    warnings.warn(message, ProgressWarning, stacklevel=3)


def _read(path: Path) -> dict[str, ExerciseProgress]:
    """Dosyayı okur; yoksa boş. Bozuksa kenara alır (silmez), uyarır ve boş başlar."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return {}
    except OSError as exc:
        _warn(f"İlerleme dosyası okunamadı ({path}): {exc}. İlerleme bu sefer boş görünür.")
        return {}
    try:
        data = json.loads(text)
        if not isinstance(data, dict) or not isinstance(data.get("exercises"), dict):
            raise ValueError("'exercises' alanı yok")
        return {str(key): ExerciseProgress.from_json(str(key), raw) for key, raw in data["exercises"].items()}
    except (ValueError, TypeError, AttributeError) as exc:
        spare = path.with_name(path.name + ".bozuk")
        with contextlib.suppress(OSError):
            os.replace(path, spare)
        _warn(
            f"İlerleme dosyası bozuk ({path}: {exc}). Eski dosya {spare.name} adıyla saklandı, "
            "ilerleme yeniden başlıyor."
        )
        return {}


def load(path: Path | None = None) -> dict[str, ExerciseProgress]:
    """Kayıtlı bütün alıştırmaların ilerlemesi (kimliğe göre).

    Args:
        path: Dosya; verilmezse ``progress_path()``.

    Returns:
        Alıştırma kimliği → ``ExerciseProgress``. Dosya yoksa ya da kayıt kapalıysa boş.
    """
    target = path if path is not None else progress_path()
    return {} if target is None else _read(target)


@contextlib.contextmanager
def _locked(path: Path) -> Iterator[None]:
    """Aynı anda iki çekirdek yazarsa biri ötekinin kaydını ezmesin (POSIX'te ``fcntl``)."""
    try:
        import fcntl
    except ImportError:  # Windows: yazma yine atomiktir (os.replace); nadir bir yarışta bir deneme kaybolur
        yield
        return
    with open(path.with_name(path.name + ".kilit"), "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def _write(path: Path, entries: Mapping[str, ExerciseProgress]) -> None:
    body = {
        "version": VERSION,
        "exercises": {key: {k: v for k, v in asdict(item).items() if k != "exercise"} for key, item in entries.items()},
    }
    handle, temporary = tempfile.mkstemp(prefix=".ilerleme-", dir=path.parent)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            json.dump(body, out, ensure_ascii=False, indent=1, sort_keys=True)
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise


def record(
    exercise: str, passed: bool, points: int, *, path: Path | None = None, now: datetime | None = None
) -> ExerciseProgress | None:
    """Bir kontrolün kararını kaydeder ve alıştırmanın güncel geçmişini döndürür.

    Hiçbir zaman hata fırlatmaz: yazılamazsa ``ProgressWarning`` ile uyarır ve ``None`` döndürür.

    Args:
        exercise: Alıştırma kimliği, ör. ``"2.4"``.
        passed: Yargıcın kararı.
        points: Alınan puan.
        path: Dosya; verilmezse ``progress_path()``.
        now: Kaydın zamanı (testler için); verilmezse şimdi (UTC).

    Returns:
        Güncellenmiş kayıt; kayıt kapalıysa ya da yazılamadıysa ``None``.
    """
    target = path if path is not None else progress_path()
    if target is None:
        return None
    when = (now or datetime.now(UTC)).astimezone(UTC).isoformat(timespec="seconds")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        with _locked(target):
            entries = _read(target)
            old = entries.get(exercise)
            if old is None:
                old = ExerciseProgress(exercise, False, 0, 0, 0, when)
            entries[exercise] = updated = replace(
                old,
                passed=passed,
                points=max(int(points), 0),
                attempts=old.attempts + 1,
                failures_in_a_row=0 if passed else old.failures_in_a_row + 1,
                last=when,
                first_passed=old.first_passed or (when if passed else None),
            )
            _write(target, entries)
    except OSError as exc:
        _warn(f"İlerleme kaydedilemedi ({target}): {exc}. Kontrolün sonucu yine geçerlidir.")
        return None
    return updated
