"""Öğretmenin not defterleri gerçek ``wskurs notlandir`` ile: sınıf listesi, Moodle ve Canvas dosyaları,
eşleşmeyenlerin listesi ve aynı notlandırmanın bir Dask kümesinde (iki işçi süreç) yapılması."""

from __future__ import annotations

import csv
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from wskurs.engine.timing import scaled

from labtools import LABS, grade_batch, read, submission

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


def test_roster_gives_moodle_and_canvas_files_and_lists_the_unmatched(classroom: Path) -> None:
    """Sınıf listesiyle notlandırma Moodle'ın (ondalık virgüllü, 100'lük) ve Canvas'ın aldığı dosyaları
    yazar; gönderimi olmayan öğrenci 0 ve bir notla, listede olmayan gönderim raporda ve çıktıda yer alır."""
    output = classroom / "notlar-liste"
    result = _notlandir(classroom, output, "--liste", "liste.csv", "--ondalik-virgul", "--olcek", "100")
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


def test_dask_cluster_gives_the_same_gradebook(classroom: Path) -> None:
    """``--dask`` ile iki işçi süreçli bir ``distributed.LocalCluster``'da notlandırma, yerel havuzla aynı
    notları ve durumları verir; gönderimler işçilere bayt olarak gider."""
    distributed = pytest.importorskip("distributed")
    local = grade_batch(LAB, classroom / "gonderimler", classroom / "notlar-yerel", cell_timeout=20)
    with distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1", dashboard_address=None
    ) as cluster:
        output = classroom / "notlar-dask"
        result = _notlandir(classroom, output, "--dask", cluster.scheduler_address)
        assert result.returncode == 0, result.stderr[-3000:]
        assert "Gönderimler Dask kümesinde notlandırılıyor" in result.stdout
    remote = _rows(output / "notlar.csv")
    expected = _rows(classroom / "notlar-yerel" / "notlar.csv")
    strip = [{k: v for k, v in row.items() if k != "sorun"} for row in remote]
    assert strip == [{k: v for k, v in row.items() if k != "sorun"} for row in expected]
    assert [r["toplam"] for r in remote] == ["10", "0", "10"]
    assert local["returncode"] == 0


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
