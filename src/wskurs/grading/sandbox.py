"""Toplu notlandırmada bir gönderimin süreçlerini notlandırıcıdan yalıtmak.

Hangi korumanın kullanılacağı makineye bağlıdır (``detect``):

- **bubblewrap** (``bwrap``, Debian paketi ``bubblewrap``) varsa gönderim yeni bir dosya sistemi
  görünümünde çalışır: yalnızca Python, sanal ortam ve ``wskurs`` paketi salt okunur bağlanır;
  çözümler, başka gönderimler, gönderim ve not klasörleri görünmez; tek yazılabilir yer kendi
  klasörüdür. Ayrı bir süreç ad alanı (``--unshare-pid``): notlandırıcının süreçleri görünmez,
  gönderimin son süreci bitince geride kalan (arka plana atılmış) her süreç çekirdek tarafından
  öldürülür.
- Notlandırıcı **root** ise gönderim her çalışmada ayrı, ayrıcalıksız bir kullanıcı kimliğiyle
  (uid/gid, ek grup yok, yetenek yok) çalışır; bitince o uid'nin bütün süreçleri öldürülür.
- Her durumda kaynak sınırları (``prlimit``): dosya boyu, bellek, (root ise) süreç sayısı;
  çıktı en fazla belli bir bayt okunur.
- Hiçbiri yoksa gönderim korumasız çalışır ve bu açıkça yazılır.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import shutil
import signal
import site
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

__all__ = ["Limits", "OutputCapture", "Sandbox", "detect", "kill_uid", "remove_tree", "uid_slot"]

UID_BASE = 61000
UID_SLOTS = 2000
_LOCK_DIR = Path("/tmp/wskurs-uid-kilitleri")


@dataclass(frozen=True)
class Limits:
    """Bir gönderimin kaynak sınırları."""

    file_size: int = 32 * 1024 * 1024
    """Yazılabilecek en büyük dosya (bayt): 100 MB'lık bir çıktı diski dolduramaz."""
    memory: int = 6 * 1024 * 1024 * 1024
    """Bir sürecin adres alanı (bayt)."""
    processes: int = 512
    """Gönderimin uid'sinin en fazla süreç/iş parçacığı sayısı (yalnızca ayrı uid ile)."""
    output: int = 256 * 1024
    """Gönderimin çıktısından okunan en fazla bayt (baştan ve sondan yarısı)."""


@dataclass
class Sandbox:
    """Bu makinede kullanılabilen korumalar."""

    root: bool
    bwrap: str | None
    prlimit: str | None
    setpriv: str | None
    disabled: bool = False
    limits: Limits = field(default_factory=Limits)
    uid_reachable: bool = True
    """Ayrı uid Python'a ulaşabiliyor mu (bubblewrap yokken yorumlayıcı root'un ev klasöründe olabilir)."""

    @property
    def separate_uid(self) -> bool:
        return self.root and not self.disabled and self.setpriv is not None and self.uid_reachable

    @property
    def uses_bwrap(self) -> bool:
        return self.bwrap is not None and not self.disabled

    def describe(self) -> list[str]:
        """Etkin korumalar, Türkçe, her biri bir satır."""
        if self.disabled:
            return ["⚠️  Yalıtım kapalı (--yalitimsiz): gönderimler notlandırıcının kullanıcısıyla, korumasız çalışır."]
        lines = []
        if self.separate_uid:
            lines.append("✅ Her gönderim ayrı, ayrıcalıksız bir kullanıcı kimliğiyle (uid) çalışır.")
        if self.uses_bwrap:
            lines.append(
                "✅ bubblewrap: salt okunur dosya sistemi, çözümler/başka gönderimler/not klasörü görünmez, "
                "yalnızca kendi klasörü yazılabilir, ayrı süreç ad alanı."
            )
        if self.prlimit:
            limit = self.limits
            lines.append(
                f"✅ Kaynak sınırları: dosya en çok {limit.file_size // (1024 * 1024)} MB, bellek "
                f"{limit.memory // (1024**3)} GB" + (f", en çok {limit.processes} süreç" if self.separate_uid else "")
            )
        if self.root and not self.separate_uid:
            lines.append(
                "⚠️  Root olarak çalışılıyor ama ayrı uid kullanılamıyor (setpriv yok ya da Python ayrı uid'ye "
                "kapalı bir klasörde): gönderimler root olarak çalışır."
            )
        lines.append(f"✅ Çıktı en çok {self.limits.output // 1024} KB okunur; not yalnızca yargıcın kaydından gelir.")
        lines.append("✅ Bittiğinde ya da zaman aşımında gönderimin bütün süreçleri öldürülür, klasörü silinir.")
        if not self.separate_uid and not self.uses_bwrap:
            lines.append(
                "⚠️  Ne root ne bubblewrap: gönderimler notlandırıcının kullanıcısıyla, korumasız çalışır "
                "(dosyalarınıza yazabilir, süreçlerinize sinyal gönderebilir). `apt-get install bubblewrap` önerilir."
            )
        elif not self.uses_bwrap:
            lines.append("⚠️  bubblewrap yok: gönderim dünyaca okunabilir dosyaları (ör. solutions/) okuyabilir.")
        return lines

    # Komut ------------------------------------------------------------------------

    def command(self, inner: list[str], folder: Path, uid: int | None) -> list[str]:
        """``inner`` komutunu bu korumalarla saran komut satırı."""
        command = list(inner)
        if self.separate_uid and uid is not None and self.setpriv:
            command = [
                self.setpriv, f"--reuid={uid}", f"--regid={uid}", "--clear-groups",
                "--inh-caps=-all", "--bounding-set=-all", "--", *command,
            ]  # fmt: skip
        if self.prlimit and not self.disabled:
            limit = self.limits
            limits = [f"--fsize={limit.file_size}", f"--as={limit.memory}", "--core=0"]
            if self.separate_uid:
                limits.append(f"--nproc={limit.processes}")
            command = [self.prlimit, *limits, "--", *command]
        if self.uses_bwrap:
            assert self.bwrap is not None
            command = [self.bwrap, *self._bwrap_args(folder), "--", *command]
        return command

    def _bwrap_args(self, folder: Path) -> list[str]:
        args = ["--ro-bind", "/usr", "/usr", "--ro-bind", "/etc", "/etc"]
        for name in ("bin", "lib", "lib64", "sbin", "lib32"):
            path = Path("/") / name
            if path.is_symlink():
                args += ["--symlink", os.readlink(path), str(path)]
            elif path.is_dir():
                args += ["--ro-bind", str(path), str(path)]
        binds = _python_roots()
        args += ["--proc", "/proc", "--dev", "/dev", "--tmpfs", "/tmp"]
        made: set[str] = {"/", "/usr", "/etc", "/tmp", "/proc", "/dev"}
        for target in [*binds, str(folder)]:
            for parent in reversed(Path(target).parents):
                text = str(parent)
                if text not in made:
                    args += ["--perms", "0755", "--dir", text]
                    made.add(text)
        for bind in binds:
            args += ["--ro-bind", bind, bind]
        args += ["--bind", str(folder), str(folder), "--chdir", str(folder)]
        args += ["--unshare-pid", "--unshare-ipc", "--unshare-uts", "--die-with-parent", "--new-session"]
        return args


def _python_roots() -> list[str]:
    """Çekirdeğin çalışması için bağlanması gereken en küçük klasör kümesi."""
    import wskurs

    candidates = [sys.prefix, sys.base_prefix, str(Path(os.path.realpath(sys.executable)).parents[1])]
    candidates += [path for path in site.getsitepackages() if os.path.isdir(path)]
    candidates.append(str(Path(wskurs.__file__).resolve().parents[1]))
    roots: list[str] = []
    for path in sorted({os.path.realpath(p) for p in candidates if p}, key=len):
        if path in ("/", "/usr", "/etc") or path.startswith("/usr/"):
            continue
        if not any(path == root or path.startswith(root + "/") for root in roots):
            roots.append(path)
    # sys.prefix bir sembolik bağ üzerinden de görünebilir: gerçek yolu ve görünen yolu bağla.
    for path in (sys.prefix,):
        if path not in roots and not path.startswith("/usr") and os.path.realpath(path) != path:
            roots.append(path)
    return roots


def detect(*, disabled: bool = False, limits: Limits | None = None) -> Sandbox:
    """Bu makinede hangi korumaların kullanılabileceğini bulur."""
    root = os.geteuid() == 0
    bwrap = shutil.which("bwrap")
    if bwrap is not None:
        try:
            probe = subprocess.run(
                [bwrap, "--ro-bind", "/", "/", "--unshare-pid", "--die-with-parent", "true"],
                capture_output=True,
                timeout=20,
            )
            if probe.returncode != 0:
                bwrap = None
        except (OSError, subprocess.TimeoutExpired):
            bwrap = None
    setpriv = shutil.which("setpriv")
    reachable = True
    if root and setpriv and bwrap is None and not disabled:
        try:
            probe = subprocess.run(
                [setpriv, f"--reuid={UID_BASE + UID_SLOTS}", f"--regid={UID_BASE + UID_SLOTS}", "--clear-groups",
                 sys.executable, "-c", "import wskurs"],
                capture_output=True,
                timeout=60,
                cwd="/",
            )  # fmt: skip
            reachable = probe.returncode == 0
        except (OSError, subprocess.TimeoutExpired):
            reachable = False
    return Sandbox(
        root=root,
        bwrap=bwrap,
        prlimit=shutil.which("prlimit"),
        setpriv=setpriv,
        disabled=disabled,
        limits=limits or Limits(),
        uid_reachable=reachable,
    )


@contextlib.contextmanager
def uid_slot() -> Iterator[int]:
    """Şu an başka bir gönderimin kullanmadığı bir uid (süreçler arası kilitle)."""
    _LOCK_DIR.mkdir(mode=0o700, exist_ok=True)
    start = (os.getpid() * 7) % UID_SLOTS
    for step in range(UID_SLOTS):
        slot = (start + step) % UID_SLOTS
        handle = open(_LOCK_DIR / f"{slot}.kilit", "w")  # noqa: SIM115 - kilit blok boyunca açık kalır
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            handle.close()
            continue
        try:
            uid = UID_BASE + slot
            kill_uid(uid)  # önceki bir çalışmadan kalan olmasın
            yield uid
        finally:
            handle.close()
        return
    raise RuntimeError("Boş bir uid bulunamadı.")


def _uid_pids(uid: int) -> list[int]:
    pids = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/status", encoding="ascii", errors="replace") as handle:
                for line in handle:
                    if line.startswith("Uid:"):
                        if int(line.split()[1]) == uid:
                            pids.append(int(entry))
                        break
        except (OSError, ValueError):
            continue
    return pids


def kill_uid(uid: int, *, seconds: float = 5.0) -> int:
    """``uid``'nin bütün süreçlerini öldürür (hiçbiri kalmayana dek, en fazla ``seconds``).

    Returns:
        Kalan süreç sayısı (0 olmalı).
    """
    if uid <= 0:
        return 0
    deadline = time.monotonic() + seconds
    while True:
        pids = _uid_pids(uid)
        if not pids or time.monotonic() > deadline:
            return len(pids)
        for pid in pids:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.kill(pid, signal.SIGKILL)
        time.sleep(0.05)


def kill_group(process: subprocess.Popen[bytes]) -> None:
    """Sürecin oturumunu/grubunu öldürür (``start_new_session=True`` ile başlatılmış olmalı)."""
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(process.pid, signal.SIGKILL)
    with contextlib.suppress(ProcessLookupError, PermissionError):
        process.kill()


def remove_tree(path: Path) -> str:
    """Bir klasörü siler; hiçbir zaman istisna fırlatmaz.

    Returns:
        Boş metin ya da silinemeyen bir şey kaldıysa Türkçe bir not.
    """
    for _ in range(5):
        with contextlib.suppress(Exception):
            if not os.path.lexists(path):
                return ""

            def loosen(func: object, target: str, _exc: object) -> None:
                with contextlib.suppress(Exception):
                    os.chmod(os.path.dirname(target), 0o700)
                    os.chmod(target, 0o700)

            shutil.rmtree(path, onerror=loosen)
        time.sleep(0.1)
    return f"Geçici klasör silinemedi: {path}" if os.path.lexists(path) else ""


class OutputCapture:
    """Bir akışı arka planda okur; yalnızca ilk ve son ``limit / 2`` baytı tutar."""

    def __init__(self, stream: IO[bytes], limit: int) -> None:
        self.stream = stream
        self.half = max(limit // 2, 1024)
        self.head = bytearray()
        self.tail = bytearray()
        self.total = 0
        self.thread = threading.Thread(target=self._read, daemon=True)
        self.thread.start()

    def _read(self) -> None:
        with contextlib.suppress(Exception):
            while True:
                chunk = self.stream.read1(65536) if hasattr(self.stream, "read1") else self.stream.read(65536)
                if not chunk:
                    break
                self.total += len(chunk)
                room = self.half - len(self.head)
                if room > 0:
                    self.head += chunk[:room]
                    chunk = chunk[room:]
                if chunk:
                    self.tail += chunk
                    if len(self.tail) > self.half:
                        del self.tail[: len(self.tail) - self.half]

    def text(self) -> str:
        self.thread.join(timeout=5)
        body = bytes(self.head)
        if self.tail:
            skipped = self.total - len(self.head) - len(self.tail)
            if skipped > 0:
                body += f"\n[… {skipped} bayt çıktı atlandı …]\n".encode()
            body += bytes(self.tail)
        return body.decode("utf-8", errors="replace")
