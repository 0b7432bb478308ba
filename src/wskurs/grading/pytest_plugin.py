"""pytest eklentisi: nbval'in çalıştırdığı lab defterlerinden not tablosu çıkarır.

``pytest --nbval-lax labs/lab01_websocket_nedir.ipynb`` sonunda her lab için bir tablo
(alıştırma, puan, sonuç, toplam) yazılır; ``--wskurs-json DOSYA`` aynısını JSON olarak
kaydeder.

Tabloyu yargıç belirler: eklenti her lab defteri için bir yargıç (``wskurs.checks.judge``) başlatır
ve adresini ``WSKURS_JUDGE`` ile çekirdeğe verir; kontrol hücreleri o yargıca bağlanır. Bir
alıştırma yalnızca yargıcın kaydında geçtiyse puan alır: çekirdeğin gösterdiği hiçbir şey
notu değiştirmez, ``pass``'e çevrilmiş ya da silinmiş bir kontrol hücresi puan getirmez.
``WSKURS_JUDGE`` dışarıdan verilmişse (toplu notlandırma) eklenti yargıç başlatmaz ve tablo
yazmaz: kaydı yargıcı başlatan okur.

nbval bir hücre zaman aşımına uğradığında sonraki bütün hücreleri "beklenen hata" sayar.
Çekirdek kesmeyle (interrupt) kurtulduysa bu eklenti o işareti kaldırır: sonsuz döngüye
giren bir cevap yalnızca kendi alıştırmasına mal olur.

nbval, çalışan hücrenin yanıtını hücre zaman aşımı dolana dek bekler; ölmüş bir çekirdeği fark
etmez. Eklenti bu bekleyişi yarım saniyelik dilimlere böler ve her dilimde çekirdeğin yaşayıp
yaşamadığına bakar: ``os._exit`` çağıran bir cevap zaman aşımını beklemeden "çekirdek öldü" olur.

Çekirdek daha hiçbir hücre çalışmadan (başlarken) ölürse kurulum yeniden denenir
(``start_kernel_retrying``): bu ölüm öğrencinin kodundan değildir.

Toplu notlandırmada eklenti hangi alıştırmanın hücresinin zaman aşımına uğradığını ya da çekirdeğin
hangi alıştırmada öldüğünü yargıca yapılandırılmış bir not olarak bildirir (``{"type": "note"}``);
notlandırıcı pytest'in çıktısını ayrıştırmaz. ``WSKURS_KERNEL_TRANSPORT=ipc`` ile çekirdek TCP yerine
Unix soketleriyle konuşur (ağ kapatılamayan makinede başka gönderimler dinleyemesin diye).
"""

from __future__ import annotations

import functools
import json
import os
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from queue import Empty
from typing import TYPE_CHECKING, Any, Protocol, cast

import pytest

from wskurs.checks import protocol
from wskurs.checks.core import exercises_of
from wskurs.labformat import DEAD_MARK, CellRole, ExerciseOutcome, ExerciseResult, cell_role, exercise_heading

if TYPE_CHECKING:
    # Yargıç yalıtılmış çekirdeğin görünümünde yoktur: yalnızca öğrencinin kendi notlandırmasında yüklenir.
    from wskurs.checks.judge import JudgeProcess

__all__ = ["LabReport", "grade_rows"]

_LAB_NAME = re.compile(r"^(lab\d\d)")
_KEY = pytest.StashKey["dict[str, LabReport]"]()
_OUTSIDE = pytest.StashKey["str | None"]()
_DEAD = pytest.StashKey["list[int]"]()


# Çekirdeğin yaşadığına bakmadan önce yanıt için en çok bu kadar saniye beklenir.
_DEATH_POLL = 0.5
# Ölen çekirdekte hücrenin hatası (öğrencinin ``make grade`` çıktısında görünür); toplu notlandırma ölümü
# çıktıdan değil eklentinin yargıca gönderdiği ``dead`` notundan öğrenir.
KERNEL_DIED = "Kernel died: çekirdek hücre çalışırken öldü (süreç sona erdi)."


class _NbvalKernel(Protocol):
    """nbval'in ``RunningKernel``'ının (tür bilgisi yok) bu eklentinin kullandığı yüzü."""

    def get_message(self, stream: str, timeout: float | None = None) -> dict[str, Any]: ...

    def is_alive(self) -> bool: ...


def await_reply_noticing_death(kernel: _NbvalKernel, msg_id: str, timeout: float | None = None) -> None:
    """nbval'in ``RunningKernel.await_reply``'ı gibi, ama çekirdek ölünce hemen ``RuntimeError``.

    Raises:
        queue.Empty: ``timeout`` saniyede yanıt gelmediyse (nbval bunu hücre zaman aşımı sayar).
        RuntimeError: Çekirdek öldüyse (``KERNEL_DIED``) ya da yürütme iptal edildiyse.
    """
    deadline = None if timeout is None else time.monotonic() + float(timeout)
    while True:
        left = _DEATH_POLL if deadline is None else max(0.0, min(_DEATH_POLL, deadline - time.monotonic()))
        try:
            msg = kernel.get_message(stream="shell", timeout=left)
        except Empty:
            if not kernel.is_alive():
                raise RuntimeError(KERNEL_DIED) from None
            if deadline is not None and time.monotonic() >= deadline:
                raise
            continue
        if msg["parent_header"].get("msg_id") == msg_id:
            if msg["content"]["status"] == "aborted":
                raise RuntimeError("Kernel aborted execution request")
            return


# Çekirdek daha hiçbir hücre çalışmadan ölürse bu öğrencinin kodundan değildir. Bilinen nedeni:
# jupyter_client çekirdeğin TCP kapılarını seçip bırakır, çekirdek onlara bağlanana dek (yüklü makinede
# saniyeler) başka bir süreç aynı kapıyı alabilir; ipykernel de verilen kapıya bağlanamayınca çıkar.
# Başlatma yeniden denenir (yeni kapılarla); en çok bu kadar kez.
KERNEL_STARTS = 3
_START_DIED = "Kernel died before replying to kernel_info"


def start_kernel_retrying(setup: Callable[[], None]) -> None:
    """nbval'in defter kurulumunu (çekirdeği başlatır) çekirdek başlarken öldüyse yeniden dener.

    Raises:
        RuntimeError: ``KERNEL_STARTS`` denemenin hepsinde öldüyse ya da başka bir başlatma hatasında.
    """
    for attempt in range(1, KERNEL_STARTS + 1):
        try:
            setup()
            return
        except RuntimeError as exc:
            if _START_DIED not in str(exc) or attempt == KERNEL_STARTS:
                raise


class _NbvalFile(Protocol):
    """nbval'in defter düğümünün (``IPyNbFile``, tür bilgisi yok) bu eklentinin değiştirdiği alanı."""

    timed_out: bool


@dataclass
class _Outcome:
    passed: bool
    feedback: str


@dataclass
class LabReport:
    """Bir lab defterinin çalıştırılmasından toplanan sonuçlar."""

    path: str
    lab: str
    checks: dict[str, _Outcome] = field(default_factory=dict)
    answer_errors: dict[str, str] = field(default_factory=dict)
    judge: JudgeProcess | None = None

    def finish(self) -> None:
        """Yargıcı durdurur; kaydındaki ilk kararlar tabloyu belirler."""
        if self.judge is None:
            return
        if os.environ.get(protocol.ENV) == self.judge.address:
            del os.environ[protocol.ENV]  # sonraki defterler ve aynı oturumdaki testler bu yargıcı görmesin
        # Kararları toplu notlandırmayla aynı kural okur (yalnızca ilk karar); yalıtılmış çekirdekte bu yol
        # çalışmaz, modül burada yüklenir.
        from wskurs.grading.decide import Died, first_verdicts, parse_records

        records = parse_records(self.judge.stop())
        self.judge = None
        self.checks = {ex: _Outcome(v.passed, v.feedback) for ex, v in first_verdicts(records).items()}
        for record in records:
            if isinstance(record, Died):
                self.checks.setdefault(record.exercise, _Outcome(False, "Kontrol sırasında çekirdek öldü."))

    def rows(self) -> list[ExerciseResult]:
        return grade_rows(self.lab, self.checks, self.answer_errors)

    def as_json(self) -> dict[str, Any]:
        rows = self.rows()
        return {
            "path": self.path,
            "lab": self.lab,
            "exercises": [row.as_json() for row in rows],
            "total": sum(row.earned for row in rows),
            "max": sum(row.points for row in rows),
        }


def grade_rows(lab: str, checks: dict[str, _Outcome], answer_errors: dict[str, str]) -> list[ExerciseResult]:
    """Kayıtlı her alıştırma için bir satır; hiç çalışmayan kontrol 0 puan alır."""
    rows = []
    for ex in exercises_of(lab):
        outcome = checks.get(ex.id)
        if outcome is None:
            status, earned, feedback = ExerciseOutcome.NOT_RUN, 0, "Kontrol hücresi bulunamadı ya da çalışmadı."
        elif outcome.passed:
            status, earned, feedback = ExerciseOutcome.PASSED, ex.points, outcome.feedback
        else:
            status, earned, feedback = ExerciseOutcome.FAILED, 0, outcome.feedback
        if ex.id in answer_errors and status is not ExerciseOutcome.PASSED:
            feedback = f"Cevap hücresi hata verdi: {answer_errors[ex.id]}\n{feedback}"
        rows.append(ExerciseResult(ex.id, ex.title, ex.points, earned, status, feedback))
    return rows


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("wskurs", "FastAPI WebSocket Kursu notlandırma")
    group.addoption(
        "--wskurs-json",
        action="store",
        default=None,
        metavar="DOSYA",
        help="Lab not tablosunu JSON olarak bu dosyaya yaz.",
    )


TRANSPORT_ENV = "WSKURS_KERNEL_TRANSPORT"


def _use_ipc_kernels() -> None:
    """nbval'in çekirdeklerini IPC (Unix soketi) ile başlatır: ZMQ kapıları 127.0.0.1'de açılmaz."""
    import uuid

    import nbval.kernel  # type: ignore[import-untyped]
    from jupyter_client.manager import KernelManager
    from jupyter_core.paths import jupyter_runtime_dir
    from traitlets import CaselessStrEnum, default

    class IpcKernelManager(KernelManager):
        transport = CaselessStrEnum(["tcp", "ipc"], default_value="ipc", config=True)

        @default("ip")
        def _ipc_path(self) -> str:
            # jupyter_client'ın varsayılanı göreli bir yoldur ("kernel-ipc"): çekirdek kendi çalışma
            # klasöründe, istemci bizimkinde arar. Soketler çalışma zamanı klasöründe, mutlak yolla.
            folder = jupyter_runtime_dir()
            os.makedirs(folder, mode=0o700, exist_ok=True)
            return os.path.join(folder, f"kernel-{uuid.uuid4().hex[:12]}-ipc")

    nbval.kernel.KernelManager = IpcKernelManager


def _note(kind: str, exercise: str) -> None:
    """Toplu notlandırmada yargıca puansız bir not gönderir (zaman aşımı / ölen çekirdek)."""
    address = os.environ.get(protocol.ENV)
    if not address:
        return
    try:
        from websockets.sync.client import connect

        url, token = protocol.parse_address(address)
        with connect(url, open_timeout=5, close_timeout=2, proxy=None) as ws:
            ws.send(protocol.dumps({"type": "note", "token": token, "kind": kind, "exercise": exercise}))
    except Exception:  # not yalnızca durumu adlandırır; gönderilemezse not değişmez
        return


def pytest_configure(config: pytest.Config) -> None:
    if os.environ.get(TRANSPORT_ENV) == "ipc":
        _use_ipc_kernels()
    config.stash[_KEY] = {}
    config.stash[_OUTSIDE] = os.environ.get(protocol.ENV)
    if config.stash[_OUTSIDE] is not None:
        # Toplu notlandırma: yalıtılmış pytest başladı (gönderimin kodu henüz çalışmadı). Bu not gelmezse
        # yalıtım ya da yargıç çalışmamıştır: notlandırıcının hatasıdır, öğrencinin değil.
        _note("ready", "")
    config.stash[_DEAD] = []


def pytest_unconfigure(config: pytest.Config) -> None:
    for report in config.stash.get(_KEY, {}).values():
        report.finish()


def _report_for(item: pytest.Item) -> LabReport | None:
    parent = item.parent
    path = Path(str(getattr(parent, "path", "")))
    nb = getattr(parent, "nb", None)
    lab = None
    if nb is not None:
        meta = nb.metadata.get("wskurs", {})
        lab = meta.get("lab") if isinstance(meta, dict) else None
    if lab is None:
        match = _LAB_NAME.match(path.name)
        lab = match.group(1) if match else None
    if lab is None:
        return None
    reports = item.config.stash[_KEY]
    key = str(path)
    if key not in reports:
        reports[key] = LabReport(path=key, lab=lab)
    return reports[key]


def exercise_titles(cells: list[Any]) -> dict[str, str]:
    """Lab defterindeki alıştırma başlıkları: ``"## Alıştırma 2.4 — Takılan alıcıyı düşürmek (3 puan)"``
    → ``{"2.4": "Takılan alıcıyı düşürmek"}``."""
    titles: dict[str, str] = {}
    for cell in cells:
        found = exercise_heading(str(cell.get("source", ""))) if cell.get("cell_type") == "markdown" else None
        if found is not None:
            titles.setdefault(*found)
    return titles


def exercise_item_name(exercise: str, title: str, kind: CellRole, cell_num: int) -> str:
    """Öğrencinin pytest çıktısında gördüğü ad: ``"2.4 Takılan alıcıyı düşürmek — kontrol (hücre 14)"``."""
    part = "kontrol" if kind is CellRole.CHECK else "cevap"
    return f"{exercise} {title} — {part} (hücre {cell_num})".replace("  ", " ")


def _rename(item: pytest.Item, nodeid: str, name: str) -> None:
    # pytest'in açık bir yeniden adlandırma yolu yok: düğüm kimliği (-k, --lf, FAILED satırı) ve raporun
    # başlığı (reportinfo) birlikte değişir; nbval'in hücre numarası adın sonunda kalır.
    item.name = name
    item._nodeid = nodeid  # type: ignore[attr-defined]
    location = (item.path, 0, nodeid)
    item.reportinfo = lambda: location  # type: ignore[method-assign]


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Lab defterinin cevap ve kontrol hücreleri pytest çıktısında alıştırmanın adıyla görünür
    (nbval'in "Cell 14"ü öğrencinin JupyterLab'da gördüğü bir şey değildir)."""
    titles: dict[int, dict[str, str]] = {}
    for item in items:
        cell = getattr(item, "cell", None)
        notebook = getattr(item.parent, "nb", None)
        role = cell_role(cell) if cell is not None else None
        if role is None or notebook is None:
            continue
        found = titles.setdefault(id(notebook), exercise_titles(notebook.cells))
        kind, exercise = role
        name = exercise_item_name(exercise, found.get(exercise, ""), kind, int(getattr(item, "cell_num", 0)))
        path = item.nodeid.split("::", 1)[0]
        _rename(item, f"{path}::{name}", name)


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item: pytest.Item) -> None:
    parent = item.parent
    # Defterin çekirdeği bu kancadan sonra başlar: yargıcın adresi ortamda hazır olsun.
    if getattr(item, "cell", None) is not None and item.config.stash[_OUTSIDE] is None:
        report = _report_for(item)
        # Önceki defterin yargıcı o defterin son hücresinden sonra durdu (pytest_runtest_teardown).
        if report is not None and report.judge is None and not report.checks:
            from wskurs.checks.judge import JudgeProcess

            report.judge = JudgeProcess(lab=report.lab)
            os.environ[protocol.ENV] = report.judge.address
    # nbval defteri ilk hücresinin kurulumunda (bu kancadan sonra) başlatır; örnek sözlüğünde setup
    # varsa zaten sarılmıştır.
    if getattr(item, "cell", None) is not None and parent is not None and "setup" not in vars(parent):
        parent.setup = functools.partial(start_kernel_retrying, parent.setup)  # type: ignore[method-assign]
    if getattr(parent, "timed_out", False):
        kernel = getattr(parent, "kernel", None)
        if kernel is not None and kernel.is_alive():
            cast(_NbvalFile, parent).timed_out = False  # nbval türsüz: alanı yukarıda getattr ile okundu


def pytest_runtest_teardown(item: pytest.Item, nextitem: pytest.Item | None) -> None:
    # Defterin son hücresinden sonra yargıç durur: yargıç defterin çekirdeği kadar yaşar. Aynı pytest
    # oturumunda sonra çalışan testler (make test) ortamda onun adresini bulmaz.
    if getattr(item, "cell", None) is None or (nextitem is not None and nextitem.parent is item.parent):
        return
    report = item.config.stash[_KEY].get(str(getattr(item.parent, "path", "")))
    if report is not None:
        report.finish()


def _error_text(report: pytest.TestReport) -> str:
    text = str(report.longrepr) if report.longrepr else ""
    text = re.sub(r"\x1b\[[0-9;]*m", "", text)
    if "Timeout of" in text:
        match = re.search(r"Timeout of ([\d.]+) seconds", text)
        seconds = match.group(1) if match else "?"
        return f"Zaman aşımı: hücre {seconds} saniyede bitmedi (sonsuz döngü ya da hiç dönmeyen bir await olabilir)."
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    for line in reversed(lines):
        if re.match(r"^[A-Za-z_.]*(Error|Exception|Interrupt)\b", line):
            return line
    return lines[-1] if lines else "bilinmeyen hata"


def _check_feedback(report: pytest.TestReport) -> str:
    text = re.sub(r"\x1b\[[0-9;]*m", "", str(report.longrepr) if report.longrepr else "")
    start = text.find("❌")
    if start >= 0:
        end = text.find("\n\n", start)
        return text[start : end if end > 0 else None].strip()
    return _error_text(report)


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_call(item: pytest.Item) -> None:
    kernel = getattr(item.parent, "kernel", None)  # nbval defterinin çekirdeği, ilk hücrenin kurulumunda başladı
    # Örnek sözlüğünde await_reply yoksa henüz değiştirilmemiştir (sınıfın yöntemi kullanılıyordur).
    if getattr(item, "cell", None) is not None and kernel is not None and "await_reply" not in vars(kernel):
        kernel.await_reply = functools.partial(await_reply_noticing_death, kernel)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
    outcome = yield
    report: pytest.TestReport = outcome.get_result()
    cell = getattr(item, "cell", None)
    if cell is None or call.when != "call":
        return
    kernel = getattr(item.parent, "kernel", None)
    dead = item.config.stash[_DEAD]
    role = cell_role(cell)
    outside = item.config.stash[_OUTSIDE] is not None
    if report.failed and not dead and kernel is not None and not kernel.is_alive():
        dead.append(int(getattr(item, "cell_num", -1)))
        if outside:
            _note("dead", role.exercise if role is not None else "")
    elif report.failed and outside and role is not None and getattr(item.parent, "timed_out", False):
        _note("timeout", role.exercise)
    if role is None:
        return
    lab_report = _report_for(item)
    if lab_report is None:
        return
    kind, exercise_id = role
    if kind is CellRole.ANSWER:
        if report.failed:
            lab_report.answer_errors[exercise_id] = _error_text(report)
        return
    if lab_report.judge is None and item.config.stash[_OUTSIDE] is not None:
        # Toplu notlandırmada kaydı yargıcı başlatan okur; burada yalnızca hücrenin sonucu tutulur.
        lab_report.checks[exercise_id] = _Outcome(report.passed, "" if report.passed else _check_feedback(report))


def pytest_terminal_summary(terminalreporter: Any, config: pytest.Config) -> None:
    for cell_num in config.stash.get(_DEAD, []):
        terminalreporter.write_line(f"{DEAD_MARK} {cell_num}")
    reports = config.stash.get(_KEY, {})
    if not reports or config.stash[_OUTSIDE] is not None:
        return
    for report in reports.values():
        report.finish()
    marks = {ExerciseOutcome.PASSED: "✅", ExerciseOutcome.FAILED: "❌"}
    for report in reports.values():
        rows = report.rows()
        terminalreporter.write_sep("=", f"Not tablosu: {Path(report.path).name}")
        width = max([len(row.title) for row in rows] + [6])
        terminalreporter.write_line(f"{'Alıştırma':<10} {'Başlık':<{width}} {'Puan':>7}  Sonuç")
        for row in rows:
            mark = marks.get(row.outcome, "⏭️")
            score = f"{row.earned}/{row.points}"
            terminalreporter.write_line(
                f"{row.exercise:<10} {row.title:<{width}} {score:>7}  {mark} {row.outcome.value}"
            )
        total = f"{sum(row.earned for row in rows)}/{sum(row.points for row in rows)}"
        terminalreporter.write_line(f"{'Toplam':<10} {'':<{width}} {total:>7}")
    path = config.getoption("--wskurs-json")
    if path:
        payload = {"notebooks": [report.as_json() for report in reports.values()]}
        Path(path).write_text(json.dumps(payload, ensure_ascii=False, indent=2), encoding="utf-8")
