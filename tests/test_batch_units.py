"""`wskurs.grading.batch`'in saf parçaları: boyut sınırı, ayarlar ve komut satırı bayrakları,
cevapların asıl lab'a yerleştirilmesi, pytest komutu, kayıttan not, nbval çıktısından
alıştırma bulmak, klasördeki izler, geri bildirim metni, CSV/JSON dosyaları ve Moodle/Canvas
dışa aktarımı. Çekirdek, yargıç ya da alt süreç başlatılmaz."""

from __future__ import annotations

import argparse
import copy
import csv
import dataclasses
import json
import pickle
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from wskurs.checks import specs_of
from wskurs.engine.timing import scaled
from wskurs.grading import batch
from wskurs.grading.batch import (
    DEFAULT_CELL_TIMEOUT,
    MAX_SUBMISSION_BYTES,
    GradingOptions,
    SubmissionError,
    check_size,
    grade_from_records,
    lab_pytest_command,
    merge_answers,
)
from wskurs.labformat import DEAD_MARK, CellRole, ExerciseOutcome, SubmissionGrade, SubmissionStatus, cell_role

from labtools import LABS, answer_cells, read

LAB01 = LABS / "lab01_websocket_nedir.ipynb"
SPECS = specs_of("lab01")  # 1.1 (3), 1.2 (3), 1.3 (2), 1.4 (2)


def lab01():
    return read(LAB01)


def verdict(exercise: str, passed: bool, feedback: str = "…") -> dict[str, object]:
    return {"type": "verdict", "exercise": exercise, "passed": passed, "feedback": feedback}


def answer_sources(nb) -> dict[str, str]:
    return {exercise_id: cell.source for cell, exercise_id in answer_cells(nb)}


# Boyut, ayarlar, bayraklar -------------------------------------------------------------------


def test_check_size_rejects_only_files_above_the_limit(tmp_path: Path) -> None:
    """Sınırdaki dosya geçer; bir bayt fazlası "defter değil" durumlu, MB'sini söyleyen bir hatadır."""
    path = tmp_path / "buyuk.ipynb"
    with path.open("wb") as handle:
        handle.truncate(MAX_SUBMISSION_BYTES)  # seyrek dosya: diskte yer tutmaz
    check_size(path)
    with path.open("r+b") as handle:
        handle.truncate(MAX_SUBMISSION_BYTES + 1)
    with pytest.raises(SubmissionError, match=r"çok büyük \(64 MB\)") as info:
        check_size(path)
    assert info.value.status is SubmissionStatus.NOT_A_NOTEBOOK


def test_grading_options_defaults_are_safe_and_the_object_travels() -> None:
    """Varsayılan ayarlar: 30 s hücre süresi, gizli durumlar ve yalıtım açık, tohum yok; ayarlar
    değiştirilemez ve (başka bir makineye gönderilmek üzere) pickle ile aynen geri gelir."""
    options = GradingOptions()
    assert (options.cell_timeout, options.hidden, options.isolation, options.seed) == (30.0, True, True, None)
    assert DEFAULT_CELL_TIMEOUT == 30.0
    with pytest.raises(dataclasses.FrozenInstanceError):
        options.hidden = False  # type: ignore[misc]
    custom = GradingOptions(cell_timeout=5, hidden=False, isolation=False, seed=7)
    assert pickle.loads(pickle.dumps(custom)) == custom


def parse(*argv: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="wskurs")
    batch.add_grading_parser(parser.add_subparsers(dest="komut", required=True))
    return parser.parse_args(["notlandir", *argv])


def test_grading_flags_default_and_parse() -> None:
    """`wskurs notlandir LAB KLASÖR` varsayılanları: çıktı `notlar`, 30 s, gizli durumlar ve yalıtım
    açık, liste/ölçek/Dask yok; her bayrak kendi alanına yazılır; `run` notlandırmayı çalıştırır."""
    args = parse("labs/lab01.ipynb", "gonderimler")
    assert (args.lab, args.klasor, args.cikti, args.zaman_asimi) == ("labs/lab01.ipynb", "gonderimler", "notlar", 30.0)
    assert not (args.gizlisiz or args.yalitimsiz or args.ondalik_virgul)
    assert (args.liste, args.not_ogesi, args.olcek, args.dask) == (None, None, None, None)
    assert args.j >= 1 and args.run is batch._run
    args = parse(
        "l.ipynb",
        "k",
        "-o",
        "sonuc",
        "-j",
        "3",
        "--zaman-asimi",
        "2.5",
        "--gizlisiz",
        "--yalitimsiz",
        "--liste",
        "liste.csv",
        "--not-ogesi",
        "Ödev 1",
        "--ondalik-virgul",
        "--olcek",
        "100",
        "--dask",
        "tcp://127.0.0.1:8786",
    )
    assert (args.cikti, args.j, args.zaman_asimi, args.gizlisiz, args.yalitimsiz) == ("sonuc", 3, 2.5, True, True)
    assert (args.liste, args.not_ogesi, args.ondalik_virgul, args.olcek) == ("liste.csv", "Ödev 1", True, 100.0)
    assert args.dask == "tcp://127.0.0.1:8786"


def test_lab_pytest_command_is_the_learners_command_independent_of_project_settings(tmp_path: Path) -> None:
    """Komut: aynı Python'la pytest, nbval-lax, çekirdek ortamı, projenin `addopts`'u boş, ortamdaki
    eklentilerden yalnızca nbval ve kursun eklentisi, kök klasör verilen klasör; hücre süresi ve JSON
    yalnızca verilince eklenir; defter en sondadır."""
    notebook = tmp_path / "lab01.ipynb"
    bare = lab_pytest_command(notebook, tmp_path)
    assert bare[1:3] == ["-m", "wskurs.grading.lab_pytest"] and bare[-1] == str(notebook)
    assert {"--nbval-lax", "--nbval-current-env", "addopts="} <= set(bare)
    assert bare[bare.index("--rootdir") + 1] == str(tmp_path)
    plugins = [bare[i + 1] for i, a in enumerate(bare) if a == "-p"]
    assert "--disable-plugin-autoload" in bare and {"nbval", "wskurs.grading.pytest_plugin"} <= set(plugins)
    assert not any(a.startswith(("--nbval-cell-timeout", "--wskurs-json")) for a in bare)
    full = lab_pytest_command(notebook, tmp_path, cell_timeout=2.5, result=tmp_path / "s.json")
    assert "--nbval-cell-timeout=2.5" in full and f"--wskurs-json={tmp_path / 's.json'}" in full
    assert "--nbval-cell-timeout=30" in lab_pytest_command(notebook, tmp_path, cell_timeout=30.0)
    assert full[-1] == str(notebook)


# Cevapları yerleştirmek ----------------------------------------------------------------------


def test_merge_takes_only_answers_and_keeps_the_labs_checks() -> None:
    """Birleşik defterde cevap hücreleri gönderimden, diğer her hücre (değiştirilmiş kontrol hücresi,
    eklenmiş hücre) asıl lab'dan gelir; asıl lab değişmez; eksik cevap Türkçe bir not olur."""
    canonical = lab01()
    original = copy.deepcopy(canonical)
    submission = copy.deepcopy(canonical)
    for cell in submission.cells:
        role = cell_role(cell)
        if role and role.role is CellRole.ANSWER:
            cell.source = f"cevap_{role.exercise.replace('.', '_')} = 1"
        elif role and role.role is CellRole.CHECK:
            cell.source = "pass"
            cell.metadata.pop("wskurs", None)
    submission.cells = [c for c in submission.cells if cell_role(c) != (CellRole.ANSWER, "1.4")]
    submission.cells.append(nbformat.v4.new_code_cell("print('✅ tam puan')"))

    merged, notes = merge_answers(canonical, submission)
    assert answer_sources(merged) == {
        "1.1": "cevap_1_1 = 1",
        "1.2": "cevap_1_2 = 1",
        "1.3": "cevap_1_3 = 1",
        "1.4": answer_sources(canonical)["1.4"],
    }
    assert notes == ["Alıştırma 1.4: cevap hücresi gönderimde yok."]
    assert len(merged.cells) == len(canonical.cells)
    for got, expected in zip(merged.cells, canonical.cells, strict=True):
        if cell_role(expected) is None or cell_role(expected).role is not CellRole.ANSWER:
            assert got.source == expected.source
    assert canonical == original


def test_merge_without_any_answer_cell_is_a_no_answers_error() -> None:
    """Meta verisi silinmiş (hiç cevap hücresi olmayan) gönderim "cevap hücresi yok" hatasıdır."""
    submission = lab01()
    for cell in submission.cells:
        cell.metadata.pop("wskurs", None)
    with pytest.raises(SubmissionError, match="cevap hücresi bulunamadı") as info:
        merge_answers(lab01(), submission)
    assert info.value.status is SubmissionStatus.NO_ANSWERS


# Kayıttan not (test_judge.py'de olmayan yollar) -------------------------------------------------


def test_all_verdicts_passed_is_a_clean_grade() -> None:
    """Her alıştırmanın geçen kararı: tam puan, "notlandırıldı", neden ve not yok."""
    grade = grade_from_records("g.ipynb", "lab01", SPECS, [verdict(s.id, True) for s in SPECS])
    assert (grade.total, grade.maximum, grade.status, grade.reason, grade.notes) == (
        10,
        10,
        SubmissionStatus.GRADED,
        "",
        (),
    )
    assert all(row.outcome is ExerciseOutcome.PASSED for row in grade.exercises)


def test_repeats_and_notes_are_reported_but_change_no_points() -> None:
    """Yeniden istenen kontrol bir not olur; bir alıştırmanın notu yalnızca kendi geri bildiriminin
    başına yazılır; ikisi de puanı değiştirmez."""
    records = [verdict("1.1", False, "❌ a"), {"type": "repeat", "exercise": "1.1"}]
    records += [verdict(s.id, True, "✅") for s in SPECS[1:]]
    notes = ["Alıştırma 1.2: cevap hücresi gönderimde yok."]
    grade = grade_from_records("g.ipynb", "lab01", SPECS, records, notes=notes)
    assert grade.total == 7 and grade.status is SubmissionStatus.GRADED
    assert grade.notes == (notes[0], "Alıştırma 1.1: kontrol yeniden istendi; yalnızca ilk karar sayıldı.")
    feedback = {row.exercise: row.feedback for row in grade.exercises}
    assert feedback["1.2"] == f"{notes[0]}\n✅" and feedback["1.1"] == "❌ a" and feedback["1.3"] == "✅"


def test_cell_timeout_names_the_other_missing_exercises_too() -> None:
    """Bir hücrenin zaman aşımı "zaman aşımı" durumudur; yargıca ulaşmayan başka alıştırmalar da
    nedende adıyla söylenir; çıktıda yalnızca nbval'in zaman aşımı metni olsa da durum aynıdır."""
    grade = grade_from_records("g.ipynb", "lab01", SPECS, [verdict("1.1", True)], cell_timeouts=["1.2"])
    assert grade.status is SubmissionStatus.TIMED_OUT
    assert "Alıştırma 1.2: bir hücre zaman aşımına" in grade.reason
    assert grade.reason.endswith("başka alıştırmalar da var: 1.3, 1.4.")
    assert {r.feedback for r in grade.exercises[1:]} == {"Hücre zaman aşımına uğradı; kontrol yargıca ulaşmadı."}
    from_output = grade_from_records(
        "g.ipynb", "lab01", SPECS, [verdict("1.1", True)], output="Cell 4: Timeout of 30 seconds exceeded"
    )
    assert from_output.status is SubmissionStatus.TIMED_OUT and "Alıştırma 1.2" in from_output.reason


def test_whole_timeout_and_repeated_violations() -> None:
    """Bütünüyle zaman aşımı, başlamış bir alıştırma yoksa süreyi söyleyip noktayla biter; aynı kural
    ihlali nedende bir kez geçer."""
    records = [verdict(s.id, True) for s in SPECS]
    grade = grade_from_records("g.ipynb", "lab01", SPECS, records, timed_out=90.0)
    assert grade.status is SubmissionStatus.TIMED_OUT and grade.reason == "Gönderim 90 saniyede bitmedi ve durduruldu."
    violations = [{"type": "violation", "what": "yanlış token"}] * 2 + [{"type": "violation", "what": "başka"}]
    grade = grade_from_records("g.ipynb", "lab01", SPECS, records + violations)
    assert grade.status is SubmissionStatus.SUSPICIOUS
    assert grade.reason == "Yargıçla konuşma kurallara uymadı: yanlış token; başka"


# nbval çıktısından alıştırma ------------------------------------------------------------------


def test_cell_numbers_in_the_output_map_to_exercises() -> None:
    """nbval'in "Cell N" numarası kod hücrelerini sayar: zaman aşımı satırları (renkli olsa da)
    alıştırmalara, tekrarsız ve sırayla; eklentinin "çekirdek öldü" satırı alıştırmasına çevrilir;
    alıştırması olmayan ya da var olmayan hücre atlanır."""
    nb = lab01()  # kod hücreleri: 0 içe aktarma, 1/2 1.1, 3/4 1.2, 5/6 1.3, 7/8 1.4
    output = "Cell 5: Timeout of 30 seconds\n\x1b[31mCell 2\x1b[0m: Timeout of 30\nCell 5: Timeout of\n"
    output += "Cell 0: Timeout of 30\nCell 99: Timeout of 30\n"
    assert batch._timed_out_exercises(nb, output) == ["1.3", "1.1"]
    assert batch._timed_out_exercises(nb, "hepsi geçti") == []
    assert batch._died_exercise(nb, f"…\n{DEAD_MARK} 8\n") == "1.4"
    assert batch._died_exercise(nb, f"{DEAD_MARK} 0") is None
    assert batch._died_exercise(nb, f"{DEAD_MARK} 99") is None
    assert batch._died_exercise(nb, "") is None


def test_traces_find_outward_links_and_grader_named_files(tmp_path: Path) -> None:
    """Dışarıyı gösteren sembolik bağ ve notlandırıcının dosyası gibi adlandırılmış dosya iz sayılır;
    klasörün içini gösteren bağ ve sıradan dosya sayılmaz; bağlar izlenmez."""
    folder = tmp_path / "gonderim"
    (folder / "alt").mkdir(parents=True)
    (folder / "veri.txt").write_text("x", encoding="utf-8")
    (folder / "icerisi").symlink_to(folder / "veri.txt")
    (folder / "alt" / "notlar.csv").write_text("sahte", encoding="utf-8")
    outside = tmp_path / "disari"
    (outside / "sonuc.json").parent.mkdir()
    (outside / "sonuc.json").write_text("{}", encoding="utf-8")
    (folder / "kacis").symlink_to(outside)
    assert sorted(batch._traces(folder)) == [
        f"dışarıyı gösteren sembolik bağ kacis → {outside}",
        "notlandırıcının dosyası gibi adlandırılmış alt/notlar.csv",
    ]
    assert batch._traces(tmp_path / "bos") == []  # olmayan klasör hata fırlatmaz


# Geri bildirim ve dosyalar -------------------------------------------------------------------


def graded(name: str, passed: set[str], **kwargs) -> SubmissionGrade:
    records = [verdict(s.id, s.id in passed, f"geri bildirim {s.id}") for s in SPECS]
    return grade_from_records(name, "lab01", SPECS, records, **kwargs)


def test_feedback_text_has_total_status_reason_notes_and_every_exercise() -> None:
    """Geri bildirim: başlık, toplam, durum, (varsa) neden ve notlar, her alıştırma için puanlı bir
    bölüm ve kod bloğunda kontrolün geri bildirimi; neden yoksa "Neden" satırı yoktur."""
    grade = graded("ayse.ipynb", {"1.1", "1.3"}, notes=["Alıştırma 1.2: cevap hücresi gönderimde yok."])
    text = batch._feedback(grade)
    lines = text.splitlines()
    assert lines[:5] == ["# lab01 — ayse.ipynb", "", "**Toplam: 5/10 puan**", "", "Durum: notlandırıldı"]
    assert "Neden:" not in text and "- Alıştırma 1.2: cevap hücresi gönderimde yok." in lines
    assert f"## Alıştırma 1.1 — {SPECS[0].title}: 3/3" in lines
    assert f"## Alıştırma 1.2 — {SPECS[1].title}: 0/3" in lines
    section = lines.index(f"## Alıştırma 1.4 — {SPECS[3].title}: 0/2")
    assert lines[section + 1 : section + 5] == ["", "```", "geri bildirim 1.4", "```"]
    late = batch._feedback(graded("mert.ipynb", set(), timed_out=30.0))
    assert "Durum: zaman aşımı" in late and "Neden: Gönderim 30 saniyede bitmedi" in late


def test_written_gradebook_csv_json_and_feedback_files(tmp_path: Path) -> None:
    """`notlar.csv` her gönderim için alıştırma puanlarını, toplamı, en yüksek puanı, Türkçe durumu ve
    sorunu taşır; `notlar.json` aynı notların JSON'udur (pytest çıktısı olmadan); her gönderimin bir geri
    bildirim dosyası, çıktısı olanın bir günlük dosyası vardır."""
    late = dataclasses.replace(graded("mert", {"1.2"}, timed_out=30.0), log="Cell 3: Timeout of 30 seconds exceeded\n")
    grades = [graded("ayse.ipynb", {"1.1", "1.2", "1.3", "1.4"}), late]
    output = tmp_path / "sonuc" / "lab01"
    batch._write(grades, "lab01", SPECS, output)
    rows = list(csv.reader((output / "notlar.csv").open(encoding="utf-8")))
    assert rows[0] == ["gonderim", "1.1", "1.2", "1.3", "1.4", "toplam", "en_yuksek", "durum", "sorun"]
    assert rows[1] == ["ayse.ipynb", "3", "3", "2", "2", "10", "10", "notlandırıldı", ""]
    assert rows[2][:8] == ["mert", "0", "3", "0", "0", "3", "10", "zaman aşımı"]
    assert rows[2][8].startswith("Gönderim 30 saniyede") and len(rows) == 3
    data = json.loads((output / "notlar.json").read_text(encoding="utf-8"))
    assert data == {"lab": "lab01", "submissions": [g.as_json() for g in grades]}
    assert sorted(p.name for p in (output / "geri_bildirim").iterdir()) == ["ayse.md", "mert.md"]
    assert (output / "geri_bildirim" / "ayse.md").read_text(encoding="utf-8") == batch._feedback(grades[0])
    assert "log" not in data["submissions"][1] and "Timeout" not in json.dumps(data)
    assert [p.name for p in (output / "gunluk").iterdir()] == ["mert.txt"]
    assert (output / "gunluk" / "mert.txt").read_text(encoding="utf-8") == late.log


def exports_args(**kwargs) -> argparse.Namespace:
    values = {"liste": None, "not_ogesi": None, "ondalik_virgul": False, "olcek": None, **kwargs}
    return argparse.Namespace(**values)


def test_exports_without_a_roster_only_say_how_to_get_them(tmp_path: Path) -> None:
    """Sınıf listesi yoksa Moodle/Canvas dosyası yazılmaz, özet `--liste`'yi söyler; not öğesinin
    adı lab'dan gelir ("Lab 01")."""
    exports = batch._Exports.from_args(exports_args(), LAB01)
    assert (exports.lab, exports.item, exports.students) == ("lab01", "Lab 01", None)
    exports.write([graded("a.ipynb", set())], tmp_path)
    assert list(tmp_path.iterdir()) == []
    assert exports.summary == ["Moodle/Canvas dosyaları için sınıf listesini verin: --liste liste.csv"]


def test_exports_with_a_roster_write_moodle_canvas_and_the_matching_report(tmp_path: Path) -> None:
    """Sınıf listesiyle Moodle, Canvas ve eşleşme raporu yazılır (ölçek ve ondalık virgülle);
    özet gönderimi olmayan öğrenciyi ve listede olmayan gönderimi adıyla söyler."""
    roster = tmp_path / "liste.csv"
    roster.write_text("ogrenci_no,ad,eposta,dosya\n1,Ayşe,a@x,ayse.ipynb\n2,Mert,m@x,mert.ipynb\n", encoding="utf-8")
    args = exports_args(liste=str(roster), not_ogesi="Ödev", ondalik_virgul=True, olcek=4.0)
    exports = batch._Exports.from_args(args, LAB01)
    output = tmp_path / "cikti"
    output.mkdir()
    exports.write([graded("ayse.ipynb", {"1.1", "1.3"}), graded("yabanci.ipynb", set())], output)
    assert sorted(p.name for p in output.iterdir()) == ["canvas.csv", "eslesme.md", "moodle.csv"]
    moodle = list(csv.DictReader((output / "moodle.csv").open(encoding="utf-8"), delimiter=";"))
    assert [(r["ID number"], r["Ödev"]) for r in moodle] == [("1", "2"), ("2", "0")]
    assert exports.summary[0] == f"Moodle: {output / 'moodle.csv'}   Canvas: {output / 'canvas.csv'}"
    assert exports.summary[1:] == [
        "Gönderimi bulunamayan öğrenciler (1): 2 Mert",
        "Listede olmayan gönderimler (1): yabanci.ipynb",
        f"Ayrıntı: {output / 'eslesme.md'}",
    ]


def test_exports_refuse_a_notebook_that_is_not_a_lab(tmp_path: Path) -> None:
    """Meta verisinde lab adı olmayan defter Türkçe bir hatadır."""
    path = tmp_path / "defter.ipynb"
    nbformat.write(nbformat.v4.new_notebook(), path)
    with pytest.raises(SubmissionError, match="bir lab defteri değil"):
        batch._Exports.from_args(exports_args(), path)


def test_grading_processes_skip_the_slow_iri_parser_but_still_validate_notebooks() -> None:
    """``wskurs.grading`` yüklenmiş bir süreçte nbformat, rfc3987_syntax'ın ayrıştırıcılarını kurmadan
    yüklenir ve bir defteri yine doğrular (bozuk defteri reddeder); gönderimin pytest girişi
    ``python -m pytest`` gibi çalışır."""
    probe = (
        "import sys, wskurs.grading, nbformat\n"
        "nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell('1')])\n"
        "nbformat.validate(nb)\n"
        "nb.cells[0]['outputs'] = 'bozuk'\n"
        "try:\n    nbformat.validate(nb)\nexcept nbformat.ValidationError:\n    print('reddedildi')\n"
        "print(sys.modules.get('rfc3987_syntax'))\n"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=scaled(60))
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["reddedildi", "None"]
    entry = [sys.executable, "-m", "wskurs.grading.lab_pytest", "--version"]
    version = subprocess.run(entry, capture_output=True, text=True, timeout=scaled(60))
    assert version.returncode == 0 and f"pytest {pytest.__version__}" in version.stdout + version.stderr
