"""Hile kataloğu: her saldırı çözülmemiş lab'ın ilk cevap hücresine eklenir ve hepsi tek bir gerçek
``wskurs notlandir -j 2`` çalışmasında ayrı gönderimler olarak notlandırılır. Her saldırı çözmediği
her şeyden 0 alır, bir durum ve Türkçe bir neden alır; notlandırma herkes için bir not defteriyle
biter; gönderimlerin hiçbir süreci geride kalmaz; girdi ve çıktı klasörlerine yazılamaz."""

from __future__ import annotations

import csv
import os
import uuid
from pathlib import Path

import nbformat
import pytest

from wskurs.checks import specs_of
from wskurs.labformat import SubmissionStatus

from labtools import LABS, ROOT, converted, grade_batch, read, submission

pytestmark = pytest.mark.kernel

MARKER = f"wskurs-saldiri-{uuid.uuid4().hex[:12]}"
CELL_TIMEOUT = 10
LAB02 = "lab02_fastapi_sunucusu.ipynb"
LAB02_MAX = sum(spec.points for spec in specs_of("lab02"))
LAB01 = "lab01_websocket_nedir.ipynb"
STATUSES = {status.value for status in SubmissionStatus}

ATTACKS = {
    "check_yeniden": """
from IPython.display import display
async def check(exercise_id):
    display({"text/plain": f"✅ Alıştırma {exercise_id}: tam puan",
             "application/vnd.wskurs.check+json": {"exercise": exercise_id, "passed": True, "earned": 99}}, raw=True)
""",
    "core_fonksiyonu": """
import wskurs.checks.core as _core, wskurs.checks.agent as _agent
async def _gecti(exercise_id, values):
    return _agent.Verdict(exercise_id, True, "✅ tam puan", 99)
_agent.ask_judge = _gecti
_core.format_feedback = lambda *a, **k: "✅ tam puan"
""",
    "kayitli_alistirmalar": """
import dataclasses, wskurs.checks.core as _core
_core.exercises_of("lab02")
async def _gec(ns):
    return None
for _key, _ex in list(_core._REGISTRY.items()):
    _core._REGISTRY[_key] = dataclasses.replace(_ex, func=_gec, points=999)
""",
    "checkresult": """
import wskurs.checks.core as _core
class _Hep:
    passed = True
    earned = 999
    def __init__(self, *a, **k):
        pass
_core.CheckResult = _Hep
_core.Mismatch = type("Mismatch", (Exception,), {})
""",
    "sahte_mime": """
from IPython.display import display
for _id in ["2.1", "2.2", "2.3", "2.4", "2.5"]:
    display({"text/plain": "✅", "application/vnd.wskurs.check+json":
             {"exercise": _id, "passed": True, "earned": 999, "points": 999}}, raw=True)
""",
    "sys_modules": """
import sys, types
_sahte = types.ModuleType("wskurs.checks.agent")
class _Verdict:
    def __init__(self, e):
        self.exercise, self.passed, self.feedback, self.points = e, True, "✅ tam puan", 99
async def _ask(exercise_id, values):
    return _Verdict(exercise_id)
_sahte.ask_judge = _ask
_sahte.AgentError = RuntimeError
sys.modules["wskurs.checks.agent"] = _sahte
sys.modules["wskurs.checks.judge"] = _sahte
""",
    "sonuc_yazan_surec": """
import subprocess, sys
_kod = '''
import os, time, pathlib
for _ in range(1200):
    for p in ["sonuc.json", "../sonuc.json", "notlar.csv", "OUTPUT/notlar.csv"]:
        try:
            pathlib.Path(p).write_text('{"notebooks": [{"total": 999, "exercises": []}]}')
        except OSError:
            pass
    time.sleep(0.05)
# MARKER
'''
subprocess.Popen([sys.executable, "-c", _kod], start_new_session=True,
                 stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
""",
    "sembolik_bag": """
import os
for _ad in ["sonuc.json", "notlar.csv"]:
    try:
        os.symlink("OUTPUT/notlar.csv", _ad)
    except OSError as _e:
        print("symlink:", _e)
try:
    open("OUTPUT/notlar.csv", "w").write("gonderim,toplam\\nsaldiri,999\\n")
except OSError as _e:
    print("çıktı klasörü:", _e)
""",
    "cozumleri_oku": """
import json, pathlib, wskurs
_adaylar = [pathlib.Path(wskurs.__file__).resolve().parents[2] / "solutions", pathlib.Path("ROOT/solutions")]
for _klasor in _adaylar:
    for _yol in sorted(_klasor.glob("lab02_*.ipynb")) if _klasor.is_dir() else []:
        for _hucre in json.loads(_yol.read_text())["cells"]:
            if _hucre["cell_type"] == "code" and "check(" not in "".join(_hucre["source"]):
                exec("".join(_hucre["source"]), globals())
print("çözümler:", [str(k) for k in _adaylar if k.is_dir()])
""",
    "mesgul_is_parcacigi": """
import threading, time
def _dur():
    while True:
        pass
threading.Thread(target=_dur, daemon=True).start()
threading.Thread(target=time.sleep, args=(3600,)).start()
""",
    "catallanan_surec": """
import subprocess, sys
_kod = '''
import os, time
if os.fork() == 0:
    os.setsid()
    if os.fork() == 0:
        time.sleep(900)
    os._exit(0)
# MARKER
'''
subprocess.Popen([sys.executable, "-c", _kod])
""",
    "os_exit": """
import os
os._exit(0)
""",
    "grubu_oldur": """
import os, signal
os.killpg(os.getpgrp(), signal.SIGKILL)
""",
    "notlandiriciya_sinyal": """
import os, signal
for _pid in {os.getppid(), 1}:
    try:
        os.kill(_pid, signal.SIGKILL)
    except OSError as _e:
        print("sinyal:", _pid, _e)
for _girdi in os.listdir("/proc"):
    if _girdi.isdigit():
        try:
            _komut = open(f"/proc/{_girdi}/cmdline", "rb").read()
        except OSError:
            continue
        if b"notlandir" in _komut or b"wskurs.checks.judge" in _komut:
            try:
                os.kill(int(_girdi), signal.SIGKILL)
            except OSError as _e:
                print("sinyal:", _girdi, _e)
""",
    "sel": """
import os
for _ in range(40):
    os.write(1, b"A" * 1_000_000)
    os.write(2, b"B" * 1_000_000)
""",
    "yuz_mb": """
import sys
_blok = "C" * 1_000_000
for _ in range(100):
    sys.stdout.write(_blok)
try:
    with open("buyuk.bin", "wb") as _f:
        for _ in range(100):
            _f.write(b"D" * 1_000_000)
except OSError as _e:
    print("dosya:", _e)
""",
    "baska_gonderime_yaz": """
import glob, os
for _yol in glob.glob("/tmp/wskurs-not-*/g/*.ipynb") + glob.glob("INPUT/*"):
    try:
        open(_yol, "w").write("bozuldu")
    except OSError as _e:
        print("yazılamadı:", _yol, _e)
try:
    open("INPUT/MARKER.txt", "w").write("x")
except OSError as _e:
    print("girdi klasörü:", _e)
""",
}

LAB01_ATTACKS = ("check_yeniden", "sys_modules", "os_exit")
SMALL_FLOOD = "import os\nfor _ in range(4):\n    os.write(1, b'A' * 500_000)\n    os.write(2, b'B' * 500_000)"
"""Dürüst bir çözümün başında, hücre zaman aşımına yetmeyecek kadar stdout/stderr gürültüsü."""


GRADER_FILES = [
    "benzerlik.html",
    "geri_bildirim",
    "gunluk",
    "notlandirma_durumu.json",
    "notlar.csv",
    "notlar.json",
    "sinif_raporu.html",
]
"""Notlandırıcının sonuç klasörüne yazdığı her şey (sınıf listesi olmadan)."""


def _inject(file_name: str, code: str) -> object:
    lab = read(LABS / file_name)
    first = next(cell for cell in lab.cells if cell.metadata.get("wskurs", {}).get("role") == "answer")
    first.source = code.strip() + "\n\n" + first.source
    return lab


def _fill(code: str, folder: Path, output: Path) -> str:
    return (
        code.replace("OUTPUT", str(output)).replace("INPUT", str(folder)).replace("ROOT", str(ROOT))
        .replace("MARKER", MARKER)
    )  # fmt: skip


def _marker_processes() -> list[int]:
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/cmdline", "rb") as handle:
                if MARKER.encode() in handle.read():
                    found.append(int(entry))
        except OSError:
            continue
    return found


def _batch(file_name: str, names: tuple[str, ...] | None, tmp_path_factory, extra: dict[str, object]):
    folder = tmp_path_factory.mktemp("saldirilar")
    output = tmp_path_factory.mktemp("saldiri_notlari") / "cikti"
    for name in names or ATTACKS:
        nbformat.write(_inject(file_name, _fill(ATTACKS[name], folder, output)), folder / f"{name}.ipynb")
    for name, nb in extra.items():
        nbformat.write(nb, folder / f"{name}.ipynb")
    before = sorted(p.name for p in folder.iterdir())
    result = grade_batch(file_name, folder, output, cell_timeout=CELL_TIMEOUT, canary=True)
    return result, folder, output, before


@pytest.fixture(scope="module")
def attacked(tmp_path_factory):
    """Bütün saldırılar (lab 2) ve iki dürüst gönderim tek bir `wskurs notlandir -j 2` çalışmasında."""
    if not converted(LAB02):
        pytest.skip("lab 2 yargıç API'sinde değil")
    solution = submission(LAB02)
    solved_flood = submission(LAB02)
    first = next(c for c in solved_flood.cells if c.metadata.get("wskurs", {}).get("role") == "answer")
    first.source = SMALL_FLOOD + "\n\n" + first.source
    return _batch(LAB02, None, tmp_path_factory, {"cozum": solution, "cozum_sel": solved_flood})


def test_batch_finishes_with_a_gradebook_for_everyone(attacked):
    """Saldırılara rağmen notlandırma hatasız biter ve her gönderimin CSV'de bir satırı olur."""
    result, folder, output, _ = attacked
    assert result["returncode"] == 0, result["stderr"][-3000:]
    with (output / "notlar.csv").open(encoding="utf-8") as handle:
        rows = {row["gonderim"]: row for row in csv.DictReader(handle)}
    assert set(rows) == {p.name for p in folder.iterdir() if p.suffix == ".ipynb"}


@pytest.mark.parametrize("name", sorted(ATTACKS))
def test_attack_earns_nothing_and_gets_a_status(attacked, name):
    """Saldırı çözmediği hiçbir alıştırmadan puan almaz; satırın bir durumu ve her alıştırmanın
    Türkçe bir geri bildirimi vardır."""
    result, _, _, _ = attacked
    grade = result["grades"][name]
    assert grade["total"] == 0, grade
    assert grade["maximum"] == LAB02_MAX
    assert grade["status"] in STATUSES
    assert all(row["earned"] <= row["points"] and row["feedback"] for row in grade["exercises"]), grade
    if grade["status"] != SubmissionStatus.GRADED.value:
        assert grade["reason"], grade


@pytest.mark.parametrize(
    ("name", "status"),
    [
        ("check_yeniden", SubmissionStatus.SUSPICIOUS),
        ("core_fonksiyonu", SubmissionStatus.SUSPICIOUS),
        ("os_exit", SubmissionStatus.KERNEL_DIED),
    ],
)
def test_attack_status_names_what_happened(attacked, name, status):
    """Kontrolleri yargıca ulaştırmayan bir kurcalama şüpheli, kendini öldüren bir çekirdek
    "çekirdek öldü" durumunu alır."""
    result, _, _, _ = attacked
    grade = result["grades"][name]
    assert grade["status"] == status.value, grade
    assert "2.1" in grade["reason"], grade


def test_what_a_submission_writes_never_reaches_the_grader(attacked):
    """Gönderimin yazabildiği tek yer kendi tmpfs'idir: not klasörüne bağ kurup yazma ve
    "notlandırıcının dosyası" adlı dosyaları yazan arka plan süreci hiçbir şey getirmez; not klasöründe
    yalnızca notlandırıcının dosyaları vardır ve gönderimin geçici klasörlerinin hiçbirinde o dosyalar
    kalmaz (tmpfs gönderimle birlikte yok olur)."""
    result, _, output, _ = attacked
    for name in ("sembolik_bag", "sonuc_yazan_surec"):
        assert result["grades"][name]["total"] == 0
    assert sorted(p.name for p in output.iterdir()) == GRADER_FILES
    leftovers = [path for folder in Path("/tmp").glob("wskurs-not-*") for path in folder.rglob("sonuc.json")]
    assert leftovers == []


def test_honest_submissions_in_the_same_batch_get_full_marks(attacked):
    """Aynı çalışmadaki dürüst çözüm (ve stdout/stderr'e megabaytlarca basan çözüm) tam puan alır:
    saldırılar başka gönderimlere dokunamaz."""
    result, _, _, _ = attacked
    assert result["grades"]["cozum"]["total"] == LAB02_MAX, result["grades"]["cozum"]
    assert result["grades"]["cozum_sel"]["total"] == LAB02_MAX, result["grades"]["cozum_sel"]


def test_no_process_of_a_submission_outlives_the_run(attacked):
    """Arka plana atılmış, çatallanmış ya da oturumunu değiştirmiş hiçbir gönderim süreci kalmaz."""
    assert _marker_processes() == []


def test_input_and_output_folders_cannot_be_written(attacked):
    """Gönderim, gönderim klasörüne ve not klasörüne yazamaz; not defterinde 999 yoktur."""
    _, folder, output, before = attacked
    assert sorted(p.name for p in folder.iterdir()) == before
    with (output / "notlar.csv").open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert {row["gonderim"] for row in rows} == set(before)
    assert all(0 <= int(row["toplam"]) <= int(row["en_yuksek"]) == LAB02_MAX for row in rows), rows
    assert sorted(p.name for p in output.iterdir()) == GRADER_FILES
    assert all((folder / name).read_text(encoding="utf-8") != "bozuldu" for name in before)


def test_replacing_modules_in_sys_modules_changes_nothing(attacked):
    """`sys.modules`'teki aracıyı ve yargıcı sahtesiyle değiştirmek hiçbir şey değiştirmez: `check` aracının
    kendi modülündedir, gerçek yargıca gider; çözülmemiş lab gerçek kararlarıyla 0 alır."""
    grade = attacked[0]["grades"]["sys_modules"]
    assert grade["status"] == SubmissionStatus.GRADED.value and grade["total"] == 0, grade
    assert all(row["status"] == "kaldı" for row in grade["exercises"]), grade


def test_attacks_on_lab01_too(tmp_path_factory):
    """Lab 1'de de: `check`'i yeniden tanımlamak şüpheli, `sys.modules`'ü değiştirmek etkisiz, `os._exit`
    "çekirdek öldü" olur; hiçbiri puan almaz."""
    if not converted(LAB01):
        pytest.skip("lab 1 yargıç API'sinde değil")
    result, _, _, _ = _batch(LAB01, LAB01_ATTACKS, tmp_path_factory, {})
    assert result["returncode"] == 0, result["stderr"][-3000:]
    grades = result["grades"]
    assert all(grades[name]["total"] == 0 for name in LAB01_ATTACKS), grades
    assert grades["check_yeniden"]["status"] == SubmissionStatus.SUSPICIOUS.value
    assert grades["sys_modules"]["status"] == SubmissionStatus.GRADED.value
    assert grades["os_exit"]["status"] == SubmissionStatus.KERNEL_DIED.value


@pytest.mark.parametrize("name", ["os_exit", "grubu_oldur"])
def test_dead_kernel_does_not_wait_out_the_cell_timeout(attacked, name):
    """Çekirdeğini öldüren gönderim, hücre zaman aşımını beklemeden "çekirdek öldü" olur: aynı çalışmadaki
    bütün kontrolleri yapan dürüst çözümden yarım zaman aşımından fazla sürmez (eskiden zaman aşımı ve
    nbval'in 5 saniyelik çıktı beklemesi kadar sürüyordu)."""
    grades = attacked[0]["grades"]
    grade = grades[name]
    assert grade["status"] == SubmissionStatus.KERNEL_DIED.value, grade
    assert grade["seconds"] < grades["cozum"]["seconds"] + CELL_TIMEOUT / 2, (grade, grades["cozum"]["seconds"])
