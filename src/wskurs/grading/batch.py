"""Toplu notlandırma: ``wskurs notlandir LAB KLASÖR``.

Her gönderimden yalnızca cevap hücreleri alınır ve asıl lab defterine yerleştirilir; böylece
kontrol hücrelerini değiştirmek ya da silmek hiçbir şeyi değiştirmez. Her gönderim için
(``grade_one``, adım adım):

1. gönderimi oku (bağ izlemeden, boyu sınırlı) ve cevaplarını asıl lab'a yerleştir;
2. gönderime kapalı bir ağ (``wskurs.engine.netns``) ve tek bir bütçe (``wskurs.grading.cgroup``) aç;
3. o ağda bir **yargıç** başlat (``wskurs.checks.judge``, gizli durumlar açık, her alıştırmanın
   yalnızca ilk kararı sayılır);
4. gönderimi kendi çekirdeğinde, pytest + nbval ile (öğrencinin ``make grade`` yolu), yalıtılmış
   olarak çalıştır (``wskurs.grading.sandbox``: ayrı uid, bubblewrap, tmpfs); kontrol hücreleri
   yargıca bağlanır;
5. gönderimin bütün süreçlerini öldür, ağını, cgroup'unu ve klasörünü sil;
6. notu **yalnızca yargıcın kaydından** ve notlandırıcının kendi gözlemlerinden çıkar
   (``wskurs.grading.decide``); gönderimin yazdığı, gösterdiği ya da çıktısına bastığı hiçbir şey
   puan getirmez. Notlandırıcının kendi hatası ``notlandırılamadı``dır, asla ``şüpheli`` değil.

Bir klasör (``grade_folder``): yalnızca düzenli dosyalar (``intake``), lab'ın çözümü kanarya olarak
sınıfla birlikte, bir koşucuda (``runners``: yerel havuz ya da Dask); dosyaları ``reports`` ve
``gradebook`` yazar. Hiçbir gönderim notlandırmayı durdurmaz.

pytest + nbval seçildi çünkü öğrencinin kendi notlandırması (``make grade``) ve hücre zaman aşımı
sonrası çekirdeği kurtarma (``wskurs.grading.pytest_plugin``) zaten bu yoldan geçiyor: iki yol aynı
çekirdek davranışını görür. Sonuç bir CSV not defteri ve her gönderim için Türkçe geri bildirimdir.
"""

from __future__ import annotations

import contextlib
import functools
import json
import os
import re
import subprocess
import sys
import tempfile
import time
import traceback
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import nbformat

from wskurs.checks.core import specs_of
from wskurs.checks.judge import JudgeProcess
from wskurs.engine.netns import NetNamespace, open_namespace
from wskurs.grading.cgroup import Cgroup
from wskurs.grading.decide import RunFacts, decide, parse_records, sandbox_started
from wskurs.grading.intake import list_submissions, read_submission
from wskurs.grading.penalty import Penalty
from wskurs.grading.pytest_plugin import TRANSPORT_ENV
from wskurs.grading.reports import write_reports
from wskurs.grading.runners import LocalRunner, Runner
from wskurs.grading.sandbox import (
    Limits,
    OutputCapture,
    Sandbox,
    _package_dir,
    detect,
    kill_group,
    kill_uid,
    remove_tree,
    uid_slot,
)
from wskurs.labformat import (
    BEGIN,
    END,
    CellRole,
    ExerciseSpec,
    SubmissionGrade,
    SubmissionStatus,
    cell_role,
    lab_of,
)

__all__ = [
    "CanaryFailed",
    "GradingOptions",
    "SubmissionError",
    "answer_sources",
    "canary_notebook",
    "grade_folder",
    "grade_one",
    "lab_pytest_command",
    "merge_answers",
    "solved_lab",
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


def answer_sources(nb: Any) -> dict[str, list[str]]:
    """Defterin cevap hücrelerinin kaynakları: alıştırma → sırayla hücrelerin kaynağı."""
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
    answers = answer_sources(submission)
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


# Bir gönderim -------------------------------------------------------------------------


def _environment(folder: Path, judge_address: str, *, sealed: bool) -> dict[str, str]:
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
        # Öğrencinin ilerleme kaydı (wskurs.checks.progress) notlandırmada tutulmaz: notu yargıcın kaydı verir.
        "WSKURS_ILERLEME": "kapali",
        # Çekirdek notlandırıcının kendi wskurs'unu yükler (kurulu bir kopyayı ya da başka bir ağacı değil).
        "PYTHONPATH": str(_package_dir().parent),
    }
    if not sealed:
        env[TRANSPORT_ENV] = "ipc"  # ağ paylaşılıyor: çekirdeğin ZMQ kapıları 127.0.0.1'de açılmasın
    for name in ("WSKURS_TIMEOUT_SCALE",):
        if name in os.environ:
            env[name] = os.environ[name]
    return env


def _prepare(folder: Path, notebook: Path, uid: int | None) -> None:
    """bubblewrap'sız yol: gönderimin klasörü (diskte) yalnızca ona açık; ev ve Jupyter klasörlerini
    gönderimin kendi kullanıcısıyla ``wskurs.grading.lab_pytest`` açar."""
    os.chmod(folder, 0o700)
    if uid is not None:
        for path in (folder, notebook):
            os.lchown(path, uid, uid)


@dataclass
class _Run:
    """Bir gönderimin yalıtılmış çalışmasından notlandırıcının kendisinin gördükleri."""

    output: str = ""
    timed_out: float | None = None
    returncode: int | None = None


def _run_sandboxed(
    notebook: Path,
    cells: int,
    folder: Path,
    sandbox: Sandbox,
    uid: int | None,
    judge: JudgeProcess,
    options: GradingOptions,
    *,
    netns: NetNamespace | None,
    group: Cgroup | None,
) -> _Run:
    limit = 60 + options.cell_timeout * (cells + 2)
    inside = folder / notebook.name if sandbox.uses_bwrap else notebook
    inner = lab_pytest_command(inside, folder, cell_timeout=options.cell_timeout)
    command = sandbox.command(inner, folder, uid, notebook=notebook if sandbox.uses_bwrap else None)
    fds: tuple[int, ...] = ()
    if group is not None:
        command = group.enter(command)
    if netns is not None:
        command = netns.enter(command)
        fds = (netns.fd,)
    process = subprocess.Popen(
        command,
        cwd=folder if not sandbox.uses_bwrap else "/",
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        env=_environment(folder, judge.address, sealed=netns is not None),
        start_new_session=True,
        pass_fds=fds,
    )
    assert process.stdout is not None
    capture = OutputCapture(process.stdout, options.limits.output)
    run = _Run()
    try:
        process.wait(timeout=limit)
    except subprocess.TimeoutExpired:
        run.timed_out = limit
    finally:
        if group is not None:
            group.kill_all()
        kill_group(process)
        if uid is not None:
            kill_uid(uid)
        process.wait()
    run.returncode = process.returncode
    run.output = capture.text()
    return run


@functools.lru_cache(maxsize=8)
def _sandbox(disabled: bool, limits: Limits) -> Sandbox:
    """Makinenin korumaları (süreç başına bir kez bakılır: her gönderimde yeniden denenmez)."""
    return detect(disabled=disabled, limits=limits)


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
    try:
        data = read_submission(path, MAX_SUBMISSION_BYTES)
    except ValueError as exc:
        raise SubmissionError(str(exc), SubmissionStatus.NOT_A_NOTEBOOK) from None
    except OSError as exc:
        raise SubmissionError(f"Gönderim okunamadı: {exc.strerror or exc}", SubmissionStatus.NOT_A_NOTEBOOK) from None
    try:
        submission = nbformat.reads(data.decode("utf-8"), as_version=4)
        if not isinstance(submission.get("cells"), list):
            raise ValueError("hücre listesi yok")
    except Exception as exc:
        raise SubmissionError(
            f"Not defteri okunamadı ({type(exc).__name__}): bu bir .ipynb dosyası mı?", SubmissionStatus.NOT_A_NOTEBOOK
        ) from None
    merged, notes = merge_answers(canonical, submission)
    sandbox = _sandbox(not options.isolation, options.limits)
    base = Path(tempfile.mkdtemp(prefix="wskurs-not-"))
    netns: NetNamespace | None = None
    group: Cgroup | None = None
    leftovers: list[str] = []
    run = _Run()
    records: list[dict[str, Any]] = []
    error = ""
    judge: JudgeProcess | None = None
    try:
        os.chmod(base, 0o711)
        folder = base / "g"
        if sandbox.uses_bwrap:
            notebook = base / f"{lab}_gonderim.ipynb"
        else:
            folder.mkdir()
            notebook = folder / f"{lab}_gonderim.ipynb"
        nbformat.write(merged, notebook)
        os.chmod(notebook, 0o644)
        if sandbox.seals_network:
            netns = open_namespace()
            if netns is None:
                raise _GraderError("gönderimin ağ ad alanı açılamadı")
        if sandbox.budget is not None:
            try:
                group = sandbox.budget.create(options.limits.memory, options.limits.processes)
            except OSError as exc:
                raise _GraderError(f"gönderimin cgroup'u açılamadı ({exc.strerror or exc})") from None
        judge = JudgeProcess(hidden=options.hidden, seed=options.seed, lab=lab, netns=netns)
        try:
            with uid_slot() if sandbox.separate_uid else contextlib.nullcontext(None) as uid:
                if not sandbox.uses_bwrap:
                    _prepare(folder, notebook, uid)
                cells = len(merged.cells)
                run = _run_sandboxed(notebook, cells, folder, sandbox, uid, judge, options, netns=netns, group=group)
        finally:
            records = judge.stop()
    except _GraderError as exc:
        error = str(exc)
    finally:
        memory = group.memory_exceeded() if group is not None else False
        processes = group.processes_exceeded() if group is not None else False
        if group is not None:
            leftovers.append(group.remove())
        if netns is not None:
            netns.close()
        leftovers.append(remove_tree(base))
    typed = parse_records(records)
    if not error and run.timed_out is None and not sandbox_started(typed):
        error = _start_failure(judge, run)
    facts = RunFacts(
        timed_out=run.timed_out,
        memory_exceeded=memory,
        processes_exceeded=processes,
        grader_error=error,
        notes=tuple(notes) + tuple(note for note in leftovers if note),
    )
    grade = decide(path.name, lab, specs, typed, facts)
    return replace(grade, log=run.output)


class _GraderError(Exception):
    """Notlandırıcının kendi hatası (yalıtım ya da yargıç kurulamadı): gönderim ``notlandırılamadı`` olur."""


def _start_failure(judge: JudgeProcess | None, run: _Run) -> str:
    """Yalıtılmış pytest başladığını bildirmediyse nedeni (gönderimin kodu o ana dek hiç çalışmadı)."""
    if judge is None or not judge.ready:
        return "yargıç başlamadı"
    lines = [line.strip() for line in _ANSI.sub("", run.output).splitlines() if line.strip()]
    last = lines[-1][:300] if lines else "çıktı yok"
    return f"yalıtılmış pytest başlamadı (çıkış kodu {run.returncode}): {last}"


_ANSI = re.compile(r"\x1b\[[0-9;]*m")


# Bir klasör ---------------------------------------------------------------------------


class CanaryFailed(RuntimeError):
    """Bilinen doğru gönderim (lab'ın çözümü) bu yalıtımda tam puan almadı: notlandırıcı bozuk."""


def solved_lab(lab_path: Path) -> Any | None:
    """Lab'ın cevap hücrelerine çözümün cevapları (işaret satırları olmadan): öğrencinin teslim edeceği
    biçimde bilinen doğru bir gönderim. Çözüm ``lab_path``'in iki üstündeki ``solutions/<aynı ad>``'dır.

    Returns:
        Defter ya da çözüm bulunamazsa ``None``.
    """
    solution_path = lab_path.resolve().parent.parent / "solutions" / lab_path.name
    if not solution_path.is_file():
        return None
    solution = {cell.get("id"): cell.source for cell in nbformat.read(solution_path, as_version=4).cells}
    submission = nbformat.read(lab_path, as_version=4)
    for cell in submission.cells:
        role = cell_role(cell)
        if role is not None and role.role is CellRole.ANSWER and cell.get("id") in solution:
            lines = str(solution[cell.get("id")]).splitlines()
            cell.source = "\n".join(line for line in lines if BEGIN not in line and END not in line)
    return submission


def canary_notebook(lab_path: Path, folder: Path) -> Path | None:
    """Kanarya: ``solved_lab``'ı ``folder/kanarya.ipynb``'ye yazar.

    Returns:
        Yazılan dosya ya da çözüm bulunamazsa ``None``.
    """
    submission = solved_lab(lab_path)
    if submission is None:
        return None
    path = folder / "kanarya.ipynb"
    nbformat.write(submission, path)
    return path


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
    canary: bool = True,
    on_warning: Callable[[str], None] | None = None,
    identities: Mapping[str, tuple[str, str]] | None = None,
    penalties: Mapping[str, Penalty] | None = None,
    reuse: Mapping[str, SubmissionGrade] | None = None,
) -> list[SubmissionGrade]:
    """Bir klasördeki bütün gönderimleri notlandırır, CSV ve geri bildirim dosyalarını yazar.

    ``canary`` açıksa lab'ın çözümü de aynı yalıtımda, sınıfla birlikte notlandırılır; tam puan
    almazsa (ör. yalıtım bir yardımcı programı bulamadı) kimse notlandırılmaz: ``CanaryFailed``.

    Args:
        lab_path: Asıl lab defteri (``labs/labNN_….ipynb``).
        folder: Gönderimlerin klasörü (her düzenli dosya bir gönderim; bağlar ve klasörler izlenmez).
        output: Sonuçların yazılacağı klasör.
        jobs: Aynı anda kaç gönderim notlandırılsın (yerel havuz).
        options: Notlandırma ayarları.
        on_grade: Her not hazır olunca çağrılır (ilerleme çubuğu).
        on_grades: Bütün notlar (gönderim adına göre sıralı) ve ``output`` ile, CSV yazıldıktan
            sonra çağrılır (ör. Moodle/Canvas dışa aktarımları).
        runner: Gönderimlerin notlandırılacağı yer; verilmezse ``LocalRunner(jobs)``.
        canary: Lab'ın çözümü kanarya olarak notlandırılsın mı.
        on_warning: Bir öğrencinin dosyası yazılamadığında Türkçe uyarıyla çağrılır.
        identities: Gönderim adı → (katılımcı no, ad) (LMS zip'inden, ``wskurs.grading.lms``);
            verilirse ``notlar.csv`` ve ``notlar.json`` ``katilimci`` ve ``ad`` taşır.
        penalties: Gönderim adı → geç teslim cezası (``--son-tarih``); verilirse not defterleri ham puanı,
            cezayı ve nedenini gösterir.
        reuse: Gönderim adı → önceki notu (``--yalnizca-yeni``: cevapları değişmemiş gönderimler); bunlar
            notlandırılmaz, ``on_grade`` da çağrılmaz. Notlandırılacak gönderim kalmadıysa kanarya da
            çalışmaz.

    Returns:
        Gönderim adına göre sıralı notlar.

    Raises:
        CanaryFailed: Çözüm tam puan almadıysa.
    """
    options = options or GradingOptions()
    canonical = nbformat.read(lab_path, as_version=4)
    lab = lab_of(canonical.metadata)
    if not lab:
        raise SubmissionError(f"{lab_path} bir lab defteri değil (meta veride 'wskurs.lab' yok).")
    specs = specs_of(lab)
    intake = list_submissions(folder)
    grades = [SubmissionGrade.zero(item.name, lab, specs, SubmissionStatus.NOT_A_NOTEBOOK, item.reason)
              for item in intake.skipped]  # fmt: skip
    submissions: list[str] = []
    reused = reuse or {}
    for path in intake.files:
        if path.name in reused:
            grades.append(reused[path.name])
            continue
        try:
            check_size(path)
            submissions.append(str(path))
        except (SubmissionError, OSError) as exc:
            status = exc.status if isinstance(exc, SubmissionError) else SubmissionStatus.NOT_A_NOTEBOOK
            grades.append(SubmissionGrade.zero(path.name, lab, specs, status, str(exc)))
    with tempfile.TemporaryDirectory(prefix="wskurs-kanarya-") as tmp:
        known_good = canary_notebook(lab_path, Path(tmp)) if canary and submissions else None
        paths = ([str(known_good)] if known_good else []) + submissions
        stream = (runner or LocalRunner(jobs)).grade(grade_one, paths, str(lab_path), options)
        try:
            for done, grade in stream:
                if known_good is not None and done == str(known_good):
                    _check_canary(grade, specs)
                    continue
                grades.append(grade)
                if on_grade is not None:
                    on_grade(grade)
        finally:
            close = getattr(stream, "close", None)
            if close is not None:
                close()
    grades = sorted((g.checked(specs) for g in grades), key=lambda g: g.submission)
    warnings = write_reports(grades, lab, specs, output, identities, penalties)
    if on_warning is not None:
        for line in warnings:
            on_warning(line)
    if on_grades is not None:
        on_grades(grades, output)
    return grades


def _check_canary(grade: SubmissionGrade, specs: Sequence[ExerciseSpec]) -> None:
    maximum = sum(spec.points for spec in specs)
    if grade.total == maximum and grade.status is SubmissionStatus.GRADED:
        return
    failed = [f"{row.exercise}: {row.feedback.strip().splitlines()[0] if row.feedback.strip() else row.outcome.value}"
              for row in grade.exercises if row.earned < row.points]  # fmt: skip
    detail = "; ".join(failed[:3])
    raise CanaryFailed(
        f"Lab'ın çözümü bu makinedeki yalıtımda {grade.total}/{maximum} aldı ({grade.status.value}"
        + (f": {grade.reason}" if grade.reason else "")
        + (f"; {detail}" if detail else "")
        + "). Notlandırıcı bozuk; hiçbir öğrenci notlandırılmadı. Yalıtımı denetleyin ya da sorunu bildirin."
    )
