"""Her lab için, gerçek ``wskurs notlandir`` (``-j 2``) ile: çözüm geçer, taslak ve yanlış cevaplar
kalır, kurcalama ve sonsuz döngü notu bozamaz, her satırın bir durumu vardır; öğrencinin kendi
kontrolü (``make grade`` yolu) toplu notlandırmayla her alıştırmada aynı kararı verir. Lab'lar
``solutions/`` klasöründen glob ile bulunur; yargıç API'sine çevrilmemiş lab'lar atlanır."""

from __future__ import annotations

import csv
import re
import subprocess
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import nbformat
import pytest

from wskurs.checks import exercises_of
from wskurs.engine.timing import scaled
from wskurs.grading.batch import lab_pytest_command
from wskurs.labformat import CellRole, ExerciseOutcome, SubmissionStatus, cell_role

from labtools import (
    LAB_FILES,
    LABS,
    converted,
    edge_answers,
    grade_batch,
    read,
    self_check,
    submission,
    with_checks,
    wrong_answers,
)

pytestmark = pytest.mark.kernel

CELL_TIMEOUT = scaled(15)
NOISE = (
    "import sys, warnings\n"
    "warnings.warn('bu bir uyarı', DeprecationWarning)\n"
    "warnings.warn('bu da bir uyarı')\n"
    "print('stderr satırı', file=sys.stderr)\n"
)
AGREEMENT = ("cozum", "bos", "yanlis")


def _samples(file_name: str) -> dict[str, object]:
    lab = read(LABS / file_name)
    ids = [ex.id for ex in exercises_of(file_name[:5])]
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
    for exercise_id, code in edge_answers(file_name).items():
        samples[f"kenar_{exercise_id}"] = submission(file_name, {exercise_id: code})
    return samples


@pytest.fixture(scope="module", params=LAB_FILES)
def graded(request, tmp_path_factory):
    """Bir lab'ın örnek gönderimlerini tek seferde (`wskurs notlandir -j 2`) notlandırır; aynı
    sırada çözümü, taslağı ve yanlış cevapları öğrencinin yoluyla da (pytest --nbval-lax) kontrol eder."""
    file_name = request.param
    if not converted(file_name):
        pytest.skip(f"{file_name}: kontroller henüz yargıç API'sine çevrilmedi")
    ids = [ex.id for ex in exercises_of(file_name[:5])]
    folder = tmp_path_factory.mktemp("gonderimler")
    for name, nb in _samples(file_name).items():
        nbformat.write(nb, folder / f"{name}.ipynb")
    (folder / "bozuk.ipynb").write_text("bu bir not defteri değil", encoding="utf-8")
    nbformat.write(nbformat.v4.new_notebook(), folder / "cevapsiz.ipynb")
    output = tmp_path_factory.mktemp("notlar") / "cikti"
    with ThreadPoolExecutor(max_workers=1) as pool:
        batch = pool.submit(grade_batch, file_name, folder, output, cell_timeout=CELL_TIMEOUT)
        selfs = {}
        for name in AGREEMENT:
            workdir = tmp_path_factory.mktemp(f"kendi_{name}")
            selfs[name] = self_check(folder / f"{name}.ipynb", workdir)
        result = batch.result()
    assert result["returncode"] == 0, result["stderr"][-3000:]
    return result, ids, output, selfs


def _statuses(grade) -> list[ExerciseOutcome]:
    return [ExerciseOutcome(row["status"]) for row in grade["exercises"]]


def test_protections_are_printed(graded):
    """Notlandırma başında hangi korumaların etkin olduğu Türkçe yazılır."""
    result, _, _, _ = graded
    assert "Korumalar:" in result["stdout"]
    assert "✅" in result["stdout"] or "⚠️" in result["stdout"]


def test_solution_passes_every_check(graded):
    """Çözümlü lab bütün kontrollerden tam puan alır."""
    result, ids, _, _ = graded
    g = result["grades"]["cozum"]
    assert SubmissionStatus(g["status"]) is SubmissionStatus.GRADED and g["reason"] == "", g
    assert _statuses(g) == [ExerciseOutcome.PASSED] * len(ids), g
    assert g["total"] == g["maximum"] > 0


def test_unsolved_lab_fails_every_check(graded):
    """Üretilen (çözülmemiş) lab her alıştırmadan 0 alır ve notlandırılmış sayılır."""
    result, ids, _, _ = graded
    g = result["grades"]["bos"]
    assert g["total"] == 0 and _statuses(g) == [ExerciseOutcome.FAILED] * len(ids), g
    assert SubmissionStatus(g["status"]) is SubmissionStatus.GRADED


def test_every_exercise_has_a_failing_wrong_answer(graded):
    """Her alıştırmanın makul bir yanlış cevabı vardır ve yargıç onu reddeder."""
    result, ids, _, _ = graded
    g = result["grades"]["yanlis"]
    assert _statuses(g) == [ExerciseOutcome.FAILED] * len(ids), g


def test_edge_mutants_are_caught(graded):
    """Sınırda yanlış olan cevaplar (``EDGES``: boş mesaj, aynı anda açık bağlantılar…) yalnızca
    kendi alıştırmalarında kalır."""
    result, ids, _, _ = graded
    for name, grade in result["grades"].items():
        if not name.startswith("kenar_"):
            continue
        mutated = name.removeprefix("kenar_")
        statuses = {row["exercise"]: ExerciseOutcome(row["status"]) for row in grade["exercises"]}
        failed, passed = ExerciseOutcome.FAILED, ExerciseOutcome.PASSED
        assert statuses == {i: failed if i == mutated else passed for i in ids}, grade


def test_self_check_agrees_with_the_batch_grader(graded):
    """Öğrencinin kendi kontrolü (pytest --nbval-lax, yerel yargıç) çözümde, taslakta ve yanlış
    cevaplarda her alıştırma için toplu notlandırmayla aynı kararı verir."""
    result, _, _, selfs = graded
    for name in AGREEMENT:
        batch = {row["exercise"]: row["status"] for row in result["grades"][name]["exercises"]}
        assert selfs[name] == batch, (name, selfs[name], batch)


def test_warnings_and_stderr_cost_nothing(graded):
    """Uyarılar ve stderr çıktısı puan kaybettirmez."""
    result, _, _, _ = graded
    g = result["grades"]["uyarili"]
    assert g["total"] == g["maximum"], g


def test_disabled_or_deleted_check_cells_change_no_grade(graded):
    """Kontrol hücresini `pass` yapmak ya da silmek notu değiştirmez: asıl kontroller çalışır."""
    result, _, _, _ = graded
    grades = result["grades"]
    full = grades["cozum"]["maximum"]
    assert grades["kontrol_pass"]["total"] == full
    assert grades["kontrol_silinmis"]["total"] == full
    assert grades["bos_kontrol_pass"]["total"] == 0


@pytest.mark.parametrize("sample", ["sonsuz", "sonsuz_hucre"])
def test_infinite_loop_costs_only_its_exercise(graded, sample):
    """`while True: pass` (cevap bölgesinde ya da bütün cevap hücresinde) yalnızca kendi
    alıştırmasına mal olur, gerisi notlandırılır; durum ve neden hangi alıştırmada olduğunu söyler."""
    result, ids, _, _ = graded
    g = result["grades"][sample]
    scores = {row["exercise"]: row["earned"] for row in g["exercises"]}
    assert scores[ids[0]] == 0
    assert all(scores[i] > 0 for i in ids[1:]), g
    assert g["seconds"] < CELL_TIMEOUT * 3 + 60
    if sample == "sonsuz_hucre":
        assert g["status"] == "zaman aşımı" and ids[0] in g["reason"], g


def test_broken_submissions_get_zero_and_a_reason(graded):
    """Not defteri olmayan ya da cevap hücresi olmayan gönderim 0, bir durum ve bir neden alır."""
    result, _, _, _ = graded
    grades = result["grades"]
    assert grades["bozuk"]["total"] == 0 and grades["bozuk"]["status"] == "defter değil"
    assert "okunamadı" in grades["bozuk"]["reason"]
    assert grades["cevapsiz"]["total"] == 0 and grades["cevapsiz"]["status"] == "cevap hücresi yok"


def test_gradebook_and_feedback_files(graded):
    """CSV'de gönderim başına bir satır, alıştırma başına bir sütun, toplam ve durum; her gönderime
    Türkçe bir geri bildirim dosyası."""
    result, ids, output, _ = graded
    with (output / "notlar.csv").open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert [r["gonderim"] for r in rows] == sorted(f"{name}.ipynb" for name in result["grades"])
    by_name = {r["gonderim"]: r for r in rows}
    assert int(by_name["cozum.ipynb"]["toplam"]) == result["grades"]["cozum"]["maximum"]
    assert all(i in rows[0] for i in ids) and all(r["durum"] for r in rows)
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
    """nbval altında üretilen lab'da yalnızca kontrol hücreleri başarısız olur; tablo yargıçtan gelir."""
    if not converted(file_name):
        pytest.skip(f"{file_name}: kontroller henüz yargıç API'sine çevrilmedi")
    lab = read(LABS / file_name)
    code = [cell for cell in lab.cells if cell.cell_type == "code"]  # nbval yalnızca kod hücrelerini sayar
    check_cells = {i for i, cell in enumerate(code) if (role := cell_role(cell)) and role.role is CellRole.CHECK}
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


def test_labs_are_found_by_glob():
    """Lab listesi elle tutulmaz: solutions/ klasöründeki her lab test edilir."""
    assert sorted(p.name for p in (Path(__file__).resolve().parents[1] / "solutions").glob("lab*.ipynb")) == LAB_FILES
