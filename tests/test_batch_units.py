"""`wskurs.grading.batch`'in ve komut satırının saf parçaları: boyut sınırı, ayarlar ve komut satırı
bayrakları, cevapların asıl lab'a yerleştirilmesi, pytest komutu, kanarya defteri ve Moodle/Canvas
dışa aktarımı. Kayıttan not ``test_decide.py``'de, dosyalar ``test_reports.py``'dedir. Çekirdek,
yargıç ya da alt süreç başlatılmaz."""

from __future__ import annotations

import argparse
import copy
import csv
import dataclasses
import os
import pickle
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from wskurs.checks import specs_of
from wskurs.engine.timing import scaled
from wskurs.grading import batch, cli
from wskurs.grading.batch import (
    DEFAULT_CELL_TIMEOUT,
    MAX_SUBMISSION_BYTES,
    GradingOptions,
    SubmissionError,
    check_size,
    lab_pytest_command,
    merge_answers,
)
from wskurs.grading.decide import RunFacts, decide, parse_records
from wskurs.labformat import BEGIN, END, CellRole, SubmissionGrade, SubmissionStatus, cell_role

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
    cli._add_grading_parser(parser.add_subparsers(dest="komut", required=True))
    return parser.parse_args(["notlandir", *argv])


def test_grading_flags_default_and_parse() -> None:
    """`wskurs notlandir LAB KLASÖR` varsayılanları: çıktı `notlar`, 30 s, gizli durumlar ve yalıtım
    açık, liste/ölçek/Dask yok; her bayrak kendi alanına yazılır; `run` notlandırmayı çalıştırır."""
    args = parse("labs/lab01.ipynb", "gonderimler")
    assert (args.lab, args.klasor, args.cikti, args.zaman_asimi) == ("labs/lab01.ipynb", "gonderimler", "notlar", 30.0)
    assert not (args.gizlisiz or args.yalitimsiz or args.ondalik_virgul)
    assert (args.liste, args.not_ogesi, args.olcek, args.dask) == (None, None, None, None)
    assert args.j >= 1 and args.run is cli._grade and not args.kanaryasiz
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


# Kanarya -------------------------------------------------------------------------------------


def test_canary_is_the_generated_lab_with_the_solutions_answers(tmp_path: Path) -> None:
    """Kanarya, üretilen lab'ın cevap hücrelerine çözümün cevaplarını (işaret satırları olmadan) koyar:
    kontrol hücreleri lab'ınkidir; çözümü olmayan bir lab için kanarya yoktur."""
    path = batch.canary_notebook(LAB01, tmp_path)
    assert path is not None
    canary = read(path)
    solution = read(LABS.parent / "solutions" / LAB01.name)
    solved = {cell.id: cell.source for cell in solution.cells}
    for cell, _ in answer_cells(canary):
        assert BEGIN not in cell.source and END not in cell.source
        expected = "\n".join(line for line in solved[cell.id].splitlines() if BEGIN not in line and END not in line)
        assert cell.source.strip() and cell.source == expected

    def checks(nb) -> list[str]:
        return [c.source for c in nb.cells if (role := cell_role(c)) and role.role is CellRole.CHECK]

    assert checks(canary) == checks(lab01())
    elsewhere = tmp_path / "labs" / LAB01.name
    elsewhere.parent.mkdir()
    elsewhere.write_bytes(LAB01.read_bytes())
    assert batch.canary_notebook(elsewhere, tmp_path) is None


def graded(name: str, passed: set[str], **kwargs) -> SubmissionGrade:
    records = parse_records([verdict(s.id, s.id in passed, f"geri bildirim {s.id}") for s in SPECS])
    return decide(name, "lab01", SPECS, records, RunFacts(**kwargs))


def test_a_canary_below_full_marks_stops_with_a_turkish_reason() -> None:
    """Kanarya tam puan almazsa notlandırma durur; hata kaç puan aldığını, durumu ve ilk kalan
    alıştırmaları söyler; tam puanlı kanarya sessizce geçer."""
    batch._check_canary(graded("kanarya", {s.id for s in SPECS}), SPECS)
    with pytest.raises(
        batch.CanaryFailed, match=r"çözümü bu makinedeki yalıtımda 7/10 aldı \(notlandırıldı; 1.1: geri"
    ):
        batch._check_canary(graded("kanarya", {"1.2", "1.3", "1.4"}), SPECS)
    broken = graded("kanarya", set(), grader_error="yargıç başlamadı")
    with pytest.raises(batch.CanaryFailed, match="notlandırılamadı: Notlandırıcı hatası"):
        batch._check_canary(broken, SPECS)


def exports(liste: Path | None = None, item: str = "Lab 01", comma: bool = False, scale: float | None = None):
    from wskurs.grading.gradebook import read_roster

    return cli._Exports("lab01", item, read_roster(liste) if liste else None, comma, scale)


def test_exports_without_a_roster_only_say_how_to_get_them(tmp_path: Path) -> None:
    """Sınıf listesi yoksa Moodle/Canvas dosyası yazılmaz, özet `--liste`'yi söyler; not öğesinin
    adı lab'dan gelir ("Lab 01")."""
    found = exports()
    found.write([graded("a.ipynb", set())], tmp_path)
    assert list(tmp_path.iterdir()) == []
    assert found.summary == ["Moodle/Canvas dosyaları için sınıf listesini verin: --liste liste.csv"]


def test_exports_with_a_roster_write_moodle_canvas_and_the_matching_report(tmp_path: Path) -> None:
    """Sınıf listesiyle Moodle, Canvas ve eşleşme raporu yazılır (ölçek ve ondalık virgülle);
    özet gönderimi olmayan öğrenciyi ve listede olmayan gönderimi adıyla söyler."""
    roster = tmp_path / "liste.csv"
    roster.write_text("ogrenci_no,ad,eposta,dosya\n1,Ayşe,a@x,ayse.ipynb\n2,Mert,m@x,mert.ipynb\n", encoding="utf-8")
    found = exports(roster, "Ödev", True, 4.0)
    output = tmp_path / "cikti"
    output.mkdir()
    found.write([graded("ayse.ipynb", {"1.1", "1.3"}), graded("yabanci.ipynb", set())], output)
    assert sorted(p.name for p in output.iterdir()) == ["canvas.csv", "eslesme.md", "moodle.csv"]
    moodle = list(csv.DictReader((output / "moodle.csv").open(encoding="utf-8"), delimiter=";"))
    assert [(r["ID number"], r["Ödev"]) for r in moodle] == [("1", "2"), ("2", "0")]
    assert found.summary[0] == f"Moodle: {output / 'moodle.csv'}   Canvas: {output / 'canvas.csv'}"
    assert found.summary[1:] == [
        "Gönderimi bulunamayan öğrenciler (1): 2 Mert",
        "Listede olmayan gönderimler (1): yabanci.ipynb",
        f"Ayrıntı: {output / 'eslesme.md'}",
    ]


def test_grading_refuses_a_notebook_that_is_not_a_lab(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Meta verisinde lab adı olmayan defter Türkçe bir hata ve 2 çıkış kodudur; hiçbir şey yazılmaz."""
    path = tmp_path / "defter.ipynb"
    nbformat.write(nbformat.v4.new_notebook(), path)
    (tmp_path / "k").mkdir()
    assert cli.main(["notlandir", str(path), str(tmp_path / "k"), "-o", str(tmp_path / "o")]) == 2
    assert "bir lab defteri değil" in capsys.readouterr().err and not (tmp_path / "o").exists()


def test_memory_budget_below_the_minimum_is_a_turkish_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """``--bellek`` bir çekirdeğin açılamayacağı kadar küçükse notlandırma başlamadan Türkçe bir hatayla (2)
    durur; hiçbir şey yazılmaz."""
    (tmp_path / "k").mkdir()
    lab = LABS / "lab01_websocket_nedir.ipynb"
    code = cli.main(["notlandir", str(lab), str(tmp_path / "k"), "-o", str(tmp_path / "o"), "--bellek", "100"])
    assert code == 2
    assert f"--bellek en az {cli.MIN_MEMORY_MB} MB olmalı (verilen: 100)" in capsys.readouterr().err
    assert not (tmp_path / "o").exists()


def test_memory_budget_larger_than_the_machine_is_warned(capsys: pytest.CaptureFixture[str]) -> None:
    """-j × ``--bellek`` makinenin belleğini aşıyorsa öğretmen uyarılır; bütçe sınırlara geçer."""
    machine = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") // cli.MIB
    args = argparse.Namespace(bellek=machine, j=2, dask=None)
    limits = cli._memory_limits(args)
    assert limits.memory == machine * cli.MIB
    assert f"-j 2 × {machine} MB bellek bütçesi" in capsys.readouterr().out
    args = argparse.Namespace(bellek=cli.MIN_MEMORY_MB, j=1, dask=None)
    assert cli._memory_limits(args).memory == cli.MIN_MEMORY_MB * cli.MIB
    assert capsys.readouterr().out == ""


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


def test_kernels_use_ipc_where_the_network_is_not_sealed(tmp_path: Path) -> None:
    """Ağ kapatılamadıysa gönderimin çekirdeği IPC ile konuşur (ZMQ kapıları 127.0.0.1'de açılmaz,
    aynı anda notlandırılan başka bir gönderim dinleyemez); kapalı ağda TCP yeterlidir. Ortamda
    notlandırıcının vekil sunucusu, token'ı ya da başka değişkenleri yoktur; çekirdek notlandırıcının
    kendi wskurs'unu yükler."""
    from wskurs.grading.pytest_plugin import TRANSPORT_ENV

    shared = batch._environment(tmp_path, "ws://127.0.0.1:1#t", sealed=False)
    sealed = batch._environment(tmp_path, "ws://127.0.0.1:1#t", sealed=True)
    assert shared[TRANSPORT_ENV] == "ipc" and TRANSPORT_ENV not in sealed
    assert not any("proxy" in key.lower() for key in shared)
    assert Path(shared["PYTHONPATH"], "wskurs", "__init__.py").is_file()
