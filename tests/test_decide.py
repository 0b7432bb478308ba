"""Notun saf karar çekirdeği (``wskurs.grading.decide``): yargıcın kayıtları ve notlandırıcının kendi
gözlemleri girer, not çıkar. Puan yalnızca ilk kararlardan gelir; durum notlandırıcının gördüğünden
ve eklentinin yapılandırılmış notlarından. Süreç başlatılmaz."""

from __future__ import annotations

from wskurs.checks import specs_of
from wskurs.grading.decide import (
    Note,
    RunFacts,
    Verdict,
    decide,
    first_verdicts,
    parse_records,
    sandbox_started,
)
from wskurs.labformat import ExerciseOutcome, SubmissionStatus

SPECS = specs_of("lab01")  # 1.1 (3), 1.2 (3), 1.3 (2), 1.4 (2)
READY = {"type": "note", "kind": "ready", "exercise": ""}


def verdict(exercise: str, passed: bool, feedback: str = "…") -> dict[str, object]:
    return {"type": "verdict", "exercise": exercise, "passed": passed, "feedback": feedback}


def grade(raw: list[dict[str, object]], **facts: object):
    return decide("g.ipynb", "lab01", SPECS, parse_records([READY, *raw]), RunFacts(**facts))  # type: ignore[arg-type]


def test_all_verdicts_passed_is_a_clean_grade() -> None:
    """Her alıştırmanın geçen kararı: tam puan, "notlandırıldı", neden ve not yok."""
    result = grade([verdict(s.id, True) for s in SPECS])
    assert (result.total, result.maximum, result.status, result.reason, result.notes) == (
        10,
        10,
        SubmissionStatus.GRADED,
        "",
        (),
    )
    assert all(row.outcome is ExerciseOutcome.PASSED for row in result.exercises)


def test_only_the_first_verdict_counts_and_unknown_records_are_ignored() -> None:
    """Bir alıştırmanın yalnızca ilk kararı sayılır (sonraki geçen karar puan getirmez); tanınmayan
    kayıt türleri, bilinmeyen alıştırmalar ve ``passed``'in ``True`` olmayan her değeri puansızdır."""
    raw = [verdict("1.1", False, "❌"), verdict("1.1", True, "✅"), {"type": "verdict", "exercise": "1.2", "passed": 1}]
    raw += [{"type": "intruder", "what": "x"}, verdict("9.9", True), {"type": "bilinmeyen"}]
    records = parse_records(raw)
    assert first_verdicts(records)["1.1"] == Verdict("1.1", False, "❌")
    result = grade(raw)
    assert result.total == 0 and result.status is SubmissionStatus.SUSPICIOUS
    assert not sandbox_started(parse_records(raw)) and sandbox_started(parse_records([READY]))


def test_repeats_and_notes_are_reported_but_change_no_points() -> None:
    """Yeniden istenen kontrol bir not olur; bir alıştırmanın notu yalnızca kendi geri bildiriminin
    başına yazılır; ikisi de puanı değiştirmez."""
    raw = [verdict("1.1", False, "❌ a"), {"type": "repeat", "exercise": "1.1"}]
    raw += [verdict(s.id, True, "✅") for s in SPECS[1:]]
    notes = ("Alıştırma 1.2: cevap hücresi gönderimde yok.",)
    result = grade(raw, notes=notes)
    assert result.total == 7 and result.status is SubmissionStatus.GRADED
    assert result.notes == (notes[0], "Alıştırma 1.1: kontrol yeniden istendi; yalnızca ilk karar sayıldı.")
    feedback = {row.exercise: row.feedback for row in result.exercises}
    assert feedback["1.2"] == f"{notes[0]}\n✅" and feedback["1.1"] == "❌ a" and feedback["1.3"] == "✅"


def test_a_cell_timeout_note_names_the_other_missing_exercises_too() -> None:
    """Eklentinin zaman aşımı notu "zaman aşımı" durumudur; yargıca ulaşmayan başka alıştırmalar da
    nedende adıyla söylenir. Notlar puan getirmez."""
    result = grade([verdict("1.1", True), {"type": "note", "kind": "timeout", "exercise": "1.2"}])
    assert result.status is SubmissionStatus.TIMED_OUT and result.total == 3
    assert "Alıştırma 1.2: bir hücre zaman aşımına" in result.reason
    assert result.reason.endswith("başka alıştırmalar da var: 1.3, 1.4.")
    assert {r.feedback for r in result.exercises[1:]} == {"Hücre zaman aşımına uğradı; kontrol yargıca ulaşmadı."}


def test_kernel_death_from_the_judge_or_the_plugin_note() -> None:
    """Kontrol sırasında kopan aracı (``died``) ya da eklentinin "çekirdek öldü" notu, eksik alıştırma
    varsa "çekirdek öldü"dür ve ölümün alıştırmasını söyler."""
    died = grade([verdict("1.1", True), {"type": "started", "exercise": "1.2"}, {"type": "died", "exercise": "1.2"}])
    assert died.status is SubmissionStatus.KERNEL_DIED and "alıştırma 1.2 sırasında öldü" in died.reason
    noted = grade([verdict("1.1", True), {"type": "note", "kind": "dead", "exercise": "1.3"}])
    assert noted.status is SubmissionStatus.KERNEL_DIED and "alıştırma 1.3" in noted.reason
    assert parse_records([{"type": "note", "kind": "dead", "exercise": "1.3"}]) == [Note("dead", "1.3")]


def test_whole_timeout_budget_and_repeated_violations() -> None:
    """Bütünüyle zaman aşımı süreyi söyler; bellek bütçesini aşan ve eksik kontrolü olan gönderim
    "çekirdek öldü"dür; süreç bütçesine dayanmak bir nottur; aynı kural ihlali nedende bir kez geçer."""
    records = [verdict(s.id, True) for s in SPECS]
    timed = grade(records, timed_out=90.0)
    assert timed.status is SubmissionStatus.TIMED_OUT and timed.reason == "Gönderim 90 saniyede bitmedi ve durduruldu."
    memory = grade(records[:2], memory_exceeded=True)
    assert memory.status is SubmissionStatus.KERNEL_DIED and "bellek bütçesini aştı" in memory.reason
    forks = grade(records, processes_exceeded=True)
    assert forks.total == 10 and any("süreç bütçesine" in note for note in forks.notes)
    violations = [{"type": "violation", "what": "yanlış token"}] * 2 + [{"type": "violation", "what": "başka"}]
    suspicious = grade(records + violations)
    assert suspicious.status is SubmissionStatus.SUSPICIOUS
    assert suspicious.reason == "Yargıçla konuşma kurallara uymadı: yanlış token; başka"


def test_a_grader_failure_is_never_the_students_fault() -> None:
    """Notlandırıcının kendi hatası (yargıç ya da yalıtım başlamadı) "notlandırılamadı"dır ve neden
    bunu söyler; kural ihlali ya da eksik kontrol olsa da "şüpheli" değildir."""
    raw = [{"type": "violation", "what": "yanlış token"}]
    result = grade(raw, grader_error="yalıtılmış pytest başlamadı (çıkış kodu 1): bwrap: execvp prlimit")
    assert result.status is SubmissionStatus.ERROR and result.total == 0
    assert result.reason.startswith("Notlandırıcı hatası (öğrencinin suçu değil): yalıtılmış pytest")
