"""Sınıf raporunun hesapları (saf fonksiyonlar) ve sayfanın kendisi: özellikler geri bildirimden doğru
çıkar ve gruplanır, oranlar ve süreler doğru sayılır, ``notlar.json``'dan aynı rapor üretilir, öğrenciden
gelen metin HTML olarak yorumlanmaz ve sayfa dışarıdan hiçbir şey yüklemez."""

from __future__ import annotations

import re

import pytest

from wskurs.grading.class_report import (
    CLASS_REPORT,
    class_report_html,
    common_failures,
    failure_property,
    from_json,
    pass_rates,
    score_histogram,
    status_groups,
    timing_summary,
    write_class_report,
)
from wskurs.grading.reports import write_reports
from wskurs.labformat import ExerciseOutcome, ExerciseResult, ExerciseSpec, SubmissionGrade, SubmissionStatus

SPECS = [ExerciseSpec("2.1", "Yayın", 3), ExerciseSpec("2.2", "İstemci", 2)]
HOSTILE = "<script>alert(1)</script>.ipynb"


def feedback(exercise: ExerciseSpec, problem: str) -> str:
    return (
        f"❌ Alıştırma {exercise.id} — {exercise.title}: 0/{exercise.points} puan\n"
        f"Sorun:    {problem}\nBeklenen: ['a', 'b']\nGelen:    []\nİpucu:    gizli bir ipucu"
    )


def passed(spec: ExerciseSpec) -> ExerciseResult:
    return ExerciseResult(spec.id, spec.title, spec.points, spec.points, ExerciseOutcome.PASSED, "✅ tamam")


def failed(spec: ExerciseSpec, problem: str) -> ExerciseResult:
    return ExerciseResult(spec.id, spec.title, spec.points, 0, ExerciseOutcome.FAILED, feedback(spec, problem))


def class_grades() -> list[SubmissionGrade]:
    """Beş gönderimli bir sınıf: iki tam puan, iki aynı özellikten kalan (biri kötü adlı), bir zaman aşımı."""
    a, b = SPECS
    return [
        SubmissionGrade("ayse.ipynb", "lab02", (passed(a), passed(b)), seconds=4.0),
        SubmissionGrade("burak.ipynb", "lab02", (passed(a), passed(b)), seconds=6.0),
        SubmissionGrade("cem.ipynb", "lab02", (failed(a, "Yayın gönderene de gitti."), passed(b)), seconds=5.0),
        SubmissionGrade(
            HOSTILE,
            "lab02",
            (failed(a, "Yayın gönderene de gitti."), failed(b, "<b>kalın</b> bir <img src=x onerror=alert(2)>")),
            seconds=9.5,
        ),
        SubmissionGrade.zero("deniz.ipynb", "lab02", SPECS, SubmissionStatus.TIMED_OUT, "Hücre zaman aşımına uğradı."),
    ]


def test_failure_property_is_the_problem_line_not_the_inputs():
    """Kalınan özellik ``Sorun:`` satırıdır; başlık, beklenen/gelen değerler ve ipucu ona girmez."""
    text = feedback(SPECS[0], "Yayın gönderene de gitti.")
    assert failure_property(text) == "Yayın gönderene de gitti."
    assert "Beklenen" not in failure_property(text)


def test_failure_property_falls_back_to_the_cross_line_then_the_first_line():
    """``Sorun:`` yoksa ilk ``❌`` satırının başlıktan sonrası, o da boşsa satırın kendisi, hiç ``❌`` yoksa
    ilk dolu satır; terminal kaçışları ve satır sonları kalmaz."""
    assert failure_property("❌ Bilinmeyen alıştırma '9.9'") == "Bilinmeyen alıştırma '9.9'"
    header_only = "❌ Alıştırma 2.1 — Yayın: 0/3 puan"
    assert failure_property(header_only) == header_only
    assert failure_property("\n\nHücre \x1b[31mzaman\x1b[0m aşımına uğradı.\nbaşka") == "Hücre zaman aşımına uğradı."
    assert failure_property("") == "(geri bildirim yok)"
    assert len(failure_property("Sorun: " + "x" * 1000)) == 300


def test_pass_rates_count_every_submission():
    """Geçme oranının paydası bütün gönderimlerdir (zaman aşımına uğrayan da)."""
    rates = pass_rates(class_grades(), SPECS)
    assert (rates["2.1"].passed, rates["2.1"].total) == (2, 5)
    assert (rates["2.2"].passed, rates["2.2"].total) == (3, 5)
    assert rates["2.2"].ratio == pytest.approx(0.6)


def test_common_failures_group_identical_properties_with_students():
    """Aynı özellikten kalanlar tek grupta, sayısı ve adlarıyla, en sıktan aza; çalışmayan satırlar
    (zaman aşımı) özellik sayılmaz."""
    failures = common_failures(class_grades(), SPECS)
    [group] = failures["2.1"]
    assert group.message == "Yayın gönderene de gitti."
    assert group.count == 2
    assert group.students == tuple(sorted(("cem.ipynb", HOSTILE)))
    assert [g.count for g in failures["2.2"]] == [1]
    assert all("zaman aşımı" not in g.message for groups in failures.values() for g in groups)


def test_status_groups_name_the_students_and_reasons():
    """Notlandırılmış olmayan her durum, ilgili gönderimleri ve nedenleriyle; sorunsuz durum listede yok."""
    groups = status_groups(class_grades())
    assert list(groups) == [SubmissionStatus.TIMED_OUT]
    assert groups[SubmissionStatus.TIMED_OUT] == [("deniz.ipynb", "Hücre zaman aşımına uğradı.")]


def test_timing_summary_total_median_and_slowest_first():
    """Toplam süre, ortanca ve en yavaş gönderimler yavaştan hızlıya."""
    timing = timing_summary(class_grades(), slowest=2)
    assert timing.total == pytest.approx(24.5)
    assert timing.median == pytest.approx(5.0)
    assert timing.slowest == ((HOSTILE, 9.5), ("burak.ipynb", 6.0))
    assert timing_summary([]).total == 0


def test_score_histogram_counts_each_total():
    """Histogram her toplam puan için gönderim sayısıdır (0..en yüksek)."""
    assert score_histogram(class_grades(), 5) == [2, 0, 1, 0, 0, 2]


def test_page_escapes_learner_text_and_loads_nothing_from_outside(tmp_path):
    """Sayfa tek dosyadır: resimler data: adresli, dış betik/yazı tipi/stil yok; kötü niyetli ad ve geri
    bildirim metin olarak görünür (etiket olarak değil)."""
    path = write_class_report(class_grades(), "lab02", SPECS, tmp_path / "rapor")
    assert path == tmp_path / "rapor" / CLASS_REPORT
    page = path.read_text(encoding="utf-8")
    assert "<script" not in page
    assert "<img src=x" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;.ipynb" in page
    assert "&lt;b&gt;kalın&lt;/b&gt;" in page
    sources = re.findall(r'(?:src|href)="([^"]*)"', page)
    assert sources and all(source.startswith("data:image/png;base64,") for source in sources)
    assert "Puan dağılımı" in page and "geçme oranı" in page and "zaman aşımı" in page


def test_regenerated_from_notlar_json_is_the_same_page(tmp_path):
    """``notlar.json``'dan okunan notlarla üretilen sayfa, notların kendisiyle üretilenin aynısıdır."""
    grades = class_grades()
    write_reports(grades, "lab02", SPECS, tmp_path)
    data = from_json(tmp_path / "notlar.json")
    assert data.lab == "lab02"
    assert data.specs == SPECS
    assert [g.as_json() for g in data.grades] == [g.as_json() for g in grades]
    assert class_report_html(*data) == class_report_html(grades, "lab02", SPECS)


def test_empty_class_still_writes_a_page(tmp_path):
    """Hiç gönderim yoksa da sayfa yazılır (grafikler boş, hata yok)."""
    page = write_class_report([], "lab02", SPECS, tmp_path).read_text(encoding="utf-8")
    assert "<b>0</b> gönderim" in page
