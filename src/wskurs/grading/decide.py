"""Notun karar çekirdeği: yargıcın kayıtları ve notlandırıcının kendi gözlemleri girer, not çıkar.

Bu modül hiçbir süreç başlatmaz, dosya okumaz, gönderimin çıktısına bakmaz: saf bir fonksiyondur
(``decide``) ve her dalı birim testiyle sınanır. Girdileri:

- ``records``: yargıcın notlandırıcıya giden borudan gelen kayıtları (``parse_records`` ile türlü);
  puanı yalnızca ``Verdict`` kayıtları belirler, bir alıştırmanın yalnızca ilk kararı sayılır.
- ``RunFacts``: notlandırıcının gönderimi çalıştırırken kendisinin gördükleri (süre doldu mu, bellek ya
  da süreç bütçesine dayanıldı mı, yargıç ya da yalıtım çalışmadı mı).

Durumların sırası: notlandırıcının kendi hatası (``notlandırılamadı``: öğrencinin suçu değil) →
süre → bütçe → çekirdeğin ölümü → kuralı çiğneyen konuşma (``şüpheli``) → hücre zaman aşımı →
kontrolleri yargıca ulaşmayan alıştırmalar.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from wskurs.labformat import ExerciseOutcome, ExerciseResult, ExerciseSpec, SubmissionGrade, SubmissionStatus

__all__ = [
    "Died",
    "Note",
    "Record",
    "Repeat",
    "RunFacts",
    "Started",
    "Verdict",
    "Violation",
    "decide",
    "first_verdicts",
    "parse_records",
    "sandbox_started",
]


@dataclass(frozen=True)
class Started:
    exercise: str


@dataclass(frozen=True)
class Verdict:
    exercise: str
    passed: bool
    feedback: str


@dataclass(frozen=True)
class Died:
    """Kontrol sürerken aracının bağlantısı koptu (çekirdek öldü)."""

    exercise: str


@dataclass(frozen=True)
class Violation:
    """Yargıçla konuşma kurallara uymadı (yalnızca kapalı ağda: bağlanan gönderimin kendisidir)."""

    what: str


@dataclass(frozen=True)
class Repeat:
    exercise: str


@dataclass(frozen=True)
class Note:
    """pytest eklentisinin puansız notu: ``ready`` (yalıtılmış pytest başladı), ``timeout`` (hücre zaman
    aşımı) ya da ``dead`` (çekirdek öldü)."""

    kind: str
    exercise: str


Record = Started | Verdict | Died | Violation | Repeat | Note


def parse_records(raw: Iterable[dict[str, Any]]) -> list[Record]:
    """Yargıcın JSON kayıtlarını türlü kayıtlara çevirir; tanınmayanları atlar (``intruder`` gibi)."""
    records: list[Record] = []
    for entry in raw:
        kind = entry.get("type")
        exercise = str(entry.get("exercise", ""))[:20]
        if kind == "started":
            records.append(Started(exercise))
        elif kind == "verdict":
            records.append(Verdict(exercise, entry.get("passed") is True, str(entry.get("feedback", ""))))
        elif kind == "died":
            records.append(Died(exercise))
        elif kind == "violation":
            records.append(Violation(str(entry.get("what", ""))[:200]))
        elif kind == "repeat":
            records.append(Repeat(exercise))
        elif kind == "note" and entry.get("kind") in ("timeout", "dead", "ready"):
            records.append(Note(str(entry["kind"]), exercise))
    return records


def sandbox_started(records: Iterable[Record]) -> bool:
    """Yalıtılmış pytest başladığını bildirdi mi (gönderimin kodu çalışmadan önce)."""
    return any(isinstance(r, Note) and r.kind == "ready" for r in records)


def first_verdicts(records: Iterable[Record]) -> dict[str, Verdict]:
    """Her alıştırmanın ilk kararı (notlandırmada yalnızca ilk karar sayılır; bu kural yalnızca buradadır)."""
    found: dict[str, Verdict] = {}
    for record in records:
        if isinstance(record, Verdict):
            found.setdefault(record.exercise, record)
    return found


@dataclass(frozen=True)
class RunFacts:
    """Notlandırıcının gönderimi çalıştırırken kendisinin gördükleri (gönderimin söyledikleri değil)."""

    timed_out: float | None = None
    """Gönderim bütünüyle zaman aşımına uğradıysa tanınan süre (saniye)."""
    memory_exceeded: bool = False
    processes_exceeded: bool = False
    grader_error: str = ""
    """Yargıç ya da yalıtım çalışmadıysa notlandırıcının kendi hatası (öğrencinin suçu değil)."""
    notes: tuple[str, ...] = field(default_factory=tuple)


def decide(
    submission: str,
    lab: str,
    specs: Sequence[ExerciseSpec],
    records: Sequence[Record],
    facts: RunFacts = RunFacts(),
) -> SubmissionGrade:
    """Bir gönderimin notu: puan yalnızca kayıttaki ilk ``Verdict``'lerden, durum ``facts``'ten ve kayıttan."""
    known = {spec.id for spec in specs}
    verdicts = {ex: v for ex, v in first_verdicts(records).items() if ex in known}
    started = [r.exercise for r in records if isinstance(r, Started) and r.exercise in known]
    died = [r.exercise for r in records if isinstance(r, Died) and r.exercise in known]
    violations = list(dict.fromkeys(r.what for r in records if isinstance(r, Violation)))
    repeats = [r.exercise for r in records if isinstance(r, Repeat) and r.exercise in known]
    timeouts = list(dict.fromkeys(r.exercise for r in records if isinstance(r, Note) and r.kind == "timeout"))
    timeouts = [ex for ex in timeouts if ex in known]
    dead_at = next((r.exercise for r in records if isinstance(r, Note) and r.kind == "dead"), None)
    missing = [spec.id for spec in specs if spec.id not in verdicts]
    in_progress = next((ex for ex in reversed(started) if ex not in verdicts), None)
    where = in_progress or (missing[0] if missing else None)
    at = f" (alıştırma {where} sırasında)" if where else ""

    status, reason, unrun = SubmissionStatus.GRADED, "", "Kontrol yargıca ulaşmadı."
    if facts.grader_error:
        status = SubmissionStatus.ERROR
        reason = f"Notlandırıcı hatası (öğrencinin suçu değil): {facts.grader_error}"
        unrun = reason
    elif facts.timed_out is not None:
        status = SubmissionStatus.TIMED_OUT
        reason = f"Gönderim {facts.timed_out:g} saniyede bitmedi ve durduruldu{at}."
        unrun = reason
    elif facts.memory_exceeded and missing:
        status = SubmissionStatus.KERNEL_DIED
        reason = f"Gönderim bellek bütçesini aştı ve süreci durduruldu{at}."
        unrun = reason
    elif died or (missing and dead_at is not None):
        status = SubmissionStatus.KERNEL_DIED
        first = died[0] if died else (dead_at or where)
        reason = f"Çekirdek alıştırma {first} sırasında öldü; sonraki kontroller çalışmadı."
        unrun = reason
    elif violations:
        status = SubmissionStatus.SUSPICIOUS
        reason = "Yargıçla konuşma kurallara uymadı: " + "; ".join(violations)
    elif timeouts:
        status = SubmissionStatus.TIMED_OUT
        reason = (
            f"Alıştırma {', '.join(timeouts)}: bir hücre zaman aşımına uğradı ve kesildi (sonsuz döngü ya da "
            "dönmeyen bir await); diğer alıştırmalar notlandırıldı."
        )
        unrun = "Hücre zaman aşımına uğradı; kontrol yargıca ulaşmadı."
        others = [ex for ex in missing if ex not in timeouts]
        if others:
            reason += f" Kontrolleri yargıca ulaşmayan başka alıştırmalar da var: {', '.join(others)}."
    elif facts.processes_exceeded and missing:
        status = SubmissionStatus.SUSPICIOUS
        reason = "Gönderim süreç bütçesine dayandı; kontrolleri yargıca ulaşmayan alıştırmalar: " + ", ".join(missing)
    elif missing:
        status = SubmissionStatus.SUSPICIOUS
        reason = (
            "Kontrolleri yargıca ulaşmayan alıştırmalar: " + ", ".join(missing) + " (`check` ya da `wskurs` "
            "değiştirilmiş, kontrol hücresi hata vermiş olabilir)."
        )
    rows = []
    for spec in specs:
        verdict = verdicts.get(spec.id)
        if verdict is None:
            rows.append(ExerciseResult.not_run(spec, unrun))
            continue
        feedback = verdict.feedback
        for note in facts.notes:
            if note.startswith(f"Alıştırma {spec.id}:"):
                feedback = f"{note}\n{feedback}"
        rows.append(
            ExerciseResult(
                spec.id,
                spec.title,
                spec.points,
                spec.points if verdict.passed else 0,
                ExerciseOutcome.PASSED if verdict.passed else ExerciseOutcome.FAILED,
                feedback,
            )
        )
    notes = list(facts.notes)
    notes += [f"Alıştırma {ex}: kontrol yeniden istendi; yalnızca ilk karar sayıldı." for ex in dict.fromkeys(repeats)]
    if facts.memory_exceeded and status is not SubmissionStatus.KERNEL_DIED:
        notes.append("Gönderim bellek bütçesine dayandı; bir süreci durduruldu.")
    if facts.processes_exceeded:
        notes.append("Gönderim süreç bütçesine dayandı; yeni süreç açması geri çevrildi.")
    grade = SubmissionGrade(submission, lab, tuple(rows), status, reason, notes=tuple(notes))
    return grade.checked(specs)
