"""``--yalnizca-yeni``: yalnızca cevapları değişen gönderimleri yeniden notlandırmak.

Her notlandırma çıktı klasörüne ``notlandirma_durumu.json`` yazar: notlandırmanın anahtarı (lab
defterinin SHA-256'sı, notlandırıcının sürümü, yargıcın tohumu, notlandırma ayarları) ve her gönderim
için cevap hücrelerinin SHA-256'sı ile notun tamamı (günlüğü dahil). Sonraki ``--yalnizca-yeni``
çalışmasında anahtar aynıysa cevap hücreleri aynı kalan gönderimin önceki notu olduğu gibi kullanılır;
yalnızca yeni ya da cevabı değişen gönderimler notlandırılır. Anahtarın bir parçası değiştiyse (lab,
notlandırıcı, tohum, ayar) kimse eski notunu tutmaz: hepsi yeniden notlandırılır ve neden söylenir.

Notlandırıcının sürümü paketin sürümü ile notu belirleyen kaynakların (``wskurs.checks``,
``wskurs.grading``, ``wskurs.labformat``) özetidir: bir kontrol düzeltilince eski notlar kullanılmaz.
Cevap hücresinin özeti yalnızca cevap hücrelerinin kaynağıdır (hangi alıştırma, hangi sırada): çıktılar,
yürütme sayaçları ya da öteki hücreler not değiştirmez, özeti de değiştirmez. Defter olarak okunamayan
dosyanın özeti baytlarınındır.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import nbformat

from wskurs.grading.intake import read_submission
from wskurs.labformat import ExerciseOutcome, ExerciseResult, SubmissionGrade, SubmissionStatus

__all__ = [
    "STATE_FILE",
    "RunKey",
    "answers_hash",
    "grade_from_json",
    "grade_to_json",
    "grader_version",
    "load_state",
    "previous_seed",
    "reusable",
    "save_state",
]

STATE_FILE = "notlandirma_durumu.json"
"""Çıktı klasöründeki durum dosyasının adı."""

_FORMAT = 1


def grader_version() -> str:
    """Paketin sürümü ve notu belirleyen kaynakların SHA-256 özetinin başı (``0.1.0+1a2b3c4d5e6f``)."""
    import wskurs

    root = Path(wskurs.__file__).parent
    digest = hashlib.sha256()
    sources = [*sorted((root / "checks").rglob("*.py")), *sorted((root / "grading").rglob("*.py"))]
    for path in [*sources, root / "labformat.py"]:
        digest.update(path.relative_to(root).as_posix().encode())
        digest.update(b"\0")
        digest.update(path.read_bytes())
        digest.update(b"\0")
    return f"{wskurs.__version__}+{digest.hexdigest()[:12]}"


@dataclass(frozen=True)
class RunKey:
    """Notlandırmanın anahtarı: biri değişirse önceki notlar kullanılmaz.

    Attributes:
        lab_hash: Lab defterinin SHA-256'sı.
        grader: ``grader_version()``.
        seed: Yargıcın tohumu (``None``: her gönderimde başka).
        settings: Notu etkileyen ayarlar (hücre zaman aşımı, gizli durumlar, yalıtım).
    """

    lab_hash: str
    grader: str
    seed: int | None
    settings: tuple[tuple[str, Any], ...]

    @classmethod
    def of(cls, lab_path: Path, seed: int | None, **settings: Any) -> RunKey:
        """Lab defterinden ve ayarlardan anahtar."""
        lab_hash = hashlib.sha256(lab_path.read_bytes()).hexdigest()
        return cls(lab_hash, grader_version(), seed, tuple(sorted(settings.items())))

    def as_json(self) -> dict[str, Any]:
        return {"lab_hash": self.lab_hash, "grader": self.grader, "seed": self.seed, "settings": dict(self.settings)}

    def differences(self, other: Mapping[str, Any]) -> list[str]:
        """Önceki anahtardan farklı olan parçaların Türkçe adları."""
        names = {"lab_hash": "lab defteri", "grader": "notlandırıcının sürümü", "seed": "tohum", "settings": "ayarlar"}
        mine = self.as_json()
        return [label for key, label in names.items() if other.get(key) != mine[key]]


def answers_hash(path: Path, max_bytes: int) -> str:
    """Gönderimin cevap hücrelerinin SHA-256'sı; defter olarak okunamıyorsa dosya baytlarının."""
    from wskurs.grading.batch import answer_sources

    try:
        data = read_submission(path, max_bytes)
    except (OSError, ValueError) as exc:
        return f"okunamadı:{type(exc).__name__}"
    try:
        notebook = nbformat.reads(data.decode("utf-8"), as_version=4)
        answers = answer_sources(notebook)
    except Exception:
        return "dosya:" + hashlib.sha256(data).hexdigest()
    text = json.dumps(sorted(answers.items()), ensure_ascii=False)
    return "cevaplar:" + hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def grade_to_json(grade: SubmissionGrade) -> dict[str, Any]:
    """Notun kayıpsız JSON'u (``as_json`` artı yuvarlanmamış süre ve günlük)."""
    return {**grade.as_json(), "seconds": grade.seconds, "log": grade.log}


def grade_from_json(data: Mapping[str, Any]) -> SubmissionGrade:
    """``grade_to_json``'un tersi.

    Raises:
        KeyError, ValueError, TypeError: Kayıt bozuksa.
    """
    rows = tuple(
        ExerciseResult(
            str(row["exercise"]),
            str(row["title"]),
            int(row["points"]),
            int(row["earned"]),
            ExerciseOutcome(row["status"]),
            str(row["feedback"]),
        )
        for row in data["exercises"]
    )
    return SubmissionGrade(
        str(data["submission"]),
        str(data["lab"]),
        rows,
        SubmissionStatus(data["status"]),
        str(data["reason"]),
        float(data["seconds"]),
        tuple(str(note) for note in data["notes"]),
        str(data.get("log", "")),
    )


def previous_seed(output: Path) -> int | None:
    """Önceki çalışmanın tohumu (``--yalnizca-yeni`` ``--tohum`` verilmezse onu kullanır); yoksa ``None``."""
    try:
        seed = json.loads((output / STATE_FILE).read_text(encoding="utf-8"))["key"]["seed"]
    except (OSError, ValueError, KeyError, TypeError):
        return None
    return seed if isinstance(seed, int) and not isinstance(seed, bool) else None


def load_state(output: Path, key: RunKey) -> tuple[dict[str, tuple[str, SubmissionGrade]], str]:
    """Önceki çalışmanın gönderimleri (ad → (cevap özeti, not)) ve Türkçe bir açıklama.

    Anahtar farklıysa, dosya yoksa ya da bozuksa gönderim listesi boştur; açıklama nedenini söyler.
    """
    path = output / STATE_FILE
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}, f"Önceki notlandırma bulunamadı ({path}): hepsi notlandırılıyor."
    except (OSError, ValueError) as exc:
        return {}, f"{path} okunamadı ({type(exc).__name__}): hepsi yeniden notlandırılıyor."
    if not isinstance(data, dict) or data.get("format") != _FORMAT or not isinstance(data.get("key"), dict):
        return {}, f"{path} tanınmadı: hepsi yeniden notlandırılıyor."
    changed = key.differences(data["key"])
    if changed:
        return {}, f"Önceki notlandırmadan bu yana değişti: {', '.join(changed)}. Hepsi yeniden notlandırılıyor."
    found: dict[str, tuple[str, SubmissionGrade]] = {}
    try:
        for name, entry in data["submissions"].items():
            found[name] = (str(entry["answers"]), grade_from_json(entry["grade"]))
    except (AttributeError, KeyError, ValueError, TypeError):
        return {}, f"{path} bozuk: hepsi yeniden notlandırılıyor."
    return found, f"Önceki notlandırma: {path}"


def reusable(
    previous: Mapping[str, tuple[str, SubmissionGrade]], hashes: Mapping[str, str]
) -> dict[str, SubmissionGrade]:
    """Cevap özeti önceki çalışmadakiyle aynı olan gönderimlerin önceki notları."""
    return {
        name: replace(grade, submission=name)
        for name, (digest, grade) in previous.items()
        if hashes.get(name) == digest
    }


def save_state(output: Path, key: RunKey, hashes: Mapping[str, str], grades: Sequence[SubmissionGrade]) -> None:
    """Bu çalışmanın durumunu yazar (önce geçici dosyaya, sonra yerine: yarım dosya kalmaz).

    Yalnızca özeti bilinen (klasördeki) gönderimler yazılır."""
    entries = {
        grade.submission: {"answers": hashes[grade.submission], "grade": grade_to_json(grade)}
        for grade in grades
        if grade.submission in hashes
    }
    data = {"format": _FORMAT, "key": key.as_json(), "submissions": dict(sorted(entries.items()))}
    path = output / STATE_FILE
    temporary = output / f".{STATE_FILE}.yeni"
    temporary.write_text(json.dumps(data, ensure_ascii=True, indent=1, sort_keys=True), encoding="utf-8")
    os.replace(temporary, path)
