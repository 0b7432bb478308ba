"""Gönderim başına tek bir kaynak bütçesi: Linux cgroup'ları (v1 ve v2).

Süreç başına sınırlar (``prlimit``) bir gönderimi durdurmaz: birkaç süreç her biri sınırın altında
kalarak, ``memfd_create`` dosyalarıyla ya da tmpfs'e yazarak makinenin belleğini doldurabilir.
Bir cgroup gönderimin *bütün* süreçlerini birlikte sayar: bellek (anonim bellek, tmpfs ve memfd
sayfaları dahil; takas kapalı) ve süreç/iş parçacığı sayısı. Sınır aşılırsa çekirdek yalnızca o
gönderimin bir sürecini öldürür; notlandırma bunu ``memory_exceeded`` ile görür.

Bir süreç cgroup'a kendisi girer (``enter``: ``/bin/sh`` kendi pid'ini ``cgroup.procs``'a yazar, sonra
asıl komutu ``exec`` eder): ondan doğan her süreç baştan içeridedir, arada kaçan olmaz.

Bakımlı bir Python kütüphanesi hem v1 hem v2'yi kapsamadığı için (``cgroupspy`` yalnız v1)
arayüz doğrudan çekirdeğin cgroup dosya sistemidir: klasör açmak ve birkaç dosyaya yazmak.

- **v1** (bu makinedeki gibi ``/sys/fs/cgroup/memory`` ve ``/sys/fs/cgroup/pids`` ayrı bağlı): her
  denetleyicide notlandırıcının kendi cgroup'unun altında bir klasör.
- **v2** (systemd'li bir makinedeki gibi tek hiyerarşi): notlandırıcının cgroup'unun altında bir
  klasör. v2'de süreci olan bir cgroup denetleyicilerini alt klasörlere açamaz ("iç süreç yok"
  kuralı): gerekirse notlandırıcı kendi cgroup'unun altındaki bir yaprağa (``wskurs-notlandirici``)
  taşınır, sonra ``+memory +pids`` açılır.
"""

from __future__ import annotations

import contextlib
import errno
import os
import secrets
import signal
import time
from dataclasses import dataclass
from pathlib import Path

__all__ = ["Cgroup", "CgroupRoot", "find_root"]

_ROOT = Path("/sys/fs/cgroup")
_ENTER = 'for f; do [ "$f" = -- ] && break; echo 0 > "$f" || exit 126; shift; done; shift; exec "$@"'


def _own_paths() -> dict[str, str]:
    """``/proc/self/cgroup``: denetleyici → bu sürecin cgroup yolu (v2 için anahtar ``""``)."""
    paths: dict[str, str] = {}
    with contextlib.suppress(OSError):
        for line in Path("/proc/self/cgroup").read_text().splitlines():
            _, controllers, path = line.split(":", 2)
            for name in controllers.split(",") if controllers else [""]:
                paths[name] = path
    return paths


@dataclass(frozen=True)
class CgroupRoot:
    """Gönderim cgroup'larının açılacağı yerler: v1'de denetleyici başına bir, v2'de tek klasör."""

    version: int
    memory: Path
    pids: Path

    def create(self, memory: int, processes: int) -> Cgroup:
        """Yeni bir gönderim cgroup'u açar ve sınırlarını yazar.

        Raises:
            OSError: cgroup açılamadıysa ya da sınır yazılamadıysa.
        """
        name = f"wskurs-{os.getpid()}-{secrets.token_hex(4)}"
        folders = [self.memory / name] if self.version == 2 else [self.memory / name, self.pids / name]
        made: list[Path] = []
        try:
            for folder in folders:
                folder.mkdir()
                made.append(folder)
            group = Cgroup(self.version, tuple(made))
            group.limit(memory, processes)
            return group
        except OSError:
            for folder in reversed(made):
                with contextlib.suppress(OSError):
                    folder.rmdir()
            raise


def _writable(folder: Path) -> bool:
    probe = folder / f"wskurs-deneme-{secrets.token_hex(4)}"
    try:
        probe.mkdir()
    except OSError:
        return False
    with contextlib.suppress(OSError):
        probe.rmdir()
    return True


def _v2_root() -> CgroupRoot | None:
    own = _own_paths().get("")
    if own is None or not (_ROOT / "cgroup.controllers").exists():
        return None
    base = _ROOT / own.lstrip("/")
    wanted = {"memory", "pids"}
    try:
        enabled = set((base / "cgroup.subtree_control").read_text().split())
        if not wanted <= enabled:
            available = set((base / "cgroup.controllers").read_text().split())
            if not wanted <= available:
                return None
            try:
                (base / "cgroup.subtree_control").write_text("+memory +pids")
            except OSError as exc:
                if exc.errno != errno.EBUSY:
                    return None
                # İç süreç yok kuralı: notlandırıcı kendi cgroup'unun altındaki bir yaprağa geçer.
                leaf = base / "wskurs-notlandirici"
                leaf.mkdir(exist_ok=True)
                for pid in (base / "cgroup.procs").read_text().split():
                    with contextlib.suppress(OSError):
                        (leaf / "cgroup.procs").write_text(pid)
                (base / "cgroup.subtree_control").write_text("+memory +pids")
    except OSError:
        return None
    return CgroupRoot(2, base, base) if _writable(base) else None


def _v1_root() -> CgroupRoot | None:
    own = _own_paths()
    folders = []
    for controller in ("memory", "pids"):
        mount = _ROOT / controller
        if controller not in own or not (mount / "cgroup.procs").exists():
            return None
        folder = mount / own[controller].lstrip("/")
        if not _writable(folder):
            return None
        folders.append(folder)
    return CgroupRoot(1, folders[0], folders[1])


def find_root() -> CgroupRoot | None:
    """Bu makinede gönderim cgroup'ları açılabiliyorsa nerede; açılamıyorsa ``None`` (root değil, cgroup
    dosya sistemi salt okunur ya da bellek/süreç denetleyicisi yok)."""
    if not hasattr(os, "geteuid") or os.geteuid() != 0:
        return None
    return _v2_root() or _v1_root()


@dataclass(frozen=True)
class Cgroup:
    """Bir gönderimin cgroup'u (v1'de bellek ve süreç klasörleri, v2'de tek klasör)."""

    version: int
    folders: tuple[Path, ...]

    def _write(self, name: str, value: str, *, required: bool = True) -> None:
        for folder in self.folders:
            path = folder / name
            if path.exists():
                path.write_text(value)
                return
        if required:
            raise OSError(errno.ENOENT, f"cgroup dosyası yok: {name}")

    def _read(self, name: str) -> str:
        for folder in self.folders:
            path = folder / name
            with contextlib.suppress(OSError):
                return path.read_text()
        return ""

    def limit(self, memory: int, processes: int) -> None:
        if self.version == 2:
            self._write("memory.max", str(memory))
            self._write("memory.swap.max", "0", required=False)
            self._write("pids.max", str(processes))
        else:
            self._write("memory.limit_in_bytes", str(memory))
            # Takas da sayılsın: sınır takasa taşarak aşılamaz (takas hesabı açıksa dosya vardır).
            self._write("memory.memsw.limit_in_bytes", str(memory), required=False)
            self._write("pids.max", str(processes))

    def enter(self, command: list[str]) -> list[str]:
        """``command``'ı bu cgroup'un içinde başlatan komut satırı (süreç ``exec``'ten önce girer)."""
        procs = [str(folder / "cgroup.procs") for folder in self.folders]
        return ["/bin/sh", "-c", _ENTER, "sh", *procs, "--", *command]

    def pids(self) -> list[int]:
        found: set[int] = set()
        for folder in self.folders:
            with contextlib.suppress(OSError, ValueError):
                found.update(int(pid) for pid in (folder / "cgroup.procs").read_text().split())
        return sorted(found)

    def memory_exceeded(self) -> bool:
        """Bellek sınırına dayanıldı mı (çekirdek bir süreci öldürdü ya da ayırmayı geri çevirdi)."""
        if self.version == 2:
            for line in self._read("memory.events").splitlines():
                key, _, value = line.partition(" ")
                if key in ("oom_kill", "max") and value.strip() not in ("", "0"):
                    return True
            return False
        for line in self._read("memory.oom_control").splitlines():
            key, _, value = line.partition(" ")
            if key == "oom_kill" and value.strip() not in ("", "0"):
                return True
        return self._read("memory.failcnt").strip() not in ("", "0")

    def processes_exceeded(self) -> bool:
        """Süreç sınırına dayanıldı mı (``fork`` geri çevrildi)."""
        for line in self._read("pids.events").splitlines():
            key, _, value = line.partition(" ")
            if key == "max" and value.strip() not in ("", "0"):
                return True
        return False

    def peak_memory(self) -> int:
        text = self._read("memory.peak" if self.version == 2 else "memory.max_usage_in_bytes").strip()
        return int(text) if text.isdigit() else 0

    def kill_all(self, seconds: float = 5.0) -> int:
        """İçerideki bütün süreçleri öldürür; kalan süreç sayısını döndürür (0 olmalı)."""
        deadline = time.monotonic() + seconds
        kill_file = self.folders[0] / "cgroup.kill"
        while True:
            pids = self.pids()
            if not pids or time.monotonic() > deadline:
                return len(pids)
            if kill_file.exists():
                with contextlib.suppress(OSError):
                    kill_file.write_text("1")
            else:
                # v1: "freezer" olmadan da her turda yeni doğanlar yakalanır; pids.max çatallanmayı sınırlar.
                for pid in pids:
                    with contextlib.suppress(ProcessLookupError, PermissionError):
                        os.kill(pid, signal.SIGKILL)
            time.sleep(0.02)

    def remove(self) -> str:
        """Süreçleri öldürür ve cgroup'u siler. Boş metin ya da Türkçe bir not döndürür."""
        left = self.kill_all()
        problems = []
        for folder in self.folders:
            for _ in range(50):
                try:
                    folder.rmdir()
                    break
                except FileNotFoundError:
                    break
                except OSError:
                    time.sleep(0.02)
            else:
                problems.append(str(folder))
        if left or problems:
            return f"Gönderimin cgroup'u temizlenemedi ({left} süreç kaldı): {', '.join(problems) or '-'}"
        return ""
