"""Öğrencinin ilerleme kaydı (``wskurs.checks.progress``) ve görünümü (``wskurs.grading.progress_view``)."""

from __future__ import annotations

import json
import multiprocessing
import os
from datetime import UTC, datetime
from pathlib import Path

import pytest

from wskurs.checks import progress
from wskurs.checks.core import specs_of
from wskurs.checks.progress import ENV, OFF, ProgressWarning, load, progress_path, record
from wskurs.grading.progress_view import (
    ExerciseState,
    course_labs,
    format_table,
    html_table,
    lab_progress,
    main,
    plot,
)

WHEN = datetime(2026, 12, 6, 20, 0, tzinfo=UTC)


def test_failures_in_a_row_count_until_a_pass_resets_them(tmp_path: Path) -> None:
    """Üst üste başarısızlıklar sayılır, bir geçiş sayacı sıfırlar; deneme sayısı hep artar."""
    path = tmp_path / "ilerleme.json"
    assert record("2.4", False, 0, path=path, now=WHEN).failures_in_a_row == 1  # type: ignore[union-attr]
    assert record("2.4", False, 0, path=path, now=WHEN).failures_in_a_row == 2  # type: ignore[union-attr]
    passed = record("2.4", True, 3, path=path, now=WHEN)
    assert passed is not None
    assert (passed.passed, passed.points, passed.attempts, passed.failures_in_a_row) == (True, 3, 3, 0)
    assert passed.first_passed == "2026-12-06T20:00:00+00:00"
    again = record("2.4", False, 0, path=path, now=WHEN)
    assert again is not None and (again.passed, again.failures_in_a_row, again.first_passed) == (
        False,
        1,
        "2026-12-06T20:00:00+00:00",
    )
    assert load(path)["2.4"] == again


def test_the_file_holds_verdicts_only_never_code(tmp_path: Path) -> None:
    """Dosyada yalnızca kararlar vardır: alıştırma başına geçti mi, puan, sayılar ve zamanlar."""
    path = tmp_path / "ilerleme.json"
    record("1.1", True, 3, path=path, now=WHEN)
    data = json.loads(path.read_text(encoding="utf-8"))
    assert set(data) == {"version", "exercises"}
    assert set(data["exercises"]["1.1"]) == {
        "passed",
        "points",
        "attempts",
        "failures_in_a_row",
        "last",
        "first_passed",
    }


def test_env_moves_the_file_and_kapali_turns_recording_off(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """``WSKURS_ILERLEME`` dosyanın yerini değiştirir; ``kapali`` hiçbir şey yazdırmaz (toplu notlandırma)."""
    target = tmp_path / "baska" / "dosya.json"
    monkeypatch.setenv(ENV, str(target))
    assert progress_path() == target
    assert record("1.2", True, 3) is not None and target.exists()
    monkeypatch.setenv(ENV, OFF)
    assert progress_path() is None
    assert record("1.2", False, 0) is None
    assert load() == {}
    assert load(target)["1.2"].passed is True


def test_default_path_is_outside_the_repository(monkeypatch: pytest.MonkeyPatch) -> None:
    """Varsayılan dosya kullanıcının veri klasöründedir, deponun içinde değil."""
    monkeypatch.delenv(ENV, raising=False)
    path = progress_path()
    assert path is not None and path.name == "ilerleme.json"
    repo = Path(__file__).resolve().parents[1]
    assert repo not in path.parents


def test_a_corrupt_file_is_kept_aside_and_progress_restarts(tmp_path: Path) -> None:
    """Bozuk dosya silinmez, ``.bozuk`` adıyla saklanır; uyarı Türkçedir ve kayıt sürer."""
    path = tmp_path / "ilerleme.json"
    path.write_text('{"exercises": {"2.1": {"passed": "evet"}}}', encoding="utf-8")
    with pytest.warns(ProgressWarning, match="bozuk"):
        assert record("2.1", True, 2, path=path, now=WHEN) is not None
    assert (tmp_path / "ilerleme.json.bozuk").read_text(encoding="utf-8").startswith('{"exercises"')
    assert load(path)["2.1"].attempts == 1


def test_an_unwritable_place_warns_and_never_raises(tmp_path: Path) -> None:
    """Dosya yazılamazsa kontrol düşmez: uyarı ve ``None``."""
    blocker = tmp_path / "dosya"
    blocker.write_text("klasör değil", encoding="utf-8")
    with pytest.warns(ProgressWarning, match="kaydedilemedi"):
        assert record("3.1", True, 2, path=blocker / "ilerleme.json") is None


def _record_many(path: str, count: int) -> None:
    for _ in range(count):
        record("4.2", False, 0, path=Path(path))


@pytest.mark.skipif(os.name != "posix", reason="kilit POSIX'te fcntl ile")
def test_two_kernels_recording_at_once_lose_nothing(tmp_path: Path) -> None:
    """Aynı anda kaydeden dört süreç hiçbir denemeyi kaybetmez."""
    path = tmp_path / "ilerleme.json"
    context = multiprocessing.get_context("spawn")
    workers = [context.Process(target=_record_many, args=(str(path), 15)) for _ in range(4)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    assert [worker.exitcode for worker in workers] == [0, 0, 0, 0]
    assert load(path)["4.2"].attempts == 60
    assert load(path)["4.2"].failures_in_a_row == 60


def test_the_table_lists_every_exercise_with_its_state_and_points(tmp_path: Path) -> None:
    """Tablo her lab'ın her alıştırmasını gösterir: geçen, geçmeyen, denenmemiş; toplam puan doğru."""
    path = tmp_path / "ilerleme.json"
    record("2.1", True, 2, path=path, now=WHEN)
    record("2.4", False, 0, path=path, now=WHEN)
    record("2.4", False, 0, path=path, now=WHEN)
    (lab,) = lab_progress(load(path), ["lab02"])
    states = {row.spec.id: row.state for row in lab.rows}
    assert states["2.1"] is ExerciseState.PASSED
    assert states["2.4"] is ExerciseState.FAILED
    assert all(state is ExerciseState.NOT_TRIED for key, state in states.items() if key not in {"2.1", "2.4"})
    assert lab.earned == 2
    text = format_table([lab])
    assert f"Lab 2: 1/{len(lab.rows)} alıştırma geçti, 2/{lab.points} puan" in text
    assert "❌ 2.4" in text and "(2 deneme)" in text and "denenmedi" in text
    assert "<td>✅</td>" in html_table([lab])


def test_every_lab_of_the_course_is_listed() -> None:
    """Kursun yedi lab'ı ve başlangıç denemesi tabloda yer alır."""
    assert course_labs() == [f"lab{n:02d}" for n in range(8)]


def test_the_plot_shows_earned_failed_and_untried_points() -> None:
    """Grafikte lab başına üç parça vardır: alınan, geçmeyen ve denenmemiş alıştırmaların puanı."""
    first, second, *_ = specs_of("lab03")
    records = {
        first.id: progress.ExerciseProgress(first.id, True, first.points, 1, 0, "t", "t"),
        second.id: progress.ExerciseProgress(second.id, False, 0, 2, 2, "t"),
    }
    (lab,) = lab_progress(records, ["lab03"])
    fig = plot([lab])
    widths = [patch.get_width() for patch in fig.axes[0].patches]
    assert widths == [first.points, second.points, lab.points - first.points - second.points]


def test_the_command_prints_the_table_and_resets_on_request(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """``wskurs ilerleme`` tabloyu ve dosyanın yerini yazar; ``--sifirla`` dosyayı siler."""
    path = tmp_path / "ilerleme.json"
    monkeypatch.setenv(ENV, str(path))
    record("3.1", True, 2)
    assert main([]) == 0
    out = capsys.readouterr().out
    assert "✅ 3.1" in out and str(path) in out
    assert main(["--sifirla"]) == 0
    assert not path.exists() and "silindi" in capsys.readouterr().out
    assert main([]) == 0
    assert "✅ 3.1" not in capsys.readouterr().out


def test_kurs_py_runs_the_progress_command_with_the_course_python(capsys: pytest.CaptureFixture[str]) -> None:
    """``python kurs.py ilerleme --goster`` sanal ortamın Python'uyla çalışacak komutu yazar."""
    from wskurs.grading import learner

    root = Path(__file__).resolve().parents[1]
    course = learner.Course.at(root)
    if course.needs_install():
        pytest.skip("sanal ortam kurulu değil")
    assert learner.main(["ilerleme", "--goster", "--sifirla"], root=root) == 0
    out = capsys.readouterr().out
    assert "wskurs.grading.progress_view" in out and "--sifirla" in out


def test_batch_grading_never_records_progress(tmp_path: Path) -> None:
    """Toplu notlandırmada çekirdeğin ortamında kayıt kapalıdır: ilerleme hiçbir notu etkilemez."""
    from wskurs.grading import batch

    env = batch._environment(tmp_path, "127.0.0.1:1", sealed=True)
    assert env[ENV] == OFF
