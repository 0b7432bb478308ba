"""Toplu notlandırma: ``wskurs notlandir LAB KLASÖR``.

Her gönderimden yalnız cevap hücreleri alınır ve asıl lab defterine yerleştirilir; böylece
kontrol hücrelerini değiştirmek ya da silmek hiçbir şeyi değiştirmez. Her gönderim kendi
çekirdeğinde, hücre başına zaman aşımıyla, pytest + nbval + ``wskurs`` eklentisiyle
çalışır (öğrencinin kendi ``make grade`` komutuyla aynı yol). Sonuç bir CSV not defteri
ve her gönderim için bir Türkçe geri bildirim dosyasıdır.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import nbformat

from .checks.core import exercises_of
from .labgen import cell_role

__all__ = ["Grade", "add_grading_parser", "grade_folder", "grade_submission", "lab_pytest_command", "merge_answers"]


class SubmissionError(ValueError):
    """Gönderim notlandırılamıyor; mesaj Türkçe nedeni söyler."""


@dataclass
class Grade:
    """Bir gönderimin notu."""

    submission: str
    rows: list[dict[str, Any]] = field(default_factory=list)
    total: int = 0
    maximum: int = 0
    problem: str = ""
    seconds: float = 0.0

    @property
    def scores(self) -> dict[str, int]:
        return {row["exercise"]: row["earned"] for row in self.rows}


def _answers(nb: Any) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for cell in nb.cells:
        role = cell_role(cell)
        if role is not None and role[0] == "answer" and cell.get("cell_type") == "code":
            found.setdefault(role[1], []).append(cell.source)
    return found


def merge_answers(canonical: Any, submission: Any) -> tuple[Any, list[str]]:
    """Gönderimin cevap hücrelerini asıl lab'ın kopyasına yerleştirir.

    Returns:
        Birleşik defter ve Türkçe notlar (ör. cevap hücresi eksik alıştırmalar).

    Raises:
        SubmissionError: Gönderimde hiç cevap hücresi yoksa.
    """
    answers = _answers(submission)
    if not answers:
        raise SubmissionError("Gönderimde cevap hücresi bulunamadı (lab'ın hücre meta verisi silinmiş olabilir).")
    merged = nbformat.from_dict(json.loads(json.dumps(canonical)))
    notes: list[str] = []
    used: dict[str, int] = {}
    for cell in merged.cells:
        role = cell_role(cell)
        if role is None or role[0] != "answer":
            continue
        exercise_id = role[1]
        index = used.get(exercise_id, 0)
        sources = answers.get(exercise_id, [])
        if index < len(sources):
            cell.source = sources[index]
        elif index == 0:
            notes.append(f"Alıştırma {exercise_id}: cevap hücresi gönderimde yok.")
        used[exercise_id] = index + 1
    return merged, notes


def lab_pytest_command(
    notebook: Path, workdir: Path, *, cell_timeout: float | None = None, result: Path | None = None
) -> list[str]:
    """Bir lab defterini öğrencinin komutuyla (pytest + nbval + wskurs eklentisi) notlandıran
    komut satırı; projenin pytest ayarlarından bağımsızdır.

    Args:
        notebook: Notlandırılacak defter.
        workdir: pytest'in kök klasörü (çalışma klasörü de bu olmalı).
        cell_timeout: Hücre başına saniye; ``None`` ise nbval'in varsayılanı.
        result: Verilirse not tablosu bu JSON dosyasına yazılır.
    """
    command = [sys.executable, "-m", "pytest", "-q", "-rf", "-p", "no:cacheprovider", "--nbval-lax"]
    command += ["--nbval-current-env", "-o", "addopts=", "--rootdir", str(workdir)]
    if cell_timeout is not None:
        command.append(f"--nbval-cell-timeout={cell_timeout:g}")
    if result is not None:
        command.append(f"--wskurs-json={result}")
    return [*command, str(notebook)]


def _run_pytest(notebook: Path, result: Path, cell_timeout: float, workdir: Path) -> str:
    command = lab_pytest_command(notebook, workdir, cell_timeout=cell_timeout, result=result)
    cells = len(nbformat.read(notebook, as_version=4).cells)
    limit = 60 + cell_timeout * (cells + 2)
    env = dict(os.environ, PYTHONDONTWRITEBYTECODE="1")
    process = subprocess.Popen(
        command,
        cwd=workdir,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env=env,
        start_new_session=True,
    )
    try:
        output, _ = process.communicate(timeout=limit)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        output, _ = process.communicate()
        output += f"\n[wskurs] gönderim {limit:g} saniyede bitmedi ve durduruldu."
    return output


def grade_submission(path: Path, canonical: Any, lab: str, *, cell_timeout: float = 30.0) -> Grade:
    """Bir gönderimi kendi çekirdeğinde notlandırır; asla istisna fırlatmaz."""
    started = time.monotonic()
    grade = Grade(submission=path.name)
    exercises = exercises_of(lab)
    grade.maximum = sum(ex.points for ex in exercises)
    empty = [{"exercise": ex.id, "title": ex.title, "points": ex.points, "earned": 0} for ex in exercises]
    try:
        try:
            submission = nbformat.read(path, as_version=4)
        except Exception as exc:
            raise SubmissionError(f"Not defteri okunamadı ({type(exc).__name__}): bu bir .ipynb dosyası mı?") from None
        merged, notes = merge_answers(canonical, submission)
        with tempfile.TemporaryDirectory(prefix="wskurs-not-") as tmp:
            workdir = Path(tmp)
            notebook = workdir / f"{lab}_gonderim.ipynb"
            nbformat.write(merged, notebook)
            result = workdir / "sonuc.json"
            output = _run_pytest(notebook, result, cell_timeout, workdir)
            if not result.exists():
                tail = "\n".join(output.strip().splitlines()[-5:])
                raise SubmissionError(f"Notlandırma tamamlanamadı:\n{tail}")
            data = json.loads(result.read_text(encoding="utf-8"))["notebooks"][0]
        grade.rows = data["exercises"]
        for row in grade.rows:
            for note in notes:
                if note.startswith(f"Alıştırma {row['exercise']}:"):
                    row["feedback"] = f"{note}\n{row['feedback']}"
        grade.total = data["total"]
    except SubmissionError as exc:
        grade.problem = str(exc)
        grade.rows = [dict(row, status="notlandırılmadı", feedback=str(exc)) for row in empty]
        grade.total = 0
    grade.seconds = time.monotonic() - started
    return grade


def _feedback(grade: Grade, lab: str) -> str:
    lines = [f"# {lab} — {grade.submission}", "", f"**Toplam: {grade.total}/{grade.maximum} puan**", ""]
    if grade.problem:
        lines += [f"Gönderim notlandırılamadı: {grade.problem}", ""]
    for row in grade.rows:
        lines.append(f"## Alıştırma {row['exercise']} — {row['title']}: {row['earned']}/{row['points']}")
        lines.append("")
        lines.append("```")
        lines.append(str(row.get("feedback", "")).strip())
        lines.append("```")
        lines.append("")
    return "\n".join(lines)


class _Progress:
    def __init__(self, total: int, stream: Any = sys.stderr) -> None:
        self.total = total
        self.done = 0
        self.stream = stream

    def step(self, grade: Grade) -> None:
        self.done += 1
        width = 24
        filled = int(width * self.done / max(self.total, 1))
        bar = "█" * filled + "░" * (width - filled)
        state = f"{grade.total}/{grade.maximum}" if not grade.problem else "notlandırılamadı"
        self.stream.write(f"[{bar}] {self.done}/{self.total}  {grade.submission}: {state} ({grade.seconds:.1f} sn)\n")
        self.stream.flush()


def grade_folder(
    lab_path: Path,
    folder: Path,
    output: Path,
    *,
    jobs: int = 1,
    cell_timeout: float = 30.0,
    on_grade: Callable[[Grade], None] | None = None,
) -> list[Grade]:
    """Bir klasördeki bütün gönderimleri notlandırır, CSV ve geri bildirim dosyalarını yazar.

    Args:
        lab_path: Asıl lab defteri (``labs/labNN_….ipynb``).
        folder: Gönderimlerin klasörü (her dosya bir gönderim).
        output: Sonuçların yazılacağı klasör.
        jobs: Aynı anda kaç gönderim notlandırılsın.
        cell_timeout: Hücre başına saniye.

    Returns:
        Gönderim adına göre sıralı notlar.
    """
    canonical = nbformat.read(lab_path, as_version=4)
    lab = canonical.metadata.get("wskurs", {}).get("lab")
    if not lab:
        raise SubmissionError(f"{lab_path} bir lab defteri değil (meta veride 'wskurs.lab' yok).")
    submissions = sorted(p for p in folder.iterdir() if p.is_file() and not p.name.startswith("."))
    grades: list[Grade] = []
    with ThreadPoolExecutor(max_workers=max(jobs, 1)) as pool:
        futures = [pool.submit(grade_submission, p, canonical, lab, cell_timeout=cell_timeout) for p in submissions]
        for future in as_completed(futures):
            grade = future.result()
            grades.append(grade)
            if on_grade is not None:
                on_grade(grade)
    grades.sort(key=lambda g: g.submission)
    _write(grades, lab, output)
    return grades


def _write(grades: list[Grade], lab: str, output: Path) -> None:
    output.mkdir(parents=True, exist_ok=True)
    feedback_dir = output / "geri_bildirim"
    feedback_dir.mkdir(exist_ok=True)
    ids = [ex.id for ex in exercises_of(lab)]
    with (output / "notlar.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["gonderim", *ids, "toplam", "en_yuksek", "sorun"])
        for grade in grades:
            scores = grade.scores
            writer.writerow(
                [grade.submission, *(scores.get(i, 0) for i in ids), grade.total, grade.maximum, grade.problem]
            )
    for grade in grades:
        (feedback_dir / f"{Path(grade.submission).stem}.md").write_text(_feedback(grade, lab), encoding="utf-8")


def _run(args: argparse.Namespace) -> int:
    lab_path = Path(args.lab)
    folder = Path(args.klasor)
    if not lab_path.is_file():
        print(f"Hata: lab defteri bulunamadı: {lab_path}", file=sys.stderr)
        return 2
    if not folder.is_dir():
        print(f"Hata: gönderim klasörü bulunamadı: {folder}", file=sys.stderr)
        return 2
    output = Path(args.cikti)
    total = sum(1 for p in folder.iterdir() if p.is_file() and not p.name.startswith("."))
    progress = _Progress(total)
    try:
        grades = grade_folder(
            lab_path, folder, output, jobs=args.j, cell_timeout=args.zaman_asimi, on_grade=progress.step
        )
    except SubmissionError as exc:
        print(f"Hata: {exc}", file=sys.stderr)
        return 2
    print(f"{len(grades)} gönderim notlandırıldı → {output / 'notlar.csv'}")
    print(f"Geri bildirimler: {output / 'geri_bildirim'}/")
    return 0


def add_grading_parser(commands: Any) -> None:
    parser = commands.add_parser("notlandir", help="bir klasördeki lab gönderimlerini notlandırır")
    parser.add_argument("lab", help="asıl lab defteri, ör. labs/lab01_websocket_nedir.ipynb")
    parser.add_argument("klasor", help="gönderimlerin klasörü")
    parser.add_argument("-o", "--cikti", default="notlar", help="sonuç klasörü (varsayılan: notlar)")
    parser.add_argument(
        "-j", type=int, default=max(1, (os.cpu_count() or 2) // 2), help="aynı anda notlandırılan gönderim sayısı"
    )
    parser.add_argument("--zaman-asimi", type=float, default=30.0, help="hücre başına saniye (varsayılan: 30)")
    parser.set_defaults(run=_run)
