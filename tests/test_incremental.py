"""``--yalnizca-yeni``'nin saf parçaları: cevap özeti, notun kayıpsız kaydı, durum dosyası ve geç teslim
cezasının not defterlerine yazılışı (çekirdek başlatmaz; uçtan uca deneme test_grading_exports.py'de)."""

from __future__ import annotations

import copy
import csv
import json
from pathlib import Path

import nbformat

from wskurs.grading.gradebook import Matching, Student, write_canvas, write_moodle
from wskurs.grading.incremental import (
    STATE_FILE,
    RunKey,
    answers_hash,
    grade_from_json,
    grade_to_json,
    load_state,
    previous_seed,
    reusable,
    save_state,
)
from wskurs.grading.lms import Penalty
from wskurs.grading.reports import write_reports
from wskurs.labformat import ExerciseOutcome, ExerciseResult, ExerciseSpec, SubmissionGrade, SubmissionStatus

from labtools import LABS, read, submission

LAB = LABS / "lab01_websocket_nedir.ipynb"
SPEC = ExerciseSpec("1.1", "Yankı", 4)


def _graded(name: str, total: int, seconds: float = 1.234567, log: str = "günlük\n") -> SubmissionGrade:
    row = ExerciseResult("1.1", "Yankı", 4, total, ExerciseOutcome.PASSED if total else ExerciseOutcome.FAILED, "ok")
    return SubmissionGrade(name, "lab01", (row,), SubmissionStatus.GRADED, "", seconds, ("not",), log)


def test_answer_hash_follows_answer_cells_only(tmp_path: Path) -> None:
    """Özet yalnızca cevap hücrelerine bağlıdır: çıktı, yürütme sayacı ve açıklama hücresi değişse de
    aynıdır; bir cevap değişince değişir; defter olmayan dosyanın özeti baytlarınındır."""
    notebook = submission(LAB.name)
    original = tmp_path / "a.ipynb"
    nbformat.write(notebook, original)
    noisy = copy.deepcopy(notebook)
    for cell in noisy.cells:
        if cell.cell_type == "code":
            cell.execution_count = 7
            cell.outputs = [nbformat.v4.new_output("stream", text="çıktı\n")]
        else:
            cell.source += "\nek açıklama"
    nbformat.write(noisy, tmp_path / "b.ipynb")
    changed = read(LAB)  # taslak: cevaplar çözülmemiş
    nbformat.write(changed, tmp_path / "c.ipynb")
    (tmp_path / "d.ipynb").write_bytes(b"defter degil")
    first = answers_hash(original, 10**6)
    assert first.startswith("cevaplar:")
    assert answers_hash(tmp_path / "b.ipynb", 10**6) == first
    assert answers_hash(tmp_path / "c.ipynb", 10**6) != first
    assert answers_hash(tmp_path / "d.ipynb", 10**6).startswith("dosya:")


def test_grade_round_trips_without_loss() -> None:
    """Durum dosyasındaki not (süre yuvarlanmadan, günlük dahil) geri okununca aynı nottur."""
    grade = _graded("ayse.ipynb", 4)
    assert grade_from_json(json.loads(json.dumps(grade_to_json(grade)))) == grade


def test_state_is_reused_only_with_the_same_key_and_answers(tmp_path: Path) -> None:
    """Aynı anahtar ve aynı cevap özetiyle önceki not kullanılır; cevabı değişen kullanılmaz; lab, tohum
    ya da ayar değişince hiçbiri kullanılmaz ve neden söylenir; bozuk dosya hepsini yeniden notlandırır."""
    key = RunKey.of(LAB, 42, cell_timeout=20.0, hidden=True, isolation=True)
    grades = [_graded("ayse.ipynb", 4), _graded("mert.ipynb", 0)]
    save_state(tmp_path, key, {"ayse.ipynb": "h1", "mert.ipynb": "h2"}, grades)
    assert previous_seed(tmp_path) == 42
    previous, note = load_state(tmp_path, key)
    assert "Önceki notlandırma" in note
    assert reusable(previous, {"ayse.ipynb": "h1", "mert.ipynb": "DEĞİŞTİ", "yeni.ipynb": "h3"}) == {
        "ayse.ipynb": grades[0]
    }
    other_seed = RunKey.of(LAB, 7, cell_timeout=20.0, hidden=True, isolation=True)
    assert load_state(tmp_path, other_seed) == ({}, load_state(tmp_path, other_seed)[1])
    assert "tohum" in load_state(tmp_path, other_seed)[1]
    slower = RunKey.of(LAB, 42, cell_timeout=30.0, hidden=True, isolation=True)
    assert not load_state(tmp_path, slower)[0] and "ayarlar" in load_state(tmp_path, slower)[1]
    other_lab = RunKey.of(LABS / "lab02_fastapi_sunucusu.ipynb", 42, cell_timeout=20.0, hidden=True, isolation=True)
    assert not load_state(tmp_path, other_lab)[0] and "lab defteri" in load_state(tmp_path, other_lab)[1]
    (tmp_path / STATE_FILE).write_text("{bozuk", encoding="utf-8")
    assert load_state(tmp_path, key)[0] == {} and previous_seed(tmp_path) is None


def test_penalty_columns_show_raw_grade_penalty_and_reason(tmp_path: Path) -> None:
    """Kural verilince ``notlar.csv`` ham toplamı, ceza yüzdesini, cezalı toplamı ve nedeni gösterir;
    cezası bilinmeyen gönderim (LMS'ten gelmeyen) 0 ceza ve nedeniyle yer alır; ``notlar.json`` ve geri
    bildirim sayfası da cezayı söyler."""
    grades = [_graded("ayse.ipynb", 4), _graded("mert.ipynb", 3)]
    penalties = {"ayse.ipynb": Penalty(25.0, "Son tarihten 3 gün geç: %25 ceza.")}
    write_reports(grades, "lab01", [SPEC], tmp_path, None, penalties)
    with (tmp_path / "notlar.csv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert [(r["toplam"], r["gec_ceza_yuzde"], r["cezali_toplam"]) for r in rows] == [("4", "25", "3"), ("3", "0", "3")]
    assert rows[0]["gec_ceza_nedeni"] == "Son tarihten 3 gün geç: %25 ceza."
    assert "denetlenemedi" in rows[1]["gec_ceza_nedeni"]
    data = json.loads((tmp_path / "notlar.json").read_text(encoding="utf-8"))
    assert data["submissions"][0]["late"] == {"percent": 25, "total": 3, "reason": "Son tarihten 3 gün geç: %25 ceza."}
    page = next((tmp_path / "geri_bildirim").glob("ayse*.md")).read_text(encoding="utf-8")
    assert "Geç teslim: Son tarihten 3 gün geç" in page and "Cezalı toplam: 3/4" in page


def test_exports_use_the_penalised_grade(tmp_path: Path) -> None:
    """Moodle ve Canvas dosyalarındaki not cezalıdır (100'lük ölçekte 4/4, %25 ceza → 75); geri bildirim
    nedeni söyler."""
    grade = _graded("ayse.ipynb", 4)
    matching = Matching(pairs=[(Student("1", "Ayşe", "a@b", "ayse.ipynb"), grade)])
    penalties = {"ayse.ipynb": Penalty(25.0, "3 gün geç.")}
    write_moodle(tmp_path / "m.csv", matching, "Lab 01", 4, scale=100, penalties=penalties)
    write_canvas(tmp_path / "c.csv", matching, "Lab 01", 4, scale=100, penalties=penalties)
    moodle = list(csv.DictReader((tmp_path / "m.csv").open(encoding="utf-8")))
    assert moodle[0]["Lab 01"] == "75" and "Geç teslim: 3 gün geç." in moodle[0]["Feedback"]
    canvas = list(csv.DictReader((tmp_path / "c.csv").open(encoding="utf-8")))
    assert canvas[1]["Lab 01"] == "75"
