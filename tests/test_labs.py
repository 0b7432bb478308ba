"""Her lab için: çözüm geçer, taslak ve yanlış cevaplar kalır, kurcalama ve sonsuz döngü
notu bozamaz. Lab'lar ``solutions/`` klasöründen glob ile bulunur."""

from __future__ import annotations

import csv
import re
import subprocess
from pathlib import Path

import nbformat
import pytest

from wskurs.checks import exercises_of
from wskurs.grading import grade_folder, lab_pytest_command
from wskurs.labgen import cell_role
from wskurs.timing import scaled

from labtools import LAB_FILES, LABS, read, submission, with_checks, wrong_answers

CELL_TIMEOUT = scaled(15)
NOISE = (
    "import sys, warnings\n"
    "warnings.warn('bu bir uyarı', DeprecationWarning)\n"
    "warnings.warn('bu da bir uyarı')\n"
    "print('stderr satırı', file=sys.stderr)\n"
)


@pytest.fixture(scope="module", params=LAB_FILES)
def graded(request, tmp_path_factory):
    """Bir lab'ın örnek gönderimlerini tek seferde (`-j 2`) notlandırır."""
    file_name = request.param
    lab = read(LABS / file_name)
    ids = [ex.id for ex in exercises_of(file_name[:5])]
    folder = tmp_path_factory.mktemp("gonderimler")
    samples = {
        "cozum": submission(file_name),
        "bos": lab,
        "yanlis": submission(file_name, wrong_answers(file_name)),
        "kontrol_pass": with_checks(submission(file_name), "pass"),
        "kontrol_silinmis": with_checks(submission(file_name), None),
        "bos_kontrol_pass": with_checks(lab, "pass"),
        "sonsuz": submission(file_name, {ids[0]: "while True:\n    pass"}),
        "sonsuz_hucre": submission(file_name, cells={ids[0]: "while True:\n    pass"}),
    }
    noisy = submission(file_name)
    first_answer = next(cell for cell in noisy.cells if cell.metadata.get("wskurs", {}).get("role") == "answer")
    first_answer.source = NOISE + first_answer.source
    samples["uyarili"] = noisy
    for name, nb in samples.items():
        nbformat.write(nb, folder / f"{name}.ipynb")
    (folder / "bozuk.ipynb").write_text("bu bir not defteri değil", encoding="utf-8")
    nbformat.write(nbformat.v4.new_notebook(), folder / "cevapsiz.ipynb")
    output = tmp_path_factory.mktemp("notlar")
    grades = grade_folder(LABS / file_name, folder, output, jobs=2, cell_timeout=CELL_TIMEOUT)
    return {Path(g.submission).stem: g for g in grades}, ids, output


def test_solution_passes_every_check(graded):
    """Çözümlü lab bütün kontrollerden tam puan alır."""
    grades, ids, _ = graded
    g = grades["cozum"]
    assert g.problem == ""
    assert [row["status"] for row in g.rows] == ["geçti"] * len(ids), g.rows
    assert g.total == g.maximum > 0


def test_unsolved_lab_fails_every_check(graded):
    """Üretilen (çözülmemiş) lab her alıştırmadan 0 alır."""
    grades, ids, _ = graded
    assert grades["bos"].scores == dict.fromkeys(ids, 0)


def test_every_exercise_has_a_failing_wrong_answer(graded):
    """Her alıştırmanın makul bir yanlış cevabı vardır ve kontrolü onu reddeder."""
    grades, ids, _ = graded
    g = grades["yanlis"]
    assert [row["status"] for row in g.rows] == ["kaldı"] * len(ids), g.rows


def test_warnings_and_stderr_cost_nothing(graded):
    """Uyarılar ve stderr çıktısı puan kaybettirmez."""
    grades, _, _ = graded
    assert grades["uyarili"].total == grades["uyarili"].maximum, grades["uyarili"].rows


def test_disabled_or_deleted_check_cells_change_no_grade(graded):
    """Kontrol hücresini `pass` yapmak ya da silmek notu değiştirmez: asıl kontroller çalışır."""
    grades, _, _ = graded
    full = grades["cozum"].maximum
    assert grades["kontrol_pass"].total == full
    assert grades["kontrol_silinmis"].total == full
    assert grades["bos_kontrol_pass"].total == 0


@pytest.mark.parametrize("sample", ["sonsuz", "sonsuz_hucre"])
def test_infinite_loop_costs_only_its_exercise(graded, sample):
    """`while True: pass` (cevap bölgesinde ya da bütün cevap hücresinde) yalnız kendi
    alıştırmasına mal olur, gerisi notlandırılır."""
    grades, ids, _ = graded
    g = grades[sample]
    assert g.scores[ids[0]] == 0
    assert all(g.scores[i] > 0 for i in ids[1:]), g.rows
    assert g.seconds < CELL_TIMEOUT * 3 + 60


def test_broken_submissions_get_zero_and_a_reason(graded):
    """Not defteri olmayan ya da cevap hücresi olmayan gönderim 0 ve bir neden alır."""
    grades, _, _ = graded
    assert grades["bozuk"].total == 0 and "okunamadı" in grades["bozuk"].problem
    assert grades["cevapsiz"].total == 0 and "cevap hücresi" in grades["cevapsiz"].problem


def test_gradebook_and_feedback_files(graded):
    """CSV'de gönderim başına bir satır, alıştırma başına bir sütun ve toplam; her gönderime
    Türkçe bir geri bildirim dosyası."""
    grades, ids, output = graded
    with (output / "notlar.csv").open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert [r["gonderim"] for r in rows] == sorted(g.submission for g in grades.values())
    by_name = {r["gonderim"]: r for r in rows}
    assert int(by_name["cozum.ipynb"]["toplam"]) == grades["cozum"].maximum
    assert all(i in rows[0] for i in ids)
    feedback = (output / "geri_bildirim" / "yanlis.md").read_text(encoding="utf-8")
    assert "Beklenen" in feedback or "Sorun" in feedback
    assert "Toplam: 0/" in feedback


def test_wrong_answers_cover_every_exercise():
    """Her lab'ın yanlış cevap listesi bütün alıştırmaları kapsar."""
    for file_name in LAB_FILES:
        ids = [ex.id for ex in exercises_of(file_name[:5])]
        assert sorted(wrong_answers(file_name)) == ids, file_name


@pytest.mark.parametrize("file_name", LAB_FILES)
def test_generated_lab_fails_exactly_its_check_cells(file_name, tmp_path):
    """nbval altında üretilen lab'da yalnız kontrol hücreleri başarısız olur."""
    lab = read(LABS / file_name)
    code = [cell for cell in lab.cells if cell.cell_type == "code"]  # nbval yalnız kod hücrelerini sayar
    check_cells = {i for i, cell in enumerate(code) if (role := cell_role(cell)) and role[0] == "check"}
    result = subprocess.run(
        lab_pytest_command(LABS / file_name, tmp_path),
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=300,
    )
    failed = {int(n) for n in re.findall(r"^FAILED .*::Cell (\d+)", result.stdout, re.M)}
    assert failed == check_cells, result.stdout[-3000:]
    assert "Not tablosu" in result.stdout and "Toplam" in result.stdout
