"""Moodle'ın çevrimdışı not çalışma sayfası ve geri bildirim zip'i (saf kod; çekirdek başlatmaz).

Örnek dosyalar Moodle'ın kendi kodundaki biçimdendir: ``mod/assign/gradingtable.php`` indirirken
sütunları (``Identifier`` = ``Participant <no>``, ``Grade``, ``Maximum Grade``, ``Grade can be changed``,
``Last modified (submission)``, ``Last modified (grade)``, ``Feedback comments``…) ve tarihleri
(``userdate``: "Tuesday, 1 December 2026, 11:50 PM", boşsa "-") böyle yazar; CSV'yi UTF-8 ve BOM'la
yazar. ``importgradeslib.php`` yüklerken ``Identifier``, ``Grade`` ve ``Last modified (grade)``
sütunlarını adlarıyla bulur; ``importziplib.php`` geri bildirim zip'indeki yolu ``_`` ile böler.
"""

from __future__ import annotations

import csv
import io
import zipfile
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from wskurs.grading.worksheet import (
    Mark,
    WorksheetError,
    feedback_folder,
    feedback_html,
    read_worksheet,
    write_feedback_zip,
    write_worksheet,
)

HEADER = (
    '"Identifier","Full name","Email address","Status","Grade","Maximum Grade","Grade can be changed",'
    '"Last modified (submission)","Online text","Last modified (grade)","Feedback comments"'
)
ROWS = [
    '"Participant 12345","Ayşe Yılmaz",ayse@okul.edu.tr,"Submitted for grading",,"100,00",Yes,'
    '"Tuesday, 1 December 2026, 11:50 PM",,-,',
    '"Participant 678","Mert Şahin",mert@okul.edu.tr,"Submitted for grading",,"100,00",Yes,'
    '"Thursday, 3 December 2026, 2:00 AM",,-,',
    '"Participant 999","=HYPERLINK(""http://kotu.example"")",x@okul.edu.tr,"No submission",,"100,00",Yes,-,,-,',
    '"Participant 555","Kilitli Öğrenci",k@okul.edu.tr,"Submitted for grading",,"100,00",No,'
    '"Tuesday, 1 December 2026, 10:00 PM",,"Monday, 30 November 2026, 9:00 AM",',
    '"Participant 321","Çift Defter",c@okul.edu.tr,"Submitted for grading",,"100,00",Yes,'
    '"Tuesday, 1 December 2026, 9:00 PM",,-,',
]
IST = ZoneInfo("Europe/Istanbul")


def _sheet(tmp_path: Path, *, bom: bool = True, newline: str = "\n", header: str = HEADER) -> Path:
    path = tmp_path / "worksheet.csv"
    text = newline.join([header, *ROWS]) + newline
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + text.encode("utf-8"))
    return path


def _moodle_rows(data: bytes) -> list[dict[str, str]]:
    """Moodle'ın yaptığı gibi okur: BOM atılır, sütunlar başlıklarıyla bulunur (``csv_import_reader``)."""
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def test_worksheet_columns_participants_and_times_are_read(tmp_path: Path) -> None:
    """Moodle'ın çalışma sayfası okunur: BOM ve satır sonu görülür, ``Participant 12345`` katılımcı no
    ``12345``'tir, en yüksek not ``100,00`` (ondalık virgül) ve gönderim anı verilen dilimdedir."""
    sheet = read_worksheet(_sheet(tmp_path))
    assert sheet.bom and sheet.newline == "\n" and sheet.delimiter == ","
    assert [sheet.participant(row) for row in sheet.rows] == ["12345", "678", "999", "555", "321"]
    assert sheet.maximum == 100.0 and sheet.decimal_comma
    assert sheet.submitted("12345", "Europe/Istanbul") == datetime(2026, 12, 1, 23, 50, tzinfo=IST)
    assert sheet.submitted("999", "Europe/Istanbul") is None  # "-": gönderim yok


def test_filled_worksheet_keeps_the_format_and_fills_only_graded_rows(tmp_path: Path) -> None:
    """Yazılan çalışma sayfası aynı başlık, aynı satır sırası, aynı BOM ve satır sonundadır; yalnızca tek
    defteri notlandırılan ve notu değiştirilebilen satır dolar. Gönderimi olmayan, kilitli ve birden çok
    defter gönderen satırlar olduğu gibi kalır ve nedenleriyle listelenir; satırı olmayan gönderim de."""
    sheet = read_worksheet(_sheet(tmp_path))
    marks = {"12345": Mark(85.5, feedback_html(["lab01: 8/10", "<script>alert(1)</script>"])), "555": Mark(10, "x")}
    names = {"12345": "Ayşe Yılmaz", "555": "Kilitli Öğrenci", "321": "Çift Defter", "4242": "Satırsız Öğrenci"}
    output = tmp_path / "calisma_sayfasi.csv"
    report = write_worksheet(output, sheet, marks, {"321": "birden çok defter"}, names, decimal_comma=True)
    data = output.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf") and b"\r\n" not in data
    rows = _moodle_rows(data)
    assert list(rows[0]) == next(csv.reader([HEADER]))
    assert [row["Identifier"] for row in rows] == [f"Participant {n}" for n in ("12345", "678", "999", "555", "321")]
    assert rows[0]["Grade"] == "85,5"
    assert rows[0]["Feedback comments"] == "lab01: 8/10<br>&lt;script&gt;alert(1)&lt;/script&gt;"
    assert [row["Grade"] for row in rows[1:]] == ["", "", "", ""]
    assert [row["Feedback comments"] for row in rows[1:]] == ["", "", "", ""]
    assert rows[0]["Last modified (grade)"] == "-"  # Moodle'ın boş tarihi formül sayılıp bozulmaz
    assert rows[3]["Last modified (grade)"] == "Monday, 30 November 2026, 9:00 AM"
    assert rows[2]["Full name"].startswith("'=HYPERLINK")  # hesap tablosunda formül olmaz
    assert report.filled == ["12345"]
    reasons = {who: reason for who, _, reason in report.untouched}
    assert "defteri yok" in reasons["678"] and "defteri yok" in reasons["999"]
    assert "değiştirilemez" in reasons["555"] and reasons["321"] == "birden çok defter"
    assert [who for who, _, _ in report.unmatched] == ["4242"]


def test_without_bom_and_with_crlf_the_same_format_is_written(tmp_path: Path) -> None:
    """BOM'suz ve ``\\r\\n`` satır sonlu bir çalışma sayfası (hesap tablosunda kaydedilmiş) yine BOM'suz
    ve ``\\r\\n``'li yazılır; ondalık nokta istenirse not ``85.5``'tir."""
    sheet = read_worksheet(_sheet(tmp_path, bom=False, newline="\r\n"))
    output = tmp_path / "yeni.csv"
    write_worksheet(output, sheet, {"678": Mark(85.5, "iyi")}, {}, {}, decimal_comma=False)
    data = output.read_bytes()
    assert not data.startswith(b"\xef\xbb\xbf")
    assert data.count(b"\r\n") == len(ROWS) + 1
    assert _moodle_rows(data)[1]["Grade"] == "85.5"


def test_turkish_moodle_headers_are_recognised(tmp_path: Path) -> None:
    """Moodle'ın dili Türkçeyse başlıklar Türkçedir (``lang/tr/assign.php``): ``Tanımlayıcı``, ``Not``,
    ``Enyüksek not``, ``Son düzenleme (not)``; kimlik ``Katılımcı 12345``'tir."""
    path = tmp_path / "tr.csv"
    path.write_text(
        '"Tanımlayıcı","Adı Soyadı","Not","Enyüksek not","Not değiştirilebilir","Son düzenleme (not)"\n'
        '"Katılımcı 12345","Ayşe Yılmaz",,"10,00",Hayır,-\n'
        '"Katılımcı 77","Mert Şahin",,"10,00",Evet,-\n',
        encoding="utf-8-sig",
    )
    sheet = read_worksheet(path)
    assert [sheet.participant(row) for row in sheet.rows] == ["12345", "77"]
    assert sheet.maximum == 10.0
    report = write_worksheet(
        tmp_path / "o.csv", sheet, {"12345": Mark(5, "a"), "77": Mark(7, "b")}, {}, {}, decimal_comma=True
    )
    assert report.filled == ["77"] and "Feedback comments" in report.notes[0]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("ogrenci_no,ad,eposta,dosya\n1,Ayşe,a@b,a.ipynb\n".encode(), "not çalışma sayfası değil"),
        ((HEADER + "\n" + ROWS[0] + "\n").encode("cp1254"), "UTF-8 değil"),
        ((HEADER + "\n").encode("utf-16"), "UTF-16"),
        (HEADER.replace('"Maximum Grade"', '"Scale"').encode(), "derecelendirme ölçeği"),
        (b"", "boş"),
    ],
    ids=["sinif-listesi", "windows-1254", "utf-16", "olcek", "bos"],
)
def test_bad_worksheets_are_clear_turkish_errors(tmp_path: Path, content: bytes, message: str) -> None:
    """Moodle'ın çalışma sayfası olmayan CSV, UTF-8 olmayan (Windows-1254, UTF-16) dosya, puan yerine
    ölçek kullanan ödev ve boş dosya Türkçe bir hatadır; kodlama ve ölçek tahmin edilmez."""
    path = tmp_path / "sayfa.csv"
    path.write_bytes(content)
    with pytest.raises(WorksheetError, match=message):
        read_worksheet(path)


def _moodle_feedback_import(path: str) -> tuple[str, str, str] | None:
    """Moodle'ın ``is_valid_filename_for_import``'unun yol çözümü: her parça ``_`` ile en çok 5 parçaya
    bölünür; ikinci parça sayıysa katılımcı no, üçüncü ve dördüncüsü eklenti türü ve adıdır."""
    parts = path.split("/")
    while parts:
        info = parts.pop(0).split("_", 4)
        if len(info) < 4 or not info[1].isdigit():
            continue
        return info[1], f"{info[2]}_{info[3]}", "/".join([info[4] if len(info) > 4 else "", *parts])
    return None


def test_feedback_zip_uses_moodles_folder_naming_and_is_reproducible(tmp_path: Path) -> None:
    """Geri bildirim zip'indeki her yol Moodle'ın içe aktarımında doğru katılımcıya ve
    ``assignsubmission_file`` eklentisine çözülür; addaki ``_`` ve ``/`` katılımcı noyu kaydıramaz; aynı
    girdiler aynı baytları verir."""
    files = [("12345", "Ayşe Yılmaz", "# Lab 01\n"), ("678", "Mert_Ali/Şahin", "# Lab 01 — Mert\n")]
    first, second = tmp_path / "a.zip", tmp_path / "b.zip"
    write_feedback_zip(first, files)
    write_feedback_zip(second, list(reversed(files)))
    assert first.read_bytes() == second.read_bytes()
    with zipfile.ZipFile(first) as archive:
        names = archive.namelist()
        assert archive.read(names[0]).decode() == "# Lab 01\n"
    assert names == [
        "Ayşe Yılmaz_12345_assignsubmission_file_/geri_bildirim.md",
        "Mert Ali Şahin_678_assignsubmission_file_/geri_bildirim.md",
    ]
    assert [_moodle_feedback_import(name) for name in names] == [
        ("12345", "assignsubmission_file", "/geri_bildirim.md"),
        ("678", "assignsubmission_file", "/geri_bildirim.md"),
    ]
    assert feedback_folder("5", "") == "Participant_5_assignsubmission_file_"


def test_a_worksheet_of_another_assignment_is_flagged(tmp_path: Path) -> None:
    """Zip'teki hiçbir katılımcı çalışma sayfasında yoksa (başka bir ödevin sayfası) hiçbir satır dolmaz
    ve bu, bütün sayfa için bir uyarıdır; her gönderim de satırsız listelenir."""
    sheet = read_worksheet(_sheet(tmp_path))
    report = write_worksheet(
        tmp_path / "o.csv", sheet, {"1": Mark(5, "a"), "2": Mark(6, "b")}, {}, {"1": "A", "2": "B"}, decimal_comma=False
    )
    assert report.filled == [] and [who for who, _, _ in report.unmatched] == ["1", "2"]
    assert any("başka bir ödevden" in note for note in report.notes)
    partly = write_worksheet(tmp_path / "p.csv", sheet, {"12345": Mark(5, "a")}, {}, {}, decimal_comma=False)
    assert not any("başka bir ödevden" in note for note in partly.notes)


def test_escaping_a_teachers_existing_comment_is_reported(tmp_path: Path) -> None:
    """Dokunulmayan bir satırdaki öğretmen yorumu formül gibi başlıyorsa (``-eksik``) hesap tablosu için
    kaçırılır (``'-eksik``) ve bu, yüklemede Moodle'daki yorumu değiştireceği için ayrıca söylenir; HTML
    yorum (``<p>…``) olduğu gibi kalır ve uyarı yoktur."""
    path = tmp_path / "s.csv"
    path.write_text(
        '"Identifier","Grade","Last modified (grade)","Feedback comments"\n'
        '"Participant 1","7,00","Monday, 30 November 2026, 9:00 AM","-eksik"\n'
        '"Participant 2","8,00","Monday, 30 November 2026, 9:00 AM","<p>İyi</p>"\n',
        encoding="utf-8",
    )
    report = write_worksheet(tmp_path / "o.csv", read_worksheet(path), {}, {}, {}, decimal_comma=True)
    rows = _moodle_rows((tmp_path / "o.csv").read_bytes())
    assert [(r["Grade"], r["Feedback comments"]) for r in rows] == [("7,00", "'-eksik"), ("8,00", "<p>İyi</p>")]
    assert len([note for note in report.notes if "kaçırıldı" in note]) == 1 and "Participant 1" in report.notes[-1]
