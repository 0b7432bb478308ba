"""Gönderimi yalıtan parçalar: hangi korumaların yazıldığı, komutun neyi bağladığı, gerçek bir
yalıtılmış sürecin neyi göremediği, çıktı sınırı ve hiç hata fırlatmayan temizlik."""

from __future__ import annotations

import contextlib
import io
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from wskurs.engine.timing import scaled
from wskurs.grading.cgroup import CgroupRoot
from wskurs.grading.sandbox import (
    KERNEL_MODULES,
    Limits,
    OutputCapture,
    Sandbox,
    _package_dir,
    detect,
    kill_uid,
    remove_tree,
    uid_slot,
)

ROOT = Path(__file__).resolve().parents[1]


def _box(**kwargs) -> Sandbox:
    values = {"root": False, "bwrap": None, "prlimit": "/usr/bin/prlimit", "setpriv": None} | kwargs
    return Sandbox(**values)


def test_protections_are_described_in_turkish_one_per_line():
    """Etkin korumalar satır satır yazılır; kapalı ağ ve cgroup bütçesi varsa söylenir, yoksa ⚠️ ile
    açıkça; hiçbiri yoksa ya da kapatıldıysa ⚠️ ile."""
    groups = CgroupRoot(1, Path("/sys/fs/cgroup/memory"), Path("/sys/fs/cgroup/pids"))
    full = _box(root=True, bwrap="/usr/bin/bwrap", setpriv="/usr/bin/setpriv", network=True, cgroups=groups)
    lines = full.describe()
    assert any("ayrı, ayrıcalıksız" in line for line in lines) and any("bubblewrap" in line for line in lines)
    assert any("kendi ağında" in line for line in lines) and any("cgroup v1" in line for line in lines)
    assert not any(line.startswith("⚠️") for line in lines)
    bare = _box(prlimit=None).describe()
    assert any(line.startswith("⚠️") and "korumasız" in line for line in bare)
    assert any(line.startswith("⚠️") and "Ağ kapatılamıyor" in line for line in bare)
    assert any(line.startswith("⚠️") and "cgroup yok" in line for line in bare)
    off = _box(root=True, bwrap="/usr/bin/bwrap", setpriv="/usr/bin/setpriv", disabled=True).describe()
    assert off == [off[0]] and off[0].startswith("⚠️")
    uid_only = _box(root=True, setpriv="/usr/bin/setpriv").describe()
    assert any("bubblewrap yok" in line for line in uid_only)


def test_command_shows_only_the_kernels_modules_and_writes_only_to_tmpfs():
    """bubblewrap komutu kursun kök klasörünü, çözümleri, testleri ve kontrol modüllerini bağlamaz;
    wskurs paketinden yalnızca ``KERNEL_MODULES``; yazılabilir bağ yoktur (klasör, /tmp ve /dev/shm
    boyu sınırlı tmpfs); defter salt okunur; ayrı süreç ad alanı, kaynak sınırları ve ayrı uid vardır."""
    box = _box(root=True, bwrap="/usr/bin/bwrap", setpriv="/usr/bin/setpriv")
    folder = Path("/tmp/wskurs-not-deneme/g")
    notebook = Path("/tmp/wskurs-not-deneme/lab01_gonderim.ipynb")
    command = box.command(["python", "-V"], folder, 61234, notebook=notebook)
    binds = [command[i + 1] for i, arg in enumerate(command) if arg in ("--ro-bind", "--bind")]
    assert str(ROOT) not in binds and str(ROOT / "solutions") not in binds and str(ROOT / "tests") not in binds
    package = _package_dir()
    assert str(package) not in binds and str(package.parent) not in binds
    assert not any("checks/lab0" in bind for bind in binds) and not any("grading/batch" in bind for bind in binds)
    assert str(package / "checks" / "agent.py") in binds and str(package / "engine") in binds
    assert "--bind" not in command and str(notebook) in binds
    tmpfs = [command[i + 1] for i, arg in enumerate(command) if arg == "--tmpfs"]
    assert {"/tmp", "/dev/shm", str(folder), str(package)} <= set(tmpfs)
    assert command.count("--size") >= 3 and str(Limits().disk) in command
    assert "--unshare-pid" in command and "--die-with-parent" in command
    assert any(arg.startswith("--fsize=") for arg in command) and "--reuid=61234" in command
    assert command[-2:] == ["python", "-V"]
    assert all((package / relative).exists() for relative in KERNEL_MODULES)


def test_helper_programs_outside_the_view_are_bound_by_their_real_path(tmp_path):
    """``PATH``'teki yardımcı program yalıtılmış görünümün dışında bir yerdeyse (ör. /opt'ta) gerçek yolu
    salt okunur bağlanır: bubblewrap onu bulabilir."""
    tool = str(tmp_path / "araclar" / "prlimit")
    box = _box(root=True, bwrap="/usr/bin/bwrap", prlimit=tool)
    command = box.command(["python", "-V"], Path("/tmp/x/g"), None)
    binds = [command[i + 1] for i, arg in enumerate(command) if arg == "--ro-bind"]
    assert tool in binds


@pytest.mark.skipif(not detect().uses_bwrap and not detect().separate_uid, reason="ne bubblewrap ne root")
def test_a_sandboxed_process_cannot_see_the_course_or_signal_the_grader(tmp_path):
    """Gerçek yalıtılmış bir süreç çözümleri okuyamaz, kendi klasörü dışına yazamaz, notlandırıcıya
    sinyal gönderemez, dosya boyu sınırını aşamaz; kendi klasörüne yazabilir."""
    box = detect()
    folder = tmp_path / "g"
    folder.mkdir()
    probe = f"""
import os, signal, importlib
for name in ("wskurs.checks.lab01", "wskurs.grading.batch", "wskurs.checks.judge"):
    try:
        importlib.import_module(name)
        print(name, True)
    except ImportError:
        print(name, False)
open("/dev/shm/sem.deneme", "w").write("x")
print("shm", os.path.exists("/dev/shm/sem.deneme"))
solutions = {str(ROOT / "solutions")!r}
print("cozum", os.path.isdir(solutions) and bool(os.listdir(solutions)))
try:
    open({str(ROOT / "yazildi.txt")!r}, "w")
    print("disari", True)
except OSError:
    print("disari", False)
try:
    os.kill({os.getpid()}, signal.SIGTERM)
    print("sinyal", True)
except OSError:
    print("sinyal", False)
try:
    with open("buyuk.bin", "wb") as f:
        f.write(b"x" * {Limits().file_size + 1024})
    print("buyuk", True)
except OSError:
    print("buyuk", False)
open("kendi.txt", "w").write("tamam")
print("kendi", open("kendi.txt").read())
print("uid", os.getuid())
"""
    # uid yuvaları yalnızca root'un (ayrı uid yalnızca root ile kullanılır; kilit klasörü root'undur).
    with uid_slot() if box.separate_uid else contextlib.nullcontext(None) as uid:
        if uid is not None:
            os.chown(folder, uid, uid)
        command = box.command([sys.executable, "-c", probe], folder, uid)
        result = subprocess.run(command, capture_output=True, text=True, timeout=scaled(120), cwd=folder)
    seen = dict(line.split(" ", 1) for line in result.stdout.split("\n") if " " in line)
    assert seen.get("cozum") == "False" and seen.get("disari") == "False", result
    assert seen.get("sinyal") == "False" and seen.get("buyuk") == "False", result
    assert seen.get("kendi") == "tamam" and seen.get("shm") == "True", result
    if box.uses_bwrap:
        # Kontrol modülleri ve notlandırıcı görünmez; yazılanlar tmpfs'te kaldı, diske inmedi.
        assert [seen.get(n) for n in ("wskurs.checks.lab01", "wskurs.grading.batch", "wskurs.checks.judge")] == [
            "False",
            "False",
            "False",
        ], result
        assert list(folder.iterdir()) == []
    assert not (ROOT / "yazildi.txt").exists()
    if box.separate_uid:
        assert seen.get("uid") == str(uid)


def test_output_is_read_with_a_byte_cap():
    """Çok büyük bir çıktının yalnızca başı ve sonu tutulur; atlanan bayt sayısı yazılır."""
    stream = io.BufferedReader(io.BytesIO(b"A" * 5_000_000 + b"SON"))  # type: ignore[arg-type]
    capture = OutputCapture(stream, 64 * 1024)
    text = capture.text()
    assert len(text) < 70 * 1024 and text.startswith("A" * 1024) and text.endswith("SON")
    assert f"[… {5_000_003 - 64 * 1024} bayt çıktı atlandı …]" in text


def test_cleanup_never_raises(tmp_path):
    """Klasör silme hiçbir durumda istisna fırlatmaz: olmayan klasör, salt okunur alt klasör."""
    assert remove_tree(tmp_path / "yok") == ""
    tree = tmp_path / "agac"
    (tree / "kilitli").mkdir(parents=True)
    (tree / "kilitli" / "dosya").write_text("x")
    os.chmod(tree / "kilitli", 0o500)
    assert remove_tree(tree) == "" and not tree.exists()


@pytest.mark.skipif(os.geteuid() != 0, reason="uid yuvaları yalnızca root ile kullanılır")
def test_killing_an_unused_uid_is_harmless():
    """Süreci olmayan bir uid'yi temizlemek 0 (kalan süreç yok) döndürür ve verilen sürenin dolmasını
    beklemeden hemen biter. uid kilitli bir yuvadan alınır: aynı anda notlandırılan bir gönderimin
    uid'si olamaz (sabit bir uid, o an onu kullanan gönderimin süreçlerini öldürebilirdi)."""
    with uid_slot() as uid:
        started = time.monotonic()
        assert kill_uid(uid, seconds=scaled(5)) == 0
        assert time.monotonic() - started < scaled(1)
