"""LMS zip'leri (Moodle, Canvas): adlandırmanın çözülmesi, katılımcı eşleşmesi ve güvenli açma (saf kod)."""

from __future__ import annotations

import csv
import json
import stat
import zipfile
from pathlib import Path

import pytest

from wskurs.grading.gradebook import match_lms, write_canvas
from wskurs.grading.lms import (
    LmsError,
    LmsKind,
    ZipLimits,
    parse_canvas,
    parse_moodle,
    read_lms_zip,
    write_lms_report,
)
from wskurs.grading.reports import write_reports
from wskurs.labformat import ExerciseOutcome, ExerciseResult, ExerciseSpec, SubmissionGrade, SubmissionStatus

NOTEBOOK = b'{"cells": [], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}'


def _zip(path: Path, entries: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return path


def test_moodle_folder_and_flat_names_give_participant_and_name() -> None:
    """Moodle'ın klasörlü ve düz adlarından katılımcı no, ad, tür ve özgün ad çıkar; çevrimiçi metin
    türünü söyler; adlandırmaya uymayan yol ``None``'dır."""
    folder = parse_moodle("Ayşe Yılmaz_12345_assignsubmission_file_/lab01.ipynb")
    assert folder is not None
    assert (folder.participant, folder.name, folder.plugin_type, folder.original) == (
        "12345",
        "Ayşe Yılmaz",
        "file",
        "lab01.ipynb",
    )
    flat = parse_moodle("Mert Şahin_678_assignsubmission_file_lab 01_son.ipynb")
    assert flat is not None and (flat.participant, flat.original) == ("678", "lab 01_son.ipynb")
    nested = parse_moodle("Çağla Öz_9_assignsubmission_file_/alt/lab01.ipynb")
    assert nested is not None and nested.original == "alt/lab01.ipynb"
    online = parse_moodle("Çağla Öz_9_assignsubmission_onlinetext_/onlinetext.html")
    assert online is not None and online.plugin_type == "onlinetext"
    assert parse_moodle("lab01.ipynb") is None


def test_canvas_names_give_user_id_and_late_marker() -> None:
    """Canvas adından kullanıcı no, ad ve özgün ad çıkar; ``LATE``/``late`` işareti (büyük ya da küçük
    harf) geç demektir, yoksa geç değildir; klasör içindeki ya da uymayan ad ``None``'dır."""
    on_time = parse_canvas("yilmazayse_12345_67890_lab01_websocket.ipynb")
    assert on_time is not None
    assert (on_time.participant, on_time.name, on_time.original, on_time.late) == (
        "12345",
        "yilmazayse",
        "lab01_websocket.ipynb",
        False,
    )
    for marker in ("LATE", "late"):
        late = parse_canvas(f"sahinmert_{marker}_222_333_lab01.ipynb")
        assert late is not None and late.late and late.participant == "222"
    assert parse_canvas("klasor/yilmazayse_12345_67890_lab01.ipynb") is None
    assert parse_canvas("lab01.ipynb") is None


def test_moodle_zip_opens_notebooks_and_lists_everything_else(tmp_path: Path) -> None:
    """Moodle zip'inde her defter katılımcısının adıyla açılır; iki defter gönderen belirsizdir (ikisi de
    açılır); defter olmayan dosya, çevrimiçi metin, iç içe zip ve adlandırmaya uymayan dosya nedeniyle
    listelenir; hiçbir şey sessizce düşmez."""
    archive = _zip(
        tmp_path / "moodle.zip",
        {
            "Ayşe Yılmaz_12345_assignsubmission_file_/lab01.ipynb": NOTEBOOK,
            "Mert Şahin_678_assignsubmission_file_/lab01.ipynb": NOTEBOOK,
            "Mert Şahin_678_assignsubmission_file_/lab01 (1).ipynb": NOTEBOOK,
            "Mert Şahin_678_assignsubmission_file_/notlar.pdf": b"%PDF",
            "Çağla Öz_9_assignsubmission_onlinetext_/onlinetext.html": b"<p>merhaba</p>",
            "Çağla Öz_9_assignsubmission_file_/odev.zip": b"PK",
            "beni_oku.txt": b"?",
        },
    )
    out = tmp_path / "acilan"
    intake = read_lms_zip(archive, out)
    assert intake.kind is LmsKind.MOODLE
    assert [(r.file, r.participant, r.name) for r in intake.records] == [
        ("moodle_12345.ipynb", "12345", "Ayşe Yılmaz"),
        ("moodle_678.ipynb", "678", "Mert Şahin"),
        ("moodle_678_2.ipynb", "678", "Mert Şahin"),
    ]
    assert sorted(p.name for p in out.iterdir()) == ["moodle_12345.ipynb", "moodle_678.ipynb", "moodle_678_2.ipynb"]
    assert (out / "moodle_12345.ipynb").read_bytes() == NOTEBOOK
    assert set(intake.ambiguous) == {"678"}
    reasons = {item.name: item.reason for item in intake.skipped}
    assert reasons["Mert Şahin_678_assignsubmission_file_/notlar.pdf"].startswith("defter değil")
    assert reasons["Çağla Öz_9_assignsubmission_onlinetext_/onlinetext.html"].startswith("çevrimiçi metin")
    assert reasons["Çağla Öz_9_assignsubmission_file_/odev.zip"].startswith("iç içe arşiv")
    assert "adlandırmasına uymuyor" in reasons["beni_oku.txt"]
    write_lms_report(tmp_path / "lms.md", intake)
    report = (tmp_path / "lms.md").read_text(encoding="utf-8")
    assert "notlar.pdf" in report and "Açılmayan girdiler (4)" in report
    assert intake.identities()["moodle_12345.ipynb"] == ("12345", "Ayşe Yılmaz")


def test_canvas_zip_keeps_late_marker(tmp_path: Path) -> None:
    """Canvas zip'inde defterler kullanıcı numarasıyla açılır ve geç işareti kayıtta kalır."""
    archive = _zip(
        tmp_path / "canvas.zip",
        {"yilmazayse_12345_1_lab01.ipynb": NOTEBOOK, "sahinmert_LATE_222_2_lab01.ipynb": NOTEBOOK},
    )
    intake = read_lms_zip(archive, tmp_path / "acilan")
    assert intake.kind is LmsKind.CANVAS
    assert [(r.file, r.late) for r in intake.records] == [("canvas_12345.ipynb", False), ("canvas_222.ipynb", True)]


def test_unsafe_entries_are_never_extracted(tmp_path: Path) -> None:
    """``..`` içeren yol, mutlak yol ve sembolik bağ girdisi açılmaz (hedef klasörün dışına hiçbir şey
    yazılmaz), nedeniyle listelenir; güvenli defter açılır."""
    path = tmp_path / "kotu.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("Ayşe Yılmaz_1_assignsubmission_file_/lab01.ipynb", NOTEBOOK)
        archive.writestr("Kötü Kişi_2_assignsubmission_file_/../../disari.ipynb", NOTEBOOK)
        archive.writestr("/Kötü Kişi_3_assignsubmission_file_/lab01.ipynb", NOTEBOOK)
        link = zipfile.ZipInfo("Kötü Kişi_4_assignsubmission_file_/lab01.ipynb")
        link.external_attr = (stat.S_IFLNK | 0o777) << 16
        archive.writestr(link, "/etc/passwd")
    out = tmp_path / "a" / "b"
    intake = read_lms_zip(path, out)
    assert [r.participant for r in intake.records] == ["1"]
    reasons = sorted(item.reason for item in intake.skipped)
    assert len(reasons) == 3
    assert any(".." in r for r in reasons) and any("mutlak" in r for r in reasons)
    assert any("sembolik bağ" in r for r in reasons)
    assert sorted(p.name for p in out.iterdir()) == ["moodle_1.ipynb"]
    assert not (tmp_path / "disari.ipynb").exists()


def test_too_many_entries_is_an_error_before_extracting(tmp_path: Path) -> None:
    """10 000 girdili zip açılmadan önce Türkçe bir "zip bombası" hatasıyla reddedilir; hiçbir dosya yazılmaz."""
    path = tmp_path / "cok.zip"
    with zipfile.ZipFile(path, "w") as archive:
        for i in range(10_000):
            archive.writestr(f"Ö{i}_{i}_assignsubmission_file_/a.ipynb", b"")
    out = tmp_path / "acilan"
    with pytest.raises(LmsError, match=r"10000 girdi var.*zip bombası"):
        read_lms_zip(path, out)
    assert not out.exists()


def _declare_size(path: Path, declared: int) -> None:
    """Zip'in merkezî dizinindeki ilk girdinin açık boyutunu ``declared`` olarak yeniden yazar."""
    data = bytearray(path.read_bytes())
    central = data.find(b"PK\x01\x02")
    data[central + 24 : central + 28] = declared.to_bytes(4, "little")
    path.write_bytes(bytes(data))


def test_one_gigabyte_declared_entry_is_an_error_before_extracting(tmp_path: Path) -> None:
    """Başlığında 1 GB açılacağını bildiren tek girdi açılmadan önce Türkçe hatayla reddedilir."""
    path = _zip(tmp_path / "bomba.zip", {"Ayşe Yılmaz_1_assignsubmission_file_/lab01.ipynb": NOTEBOOK})
    _declare_size(path, 1024 * 1024 * 1024)
    with pytest.raises(LmsError, match=r"1024 MB olacak.*zip bombası"):
        read_lms_zip(path, tmp_path / "acilan")


def test_total_declared_size_is_bounded(tmp_path: Path) -> None:
    """Girdileri tek tek sınırın altında ama toplamı üstünde olan zip açılmadan reddedilir."""
    entries = {f"Ö{i}_{i}_assignsubmission_file_/a.ipynb": b"x" * 1000 for i in range(5)}
    path = _zip(tmp_path / "toplam.zip", entries)
    limits = ZipLimits(max_entry_bytes=2000, max_total_bytes=3000)
    with pytest.raises(LmsError, match="toplam"):
        read_lms_zip(path, tmp_path / "acilan", limits)


def test_entry_expanding_beyond_its_header_is_never_extracted(tmp_path: Path) -> None:
    """Başlığında küçük görünüp daha çok açılan girdi açılmaz: nedeniyle listelenir, yarım dosya kalmaz;
    başlığı doğru öteki girdi açılır."""
    path = _zip(
        tmp_path / "yalan.zip",
        {
            "Ayşe Yılmaz_1_assignsubmission_file_/lab01.ipynb": b"x" * 100_000,
            "Mert Şahin_2_assignsubmission_file_/lab01.ipynb": NOTEBOOK,
        },
    )
    _declare_size(path, 10)
    out = tmp_path / "acilan"
    intake = read_lms_zip(path, out)
    assert [r.participant for r in intake.records] == ["2"]
    assert [item.reason for item in intake.skipped] == [
        "bozuk girdi (boyutu ya da CRC'si başlığıyla tutmuyor): açılmadı"
    ]
    assert sorted(p.name for p in out.iterdir()) == ["moodle_2.ipynb"]


def test_extraction_counts_bytes_against_the_total_budget(tmp_path: Path) -> None:
    """Açarken sayılan baytlar toplam bütçeyi aşarsa açma Türkçe "zip bombası" hatasıyla durur ve yarım
    dosya kalmaz (başlık denetiminden kaçan bir zip için ikinci kilit)."""
    from wskurs.grading import lms

    path = _zip(tmp_path / "z.zip", {"Ayşe Yılmaz_1_assignsubmission_file_/lab01.ipynb": b"x" * 5000})
    out = tmp_path / "acilan"
    out.mkdir()
    with zipfile.ZipFile(path) as archive, pytest.raises(LmsError, match="zip bombası"):
        info = archive.infolist()[0]
        lms._extract(archive, info, out / "a.ipynb", [1000], ZipLimits())
    assert list(out.iterdir()) == []


def test_unknown_zip_layout_is_a_clear_error(tmp_path: Path) -> None:
    """Ne Moodle'ın ne de Canvas'ın adlandırmasına uyan zip Türkçe bir hatadır (tahmin edilmez); bozuk
    dosya da öyle."""
    with pytest.raises(LmsError, match="adlandırmasına uyuyor"):
        read_lms_zip(_zip(tmp_path / "x.zip", {"ayse.ipynb": NOTEBOOK}), tmp_path / "a")
    (tmp_path / "bozuk.zip").write_bytes(b"zip degil")
    with pytest.raises(LmsError, match="Zip okunamadı"):
        read_lms_zip(tmp_path / "bozuk.zip", tmp_path / "b")


def _graded(name: str, total: int) -> SubmissionGrade:
    spec = ExerciseSpec("1.1", "Yankı", 4)
    row = ExerciseResult("1.1", "Yankı", 4, total, ExerciseOutcome.PASSED if total else ExerciseOutcome.FAILED, "")
    return SubmissionGrade(name, "lab01", (row,), SubmissionStatus.GRADED, "").checked([spec])


def test_identity_columns_reach_notlar_csv_and_json(tmp_path: Path) -> None:
    """Kimlikler verilince ``notlar.csv`` gönderim adından sonra ``katilimci`` ve ``ad`` sütunlarını,
    ``notlar.json`` aynı alanları taşır; kimliği bilinmeyen gönderimde ikisi boştur; ad hücresi formül
    olamaz."""
    grades = [_graded("moodle_12345.ipynb", 4), _graded("yabanci.ipynb", 0)]
    identities = {"moodle_12345.ipynb": ("12345", "=Ayşe Yılmaz")}
    write_reports(grades, "lab01", [ExerciseSpec("1.1", "Yankı", 4)], tmp_path, identities)
    with (tmp_path / "notlar.csv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert list(rows[0])[:3] == ["gonderim", "katilimci", "ad"]
    assert [(r["katilimci"], r["ad"]) for r in rows] == [("12345", "'=Ayşe Yılmaz"), ("", "")]
    data = json.loads((tmp_path / "notlar.json").read_text(encoding="utf-8"))
    assert [(s["katilimci"], s["ad"]) for s in data["submissions"]] == [("12345", "=Ayşe Yılmaz"), ("", "")]


def test_without_identities_notlar_csv_is_unchanged(tmp_path: Path) -> None:
    """Kimlik verilmeyen (klasörden) notlandırmada ``notlar.csv``'nin sütunları eskisi gibidir."""
    write_reports([_graded("ayse.ipynb", 4)], "lab01", [ExerciseSpec("1.1", "Yankı", 4)], tmp_path)
    header = (tmp_path / "notlar.csv").read_text(encoding="utf-8").splitlines()[0]
    assert header.startswith('"gonderim","1.1"')


def test_lms_matching_gives_canvas_ids_and_leaves_multi_notebook_students_ungraded(tmp_path: Path) -> None:
    """Canvas zip'inden eşleşmede ``canvas.csv``'nin ``ID`` sütunu Canvas kullanıcı numarasıdır (SIS
    sütunları boş); iki defter gönderen katılımcının notu boştur (0 değil) ve belirsiz listelenir."""
    archive = _zip(
        tmp_path / "canvas.zip",
        {
            "yilmazayse_12345_1_lab01.ipynb": NOTEBOOK,
            "sahinmert_LATE_222_2_lab01.ipynb": NOTEBOOK,
            "sahinmert_LATE_222_3_lab01-1.ipynb": NOTEBOOK,
        },
    )
    intake = read_lms_zip(archive, tmp_path / "acilan")
    grades = [_graded("canvas_12345.ipynb", 4), _graded("canvas_222.ipynb", 4), _graded("canvas_222_2.ipynb", 0)]
    matching = match_lms(intake.records, grades)
    assert [s.number for s, _ in matching.ambiguous] == ["222"]
    write_canvas(tmp_path / "canvas.csv", matching, "Lab 01", 4)
    with (tmp_path / "canvas.csv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    assert rows[2:] == [["yilmazayse", "12345", "", "", "", "4"], ["sahinmert", "222", "", "", "", ""]]


# Komut satırı: notlandırmadan önce denetlenen seçenekler ----------------------------------------


LAB01 = Path(__file__).resolve().parents[1] / "labs" / "lab01_websocket_nedir.ipynb"


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--son-tarih", "yarın akşam"], "Tarih tanınmadı"),
        (["--son-tarih", "2026-12-01 23:59", "--saat-dilimi", "Europe/Istanbull"], "Bilinmeyen saat dilimi"),
        (["--gec-ceza-gun", "10"], "son tarihi verin"),
        (["--son-tarih", "2026-12-01 23:59", "--gec-ceza-gun", "10", "--gec-ceza-saat", "1"], "birlikte verilmez"),
        (["--son-tarih", "2026-12-01 23:59", "--gec-kesim", "2026-11-01 10:00"], "önce olamaz"),
        (["--calisma-sayfasi", "yok.csv"], "Çalışma sayfası okunamadı"),
        (["--calisma-sayfasi", "liste.csv"], "not çalışma sayfası değil"),
        (["--calisma-sayfasi", "sayfa.csv"], "yalnızca Moodle'ın"),
        (["--calisma-sayfasi", "sayfa.csv", "--olcek", "200"], "en yüksek puandan"),
    ],
    ids=["tarih", "dilim", "tarihsiz-ceza", "gun-ve-saat", "kesim", "sayfa-yok", "sayfa-degil", "klasorle", "olcek"],
)
def test_bad_lms_options_stop_before_grading(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], extra: list[str], message: str
) -> None:
    """Yanlış son tarih, bilinmeyen saat dilimi, kuralsız ceza, çelişen ceza seçenekleri, okunamayan ya da
    Moodle'ın olmayan çalışma sayfası, klasörle verilen çalışma sayfası ve sayfanın en yüksek notundan
    büyük ölçek, hiçbir gönderim notlandırılmadan Türkçe bir hatadır (çıkış kodu 2)."""
    from wskurs.grading.cli import main

    monkeypatch.chdir(tmp_path)
    (tmp_path / "gonderimler").mkdir()
    (tmp_path / "liste.csv").write_text("ogrenci_no,ad,eposta,dosya\n1,Ayşe,a@b,a.ipynb\n", encoding="utf-8")
    (tmp_path / "sayfa.csv").write_text(
        '"Identifier","Full name","Grade","Maximum Grade","Last modified (grade)"\n'
        '"Participant 1","Ayşe",,"100,00",-\n',
        encoding="utf-8-sig",
    )
    code = main(["notlandir", str(LAB01), "gonderimler", "-o", "notlar", *extra])
    assert code == 2
    assert message in capsys.readouterr().err
    assert not (tmp_path / "notlar").exists()
