"""Moodle ödevinin çevrimdışı not çalışma sayfası ve geri bildirim dosyaları zip'i.

``wskurs notlandir LAB moodle-indirmesi.zip --calisma-sayfasi calisma-sayfasi.csv`` bu modülden geçer:
öğretmenin Moodle'dan indirdiği çalışma sayfası okunur, notlandırmadan sonra **aynı** dosya (aynı
sütunlar, aynı sıra, aynı kodlama, varsa BOM, aynı satır sırası, aynı satır sonu) ``Grade`` ve
``Feedback comments`` doldurulmuş olarak yazılır; Moodle'da "Not çalışma sayfası yükle" (Upload grading
worksheet) onu olduğu gibi alır.

Biçim (Moodle'ın kendi kodundan: ``mod/assign/gradingtable.php`` indirirken,
``mod/assign/feedback/offline/importgradeslib.php`` ve ``locallib.php`` yüklerken):

- sütunlar (Moodle'ın dili Türkçeyse Türkçe adlarıyla da tanınır: ``Tanımlayıcı``, ``Son düzenleme (not)``…)
  ``Identifier`` (``Participant 12345``: zip klasörlerindeki katılımcı no), ``Full name``,
  kimlik sütunları (``Email address``…), ``Status``, ``Grade``, puanlı ödevde ``Maximum Grade``
  (ölçekli ödevde ``Scale``), ``Grade can be changed`` (``Yes``/``No``), ``Last modified
  (submission)``, çevrimiçi metin, ``Last modified (grade)``, ``Feedback comments``; sıra ve bir kısmı
  ödevin ayarlarına bağlıdır, bu yüzden sütunlar adlarıyla bulunur, hiçbir sütun eklenmez ya da silinmez;
- Moodle yüklerken yalnızca ``Identifier``, ``Grade``, ``Last modified (grade)`` ve geri bildirim
  sütunlarına bakar; ilk üçü yoksa dosyayı reddeder, burada da ``WorksheetError`` olur;
- not ``unformat_float`` ile okunur: nokta her dilde, virgül yalnızca ondalık ayracı virgül olan dilde
  (Türkçe) doğru okunur; bu yüzden virgül yalnızca ``--ondalik-virgul`` ya da çalışma sayfasının kendi
  ``Maximum Grade`` değeri virgüllüyse (``100,00``) kullanılır;
- ``Maximum Grade``'den büyük not Moodle'da sessizce atlanır: notlar (``--olcek`` verilmediyse) bu en
  yüksek puana ölçeklenir; ``--olcek`` ondan büyükse hata;
- ``Last modified (grade)`` değiştirilmez: Moodle onu, sayfa indirildikten sonra Moodle'da değişmiş
  notların üzerine yazmamak için kullanır;
- geri bildirim sütunu HTML olarak saklanır (``FORMAT_HTML``): satırlar HTML kaçışlı, ``<br>`` ile
  birleşir;
- Moodle'ın "derecelendirme ölçeği" (Scale) kullanan ödevinde puan bir ölçek maddesine tahminle
  çevrilmez: ``WorksheetError``;
- Moodle'ın CSV'si UTF-8'dir (başında çoğu zaman BOM); başka bir kodlama tahmin edilmez: Türkçe hata.

Geri bildirim zip'i ("Birden çok geri bildirim dosyasını zip olarak yükle"): Moodle her klasör adını
``_`` ile böler, ikinci parçası katılımcı no, üçüncüsü ve dördüncüsü ``assignsubmission`` ve ``file``
olmalıdır (``mod/assign/feedback/file/importziplib.php``): ``Ad Soyad_12345_assignsubmission_file_/``.
Adın içinde ``_`` olamaz (Moodle da indirirken onu boşluk yapar).

Hesap tablosunun açacağı her hücre ``wskurs.grading.reports.csv_cell``'den geçer (formül olamaz);
Moodle'ın kendi yazdığı tek başına ``-`` hücresi (boş tarih) formül değildir, olduğu gibi kalır.
"""

from __future__ import annotations

import csv
import html
import io
import re
import zipfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from wskurs.grading.lms import parse_moodle_date
from wskurs.grading.reports import clean_text, csv_cell, display_name, markdown_text

__all__ = [
    "FEEDBACK_FILE",
    "Mark",
    "Worksheet",
    "WorksheetError",
    "WorksheetReport",
    "feedback_folder",
    "feedback_html",
    "read_worksheet",
    "worksheet_summary",
    "write_feedback_zip",
    "write_worksheet",
    "write_worksheet_report",
]

IDENTIFIER = "identifier"
FULL_NAME = "full name"
GRADE = "grade"
MAXIMUM = "maximum grade"
SCALE = "scale"
CAN_CHANGE = "grade can be changed"
SUBMITTED = "last modified (submission)"
GRADE_MODIFIED = "last modified (grade)"
FEEDBACK = "feedback comments"
STATUS = "status"

FEEDBACK_FILE = "geri_bildirim.md"
"""Geri bildirim zip'inde her katılımcının klasöründeki dosyanın adı."""

_REQUIRED = (IDENTIFIER, GRADE, GRADE_MODIFIED)
# Moodle'ın Türkçe dil paketindeki başlıklar (``lang/tr/assign.php``: recordid, lastmodifiedgrade,
# lastmodifiedsubmission, maxgrade, gradecanbechanged, scale, status) → İngilizce adları.
_ALIASES = {
    "tanımlayıcı": IDENTIFIER,
    "not": GRADE,
    "son düzenleme (not)": GRADE_MODIFIED,
    "son düzenleme (gönderim)": SUBMITTED,
    "enyüksek not": MAXIMUM,
    "not değiştirilebilir": CAN_CHANGE,
    "ölçek": SCALE,
    "durum": STATUS,
}
_NO = frozenset({"no", "hayır"})
_PARTICIPANT = re.compile(r"^\D*?(\d+)\s*$")


class WorksheetError(ValueError):
    """Çalışma sayfası okunamıyor ya da bir Moodle not çalışma sayfası değil; mesaj Türkçe."""


@dataclass
class Worksheet:
    """Okunan bir Moodle not çalışma sayfası (yazarken aynı biçim korunur).

    Attributes:
        header: Başlık satırı (olduğu gibi).
        rows: Veri satırları (olduğu gibi, sırayla).
        bom: Dosya UTF-8 BOM ile mi başlıyordu.
        delimiter: Ayraç (Moodle: ``,``).
        newline: Satır sonu (``\\n`` ya da ``\\r\\n``).
        columns: Küçük harfli sütun adı → sütun sırası.
    """

    header: list[str]
    rows: list[list[str]]
    bom: bool = True
    delimiter: str = ","
    newline: str = "\n"
    columns: dict[str, int] = field(default_factory=dict)

    def cell(self, row: Sequence[str], column: str) -> str:
        """Bir satırın bir sütundaki değeri (sütun ya da hücre yoksa boş)."""
        index = self.columns.get(column)
        return row[index] if index is not None and index < len(row) else ""

    def participant(self, row: Sequence[str]) -> str | None:
        """``Identifier``'daki katılımcı no (``Participant 12345`` → ``12345``); okunamıyorsa ``None``."""
        found = _PARTICIPANT.match(self.cell(row, IDENTIFIER))
        return found[1] if found else None

    @property
    def maximum(self) -> float | None:
        """``Maximum Grade`` sütunundaki en yüksek puan (yoksa ya da okunamıyorsa ``None``)."""
        for row in self.rows:
            value = _float(self.cell(row, MAXIMUM))
            if value is not None:
                return value
        return None

    @property
    def decimal_comma(self) -> bool:
        """Moodle sayıları ondalık virgülle mi yazmış (``100,00``)."""
        return any("," in self.cell(row, MAXIMUM) for row in self.rows)

    def submitted(self, participant: str, zone: str) -> datetime | None:
        """Katılımcının ``Last modified (submission)`` anı ``zone`` diliminde; yoksa ``None``.

        Raises:
            LmsError: Tarih tanınmıyorsa (Türkçe).
        """
        for row in self.rows:
            if self.participant(row) == participant:
                return parse_moodle_date(self.cell(row, SUBMITTED), zone)
        return None


def _float(text: str) -> float | None:
    try:
        return float(text.strip().replace(" ", "").replace(",", "."))
    except ValueError:
        return None


def read_worksheet(path: Path) -> Worksheet:
    """Moodle'ın indirdiği not çalışma sayfasını okur.

    Raises:
        WorksheetError: Dosya okunamıyorsa, UTF-8 değilse, CSV değilse, Moodle'ın zorunlu sütunları
            (``Identifier``, ``Grade``, ``Last modified (grade)``) yoksa ya da ödev bir derecelendirme
            ölçeği kullanıyorsa.
    """
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise WorksheetError(f"Çalışma sayfası okunamadı: {display_name(str(path))} ({exc.strerror or exc}).") from None
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise WorksheetError(
            f"{display_name(path.name)} UTF-16 kodlamalı (hesap tablosu 'Unicode metin' olarak kaydetmiş). "
            "Moodle'ın indirdiği dosyayı değiştirmeden verin ya da 'CSV UTF-8' olarak kaydedin."
        )
    bom = data.startswith(b"\xef\xbb\xbf")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise WorksheetError(
            f"{display_name(path.name)} UTF-8 değil ({exc.start}. baytta); Moodle çalışma sayfasını UTF-8 "
            "indirir. Dosya bir hesap tablosunda başka bir kodlamayla (ör. Windows-1254) kaydedilmiş olabilir: "
            "Moodle'dan yeniden indirin ya da 'CSV UTF-8' olarak kaydedin. Kodlama tahmin edilmez."
        ) from None
    first = text.split("\n", 1)[0]
    delimiter = max(",;\t", key=first.count) if first else ","
    try:
        rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True))
    except csv.Error as exc:
        raise WorksheetError(f"{display_name(path.name)} bir CSV dosyası olarak okunamadı ({exc}).") from None
    if not rows:
        raise WorksheetError(f"{display_name(path.name)} boş; Moodle'ın not çalışma sayfası değil.")
    header = rows[0]
    columns: dict[str, int] = {}
    for index, name in enumerate(header):
        key = name.strip().lower()
        columns.setdefault(_ALIASES.get(key, key), index)
    missing = [name for name in _REQUIRED if name not in columns]
    if missing:
        titles = {IDENTIFIER: "Identifier", GRADE: "Grade", GRADE_MODIFIED: "Last modified (grade)"}
        names = ", ".join(f"'{titles[name]}'" for name in missing)
        raise WorksheetError(
            f"{display_name(path.name)} Moodle'ın not çalışma sayfası değil: {names} sütunu yok. Ödevin "
            "'Tüm gönderimleri görüntüle' sayfasında 'Not çalışma sayfasını indir' ile indirilen dosyayı "
            "verin (Moodle'ın dili İngilizce olmalı)."
        )
    if SCALE in columns:
        raise WorksheetError(
            "Bu ödev bir derecelendirme ölçeği (Scale) kullanıyor; wskurs puan verir ve bir puanı ölçek "
            "maddesine tahminle çevirmez. Ödevin not türünü 'Puan' yapıp çalışma sayfasını yeniden indirin."
        )
    newline = "\r\n" if "\r\n" in text else "\n"
    return Worksheet(header, rows[1:], bom, delimiter, newline, columns)


@dataclass(frozen=True)
class Mark:
    """Bir katılımcının çalışma sayfasına yazılacak notu (çalışma sayfasının ölçeğinde) ve geri bildirimi."""

    points: float
    feedback: str


@dataclass
class WorksheetReport:
    """Çalışma sayfasının doldurulması.

    Attributes:
        filled: Notu yazılan katılımcılar.
        untouched: Dokunulmayan satırlar: (katılımcı no ya da ``Identifier``, ad, Türkçe neden).
        unmatched: Zip'te gönderimi olup çalışma sayfasında satırı olmayan katılımcılar: (no, ad, neden).
        notes: Bütün sayfayı ilgilendiren Türkçe uyarılar (ör. geri bildirim sütunu yok).
    """

    filled: list[str] = field(default_factory=list)
    untouched: list[tuple[str, str, str]] = field(default_factory=list)
    unmatched: list[tuple[str, str, str]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def _number(value: float, decimal_comma: bool) -> str:
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return text.replace(".", ",") if decimal_comma else text


def _sheet_cell(value: str) -> str | int | float:
    """Moodle'ın kendi yazdığı boş tarih ("-") formül değildir ve olduğu gibi kalır; gerisi ``csv_cell``."""
    return value if value == "-" else csv_cell(value)


def write_worksheet(
    path: Path,
    sheet: Worksheet,
    marks: Mapping[str, Mark],
    withheld: Mapping[str, str],
    names: Mapping[str, str],
    *,
    decimal_comma: bool,
) -> WorksheetReport:
    """Çalışma sayfasını aynı biçimde, ``Grade`` ve ``Feedback comments`` doldurulmuş yazar.

    Args:
        path: Yazılacak dosya.
        sheet: Okunan çalışma sayfası.
        marks: Katılımcı no → not ve geri bildirim (yalnızca zip'te tek defteri olanlar).
        withheld: Katılımcı no → notun verilmeme nedeni (ör. birden çok defter): satır dokunulmaz.
        names: Zip'teki bütün katılımcılar (no → ad): çalışma sayfasında satırı olmayanları bulmak için.
        decimal_comma: Puanlar ``8,5`` biçiminde.

    Returns:
        Doldurulan, dokunulmayan ve eşleşmeyen satırlar.
    """
    report = WorksheetReport()
    seen: set[str] = set()
    grade_index = sheet.columns[GRADE]
    feedback_index = sheet.columns.get(FEEDBACK)
    rows: list[list[str | int | float]] = []
    if feedback_index is None:
        report.notes.append(
            "Çalışma sayfasında 'Feedback comments' sütunu yok (ödevde 'Geri bildirim yorumları' kapalı ya da "
            "Moodle'ın dili İngilizce değil): yalnızca notlar yazıldı; geri bildirimi zip'le yükleyin."
        )
    for row in sheet.rows:
        out: list[str | int | float] = [_sheet_cell(value) for value in row]
        rows.append(out)
        if not any(cell.strip() for cell in row):
            continue
        who = sheet.participant(row)
        changed = [sheet.header[i] for i in (grade_index, feedback_index) if i is not None and i < len(row)
                   and out[i] != row[i]]  # fmt: skip
        if changed:
            report.notes.append(
                f"{display_name(sheet.cell(row, IDENTIFIER))}: Moodle'daki {', '.join(changed)} formül gibi "
                "başlıyordu ya da denetim karakteri içeriyordu; hesap tablosu için kaçırıldı. Satıra not "
                "yazılmazsa yüklerken Moodle'daki değer kaçırılmış haliyle değişir: o satırı denetleyin."
            )
        name = sheet.cell(row, FULL_NAME)
        if who is None:
            report.untouched.append((sheet.cell(row, IDENTIFIER), name, "'Identifier' okunamadı: dokunulmadı"))
            continue
        if who in seen:
            report.untouched.append((who, name, "aynı katılımcının ikinci satırı: dokunulmadı"))
            continue
        seen.add(who)
        if who in withheld:
            report.untouched.append((who, name, withheld[who]))
            continue
        mark = marks.get(who)
        if mark is None:
            report.untouched.append((who, name, "zip'te defteri yok: satıra dokunulmadı"))
            continue
        if sheet.cell(row, CAN_CHANGE).strip().lower() in _NO:
            reason = "Moodle'da not değiştirilemez ('Grade can be changed: No'): dokunulmadı"
            report.untouched.append((who, name, reason))
            continue
        while len(out) <= max(grade_index, feedback_index or 0):
            out.append("")
        out[grade_index] = csv_cell(_number(mark.points, decimal_comma))
        if feedback_index is not None:
            out[feedback_index] = csv_cell(mark.feedback)
        report.filled.append(who)
    for who, name in names.items():
        if who not in seen:
            reason = "çalışma sayfasında satırı yok (başka bir grup ya da ödev mi?): not yazılmadı"
            report.unmatched.append((who, name, reason))
    if marks and not report.filled and not any(who in marks for who in seen):
        report.notes.append(
            "⚠️  Zip'teki hiçbir katılımcı çalışma sayfasında yok: çalışma sayfası başka bir ödevden (ya da "
            "başka bir gruptan) indirilmiş olabilir."
        )
    text = io.StringIO(newline="")
    # Hücreler yukarıda ``_sheet_cell``/``csv_cell``'den geçti; ``csv_writer`` "-"yi yeniden kaçırırdı.
    writer = csv.writer(text, delimiter=sheet.delimiter, lineterminator=sheet.newline, quoting=csv.QUOTE_NONNUMERIC)
    writer.writerow([_sheet_cell(name) for name in sheet.header])
    for out in rows:
        writer.writerow(out)
    path.write_bytes((b"\xef\xbb\xbf" if sheet.bom else b"") + text.getvalue().encode("utf-8"))
    return report


def feedback_html(lines: Sequence[str]) -> str:
    """Moodle'ın geri bildirim yorumu (HTML olarak saklanır): her satır temiz ve HTML kaçışlı, ``<br>`` ile."""
    return "<br>".join(html.escape(clean_text(line, keep_newlines=False), quote=False) for line in lines)


_NOT_IN_FOLDER = re.compile(r"[_/\\\s]+")


def feedback_folder(participant: str, name: str) -> str:
    """Moodle'ın geri bildirim zip'indeki klasör adı: ``Ad Soyad_12345_assignsubmission_file_``.

    Moodle klasör adını ``_`` ile böler; addaki ``_``, ``/`` ve ``\\`` boşluk olur.
    """
    clean = _NOT_IN_FOLDER.sub(" ", clean_text(name, keep_newlines=False)).strip()[:100].strip() or "Participant"
    return f"{clean}_{participant}_assignsubmission_file_"


def write_feedback_zip(path: Path, files: Sequence[tuple[str, str, str]]) -> None:
    """Geri bildirim zip'ini yazar: her (katılımcı no, ad, Markdown metni) bir klasörde ``geri_bildirim.md``.

    Girdilerin tarihi sabittir (1980-01-01): aynı notlar aynı baytları verir.
    """
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for participant, name, text in sorted(files):
            info = zipfile.ZipInfo(f"{feedback_folder(participant, name)}/{FEEDBACK_FILE}", (1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, text.encode("utf-8"))


def write_worksheet_report(path: Path, report: WorksheetReport) -> None:
    """``calisma_sayfasi.md``: doldurulan satır sayısı, dokunulmayanlar ve satırı olmayanlar nedenleriyle."""
    lines = ["# Moodle not çalışma sayfası", "", f"Notu yazılan katılımcılar: {len(report.filled)}", ""]
    lines += [f"- {note}" for note in report.notes] + ([""] if report.notes else [])
    lines += [f"## Dokunulmayan satırlar ({len(report.untouched)})", ""]
    lines += [f"- {markdown_text(who)} {markdown_text(name)}: {reason}" for who, name, reason in report.untouched] or [
        "- yok"
    ]
    lines += ["", f"## Çalışma sayfasında satırı olmayan gönderimler ({len(report.unmatched)})", ""]
    lines += [f"- {markdown_text(who)} {markdown_text(name)}: {reason}" for who, name, reason in report.unmatched] or [
        "- yok"
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def worksheet_summary(report: WorksheetReport) -> list[str]:
    """Terminalde gösterilecek Türkçe özet (adlar temiz, tek satır)."""
    lines = [f"Çalışma sayfasına {len(report.filled)} katılımcının notu yazıldı.", *report.notes]
    skipped = [item for item in report.untouched if "zip'te defteri yok" not in item[2]]
    empty = len(report.untouched) - len(skipped)
    if empty:
        lines.append(f"Gönderimi olmayan {empty} satıra dokunulmadı.")
    for who, name, reason in skipped + report.unmatched:
        lines.append(f"  {display_name(f'{who} {name}')}: {reason}")
    return lines
