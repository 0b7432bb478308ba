"""`wskurs.grading.pytest_plugin`'in saf parçaları: yargıcın kaydından satırlar, durumların
puana çevrilmesi, hata metinlerinin Türkçe özeti, not tablosunun metni ve JSON'u. Çekirdek,
yargıç süreci ya da alt süreç başlatılmaz."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path
from typing import Any

import pytest

from wskurs.checks import protocol, specs_of
from wskurs.grading import pytest_plugin as plugin
from wskurs.grading.pytest_plugin import LabReport, grade_rows
from wskurs.labformat import DEAD_MARK, ExerciseOutcome

LAB01 = specs_of("lab01")  # 1.1 (3), 1.2 (3), 1.3 (2), 1.4 (2)


def outcome(passed: bool, feedback: str = "") -> Any:
    return plugin._Outcome(passed, feedback)


class RecordedJudge:
    """Kaydı önceden yazılmış bir yargıç: ``stop()`` kaydı döndürür (süreç yok)."""

    def __init__(self, records: list[dict[str, Any]]) -> None:
        self.records = records
        self.stopped = 0
        self.address = "ws://127.0.0.1:9/kayitli-yargic"

    def stop(self) -> list[dict[str, Any]]:
        self.stopped += 1
        return self.records


def report_with(records: list[dict[str, Any]], **kwargs: Any) -> LabReport:
    report = LabReport(path="/lablar/lab01_websocket_nedir.ipynb", lab="lab01", **kwargs)
    report.judge = RecordedJudge(records)  # type: ignore[assignment]
    return report


def failed_report(longrepr: str) -> pytest.TestReport:
    return pytest.TestReport("lab.ipynb::Cell 3", ("lab.ipynb", 0, "Cell 3"), {}, "failed", longrepr, "call")


# grade_rows -----------------------------------------------------------------------------


def test_grade_rows_gives_full_points_only_to_passed_checks():
    """Geçen kontrol alıştırmanın kayıtlı puanını, kalan 0 puanı alır; hiç çalışmayan kontrol 0 puanlı
    "çalışmadı" satırıdır ve nedeni yazılıdır; her kayıtlı alıştırma sırasıyla bir satırdır."""
    rows = grade_rows("lab01", {"1.1": outcome(True, "✅ iyi"), "1.2": outcome(False, "❌ kötü")}, {})
    assert [(r.exercise, r.earned, r.points, r.outcome) for r in rows] == [
        ("1.1", 3, 3, ExerciseOutcome.PASSED),
        ("1.2", 0, 3, ExerciseOutcome.FAILED),
        ("1.3", 0, 2, ExerciseOutcome.NOT_RUN),
        ("1.4", 0, 2, ExerciseOutcome.NOT_RUN),
    ]
    assert [r.title for r in rows] == [s.title for s in LAB01]
    assert rows[0].feedback == "✅ iyi" and rows[1].feedback == "❌ kötü"
    assert rows[2].feedback == "Kontrol hücresi bulunamadı ya da çalışmadı."


def test_grade_rows_puts_the_answer_error_before_the_feedback_unless_it_passed():
    """Cevap hücresi hata verdiyse bu, geçmeyen satırın geri bildiriminin başına yazılır; yine de
    geçen satırın geri bildirimi değişmez."""
    errors = {"1.1": "NameError: x", "1.2": "ZeroDivisionError", "1.3": "KeyError"}
    rows = grade_rows("lab01", {"1.1": outcome(True, "✅"), "1.2": outcome(False, "❌ yok")}, errors)
    assert rows[0].feedback == "✅"
    assert rows[1].feedback == "Cevap hücresi hata verdi: ZeroDivisionError\n❌ yok"
    assert rows[2].feedback.startswith("Cevap hücresi hata verdi: KeyError\n")
    assert rows[3].feedback == "Kontrol hücresi bulunamadı ya da çalışmadı."


def test_grade_rows_ignores_checks_of_unregistered_exercises():
    """Kayıtlı olmayan bir alıştırmanın (kayıttaki) başarısı satır ya da puan getirmez."""
    rows = grade_rows("lab01", {"9.9": outcome(True), "1.1": outcome(True)}, {})
    assert [r.exercise for r in rows] == ["1.1", "1.2", "1.3", "1.4"]
    assert sum(r.earned for r in rows) == 3


# LabReport -----------------------------------------------------------------------------


def test_finish_takes_the_first_verdict_and_the_judges_record_only(monkeypatch):
    """`finish()` yargıcı bir kez durdurur ve adresini ortamdan siler; her alıştırmanın kayıttaki ilk
    kararı sayılır, çekirdeğin bildirdiği (önceden tutulan) sonuçlar atılır; "died" kaydı kararı olmayan
    alıştırmayı kalmış sayar."""
    records = [
        {"type": "started", "exercise": "1.1"},
        {"type": "verdict", "exercise": "1.1", "passed": False, "feedback": "❌ ilk"},
        {"type": "verdict", "exercise": "1.1", "passed": True, "feedback": "✅ ikinci"},
        {"type": "verdict", "exercise": "1.2", "passed": "true", "feedback": "dize, True değil"},
        {"type": "verdict", "exercise": "1.3", "passed": True},
        {"type": "died", "exercise": "1.3"},
        {"type": "died", "exercise": "1.4"},
    ]
    report = report_with(records, checks={"1.4": outcome(True, "çekirdek böyle dedi")})
    judge = report.judge
    monkeypatch.setenv(protocol.ENV, judge.address)
    report.finish()
    assert report.judge is None and judge.stopped == 1 and protocol.ENV not in os.environ
    report.finish()  # ikinci çağrı bir şey yapmaz
    assert judge.stopped == 1
    assert {k: (v.passed, v.feedback) for k, v in report.checks.items()} == {
        "1.1": (False, "❌ ilk"),
        "1.2": (False, "dize, True değil"),
        "1.3": (True, ""),
        "1.4": (False, "Kontrol sırasında çekirdek öldü."),
    }


def test_finish_without_a_judge_keeps_the_cells_results():
    """Yargıcı olmayan rapor (toplu notlandırmada hücre sonuçları) `finish()` ile değişmez."""
    checks = {"1.1": outcome(True, "✅")}
    report = LabReport(path="x.ipynb", lab="lab01", checks=dict(checks))
    report.finish()
    assert report.checks == checks


def test_as_json_has_the_rows_total_and_maximum():
    """JSON biçimi: yol, lab, her satırın JSON'u (durum Türkçe metin), toplam ve en yüksek puan."""
    report = LabReport(path="a/lab01.ipynb", lab="lab01", checks={"1.1": outcome(True), "1.3": outcome(True)})
    data = report.as_json()
    assert set(data) == {"path", "lab", "exercises", "total", "max"}
    assert (data["path"], data["lab"], data["total"], data["max"]) == ("a/lab01.ipynb", "lab01", 5, 10)
    assert [e["status"] for e in data["exercises"]] == ["geçti", "çalışmadı", "geçti", "çalışmadı"]
    assert data["exercises"][0] == {
        "exercise": "1.1",
        "title": LAB01[0].title,
        "points": 3,
        "earned": 3,
        "status": "geçti",
        "feedback": "",
    }
    json.dumps(data)  # düz JSON


# Hata metinleri ------------------------------------------------------------------------------


def test_error_text_names_a_cell_timeout_in_turkish():
    """nbval'in zaman aşımı metni, saniyesiyle Türkçe bir zaman aşımı cümlesine çevrilir."""
    text = plugin._error_text(failed_report("\x1b[31mnbval.CellTimeoutError: Timeout of 12.5 seconds exceeded\x1b[0m"))
    assert text.startswith("Zaman aşımı: hücre 12.5 saniyede bitmedi")


def test_error_text_is_the_last_exception_line_without_colours():
    """Hata metni, renk kodları atılmış çıktının son istisna satırıdır; istisna satırı yoksa son
    satır, metin yoksa "bilinmeyen hata"dır."""
    longrepr = "Traceback\n  ValueError: önce\n\x1b[0;31mNameError\x1b[0m: name 'x' is not defined\n  son satır\n"
    assert plugin._error_text(failed_report(longrepr)) == "NameError: name 'x' is not defined"
    assert plugin._error_text(failed_report("bir\n\n  iki  \n")) == "iki"
    assert plugin._error_text(failed_report("")) == "bilinmeyen hata"


def test_check_feedback_is_the_checks_own_message():
    """Kalan kontrol hücresinin geri bildirimi, kontrolün ❌ ile başlayan paragrafıdır; ❌ yoksa hata
    metnidir."""
    longrepr = "CheckFailed\n\x1b[1m❌ Alıştırma 1.1 kaldı\nBeklenen: x\x1b[0m\n\nTraceback (sonrası)"
    assert plugin._check_feedback(failed_report(longrepr)) == "❌ Alıştırma 1.1 kaldı\nBeklenen: x"
    assert plugin._check_feedback(failed_report("❌ tek paragraf")) == "❌ tek paragraf"
    assert plugin._check_feedback(failed_report("KeyError: 'a'")) == "KeyError: 'a'"


# Not tablosu ---------------------------------------------------------------------------------


class Terminal:
    def __init__(self) -> None:
        self.lines: list[str] = []

    def write_sep(self, sep: str, title: str) -> None:
        self.lines.append(f"{sep * 3} {title} {sep * 3}")

    def write_line(self, line: str) -> None:
        self.lines.append(line)


class Config:
    """pytest ayarının eklentinin okuduğu iki yüzü: ``stash`` ve ``getoption``."""

    def __init__(self, reports: dict[str, LabReport], *, json_path: Path | None, outside: str | None = None):
        self.stash = pytest.Stash()
        self.stash[plugin._KEY] = reports
        self.stash[plugin._OUTSIDE] = outside
        self.stash[plugin._DEAD] = []
        self.json_path = json_path

    def getoption(self, name: str) -> Any:
        assert name == "--wskurs-json"
        return str(self.json_path) if self.json_path else None


def test_grade_table_lists_every_exercise_with_marks_and_the_total(tmp_path):
    """Tablo her lab için başlık, her alıştırma için puan/en yüksek ve Türkçe sonuç (✅ geçti, ❌ kaldı,
    ⏭️ çalışmadı), sonunda toplamı yazar; JSON dosyası aynı notları taşır; yargıç önce durdurulur."""
    records = [
        {"type": "verdict", "exercise": "1.1", "passed": True, "feedback": "✅"},
        {"type": "verdict", "exercise": "1.2", "passed": False, "feedback": "❌"},
    ]
    report = report_with(records)
    result = tmp_path / "sonuc.json"
    config = Config({report.path: report}, json_path=result)
    config.stash[plugin._DEAD].append(7)
    terminal = Terminal()
    plugin.pytest_terminal_summary(terminal, config)  # type: ignore[arg-type]
    assert report.judge is None
    lines = terminal.lines
    assert lines[0] == f"{DEAD_MARK} 7"
    assert lines[1] == "=== Not tablosu: lab01_websocket_nedir.ipynb ==="
    assert lines[2].split() == ["Alıştırma", "Başlık", "Puan", "Sonuç"]
    body = [line.split() for line in lines[3:7]]
    assert [(cells[0], cells[-3], cells[-2], cells[-1]) for cells in body] == [
        ("1.1", "3/3", "✅", "geçti"),
        ("1.2", "0/3", "❌", "kaldı"),
        ("1.3", "0/2", "⏭️", "çalışmadı"),
        ("1.4", "0/2", "⏭️", "çalışmadı"),
    ]
    assert lines[3].startswith(f"1.1        {LAB01[0].title}")
    assert lines[7].split() == ["Toplam", "3/10"] and len(lines) == 8
    scores = ["3/3", "0/3", "0/2", "0/2", "3/10"]
    assert len({line.rindex(s) + len(s) for line, s in zip(lines[3:8], scores, strict=True)}) == 1  # sağa yaslı
    payload = json.loads(result.read_text(encoding="utf-8"))
    assert payload == {"notebooks": [report.as_json()]}
    assert payload["notebooks"][0]["total"] == 3


def test_no_table_and_no_json_when_an_outside_judge_grades(tmp_path):
    """`WSKURS_JUDGE` dışarıdan verildiyse (toplu notlandırma) eklenti tablo ve JSON yazmaz: kaydı
    yargıcı başlatan okur."""
    report = LabReport(path="lab01.ipynb", lab="lab01", checks={"1.1": outcome(True)})
    result = tmp_path / "sonuc.json"
    terminal = Terminal()
    plugin.pytest_terminal_summary(terminal, Config({"x": report}, json_path=result, outside="ws://127.0.0.1:1"))  # type: ignore[arg-type]
    assert terminal.lines == [] and not result.exists()


def test_table_without_json_option_writes_no_file(tmp_path, monkeypatch):
    """`--wskurs-json` verilmediyse tablo yazılır ama dosya yazılmaz."""
    monkeypatch.chdir(tmp_path)
    report = LabReport(path="lab01.ipynb", lab="lab01")
    terminal = Terminal()
    plugin.pytest_terminal_summary(terminal, Config({"x": report}, json_path=None))  # type: ignore[arg-type]
    assert terminal.lines[-1].split() == ["Toplam", "0/10"]
    assert list(tmp_path.iterdir()) == []


class ScriptedKernel:
    """nbval çekirdeğinin yanıt bekleme yüzü: sıradaki mesajları verir, bitince ``Empty``; ``alive``
    yanlışsa süreç ölmüş gibidir."""

    def __init__(self, messages: list[dict[str, Any]], *, alive: bool = True) -> None:
        self.messages = list(messages)
        self.alive = alive
        self.waits: list[float | None] = []

    def get_message(self, stream: str, timeout: float | None = None) -> dict[str, Any]:
        assert stream == "shell"
        self.waits.append(timeout)
        if self.messages:
            return self.messages.pop(0)
        from queue import Empty

        time.sleep(timeout or 0)  # jupyter_client gibi: mesaj yoksa zaman aşımı kadar bekler
        raise Empty

    def is_alive(self) -> bool:
        return self.alive


def reply(msg_id: str, status: str = "ok") -> dict[str, Any]:
    return {"parent_header": {"msg_id": msg_id}, "content": {"status": status}}


def test_dead_kernel_is_noticed_without_waiting_out_the_cell_timeout() -> None:
    """Ölmüş çekirdekte bekleyiş ilk dilimden sonra biter (60 saniyelik zaman aşımı beklenmez) ve hata
    eklentinin "çekirdek öldü" metnidir."""
    kernel = ScriptedKernel([], alive=False)
    with pytest.raises(RuntimeError) as raised:
        plugin.await_reply_noticing_death(kernel, "m1", timeout=60)
    assert kernel.waits == [plugin._DEATH_POLL]
    assert str(raised.value) == plugin.KERNEL_DIED


def test_live_kernel_without_a_reply_times_out_like_nbval() -> None:
    """Yaşayan ama yanıt vermeyen çekirdekte bekleyiş zaman aşımında ``Empty`` ile biter (nbval bunu
    hücre zaman aşımı sayar); dilimler zaman aşımını aşmaz."""
    from queue import Empty

    kernel = ScriptedKernel([])
    with pytest.raises(Empty):
        plugin.await_reply_noticing_death(kernel, "m1", timeout=0.7)
    assert len(kernel.waits) == 2 and all(w is not None and w <= plugin._DEATH_POLL for w in kernel.waits)


def test_only_the_reply_to_this_cell_ends_the_wait() -> None:
    """Başka bir isteğin yanıtı atlanır; bu hücrenin yanıtı bekleyişi bitirir, iptal edilmiş yürütme hatadır."""
    kernel = ScriptedKernel([reply("eski"), reply("m1")])
    plugin.await_reply_noticing_death(kernel, "m1", timeout=5)
    assert kernel.messages == []
    with pytest.raises(RuntimeError, match="aborted"):
        plugin.await_reply_noticing_death(ScriptedKernel([reply("m2", "aborted")]), "m2", timeout=5)


def test_kernel_start_is_retried_only_when_the_kernel_died_while_starting():
    """Çekirdek başlarken ölürse kurulum yeniden denenir (en çok ``KERNEL_STARTS`` kez, sonra hata
    yukarı çıkar); başka bir başlatma hatası (ör. yanıt vermeyen çekirdek) hemen yukarı çıkar."""
    died = RuntimeError("Kernel died before replying to kernel_info")
    calls: list[int] = []

    def flaky(failures: int, error: Exception):
        def setup() -> None:
            calls.append(1)
            if len(calls) <= failures:
                raise error

        return setup

    plugin.start_kernel_retrying(flaky(plugin.KERNEL_STARTS - 1, died))
    assert len(calls) == plugin.KERNEL_STARTS
    calls.clear()
    with pytest.raises(RuntimeError, match="Kernel died"):
        plugin.start_kernel_retrying(flaky(plugin.KERNEL_STARTS, died))
    assert len(calls) == plugin.KERNEL_STARTS
    calls.clear()
    with pytest.raises(RuntimeError, match="didn't respond"):
        plugin.start_kernel_retrying(flaky(1, RuntimeError("Kernel didn't respond in 60 seconds")))
    assert len(calls) == 1


@pytest.mark.kernel
def test_ipc_transport_keeps_the_kernels_ports_off_loopback(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Ağ kapatılamayan makinede (``WSKURS_KERNEL_TRANSPORT=ipc``) nbval'in çekirdeği TCP yerine Unix
    soketleriyle konuşur: bağlantı dosyası ``ipc`` der ve soket dosyaları çekirdeğin çalışma
    klasöründedir; çekirdek yine kod çalıştırır."""
    import nbval.kernel

    monkeypatch.setattr(nbval.kernel, "KernelManager", nbval.kernel.KernelManager)
    monkeypatch.setenv("JUPYTER_RUNTIME_DIR", str(tmp_path))
    plugin._use_ipc_kernels()
    kernel = nbval.kernel.RunningKernel(nbval.kernel.CURRENT_ENV_KERNEL_NAME, cwd=str(tmp_path), startup_timeout=60)
    try:
        info = json.loads(Path(kernel.km.connection_file).read_text(encoding="utf-8"))
        assert info["transport"] == "ipc" and kernel.km.transport == "ipc"
        assert any(path.is_socket() for path in tmp_path.rglob("*")), list(tmp_path.rglob("*"))
        reply = kernel.kc.execute_interactive("x = 6 * 7", timeout=60)
        assert reply["content"]["status"] == "ok"
    finally:
        kernel.stop()


def test_lab_cells_are_named_after_their_exercise() -> None:
    """pytest çıktısında lab hücresi "Cell 14" değil alıştırmanın numarası ve başlığıyla görünür."""
    from wskurs.grading.pytest_plugin import exercise_item_name, exercise_titles
    from wskurs.labformat import CellRole

    cells = [
        {"cell_type": "markdown", "source": "## Alıştırma 2.4 — Takılan alıcıyı düşürmek (3 puan)\n\nMetin"},
        {"cell_type": "markdown", "source": "## Alıştırma 2.6 — Endpoint'inizi test edin: `TestClient` (2 puan)"},
        {"cell_type": "code", "source": "## Alıştırma 9.9 — kod hücresi başlık değildir"},
        {"cell_type": "markdown", "source": "Alıştırma 3.1 — başlık değil"},
    ]
    titles = exercise_titles(cells)
    assert titles == {"2.4": "Takılan alıcıyı düşürmek", "2.6": "Endpoint'inizi test edin: `TestClient`"}
    name = exercise_item_name("2.4", titles["2.4"], CellRole.CHECK, 14)
    assert name == "2.4 Takılan alıcıyı düşürmek — kontrol (hücre 14)"
    assert exercise_item_name("2.4", "", CellRole.ANSWER, 3) == "2.4 — cevap (hücre 3)"
