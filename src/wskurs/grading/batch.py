"""Toplu notlandırma: ``wskurs notlandir LAB KLASÖR``.

Her gönderimden yalnızca cevap hücreleri alınır ve asıl lab defterine yerleştirilir; böylece
kontrol hücrelerini değiştirmek ya da silmek hiçbir şeyi değiştirmez. Her gönderim için:

1. notlandırıcı kendi kullanıcısıyla bir **yargıç** başlatır (``wskurs.grading.judge``, gizli durumlar
   açık, her alıştırmanın yalnızca ilk kararı sayılır);
2. gönderim kendi çekirdeğinde, pytest + nbval ile (öğrencinin ``make grade`` yolu), yalıtılmış
   olarak çalışır (``wskurs.grading.sandbox``: ayrı uid, bubblewrap, kaynak sınırları); kontrol
   hücreleri yargıca bağlanır;
3. not **yalnızca yargıcın kaydından** gelir (yargıçtan notlandırıcıya giden bir boru); gönderimin
   yazdığı, gösterdiği ya da çıktısına bastığı hiçbir şey puan getirmez;
4. gönderimin bütün süreçleri öldürülür, klasörü silinir; hiçbir hata notlandırmayı durdurmaz.

pytest + nbval seçildi çünkü öğrencinin kendi notlandırması (``make grade``) ve hücre zaman aşımı
sonrası çekirdeği kurtarma (``wskurs.grading.pytest_plugin``) zaten bu yoldan geçiyor: iki yol aynı
çekirdek davranışını görür. Sonuç bir CSV not defteri ve her gönderim için Türkçe geri bildirimdir.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import re
import subprocess
import sys
import tempfile
import time
import traceback
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import nbformat

from wskurs.checks.core import specs_of
from wskurs.grading.cluster import DaskUnavailable, grade_on_dask
from wskurs.grading.gradebook import (
    RosterError,
    Student,
    match_roster,
    read_roster,
    write_canvas,
    write_matching_report,
    write_moodle,
)
from wskurs.grading.judge import JudgeProcess
from wskurs.grading.sandbox import Limits, OutputCapture, Sandbox, detect, kill_group, kill_uid, remove_tree, uid_slot
from wskurs.labformat import (
    DEAD_MARK,
    CellRole,
    ExerciseOutcome,
    ExerciseResult,
    ExerciseSpec,
    SubmissionGrade,
    SubmissionStatus,
    cell_role,
    lab_of,
)

__all__ = [
    "GradingOptions",
    "SubmissionError",
    "add_grading_parser",
    "grade_folder",
    "grade_from_records",
    "grade_one",
    "lab_pytest_command",
    "merge_answers",
]


class SubmissionError(ValueError):
    """Gönderim notlandırılamıyor; mesaj Türkçe nedeni söyler."""

    def __init__(self, message: str, status: SubmissionStatus = SubmissionStatus.ERROR) -> None:
        super().__init__(message)
        self.status = status


MAX_SUBMISSION_BYTES = 64 * 1024 * 1024
"""Bir gönderim dosyasının en büyük boyutu; daha büyüğü okunmadan "defter değil" sayılır."""


def check_size(path: Path) -> None:
    """Gönderim dosyası okunamayacak kadar büyükse ``SubmissionError`` fırlatır (yerel ve Dask yolu aynı).

    Raises:
        SubmissionError: Dosya ``MAX_SUBMISSION_BYTES``'tan büyükse (durum: defter değil).
    """
    size = path.stat().st_size
    if size > MAX_SUBMISSION_BYTES:
        raise SubmissionError(
            f"Dosya çok büyük ({size // (1024 * 1024)} MB); bir lab defteri bu kadar büyük olmaz.",
            SubmissionStatus.NOT_A_NOTEBOOK,
        )


DEFAULT_CELL_TIMEOUT = 30.0
"""Toplu notlandırmada hücre başına varsayılan saniye (``--zaman-asimi``)."""


@dataclass(frozen=True)
class GradingOptions:
    """Bir gönderimin notlandırma ayarları (seçilebilir, ``grade_one`` başka bir makineye gönderilebilir).

    Attributes:
        cell_timeout: Hücre başına saniye.
        hidden: Öğretmenin gizli durumları denensin mi.
        isolation: ``True``: makinedeki korumalar kullanılır; ``False``: korumasız (yalnızca test).
        seed: Yargıcın rastgele girdi tohumu (``None``: her gönderimde başka).
        limits: Kaynak sınırları.
    """

    cell_timeout: float = DEFAULT_CELL_TIMEOUT
    hidden: bool = True
    isolation: bool = True
    seed: int | None = None
    limits: Limits = field(default_factory=Limits)


# Defterler ----------------------------------------------------------------------------


def _answers(nb: Any) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for cell in nb.cells:
        role = cell_role(cell)
        if role is not None and role.role is CellRole.ANSWER and cell.get("cell_type") == "code":
            source = cell.source if isinstance(cell.source, str) else "".join(cell.source)
            found.setdefault(role.exercise, []).append(source)
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
        raise SubmissionError(
            "Gönderimde cevap hücresi bulunamadı (lab'ın hücre meta verisi silinmiş olabilir).",
            SubmissionStatus.NO_ANSWERS,
        )
    merged = nbformat.from_dict(json.loads(json.dumps(canonical)))
    notes: list[str] = []
    used: dict[str, int] = {}
    for cell in merged.cells:
        role = cell_role(cell)
        if role is None or role.role is not CellRole.ANSWER:
            continue
        exercise_id = role.exercise
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
    # Yalnızca nbval ve bu kursun eklentisi yüklenir: ortamdaki başka pytest eklentileri (xdist, anyio,
    # valkey…) gönderimi çalıştıran süreçte gereksizdir ve her gönderimde yarım saniye işlemci harcar.
    # ``wskurs.grading.lab_pytest`` ``python -m pytest``'in kendisidir, yalnızca nbformat'ı hızlı yükler.
    command = [sys.executable, "-m", "wskurs.grading.lab_pytest", "-q", "-rf", "--disable-plugin-autoload"]
    command += ["-p", "no:cacheprovider", "-p", "nbval", "-p", "wskurs.grading.pytest_plugin", "--nbval-lax"]
    command += ["--nbval-current-env", "-o", "addopts=", "--rootdir", str(workdir)]
    if cell_timeout is not None:
        command.append(f"--nbval-cell-timeout={cell_timeout:g}")
    if result is not None:
        command.append(f"--wskurs-json={result}")
    return [*command, str(notebook)]


# Kayıttan not -------------------------------------------------------------------------

_DEAD = re.compile(r"DeadKernelError|Kernel died|kernel died|Kernel didn't respond", re.I)
_CELL_TIMEOUT = re.compile(r"Timeout of [\d.]+ seconds|CellTimeoutError")


def grade_from_records(
    submission: str,
    lab: str,
    specs: Sequence[ExerciseSpec],
    records: list[dict[str, Any]],
    *,
    output: str = "",
    timed_out: float | None = None,
    cell_timeouts: Sequence[str] = (),
    died_at: str | None = None,
    notes: Sequence[str] = (),
) -> SubmissionGrade:
    """Yargıcın kaydından (ve yalnızca ondan) bir not çıkarır.

    Puanı yalnızca kayıttaki ilk ``verdict`` satırları belirler. Gönderimin çıktısı (``output``)
    güvenilmezdir: yalnızca puansız satırların durumunu ve nedenini (zaman aşımı mı, çekirdek mi
    öldü) adlandırmak için okunur.

    Args:
        timed_out: Gönderim bütünüyle zaman aşımına uğradıysa tanınan süre (saniye).
        cell_timeouts: Hücresi zaman aşımına uğrayan alıştırmalar (gönderimin çıktısından; puansız).
        died_at: Çekirdeğin öldüğü hücrenin alıştırması (gönderimin çıktısından; puansız).
    """
    known = {spec.id: spec for spec in specs}
    verdicts: dict[str, dict[str, Any]] = {}
    started: list[str] = []
    died: list[str] = []
    violations: list[str] = []
    repeats: list[str] = []
    for entry in records:
        kind = entry.get("type")
        exercise_id = str(entry.get("exercise", ""))
        if kind == "started" and exercise_id in known:
            started.append(exercise_id)
        elif kind == "verdict" and exercise_id in known and exercise_id not in verdicts:
            verdicts[exercise_id] = entry
        elif kind == "died" and exercise_id in known:
            died.append(exercise_id)
        elif kind == "violation":
            violations.append(str(entry.get("what", ""))[:200])
        elif kind == "repeat":
            repeats.append(exercise_id)
    missing = [spec.id for spec in specs if spec.id not in verdicts]
    in_progress = next((ex for ex in reversed(started) if ex not in verdicts), None)
    where = in_progress or (missing[0] if missing else None)

    status = SubmissionStatus.GRADED
    reason = ""
    unrun = "Kontrol yargıca ulaşmadı."
    if timed_out is not None:
        status = SubmissionStatus.TIMED_OUT
        reason = f"Gönderim {timed_out:g} saniyede bitmedi ve durduruldu" + (
            f" (alıştırma {where} sırasında)." if where else "."
        )
        unrun = reason
    elif died:
        status = SubmissionStatus.KERNEL_DIED
        reason = f"Çekirdek alıştırma {died[0]} kontrol edilirken öldü."
        unrun = reason
    elif violations:
        status = SubmissionStatus.SUSPICIOUS
        reason = "Yargıçla konuşma kurallara uymadı: " + "; ".join(dict.fromkeys(violations))
    elif missing and (died_at or _DEAD.search(output)):
        status = SubmissionStatus.KERNEL_DIED
        reason = f"Çekirdek alıştırma {died_at or where} sırasında öldü; sonraki kontroller çalışmadı."
        unrun = reason
    elif cell_timeouts or (missing and _CELL_TIMEOUT.search(output)):
        status = SubmissionStatus.TIMED_OUT
        which = ", ".join(dict.fromkeys(cell_timeouts)) or str(where)
        reason = (
            f"Alıştırma {which}: bir hücre zaman aşımına uğradı ve kesildi (sonsuz döngü ya da dönmeyen bir "
            "await); diğer alıştırmalar notlandırıldı."
        )
        unrun = "Hücre zaman aşımına uğradı; kontrol yargıca ulaşmadı."
        others = [ex for ex in missing if ex not in cell_timeouts]
        if cell_timeouts and others:
            reason += f" Kontrolleri yargıca ulaşmayan başka alıştırmalar da var: {', '.join(others)}."
    elif missing:
        status = SubmissionStatus.SUSPICIOUS
        reason = (
            "Kontrolleri yargıca ulaşmayan alıştırmalar: " + ", ".join(missing) + " (`check` ya da `wskurs` "
            "değiştirilmiş, kontrol hücresi hata vermiş olabilir)."
        )
    rows = []
    for spec in specs:
        verdict = verdicts.get(spec.id)
        if verdict is None:
            rows.append(ExerciseResult.not_run(spec, unrun))
            continue
        passed = verdict.get("passed") is True
        feedback = str(verdict.get("feedback", ""))
        for note in notes:
            if note.startswith(f"Alıştırma {spec.id}:"):
                feedback = f"{note}\n{feedback}"
        rows.append(
            ExerciseResult(
                spec.id,
                spec.title,
                spec.points,
                spec.points if passed else 0,
                ExerciseOutcome.PASSED if passed else ExerciseOutcome.FAILED,
                feedback,
            )
        )
    extra = tuple(f"Alıştırma {ex}: kontrol yeniden istendi; yalnızca ilk karar sayıldı." for ex in repeats)
    grade = SubmissionGrade(submission, lab, tuple(rows), status, reason, notes=tuple(notes) + extra)
    return grade.checked(specs)


# Bir gönderim -------------------------------------------------------------------------


def _environment(folder: Path, judge_address: str) -> dict[str, str]:
    home = folder / "ev"
    env = {
        "PATH": os.path.dirname(sys.executable) + os.pathsep + "/usr/local/bin:/usr/bin:/bin",
        "HOME": str(home),
        "TMPDIR": str(folder / "tmp"),
        "JUPYTER_RUNTIME_DIR": str(home / "runtime"),
        "JUPYTER_DATA_DIR": str(home / "data"),
        "JUPYTER_CONFIG_DIR": str(home / "config"),
        "IPYTHONDIR": str(home / "ipython"),
        "MPLCONFIGDIR": str(home / "mpl"),
        "PYTHONDONTWRITEBYTECODE": "1",
        "LANG": "C.UTF-8",
        "WSKURS_JUDGE": judge_address,
    }
    for name in ("WSKURS_TIMEOUT_SCALE",):
        if name in os.environ:
            env[name] = os.environ[name]
    return env


def _prepare(folder: Path, uid: int | None) -> None:
    for sub in ("ev", "tmp", "ev/runtime", "ev/data", "ev/config", "ev/ipython", "ev/mpl"):
        (folder / sub).mkdir(parents=True, exist_ok=True)
    os.chmod(folder, 0o700)
    if uid is not None:
        for path in [folder, *folder.rglob("*")]:
            os.lchown(path, uid, uid)


def _run_sandboxed(
    notebook: Path, folder: Path, sandbox: Sandbox, uid: int | None, judge: JudgeProcess, options: GradingOptions
) -> tuple[str, float | None]:
    cells = len(nbformat.read(notebook, as_version=4).cells)
    limit = 60 + options.cell_timeout * (cells + 2)
    inner = lab_pytest_command(notebook, folder, cell_timeout=options.cell_timeout)
    command = sandbox.command(inner, folder, uid)
    process = subprocess.Popen(
        command,
        cwd=folder,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        env=_environment(folder, judge.address),
        start_new_session=True,
    )
    assert process.stdout is not None
    capture = OutputCapture(process.stdout, options.limits.output)
    timed_out: float | None = None
    try:
        process.wait(timeout=limit)
    except subprocess.TimeoutExpired:
        timed_out = limit
    finally:
        kill_group(process)
        if uid is not None:
            kill_uid(uid)
        process.wait()
    return capture.text(), timed_out


def grade_one(path: str, lab_path: str, options: GradingOptions | None = None) -> SubmissionGrade:
    """Bir gönderimi kendi çekirdeğinde, yalıtılmış olarak notlandırır; hiçbir zaman istisna fırlatmaz.

    Argümanlar seçilebilir (pickle): bu fonksiyon başka bir süreçte ya da makinede çalışabilir.

    Args:
        path: Gönderimin dosyası.
        lab_path: Asıl lab defteri (``labs/labNN_….ipynb``).
        options: Notlandırma ayarları.
    """
    options = options or GradingOptions()
    started = time.monotonic()
    name = Path(path).name
    lab = "?"
    specs: list[ExerciseSpec] = []
    try:
        canonical = nbformat.read(lab_path, as_version=4)
        lab = lab_of(canonical.metadata) or "?"
        specs = specs_of(lab)
        grade = _grade(Path(path), canonical, lab, specs, options)
    except SubmissionError as exc:
        grade = SubmissionGrade.zero(name, lab, specs, exc.status, str(exc))
    except Exception as exc:  # bir gönderim notlandırmayı asla durdurmaz
        detail = "".join(traceback.format_exception_only(type(exc), exc)).strip()
        grade = SubmissionGrade.zero(name, lab, specs, SubmissionStatus.ERROR, f"Notlandırma hatası: {detail}")
    return replace(grade, seconds=time.monotonic() - started)


def _grade(path: Path, canonical: Any, lab: str, specs: list[ExerciseSpec], options: GradingOptions) -> SubmissionGrade:
    check_size(path)
    try:
        submission = nbformat.read(path, as_version=4)
        if not isinstance(submission.get("cells"), list):
            raise ValueError("hücre listesi yok")
    except Exception as exc:
        raise SubmissionError(
            f"Not defteri okunamadı ({type(exc).__name__}): bu bir .ipynb dosyası mı?", SubmissionStatus.NOT_A_NOTEBOOK
        ) from None
    merged, notes = merge_answers(canonical, submission)
    sandbox = detect(disabled=not options.isolation, limits=options.limits)
    base = Path(tempfile.mkdtemp(prefix="wskurs-not-"))
    try:
        os.chmod(base, 0o711)
        folder = base / "g"
        folder.mkdir()
        notebook = folder / f"{lab}_gonderim.ipynb"
        nbformat.write(merged, notebook)
        judge = JudgeProcess(hidden=options.hidden, seed=options.seed, lab=lab)
        try:
            if sandbox.separate_uid:
                with uid_slot() as uid:
                    _prepare(folder, uid)
                    output, timed_out = _run_sandboxed(notebook, folder, sandbox, uid, judge, options)
            else:
                _prepare(folder, None)
                output, timed_out = _run_sandboxed(notebook, folder, sandbox, None, judge, options)
        finally:
            records = judge.stop()
        traces = _traces(folder)
    finally:
        leftover = remove_tree(base)
    grade = grade_from_records(
        path.name,
        lab,
        specs,
        records,
        output=output,
        timed_out=timed_out,
        cell_timeouts=_timed_out_exercises(merged, output),
        died_at=_died_exercise(merged, output),
        notes=notes,
    )
    if traces and grade.status is SubmissionStatus.GRADED:
        grade = replace(
            grade, status=SubmissionStatus.SUSPICIOUS, reason="Gönderim klasöründe şüpheli izler: " + "; ".join(traces)
        )
    if leftover:
        grade = replace(grade, notes=(*grade.notes, leftover))
    return replace(grade, log=_ANSI.sub("", output))


_GRADER_FILES = {"notlar.csv", "notlar.json", "sonuc.json"}
_ANSI = re.compile(r"\x1b\[[0-9;]*m")


def _traces(folder: Path) -> list[str]:
    """Gönderimin kendi klasöründe bıraktığı, notu değiştirmeye çalıştığını gösteren izler (puan
    değiştirmez, yalnızca durumu ``şüpheli`` yapar): dışarıyı gösteren sembolik bağlar ve
    notlandırıcının dosyalarının adını taşıyan dosyalar. Sembolik bağlar izlenmez."""
    found: list[str] = []
    seen = 0
    root = os.path.realpath(folder)
    try:
        for directory, dirs, files in os.walk(folder, followlinks=False):
            for name in dirs + files:
                seen += 1
                path = Path(directory) / name
                relative = path.relative_to(folder)
                if path.is_symlink():
                    target = os.readlink(path)
                    resolved = os.path.realpath(path)
                    if resolved != root and not resolved.startswith(root + os.sep):
                        found.append(f"dışarıyı gösteren sembolik bağ {relative} → {target}")
                elif name in _GRADER_FILES:
                    found.append(f"notlandırıcının dosyası gibi adlandırılmış {relative}")
            if len(found) >= 5 or seen > 20_000:
                break
    except OSError as exc:
        found.append(f"klasör okunamadı ({type(exc).__name__})")
    return found[:5]


def _exercise_of_cell(notebook: Any, index: int) -> str | None:
    code = [cell for cell in notebook.cells if cell.get("cell_type") == "code"]
    role = cell_role(code[index]) if 0 <= index < len(code) else None
    return role.exercise if role is not None else None


def _died_exercise(notebook: Any, output: str) -> str | None:
    """Eklentinin "Çekirdek öldü: Cell N" satırından çekirdeğin öldüğü alıştırma."""
    match = re.search(re.escape(DEAD_MARK) + r" (\d+)", output)
    return _exercise_of_cell(notebook, int(match.group(1))) if match else None


def _timed_out_exercises(notebook: Any, output: str) -> list[str]:
    """nbval'in "Cell N: Timeout of" satırlarından zaman aşımına uğrayan alıştırmalar."""
    code = [cell for cell in notebook.cells if cell.get("cell_type") == "code"]
    found = []
    for match in re.finditer(r"Cell (\d+): Timeout of", _ANSI.sub("", output)):
        index = int(match.group(1))
        role = cell_role(code[index]) if index < len(code) else None
        if role is not None:
            found.append(role.exercise)
    return list(dict.fromkeys(found))


# Bir klasör ---------------------------------------------------------------------------


Runner = Callable[
    [list[str], str, "GradingOptions", int, Callable[[SubmissionGrade], None] | None], list[SubmissionGrade]
]
"""Gönderimleri yerel havuz yerine başka yerde notlandıran fonksiyonun biçimi (ör. Dask)."""


def grade_folder(
    lab_path: Path,
    folder: Path,
    output: Path,
    *,
    jobs: int = 1,
    options: GradingOptions | None = None,
    on_grade: Callable[[SubmissionGrade], None] | None = None,
    on_grades: Callable[[list[SubmissionGrade], Path], None] | None = None,
    runner: Runner | None = None,
) -> list[SubmissionGrade]:
    """Bir klasördeki bütün gönderimleri notlandırır, CSV ve geri bildirim dosyalarını yazar.

    Args:
        lab_path: Asıl lab defteri (``labs/labNN_….ipynb``).
        folder: Gönderimlerin klasörü (her dosya bir gönderim).
        output: Sonuçların yazılacağı klasör.
        jobs: Aynı anda kaç gönderim notlandırılsın.
        options: Notlandırma ayarları.
        on_grade: Her not hazır olunca çağrılır (ilerleme çubuğu).
        on_grades: Bütün notlar (gönderim adına göre sıralı) ve ``output`` ile, CSV yazıldıktan
            sonra çağrılır (ör. Moodle/Canvas dışa aktarımları).
        runner: ``(yollar, lab_yolu, ayarlar, jobs, on_grade) → notlar``; verilmezse yerel iş
            parçacığı havuzu (ör. bir Dask kümesi için değiştirilir; her gönderim için ``grade_one``
            çağırmalı ve her not hazır olunca ``on_grade``'i çağırmalı).

    Returns:
        Gönderim adına göre sıralı notlar.
    """
    options = options or GradingOptions()
    canonical = nbformat.read(lab_path, as_version=4)
    lab = lab_of(canonical.metadata)
    if not lab:
        raise SubmissionError(f"{lab_path} bir lab defteri değil (meta veride 'wskurs.lab' yok).")
    submissions = sorted(str(p) for p in folder.iterdir() if p.is_file() and not p.name.startswith("."))
    if runner is not None:
        grades = list(runner(submissions, str(lab_path), options, jobs, on_grade))
    else:
        grades = []
        with ThreadPoolExecutor(max_workers=max(jobs, 1)) as pool:
            futures = {pool.submit(grade_one, p, str(lab_path), options): p for p in submissions}
            for future in as_completed(futures):
                try:
                    grade = future.result()
                except Exception as exc:  # pragma: no cover - grade_one istisna fırlatmaz
                    grade = SubmissionGrade.zero(
                        Path(futures[future]).name, lab, specs_of(lab), SubmissionStatus.ERROR, str(exc)
                    )
                grades.append(grade)
                if on_grade is not None:
                    on_grade(grade)
    specs = specs_of(lab)
    grades = sorted((g.checked(specs) for g in grades), key=lambda g: g.submission)
    _write(grades, lab, specs, output)
    if on_grades is not None:
        on_grades(grades, output)
    return grades


def _feedback(grade: SubmissionGrade) -> str:
    lines = [f"# {grade.lab} — {grade.submission}", "", f"**Toplam: {grade.total}/{grade.maximum} puan**", ""]
    lines += [f"Durum: {grade.status.value}", ""]
    if grade.reason:
        lines += [f"Neden: {grade.reason}", ""]
    for note in grade.notes:
        lines += [f"- {note}"]
    if grade.notes:
        lines.append("")
    for row in grade.exercises:
        lines.append(f"## Alıştırma {row.exercise} — {row.title}: {row.earned}/{row.points}")
        lines.append("")
        lines.append("```")
        lines.append(row.feedback.strip())
        lines.append("```")
        lines.append("")
    return "\n".join(lines)


def _write(grades: list[SubmissionGrade], lab: str, specs: Sequence[ExerciseSpec], output: Path) -> None:
    output.mkdir(parents=True, exist_ok=True)
    feedback_dir = output / "geri_bildirim"
    feedback_dir.mkdir(exist_ok=True)
    log_dir = output / "gunluk"
    log_dir.mkdir(exist_ok=True)
    ids = [spec.id for spec in specs]
    with (output / "notlar.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["gonderim", *ids, "toplam", "en_yuksek", "durum", "sorun"])
        for grade in grades:
            scores = grade.scores
            writer.writerow(
                [
                    grade.submission,
                    *(scores.get(i, 0) for i in ids),
                    grade.total,
                    grade.maximum,
                    grade.status.value,
                    grade.reason,
                ]
            )
    for grade in grades:
        stem = Path(grade.submission).stem
        (feedback_dir / f"{stem}.md").write_text(_feedback(grade), encoding="utf-8")
        if grade.log:
            (log_dir / f"{stem}.txt").write_text(grade.log, encoding="utf-8", errors="replace")
    data = {"lab": lab, "submissions": [grade.as_json() for grade in grades]}
    (output / "notlar.json").write_text(json.dumps(data, ensure_ascii=False, indent=2), encoding="utf-8")


def _run(args: argparse.Namespace) -> int:
    from tqdm import tqdm

    lab_path = Path(args.lab)
    folder = Path(args.klasor)
    if not lab_path.is_file():
        print(f"Hata: lab defteri bulunamadı: {lab_path}", file=sys.stderr)
        return 2
    if not folder.is_dir():
        print(f"Hata: gönderim klasörü bulunamadı: {folder}", file=sys.stderr)
        return 2
    output = Path(args.cikti)
    options = GradingOptions(cell_timeout=args.zaman_asimi, hidden=not args.gizlisiz, isolation=not args.yalitimsiz)
    try:
        exports = _Exports.from_args(args, lab_path)
    except (RosterError, SubmissionError) as exc:
        print(f"Hata: {exc}", file=sys.stderr)
        return 2
    runner = _dask_runner(args.dask, exports.lab) if args.dask else None
    if args.dask:
        print(f"Gönderimler Dask kümesinde notlandırılıyor: {args.dask}")
        print("Korumalar (bu makinede; her Dask işçisi aynı denetimi kendi makinesinde yapar):")
    else:
        print("Korumalar:")
    for line in detect(disabled=args.yalitimsiz).describe():
        print(f"  {line}")
    total = sum(1 for p in folder.iterdir() if p.is_file() and not p.name.startswith("."))
    with tqdm(total=total, unit="gönderim", desc="Notlandırma", file=sys.stderr, ascii=False) as bar:

        def step(grade: SubmissionGrade) -> None:
            state = f"{grade.total}/{grade.maximum}"
            if grade.status is not SubmissionStatus.GRADED:
                state += f" ({grade.status.value})"
            bar.set_postfix_str(f"{grade.submission}: {state}", refresh=False)
            bar.update(1)

        try:
            grades = grade_folder(
                lab_path,
                folder,
                output,
                jobs=args.j,
                options=options,
                on_grade=step,
                on_grades=exports.write,
                runner=runner,
            )
        except (SubmissionError, DaskUnavailable) as exc:
            print(f"Hata: {exc}", file=sys.stderr)
            return 2
    print(f"{len(grades)} gönderim notlandırıldı → {output / 'notlar.csv'}")
    print(f"Geri bildirimler: {output / 'geri_bildirim'}/")
    print(f"Gönderimlerin pytest çıktıları (zaman aşımı, çöken çekirdek…): {output / 'gunluk'}/")
    for line in exports.summary:
        print(line)
    return 0


@dataclass
class _Exports:
    """Sınıf listesi verildiyse Moodle/Canvas dosyaları ve eşleşme raporu."""

    lab: str
    item: str
    students: list[Student] | None
    decimal_comma: bool
    scale: float | None
    summary: list[str] = field(default_factory=list)

    @classmethod
    def from_args(cls, args: argparse.Namespace, lab_path: Path) -> _Exports:
        canonical = nbformat.read(lab_path, as_version=4)
        lab = lab_of(canonical.metadata) or ""
        if not lab:
            raise SubmissionError(f"{lab_path} bir lab defteri değil (meta veride 'wskurs.lab' yok).")
        students = read_roster(Path(args.liste)) if args.liste else None
        item = args.not_ogesi or f"Lab {lab.removeprefix('lab')}"
        return cls(lab, item, students, args.ondalik_virgul, args.olcek)

    def write(self, grades: list[SubmissionGrade], output: Path) -> None:
        if self.students is None:
            self.summary.append("Moodle/Canvas dosyaları için sınıf listesini verin: --liste liste.csv")
            return
        maximum = sum(spec.points for spec in specs_of(self.lab))
        matching = match_roster(self.students, grades)
        write_moodle(
            output / "moodle.csv", matching, self.item, maximum, decimal_comma=self.decimal_comma, scale=self.scale
        )
        write_canvas(output / "canvas.csv", matching, self.item, maximum, scale=self.scale)
        write_matching_report(output / "eslesme.md", matching)
        self.summary.append(f"Moodle: {output / 'moodle.csv'}   Canvas: {output / 'canvas.csv'}")
        if matching.missing:
            names = ", ".join(f"{s.number} {s.name}" for s in matching.missing)
            self.summary.append(f"Gönderimi bulunamayan öğrenciler ({len(matching.missing)}): {names}")
        if matching.unknown:
            names = ", ".join(g.submission for g in matching.unknown)
            self.summary.append(f"Listede olmayan gönderimler ({len(matching.unknown)}): {names}")
        if matching.missing or matching.unknown:
            self.summary.append(f"Ayrıntı: {output / 'eslesme.md'}")


def _dask_runner(address: str, lab: str) -> Runner:
    def run(
        submissions: list[str],
        lab_path: str,
        options: GradingOptions,
        jobs: int,
        on_grade: Callable[[SubmissionGrade], None] | None,
    ) -> list[SubmissionGrade]:
        return grade_on_dask(
            address, Path(lab_path), [Path(p) for p in submissions], options, lab=lab, on_grade=on_grade
        )

    return run


def add_grading_parser(commands: Any) -> None:
    parser = commands.add_parser("notlandir", help="bir klasördeki lab gönderimlerini notlandırır")
    parser.add_argument("lab", help="asıl lab defteri, ör. labs/lab01_websocket_nedir.ipynb")
    parser.add_argument("klasor", help="gönderimlerin klasörü")
    parser.add_argument("-o", "--cikti", default="notlar", help="sonuç klasörü (varsayılan: notlar)")
    parser.add_argument(
        "-j", type=int, default=max(1, (os.cpu_count() or 2) // 2), help="aynı anda notlandırılan gönderim sayısı"
    )
    parser.add_argument(
        "--zaman-asimi",
        type=float,
        default=DEFAULT_CELL_TIMEOUT,
        help=f"hücre başına saniye (varsayılan: {DEFAULT_CELL_TIMEOUT:g})",
    )
    parser.add_argument("--gizlisiz", action="store_true", help="öğretmenin gizli durumlarını deneme")
    parser.add_argument(
        "--yalitimsiz", action="store_true", help="gönderimleri yalıtmadan çalıştır (yalnızca güvenilen kod için)"
    )
    parser.add_argument(
        "--liste", help="sınıf listesi (CSV: ogrenci_no,ad,eposta,dosya): Moodle ve Canvas dosyaları için"
    )
    parser.add_argument("--not-ogesi", help="Moodle/Canvas'taki not sütununun adı (varsayılan: 'Lab NN')")
    parser.add_argument(
        "--ondalik-virgul", action="store_true", help="Moodle dosyasında ondalık virgül (8,5) ve ';' ayraç"
    )
    parser.add_argument("--olcek", type=float, help="notları bu en yüksek puana ölçekle (ör. 100)")
    parser.add_argument("--dask", metavar="ADRES", help="gönderimleri bu Dask kümesinde notlandır (tcp://…:8786)")
    parser.set_defaults(run=_run)
