"""Öğretmenin içe aktardığı not defterleri: sınıf listesi, Moodle ve Canvas CSV dosyaları.

Sınıf listesi (``--liste``) bir CSV dosyasıdır; her satır bir öğrenci::

    ogrenci_no,ad,eposta,dosya
    20231001,Ayşe Yılmaz,ayse@example.edu.tr,ayse_lab02.ipynb

Gönderimler ``dosya`` sütunuyla eşleşir (tam ad ya da uzantısız ad). Listede olup gönderimi
olmayan öğrenciler ve listede olmayan gönderimler atlanmaz: ``eslesme.md`` dosyasında ve
komutun çıktısında listelenir. Moodle dosyasında gönderimi olmayan öğrenci 0 puan ve
"Gönderim bulunamadı." geri bildirimiyle yer alır. Uzantısız ad birden çok gönderime uyuyorsa
(``kurban`` → ``kurban.ipynb`` ve ``kurban.zzz``) tahmin edilmez: öğrenci "belirsiz" listelenir ve
not hücresi boş kalır (Moodle ve Canvas için "not yok"; 0 değil); öğretmen karar verir.

Dosyalara giden her hücre ``wskurs.grading.reports.csv_cell``'den geçer (hesap tablosunda formül
olamaz, kaçış dizileri kalmaz); ``eslesme.md``'deki adlar Markdown'da düz metindir.

- ``moodle.csv``: Moodle'ın "Notlar → İçe aktar → CSV dosyası" sayfası olduğu gibi alır.
  Kimlik sütunları ``ID number`` (öğrenci no), ``Email address`` ve ``Username``'dir;
  içe aktarırken birini "Kullanıcı eşlemesi"nde seçin; not ve ``Feedback`` sütununu not
  öğesine eşleyin. Ondalık virgül (``ondalik_virgul=True``) Türkçe Moodle için: sayılar
  ``8,5`` biçiminde, ayraç noktalı virgül.
- ``canvas.csv``: Canvas'ın "Notlar → İçe aktar" sayfasının beklediği sütunlar (``Student``,
  ``ID``, ``SIS User ID``, ``SIS Login ID``, ``Section``, ödev sütunu) ve bir
  ``Points Possible`` satırı. Canvas bu yolla geri bildirim almaz; geri bildirim dosyaları
  ``geri_bildirim/`` klasöründedir.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from wskurs.grading.lms import SubmissionRecord
from wskurs.grading.penalty import Penalty
from wskurs.grading.reports import csv_writer, display_name, markdown_text
from wskurs.labformat import SubmissionGrade

__all__ = [
    "Matching",
    "RosterError",
    "Student",
    "match_lms",
    "match_roster",
    "matching_summary",
    "read_roster",
    "score",
    "write_canvas",
    "write_matching_report",
    "write_moodle",
]

_COLUMNS = {
    "number": ("ogrenci_no", "öğrenci_no", "numara", "no", "id", "student_id"),
    "name": ("ad", "ad_soyad", "isim", "name"),
    "email": ("eposta", "e-posta", "email", "e_posta"),
    "submission": ("dosya", "gonderim", "gönderim", "dosya_adi", "file"),
}


class RosterError(ValueError):
    """Sınıf listesi okunamıyor; mesaj Türkçe nedeni söyler."""


@dataclass(frozen=True)
class Student:
    """Sınıf listesindeki bir öğrenci."""

    number: str
    name: str
    email: str
    submission: str
    lms_id: str = ""
    """LMS'in kendi kullanıcı numarası (Canvas ``ID``; Moodle katılımcı no); sınıf listesinde boş."""

    @property
    def username(self) -> str:
        """E-postanın @ işaretinden önceki kısmı (Moodle'da kullanıcı adı çoğu zaman budur)."""
        return self.email.split("@", 1)[0]


@dataclass
class Matching:
    """Sınıf listesiyle gönderimlerin eşleşmesi.

    Attributes:
        pairs: Listedeki her öğrenci, listedeki sırayla, ve gönderiminin notu (yoksa ``None``).
        unknown: Hiçbir öğrenciyle eşleşmeyen gönderimler.
        ambiguous: Uzantısız adı birden çok gönderime uyan öğrenciler ve o gönderimler; bunlara not
            verilmez (``pairs``'teki notları ``None``'dır, ``missing``'de değildirler).
    """

    pairs: list[tuple[Student, SubmissionGrade | None]] = field(default_factory=list)
    unknown: list[SubmissionGrade] = field(default_factory=list)
    ambiguous: list[tuple[Student, list[SubmissionGrade]]] = field(default_factory=list)

    @property
    def missing(self) -> list[Student]:
        """Listede olup gönderimi bulunmayan öğrenciler (belirsiz eşleşenler hariç)."""
        unclear = {student for student, _ in self.ambiguous}
        return [student for student, grade in self.pairs if grade is None and student not in unclear]

    def candidates(self, student: Student) -> list[SubmissionGrade]:
        """Öğrencinin belirsiz eşleşmesindeki gönderimler (belirsiz değilse boş)."""
        return next((grades for who, grades in self.ambiguous if who == student), [])


def _header_map(header: Sequence[str]) -> dict[str, int]:
    names = [name.strip().lower().replace(" ", "_") for name in header]
    found: dict[str, int] = {}
    for key, aliases in _COLUMNS.items():
        for index, name in enumerate(names):
            if name in aliases:
                found[key] = index
                break
    missing = [aliases[0] for key, aliases in _COLUMNS.items() if key not in found]
    if missing:
        raise RosterError(
            "Sınıf listesinde şu sütunlar yok: " + ", ".join(missing) + ". Beklenen başlık satırı: "
            "ogrenci_no,ad,eposta,dosya"
        )
    return found


def read_roster(path: Path) -> list[Student]:
    """Sınıf listesini okur (UTF-8, virgül ya da noktalı virgül ayraçlı).

    Raises:
        RosterError: Dosya yoksa, başlık eksikse, bir satırda dosya adı boşsa ya da bir dosya
            adı iki öğrenciye verilmişse.
    """
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise RosterError(f"Sınıf listesi okunamadı: {path} ({type(exc).__name__}).") from None
    try:
        dialect: type[csv.Dialect] | csv.Dialect = csv.Sniffer().sniff(text.splitlines()[0], delimiters=",;\t")
    except (csv.Error, IndexError):
        dialect = csv.excel
    rows = [row for row in csv.reader(io.StringIO(text), dialect) if any(cell.strip() for cell in row)]
    if not rows:
        raise RosterError(f"Sınıf listesi boş: {path}.")
    columns = _header_map(rows[0])
    students: list[Student] = []
    seen: dict[str, int] = {}
    for line, row in enumerate(rows[1:], start=2):
        cells = {key: (row[index].strip() if index < len(row) else "") for key, index in columns.items()}
        if not cells["submission"]:
            raise RosterError(f"Sınıf listesinin {line}. satırında dosya adı boş.")
        if cells["submission"] in seen:
            raise RosterError(
                f"Sınıf listesinde {cells['submission']!r} dosyası iki öğrenciye verilmiş "
                f"({seen[cells['submission']]}. ve {line}. satır)."
            )
        seen[cells["submission"]] = line
        students.append(Student(cells["number"], cells["name"], cells["email"], cells["submission"]))
    return students


def match_roster(students: Iterable[Student], grades: Iterable[SubmissionGrade]) -> Matching:
    """Her öğrenciyi gönderimiyle eşler: önce tam dosya adıyla, sonra kalan gönderimlerin uzantısız
    adıyla. Uzantısız ad kalan gönderimlerden birden çoğuna uyuyorsa eşleşme belirsizdir: tahmin
    edilmez, ``Matching.ambiguous``'a yazılır."""
    roster = list(students)
    by_name = {grade.submission: grade for grade in grades}
    found: dict[int, SubmissionGrade] = {}
    used: set[str] = set()
    for index, student in enumerate(roster):
        exact = by_name.get(student.submission)
        if exact is not None and exact.submission not in used:
            found[index] = exact
            used.add(exact.submission)
    by_stem: dict[str, list[SubmissionGrade]] = {}
    for name, grade in sorted(by_name.items()):
        if name not in used:
            by_stem.setdefault(Path(name).stem, []).append(grade)
    matching = Matching()
    unclear: set[str] = set()
    for index, student in enumerate(roster):
        if index not in found:
            options = [g for g in by_stem.get(Path(student.submission).stem, []) if g.submission not in used]
            if len(options) == 1:
                found[index] = options[0]
                used.add(options[0].submission)
            elif options:
                matching.ambiguous.append((student, options))
                unclear.update(g.submission for g in options)
        matching.pairs.append((student, found.get(index)))
    matching.unknown = [grade for name, grade in sorted(by_name.items()) if name not in used and name not in unclear]
    return matching


def match_lms(records: Iterable[SubmissionRecord], grades: Iterable[SubmissionGrade]) -> Matching:
    """LMS zip'inin kayıtlarından eşleşme: her katılımcı bir öğrencidir (zip'teki sırayla), defteri
    gönderim dosyasıyla eşleşir. Birden çok defter gönderen katılımcı belirsizdir: not verilmez,
    ``Matching.ambiguous``'a yazılır (sınıf listesindeki belirsiz eşleşme gibi)."""
    by_name = {grade.submission: grade for grade in grades}
    participants: dict[str, list[SubmissionRecord]] = {}
    for record in records:
        participants.setdefault(record.participant, []).append(record)
    matching = Matching()
    for participant, found in participants.items():
        student = Student(participant, found[0].name, "", found[0].file, lms_id=participant)
        graded = [by_name[record.file] for record in found if record.file in by_name]
        if len(found) > 1:
            matching.ambiguous.append((student, graded))
            matching.pairs.append((student, None))
        else:
            matching.pairs.append((student, graded[0] if graded else None))
    known = {record.file for found in participants.values() for record in found}
    matching.unknown = [grade for name, grade in sorted(by_name.items()) if name not in known]
    return matching


def score(grade: SubmissionGrade | None, maximum: int, scale: float | None, penalty: Penalty | None = None) -> float:
    """Dışa aktarılan puan: ``scale`` verilirse ona ölçekli, ``penalty`` verilirse geç teslim cezası düşülmüş."""
    if grade is None or maximum <= 0:
        return 0.0
    raw = grade.total * (scale / maximum) if scale else float(grade.total)
    return penalty.apply(raw) if penalty is not None else raw


def _penalty(penalties: Mapping[str, Penalty] | None, grade: SubmissionGrade | None) -> Penalty | None:
    if penalties is None or grade is None:
        return None
    return penalties.get(grade.submission)


def _number(value: float, decimal_comma: bool) -> str:
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return text.replace(".", ",") if decimal_comma else text


def _ambiguous_feedback(candidates: Sequence[SubmissionGrade]) -> str:
    names = ", ".join(display_name(g.submission) for g in candidates)
    return f"Birden çok gönderim eşleşti, not verilmedi (öğretmen karar verecek): {names}"


def feedback_summary(grade: SubmissionGrade | None) -> str:
    """Bir gönderimin not defterine yazılacak kısa Türkçe geri bildirimi."""
    if grade is None:
        return "Gönderim bulunamadı."
    lines = [f"{grade.lab}: {grade.total}/{grade.maximum} puan ({grade.status.value})."]
    if grade.reason:
        lines.append(grade.reason)
    for row in grade.exercises:
        mark = "✅" if row.passed else "❌"
        lines.append(f"{mark} Alıştırma {row.exercise} — {row.title}: {row.earned}/{row.points}")
    return "\n".join(lines)


def write_moodle(
    path: Path,
    matching: Matching,
    item: str,
    maximum: int,
    *,
    decimal_comma: bool = False,
    scale: float | None = None,
    penalties: Mapping[str, Penalty] | None = None,
) -> None:
    """Moodle'ın CSV not içe aktarımının olduğu gibi aldığı dosyayı yazar.

    Args:
        path: Yazılacak dosya.
        matching: Sınıf listesiyle gönderimlerin eşleşmesi.
        item: Not sütununun başlığı (Moodle'daki not öğesinin adı).
        maximum: Lab'ın en yüksek puanı.
        decimal_comma: Sayılar ``8,5`` biçiminde ve ayraç ``;`` olsun.
        scale: Verilirse notlar bu en yüksek puana ölçeklenir (ör. 100).
        penalties: Gönderim adı → geç teslim cezası; verilirse not cezalıdır, geri bildirim nedenini söyler.
    """
    delimiter = ";" if decimal_comma else ","
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv_writer(handle, delimiter=delimiter)
        writer.writerow(["ID number", "Full name", "Email address", "Username", item, "Feedback"])
        for student, grade in matching.pairs:
            candidates = matching.candidates(student)
            penalty = _penalty(penalties, grade)
            points = "" if candidates else _number(score(grade, maximum, scale, penalty), decimal_comma)
            feedback = _ambiguous_feedback(candidates) if candidates else feedback_summary(grade)
            if penalty is not None and penalty.reason and not candidates:
                feedback += f"\nGeç teslim: {penalty.reason}"
            writer.writerow([student.number, student.name, student.email, student.username, points, feedback])


def write_canvas(
    path: Path,
    matching: Matching,
    item: str,
    maximum: int,
    *,
    scale: float | None = None,
    penalties: Mapping[str, Penalty] | None = None,
) -> None:
    """Canvas'ın not defteri içe aktarımının beklediği CSV dosyasını yazar.

    Öğrenciler ``SIS User ID`` (öğrenci no) ve ``SIS Login ID`` (e-posta) ile eşleşir; Canvas'ın
    kendi ``ID`` sütunu boş bırakılır. Eşleşme bir Canvas zip'inden geliyorsa (``Student.lms_id``)
    ``ID`` Canvas'ın kullanıcı numarasıdır ve SIS sütunları boştur. Belirsiz eşleşen öğrencinin not
    hücresi boştur. ``penalties`` verilirse not geç teslim cezası düşülmüştür.
    """
    possible = scale if scale else maximum
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv_writer(handle)
        writer.writerow(["Student", "ID", "SIS User ID", "SIS Login ID", "Section", item])
        writer.writerow(["Points Possible", "", "", "", "", _number(possible, False)])
        for student, grade in matching.pairs:
            unclear = bool(matching.candidates(student))
            points = "" if unclear else _number(score(grade, maximum, scale, _penalty(penalties, grade)), False)
            if student.lms_id:
                writer.writerow([student.name, student.lms_id, "", "", "", points])
            else:
                writer.writerow([student.name, "", student.number, student.email, "", points])


def _student_line(student: Student) -> str:
    text = markdown_text(f"{student.number} {student.name} <{student.email}>: {student.submission}")
    return f"- {text}"


def write_matching_report(path: Path, matching: Matching) -> None:
    """Eşleşmeyenleri (gönderimi olmayan öğrenciler, birden çok gönderimle belirsiz eşleşenler,
    listede olmayan gönderimler) yazar; adlar Markdown'da düz metindir."""
    lines = ["# Sınıf listesi eşleşmesi", ""]
    lines.append(f"Eşleşen: {sum(1 for _, grade in matching.pairs if grade is not None)} öğrenci")
    lines += ["", f"## Gönderimi bulunamayan öğrenciler ({len(matching.missing)})", ""]
    lines += [_student_line(s) for s in matching.missing] or ["- yok"]
    lines += ["", f"## Birden çok gönderimle eşleşen öğrenciler: not verilmedi ({len(matching.ambiguous)})", ""]
    for student, candidates in matching.ambiguous:
        lines.append(_student_line(student))
        lines += [f"  - {markdown_text(display_name(g.submission))}: {g.total}/{g.maximum} puan" for g in candidates]
    if not matching.ambiguous:
        lines.append("- yok")
    lines += ["", f"## Listede olmayan gönderimler ({len(matching.unknown)})", ""]
    lines += [
        f"- {markdown_text(display_name(g.submission))}: {g.total}/{g.maximum} puan" for g in matching.unknown
    ] or ["- yok"]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def matching_summary(matching: Matching) -> list[str]:
    """Eşleşmenin terminalde gösterilecek Türkçe özeti (adlar temiz, tek satır); eşleşme tamsa boş."""
    lines: list[str] = []
    if matching.missing:
        names = ", ".join(display_name(f"{s.number} {s.name}") for s in matching.missing)
        lines.append(f"Gönderimi bulunamayan öğrenciler ({len(matching.missing)}): {names}")
    if matching.ambiguous:
        names = "; ".join(
            display_name(f"{s.number} {s.name}") + " → " + ", ".join(display_name(g.submission) for g in grades)
            for s, grades in matching.ambiguous
        )
        lines.append(f"Birden çok gönderimle eşleşen öğrenciler, not verilmedi ({len(matching.ambiguous)}): {names}")
    if matching.unknown:
        names = ", ".join(display_name(g.submission) for g in matching.unknown)
        lines.append(f"Listede olmayan gönderimler ({len(matching.unknown)}): {names}")
    return lines
