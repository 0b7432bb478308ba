"""Sınıf listesi ve Moodle/Canvas dışa aktarımları (saf kod; çekirdek başlatmaz)."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from wskurs.grading.gradebook import (
    RosterError,
    match_roster,
    read_roster,
    write_canvas,
    write_matching_report,
    write_moodle,
)
from wskurs.labformat import (
    ExerciseOutcome,
    ExerciseResult,
    ExerciseSpec,
    SubmissionGrade,
    SubmissionStatus,
)

SPECS = (ExerciseSpec("2.1", "Yayın", 2), ExerciseSpec("2.2", "Sayaç", 3))


def _grade(name: str, earned: tuple[int, int]) -> SubmissionGrade:
    rows = tuple(
        ExerciseResult(
            spec.id,
            spec.title,
            spec.points,
            got,
            ExerciseOutcome.PASSED if got else ExerciseOutcome.FAILED,
            "",
        )
        for spec, got in zip(SPECS, earned, strict=True)
    )
    return SubmissionGrade(name, "lab02", rows)


def _roster(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "liste.csv"
    path.write_text(text, encoding="utf-8")
    return path


ROSTER = (
    "ogrenci_no,ad,eposta,dosya\n"
    "1001,Ayşe Yılmaz,ayse@okul.edu.tr,ayse.ipynb\n"
    "1002,Mert Şahin,mert@okul.edu.tr,mert\n"
    "1003,Çağla Öz,cagla@okul.edu.tr,cagla.ipynb\n"
)


def test_roster_matches_by_name_and_stem_and_lists_the_rest(tmp_path: Path) -> None:
    """Gönderimler tam adla ya da uzantısız adla eşleşir; gönderimi olmayan öğrenci ve listede
    olmayan gönderim ayrı ayrı listelenir, hiçbiri düşmez."""
    students = read_roster(_roster(tmp_path, ROSTER))
    grades = [_grade("ayse.ipynb", (2, 3)), _grade("mert.ipynb", (2, 0)), _grade("yabanci.ipynb", (0, 0))]
    matching = match_roster(students, grades)
    assert [(s.number, g.submission if g else None) for s, g in matching.pairs] == [
        ("1001", "ayse.ipynb"),
        ("1002", "mert.ipynb"),
        ("1003", None),
    ]
    assert [s.number for s in matching.missing] == ["1003"]
    assert [g.submission for g in matching.unknown] == ["yabanci.ipynb"]
    report = tmp_path / "eslesme.md"
    write_matching_report(report, matching)
    text = report.read_text(encoding="utf-8")
    assert "1003 Çağla Öz" in text and "yabanci.ipynb" in text


def test_roster_errors_are_turkish_and_name_the_problem(tmp_path: Path) -> None:
    """Eksik sütun, boş dosya adı ve aynı dosyanın iki öğrenciye verilmesi Türkçe bir hatadır."""
    with pytest.raises(RosterError, match="sütunlar yok: eposta"):
        read_roster(_roster(tmp_path, "ogrenci_no,ad,dosya\n1,A,a.ipynb\n"))
    with pytest.raises(RosterError, match=r"2\. satırında dosya adı boş"):
        read_roster(_roster(tmp_path, "ogrenci_no,ad,eposta,dosya\n1,A,a@x,\n"))
    with pytest.raises(RosterError, match="iki öğrenciye"):
        read_roster(_roster(tmp_path, "ogrenci_no,ad,eposta,dosya\n1,A,a@x,a.ipynb\n2,B,b@x,a.ipynb\n"))
    with pytest.raises(RosterError, match="okunamadı"):
        read_roster(tmp_path / "yok.csv")


def test_roster_accepts_semicolons(tmp_path: Path) -> None:
    """Türkçe Excel'in yazdığı noktalı virgüllü liste de okunur."""
    students = read_roster(_roster(tmp_path, "ogrenci_no;ad;eposta;dosya\n7;Ece;ece@x;e.ipynb\n"))
    assert [(s.number, s.email, s.submission) for s in students] == [("7", "ece@x", "e.ipynb")]


def test_moodle_csv_has_identifier_grade_and_feedback(tmp_path: Path) -> None:
    """Moodle dosyasında her öğrencinin kimlik sütunları, notu ve geri bildirimi vardır; gönderimi
    olmayana 0 ve "Gönderim bulunamadı." yazılır."""
    students = read_roster(_roster(tmp_path, ROSTER))
    matching = match_roster(students, [_grade("ayse.ipynb", (2, 3)), _grade("mert.ipynb", (2, 0))])
    path = tmp_path / "moodle.csv"
    write_moodle(path, matching, "Lab 2", 5)
    rows = list(csv.DictReader(path.open(encoding="utf-8")))
    assert [r["ID number"] for r in rows] == ["1001", "1002", "1003"]
    assert [r["Lab 2"] for r in rows] == ["5", "2", "0"]
    assert rows[0]["Username"] == "ayse" and rows[0]["Email address"] == "ayse@okul.edu.tr"
    assert "✅ Alıştırma 2.1" in rows[1]["Feedback"] and "❌ Alıştırma 2.2" in rows[1]["Feedback"]
    assert rows[2]["Feedback"] == "Gönderim bulunamadı."


def test_moodle_decimal_comma_and_scale(tmp_path: Path) -> None:
    """Ondalık virgül seçeneği notları ``8,5`` biçiminde ve noktalı virgül ayraçla yazar; ölçek
    notu verilen en yüksek puana çevirir."""
    students = read_roster(_roster(tmp_path, ROSTER))
    matching = match_roster(students, [_grade("ayse.ipynb", (2, 0)), _grade("mert.ipynb", (2, 3))])
    path = tmp_path / "moodle.csv"
    write_moodle(path, matching, "Lab 2", 5, decimal_comma=True, scale=7)
    rows = list(csv.DictReader(path.open(encoding="utf-8"), delimiter=";"))
    assert [r["Lab 2"] for r in rows] == ["2,8", "7", "0"]


def test_canvas_csv_has_points_possible_and_sis_ids(tmp_path: Path) -> None:
    """Canvas dosyası Canvas'ın sütunlarını, bir "Points Possible" satırını ve öğrenci no'yu
    "SIS User ID" olarak taşır."""
    students = read_roster(_roster(tmp_path, ROSTER))
    matching = match_roster(students, [_grade("cagla.ipynb", (0, 3))])
    path = tmp_path / "canvas.csv"
    write_canvas(path, matching, "Lab 2", 5)
    rows = list(csv.reader(path.open(encoding="utf-8")))
    assert rows[0] == ["Student", "ID", "SIS User ID", "SIS Login ID", "Section", "Lab 2"]
    assert rows[1][0] == "Points Possible" and rows[1][5] == "5"
    assert rows[4] == ["Çağla Öz", "", "1003", "cagla@okul.edu.tr", "", "3"]


def test_checked_rejects_ill_formed_grades() -> None:
    """Kayıtlı olmayan alıştırma, puanından fazla kazanç ya da geçmediği halde puan, 0 puanlı ve
    nedeni yazılı bir "şüpheli" not olur; eksik satır çalışmamış sayılır."""
    bad_rows = [
        ExerciseResult("9.9", "Uydurma", 99, 99, ExerciseOutcome.PASSED),
        ExerciseResult("2.1", "Yayın", 2, 999, ExerciseOutcome.PASSED),
        ExerciseResult("2.1", "Yayın", 2, 2, ExerciseOutcome.FAILED),
        ExerciseResult("2.1", "Başka başlık", 2, 2, ExerciseOutcome.PASSED),
    ]
    for row in bad_rows:
        grade = SubmissionGrade("x.ipynb", "lab02", (row,)).checked(SPECS)
        assert grade.status is SubmissionStatus.SUSPICIOUS, row
        assert grade.total == 0 and grade.maximum == 5
        assert grade.reason.startswith("Not iyi biçimli değil")
    partial = SubmissionGrade("x.ipynb", "lab02", (_grade("x", (0, 3)).exercises[1],)).checked(SPECS)
    assert partial.status is SubmissionStatus.GRADED
    assert [(r.exercise, r.outcome) for r in partial.exercises] == [
        ("2.1", ExerciseOutcome.NOT_RUN),
        ("2.2", ExerciseOutcome.PASSED),
    ]
    assert partial.total == 3
