"""Öğretmenin not defterleri gerçek ``wskurs notlandir`` ile: sınıf listesi, Moodle ve Canvas dosyaları,
eşleşmeyenlerin listesi ve aynı notlandırmanın bir Dask kümesinde (iki işçi süreç) yapılması."""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from wskurs.engine.timing import scaled

from labtools import LABS, read, submission

pytestmark = pytest.mark.kernel

LAB = "lab01_websocket_nedir.ipynb"
ROSTER = (
    "ogrenci_no,ad,eposta,dosya\n"
    "1001,Ayşe Yılmaz,ayse@okul.edu.tr,ayse.ipynb\n"
    "1002,Mert Şahin,mert@okul.edu.tr,mert.ipynb\n"
    "1003,Çağla Öz,cagla@okul.edu.tr,cagla.ipynb\n"
)


@pytest.fixture(scope="module")
def classroom(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("sinif")
    folder = root / "gonderimler"
    folder.mkdir()
    nbformat.write(submission(LAB), folder / "ayse.ipynb")
    nbformat.write(read(LABS / LAB), folder / "mert.ipynb")
    nbformat.write(submission(LAB), folder / "yabanci.ipynb")
    (root / "liste.csv").write_text(ROSTER, encoding="utf-8")
    return root


def _notlandir(root: Path, output: Path, *extra: str, timeout: float = 900) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "wskurs.grading.cli", "notlandir", str(LABS / LAB), str(root / "gonderimler")]
    command += ["-o", str(output), "-j", "2", "--zaman-asimi", "20", *extra]
    return subprocess.run(command, capture_output=True, text=True, timeout=scaled(timeout), cwd=root)


def _rows(path: Path, delimiter: str = ",") -> list[dict[str, str]]:
    with path.open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle, delimiter=delimiter))


ROSTER_ARGS = ("--liste", "liste.csv", "--ondalik-virgul", "--olcek", "100")


@pytest.fixture(scope="module")
def roster_run(classroom: Path) -> tuple[subprocess.CompletedProcess[str], Path]:
    """Sınıfın sınıf listesiyle (yerel havuzda) bir kez notlandırılması; Dask'lı çalışma bununla karşılaştırılır."""
    output = classroom / "notlar-liste"
    return _notlandir(classroom, output, *ROSTER_ARGS), output


def test_roster_gives_moodle_and_canvas_files_and_lists_the_unmatched(
    roster_run: tuple[subprocess.CompletedProcess[str], Path],
) -> None:
    """Sınıf listesiyle notlandırma Moodle'ın (ondalık virgüllü, 100'lük) ve Canvas'ın aldığı dosyaları
    yazar; gönderimi olmayan öğrenci 0 ve bir notla, listede olmayan gönderim raporda ve çıktıda yer alır."""
    result, output = roster_run
    assert result.returncode == 0, result.stderr[-2000:]
    moodle = _rows(output / "moodle.csv", delimiter=";")
    assert [(r["ID number"], r["Lab 01"]) for r in moodle] == [("1001", "100"), ("1002", "0"), ("1003", "0")]
    assert moodle[2]["Feedback"] == "Gönderim bulunamadı."
    assert "❌ Alıştırma 1.1" in moodle[1]["Feedback"]
    canvas = list(csv.reader((output / "canvas.csv").open(encoding="utf-8")))
    assert canvas[1][:1] + canvas[1][5:] == ["Points Possible", "100"]
    assert [(row[2], row[5]) for row in canvas[2:]] == [("1001", "100"), ("1002", "0"), ("1003", "0")]
    report = (output / "eslesme.md").read_text(encoding="utf-8")
    assert "1003 Çağla Öz" in report and "yabanci.ipynb" in report
    assert "Gönderimi bulunamayan öğrenciler (1): 1003 Çağla Öz" in result.stdout
    assert "Listede olmayan gönderimler (1): yabanci.ipynb" in result.stdout
    # Listede olmayan gönderim yine notlandırılır: notlar.csv herkesi içerir.
    assert [r["gonderim"] for r in _rows(output / "notlar.csv")] == ["ayse.ipynb", "mert.ipynb", "yabanci.ipynb"]


def test_bad_roster_stops_before_grading_with_a_turkish_error(classroom: Path, tmp_path: Path) -> None:
    """Başlığı eksik bir sınıf listesi notlandırma başlamadan Türkçe bir hatayla (çıkış kodu 2) durur."""
    (tmp_path / "bozuk.csv").write_text("no,ad\n1,Ayşe\n", encoding="utf-8")
    output = tmp_path / "notlar"
    result = _notlandir(classroom, output, "--liste", str(tmp_path / "bozuk.csv"), timeout=120)
    assert result.returncode == 2
    assert "Sınıf listesinde şu sütunlar yok" in result.stderr
    assert not (output / "notlar.csv").exists()


def test_unreachable_dask_cluster_is_a_turkish_error(classroom: Path, tmp_path: Path) -> None:
    """Ulaşılamayan bir Dask adresi Türkçe bir hatadır (çıkış kodu 2); bir traceback değil."""
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    output = tmp_path / "notlar"
    result = _notlandir(classroom, output, "--dask", f"tcp://127.0.0.1:{port}", timeout=180)
    assert result.returncode == 2, result.stderr[-2000:]
    assert "Dask kümesine bağlanılamadı" in result.stderr
    assert "Traceback" not in result.stderr


def test_dask_cluster_gives_the_same_gradebook(
    classroom: Path, roster_run: tuple[subprocess.CompletedProcess[str], Path]
) -> None:
    """``--dask`` ile iki işçi süreçli bir ``distributed.LocalCluster``'da notlandırma, aynı ayarlarla yerel
    havuzun verdiği notları ve durumları verir; gönderimler işçilere bayt olarak gider."""
    distributed = pytest.importorskip("distributed")
    local, local_output = roster_run
    assert local.returncode == 0, local.stderr[-2000:]
    with distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1", dashboard_address=None
    ) as cluster:
        output = classroom / "notlar-dask"
        result = _notlandir(classroom, output, "--dask", cluster.scheduler_address, *ROSTER_ARGS)
        assert result.returncode == 0, result.stderr[-3000:]
        assert "Gönderimler Dask kümesinde notlandırılıyor" in result.stdout
    remote = _rows(output / "notlar.csv")
    expected = _rows(local_output / "notlar.csv")
    strip = [{k: v for k, v in row.items() if k != "sorun"} for row in remote]
    assert strip == [{k: v for k, v in row.items() if k != "sorun"} for row in expected]
    assert [r["toplam"] for r in remote] == ["10", "0", "10"]


def test_moodle_zip_is_graded_directly_with_participants(tmp_path: Path) -> None:
    """Moodle'ın "Tüm gönderimleri indir" zip'i doğrudan notlandırılır: çözen katılımcı tam puan, çözmeyen
    0 alır; ``notlar.csv`` katılımcı no ve adı taşır; defter olmayan dosya atlanmaz, ``lms.md``'de
    nedeniyle listelenir."""
    import zipfile

    archive = tmp_path / "moodle.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as handle:
        handle.writestr("Ayşe Yılmaz_12345_assignsubmission_file_/lab01.ipynb", nbformat.writes(submission(LAB)))
        handle.writestr("Mert Şahin_678_assignsubmission_file_/lab01.ipynb", nbformat.writes(read(LABS / LAB)))
        handle.writestr("Mert Şahin_678_assignsubmission_file_/notlar.pdf", b"%PDF")
    output = tmp_path / "notlar"
    command = [sys.executable, "-m", "wskurs.grading.cli", "notlandir", str(LABS / LAB), str(archive)]
    command += ["-o", str(output), "--kanaryasiz", "-j", "2", "--zaman-asimi", "20"]
    result = subprocess.run(command, capture_output=True, text=True, timeout=scaled(900), cwd=tmp_path)
    assert result.returncode == 0, result.stderr[-2000:]
    rows = _rows(output / "notlar.csv")
    maximum = rows[0]["en_yuksek"]
    assert [(r["katilimci"], r["ad"], r["toplam"]) for r in rows] == [
        ("12345", "Ayşe Yılmaz", maximum),
        ("678", "Mert Şahin", "0"),
    ]
    assert "notlar.pdf" in (output / "lms.md").read_text(encoding="utf-8")
    assert "notlar.pdf" in result.stdout and "--calisma-sayfasi" in result.stdout


WORKSHEET = (
    '"Identifier","Full name","Email address","Status","Grade","Maximum Grade","Grade can be changed",'
    '"Last modified (submission)","Online text","Last modified (grade)","Feedback comments"\n'
    '"Participant 12345","Ayşe Yılmaz",ayse@okul.edu.tr,"Submitted for grading",,"100,00",Yes,'
    '"Thursday, 3 December 2026, 2:00 AM",,-,\n'
    '"Participant 678","Mert Şahin",mert@okul.edu.tr,"Submitted for grading",,"100,00",Yes,'
    '"Tuesday, 1 December 2026, 11:50 PM",,-,\n'
    '"Participant 999","Çağla Öz",cagla@okul.edu.tr,"No submission",,"100,00",Yes,-,,-,\n'
)


def _moodle_zip(path: Path, mert: object) -> Path:
    import zipfile

    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as handle:
        handle.writestr("Ayşe Yılmaz_12345_assignsubmission_file_/lab01.ipynb", nbformat.writes(submission(LAB)))
        handle.writestr("Mert Şahin_678_assignsubmission_file_/lab01.ipynb", nbformat.writes(mert))
    return path


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {str(path.relative_to(folder)): path.read_bytes() for path in sorted(folder.rglob("*")) if path.is_file()}


def test_worksheet_late_penalty_and_only_new_regrading(tmp_path: Path) -> None:
    """Moodle zip'i çalışma sayfası, son tarih ve ``--yalnizca-yeni`` ile: çalışma sayfası aynı biçimde
    dolar (iki gün geç çözen katılımcı 100 yerine 80 alır, nedeni yazılı; gönderimi olmayan satıra
    dokunulmaz), geri bildirim zip'i Moodle'ın adlandırmasındadır. Aynı tohumla ikinci çalışma hiçbir
    gönderimi notlandırmaz ve bütün dosyalar bayt bayt aynıdır; bir cevap değişince yalnızca o gönderim
    yeniden notlandırılır."""
    import zipfile

    (tmp_path / "sayfa.csv").write_bytes(b"\xef\xbb\xbf" + WORKSHEET.encode("utf-8"))
    output = tmp_path / "notlar"
    archive = _moodle_zip(tmp_path / "moodle.zip", read(LABS / LAB))
    command = [sys.executable, "-m", "wskurs.grading.cli", "notlandir", str(LABS / LAB), str(archive)]
    command += ["-o", str(output), "--kanaryasiz", "-j", "2", "--zaman-asimi", "20", "--tohum", "7"]
    command += ["--calisma-sayfasi", "sayfa.csv", "--son-tarih", "2026-12-01 23:59", "--gec-ceza-gun", "10"]
    command += ["--yalnizca-yeni"]

    def run() -> subprocess.CompletedProcess[str]:
        result = subprocess.run(command, capture_output=True, text=True, timeout=scaled(900), cwd=tmp_path)
        assert result.returncode == 0, result.stderr[-2000:]
        return result

    first = run()
    assert "2 gönderim notlandırılacak" in first.stdout
    sheet = list(csv.DictReader((output / "calisma_sayfasi.csv").read_text(encoding="utf-8-sig").splitlines()))
    assert [(r["Identifier"], r["Grade"]) for r in sheet] == [
        ("Participant 12345", "80"),
        ("Participant 678", "0"),
        ("Participant 999", ""),
    ]
    assert "Geç teslim: Son tarihten" in sheet[0]["Feedback comments"] and sheet[2]["Feedback comments"] == ""
    assert (output / "calisma_sayfasi.csv").read_bytes().startswith(b"\xef\xbb\xbf")
    rows = _rows(output / "notlar.csv")
    maximum = int(rows[0]["en_yuksek"])
    assert [(r["katilimci"], r["toplam"], r["gec_ceza_yuzde"]) for r in rows] == [
        ("12345", str(maximum), "20"),
        ("678", "0", "0"),
    ]
    assert float(rows[0]["cezali_toplam"]) == maximum * 0.8
    with zipfile.ZipFile(output / "moodle_geri_bildirim.zip") as feedback:
        assert feedback.namelist() == [
            "Ayşe Yılmaz_12345_assignsubmission_file_/geri_bildirim.md",
            "Mert Şahin_678_assignsubmission_file_/geri_bildirim.md",
        ]
    before = _snapshot(output)

    second = run()
    assert "0 gönderim notlandırılacak, 2 gönderimin cevapları değişmedi" in second.stdout
    after = _snapshot(output)
    assert sorted(after) == sorted(before)
    assert [name for name in before if before[name] != after[name]] == []

    _moodle_zip(archive, submission(LAB))  # Mert artık çözdü
    third = run()
    assert "1 gönderim notlandırılacak, 1 gönderimin cevapları değişmedi" in third.stdout
    old = json.loads(before["notlar.json"])["submissions"]
    new = json.loads((output / "notlar.json").read_text(encoding="utf-8"))["submissions"]
    assert new[0] == old[0]  # Ayşe yeniden notlandırılmadı (süresi bile aynı)
    assert new[1]["total"] == maximum and old[1]["total"] == 0
