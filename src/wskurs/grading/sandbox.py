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
- Notlandırıcı root ise gönderim **kendi ağ ad alanında** çalışır (``wskurs.engine.netns``): yalnızca
  ``lo``; yargıcı da oradadır. Başka gönderim, yargıçları, Dask kümesi, dış ağ görünmez.
- Notlandırıcı root ise **tek bir bütçe** (``wskurs.grading.cgroup``): gönderimin bütün süreçleri
  birlikte en çok ``Limits.memory`` bellek (tmpfs ve memfd sayfaları dahil) ve ``Limits.processes``
  süreç/iş parçacığı kullanır. bubblewrap ile gönderimin yazabildiği her yer (kendi klasörü,
  ``/tmp``, ``/dev/shm``) boyu sınırlı bir tmpfs'tir: diske hiçbir şey yazılmaz, gönderim bitince
  hepsi ad alanıyla birlikte yok olur.
- bubblewrap'ın gösterdiği ``wskurs`` paketi yalnızca çekirdeğin ihtiyacı olan modüllerdir
  (``KERNEL_MODULES``): yargıcın kontrol modülleri (örnek çözümler, gizli durumlar) görünmez.
- Her durumda süreç başına kaynak sınırları (``prlimit``): dosya boyu, adres alanı; çıktı en fazla
  belli bir bayt okunur.
- Hiçbiri yoksa gönderim korumasız çalışır ve bu açıkça yazılır.

Yardımcı programlar (``bwrap``, ``prlimit``, ``setpriv``, ``nsenter``) gerçek yollarına çözülür:
``PATH``'teki bir sembolik bağ yalıtılmış görünümün dışını gösterse bile program bulunur.
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

from wskurs.engine.netns import open_namespace
from wskurs.grading.cgroup import CgroupRoot, find_root

__all__ = [
    "KERNEL_MODULES",
    "Limits",
    "OutputCapture",
    "Sandbox",
    "detect",
    "kill_uid",
    "remove_tree",
    "uid_slot",
]

KERNEL_MODULES = (
    "__init__.py",
    "labformat.py",
    "engine",
    "lessons",
    "checks/__init__.py",
    "checks/agent.py",
    "checks/client.py",
    "checks/core.py",
    "checks/errors.py",
    "checks/hints.py",
    "checks/progress.py",
    "checks/protocol.py",
    "checks/remote.py",
    "grading/__init__.py",
    "grading/lab_pytest.py",
    "grading/pytest_plugin.py",
)
"""Yalıtılmış çekirdeğin gördüğü ``wskurs`` parçaları (paket klasörüne göre). Kontrol modülleri
(``checks/labNN.py``: örnek çözümler, gizli durumlar) ve notlandırıcının kendisi burada yoktur."""

UID_BASE = 61000
UID_SLOTS = 2000
_LOCK_DIR = Path("/tmp/wskurs-uid-kilitleri")


@dataclass(frozen=True)
class Limits:
    """Bir gönderimin kaynak sınırları."""

    file_size: int = 32 * 1024 * 1024
    """Yazılabilecek en büyük dosya (bayt): 100 MB'lık bir çıktı diski dolduramaz."""
    address_space: int = 6 * 1024 * 1024 * 1024
    """Bir sürecin adres alanı (bayt, ``prlimit``)."""
    memory: int = 3 * 1024 * 1024 * 1024
    """Gönderimin bütün süreçlerinin birlikte kullanabileceği bellek (bayt, cgroup; tmpfs ve memfd dahil)."""
    processes: int = 512
    """Gönderimin en fazla süreç/iş parçacığı sayısı (cgroup; cgroup yoksa ayrı uid ile ``prlimit``)."""
    disk: int = 256 * 1024 * 1024
    """Gönderimin yazabildiği her tmpfs'in (kendi klasörü, ``/tmp``, ``/dev/shm``) boyu (bayt)."""
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
    network: bool = False
    """Her gönderime kapalı bir ağ ad alanı açılabiliyor mu (``wskurs.engine.netns``)."""
    cgroups: CgroupRoot | None = None
    """Gönderim başına bütçe için cgroup'ların açılacağı yer."""

    @property
    def separate_uid(self) -> bool:
        return self.root and not self.disabled and self.setpriv is not None and self.uid_reachable

    @property
    def uses_bwrap(self) -> bool:
        return self.bwrap is not None and not self.disabled

    @property
    def seals_network(self) -> bool:
        return self.network and not self.disabled

    @property
    def budget(self) -> CgroupRoot | None:
        return None if self.disabled else self.cgroups

    def describe(self) -> list[str]:
        """Etkin korumalar, Türkçe, her biri bir satır."""
        if self.disabled:
            return ["⚠️  Yalıtım kapalı (--yalitimsiz): gönderimler notlandırıcının kullanıcısıyla, korumasız çalışır."]
        limit = self.limits
        mb = 1024 * 1024
        lines = []
        if self.seals_network:
            lines.append(
                "✅ Her gönderim kendi ağında (ağ ad alanı, yalnızca 127.0.0.1) yargıcıyla birlikte çalışır: "
                "başka gönderimler, yargıçları, Dask kümesi ve dış ağ görünmez."
            )
        else:
            lines.append(
                "⚠️  Ağ kapatılamıyor (root değil ya da nsenter yok): gönderimler makinenin 127.0.0.1'ini paylaşır. "
                "Çekirdekler IPC ile konuşur, yargıca yabancı bir bağlantı kimsenin durumunu değiştirmez; "
                "yine de aynı anda notlandırılan gönderimler birbirinin sunucularına bağlanabilir (-j 1 önerilir)."
            )
        if self.separate_uid:
            lines.append("✅ Her gönderim ayrı, ayrıcalıksız bir kullanıcı kimliğiyle (uid) çalışır.")
        if self.uses_bwrap:
            lines.append(
                "✅ bubblewrap: salt okunur dosya sistemi; çözümler, başka gönderimler, not klasörü ve yargıcın "
                "kontrol modülleri görünmez; ayrı süreç ad alanı; yazılabilen her yer "
                f"(kendi klasörü, /tmp, /dev/shm) en çok {limit.disk // mb} MB'lık bir tmpfs, diske hiçbir şey "
                "yazılmaz."
            )
        if self.budget is not None:
            lines.append(
                f"✅ Gönderim başına bütçe (cgroup v{self.budget.version}): bütün süreçleri birlikte en çok "
                f"{limit.memory // mb} MB bellek (tmpfs ve memfd dahil, takassız) ve {limit.processes} süreç."
            )
        else:
            lines.append(
                "⚠️  cgroup yok (root değil ya da cgroup dosya sistemi yazılamıyor): bellek ve süreç sınırları "
                "yalnızca süreç başına; birkaç süreç birlikte daha fazlasını kullanabilir."
            )
        if self.prlimit:
            lines.append(
                f"✅ Süreç başına sınırlar: dosya en çok {limit.file_size // mb} MB, adres alanı "
                f"{limit.address_space // (1024**3)} GB"
                + (f", en çok {limit.processes} süreç" if self.separate_uid and self.budget is None else "")
            )
        if self.root and not self.separate_uid:
            lines.append(
                "⚠️  Root olarak çalışılıyor ama ayrı uid kullanılamıyor (setpriv yok ya da Python ayrı uid'ye "
                "kapalı bir klasörde): gönderimler root olarak çalışır."
            )
        lines.append(f"✅ Çıktı en çok {limit.output // 1024} KB okunur; not yalnızca yargıcın kaydından gelir.")
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

    def command(self, inner: list[str], folder: Path, uid: int | None, *, notebook: Path | None = None) -> list[str]:
        """``inner`` komutunu bu korumalarla saran komut satırı.

        bubblewrap ile ``folder`` gönderimin içinde boş, boyu sınırlı bir tmpfs'tir; ``notebook``
        (notlandırıcının dosyası) oraya salt okunur bağlanır. bubblewrap yoksa ``folder`` diskteki
        klasördür.
        """
        command = list(inner)
        if self.separate_uid and uid is not None and self.setpriv:
            command = [
                self.setpriv, f"--reuid={uid}", f"--regid={uid}", "--clear-groups",
                "--inh-caps=-all", "--bounding-set=-all", "--", *command,
            ]  # fmt: skip
        if self.prlimit and not self.disabled:
            limit = self.limits
            limits = [f"--fsize={limit.file_size}", f"--as={limit.address_space}", "--core=0"]
            if self.separate_uid:
                limits.append(f"--nproc={limit.processes}")
            command = [self.prlimit, *limits, "--", *command]
        if self.uses_bwrap:
            assert self.bwrap is not None
            command = [self.bwrap, *self._bwrap_args(folder, notebook), "--", *command]
        return command

    def _bwrap_args(self, folder: Path, notebook: Path | None) -> list[str]:
        args = ["--ro-bind", "/usr", "/usr", "--ro-bind", "/etc", "/etc"]
        for name in ("bin", "lib", "lib64", "sbin", "lib32"):
            path = Path("/") / name
            if path.is_symlink():
                args += ["--symlink", os.readlink(path), str(path)]
            elif path.is_dir():
                args += ["--ro-bind", str(path), str(path)]
        binds = _python_roots()
        helpers = [tool for tool in (self.prlimit, self.setpriv) if tool and not _visible(tool, binds)]
        size = str(self.limits.disk)
        args += ["--proc", "/proc", "--dev", "/dev"]
        args += ["--perms", "1777", "--size", size, "--tmpfs", "/tmp"]
        # Süreç havuzu (4. bölüm) semaforlarını /dev/shm'de açar: yazılabilir olmalı.
        args += ["--perms", "1777", "--size", size, "--tmpfs", "/dev/shm"]
        made: set[str] = {"/", "/usr", "/etc", "/tmp", "/proc", "/dev"}
        package = _package_dir()
        for target in [*binds, *helpers, str(package), str(folder)]:
            for parent in reversed(Path(target).parents):
                text = str(parent)
                if text not in made:
                    args += ["--perms", "0755", "--dir", text]
                    made.add(text)
        for bind in [*binds, *helpers]:
            args += ["--ro-bind", bind, bind]
        # wskurs paketi: yalnızca çekirdeğin modülleri (kurulu paket site-packages'ın içinde de olsa üstü örtülür).
        args += ["--perms", "0755", "--tmpfs", str(package)]
        for relative in KERNEL_MODULES:
            source = package / relative
            if source.is_dir():
                args += ["--ro-bind", str(source), str(source)]
            elif source.is_file():
                args += ["--perms", "0755", "--dir", str(source.parent), "--ro-bind", str(source), str(source)]
                cached = source.parent / "__pycache__" / f"{source.stem}.{sys.implementation.cache_tag}.pyc"
                if cached.is_file():
                    args += ["--perms", "0755", "--dir", str(cached.parent), "--ro-bind", str(cached), str(cached)]
        args += ["--remount-ro", str(package)]
        args += ["--perms", "1777", "--size", size, "--tmpfs", str(folder)]
        if notebook is not None:
            args += ["--ro-bind", str(notebook), str(folder / notebook.name)]
        args += ["--chdir", str(folder)]
        args += ["--unshare-pid", "--unshare-ipc", "--unshare-uts", "--die-with-parent", "--new-session"]
        return args


def _package_dir() -> Path:
    import wskurs

    return Path(wskurs.__file__).resolve().parent


def _visible(path: str, binds: list[str]) -> bool:
    roots = ["/usr", "/bin", "/sbin", "/lib", "/lib64", "/lib32", "/etc", *binds]
    return any(path == root or path.startswith(root.rstrip("/") + "/") for root in roots)


def _python_roots() -> list[str]:
    """Çekirdeğin çalışması için bağlanması gereken en küçük klasör kümesi (``wskurs`` paketi hariç:
    ondan yalnızca ``KERNEL_MODULES`` bağlanır)."""
    candidates = [sys.prefix, sys.base_prefix, str(Path(os.path.realpath(sys.executable)).parents[1])]
    candidates += [path for path in site.getsitepackages() if os.path.isdir(path)]
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


def _tool(name: str) -> str | None:
    """``PATH``'teki programın gerçek yolu (sembolik bağ çözülür: yalıtılmış görünümde de bulunur)."""
    found = shutil.which(name)
    return os.path.realpath(found) if found else None


def detect(*, disabled: bool = False, limits: Limits | None = None) -> Sandbox:
    """Bu makinede hangi korumaların kullanılabileceğini bulur."""
    root = os.geteuid() == 0
    bwrap = _tool("bwrap")
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
    setpriv = _tool("setpriv")
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
    network = False
    cgroups = None
    if root and not disabled:
        namespace = open_namespace()
        if namespace is not None:
            network = True
            namespace.close()
        cgroups = find_root()
    return Sandbox(
        root=root,
        bwrap=bwrap,
        prlimit=_tool("prlimit"),
        setpriv=setpriv,
        disabled=disabled,
        limits=limits or Limits(),
        uid_reachable=reachable,
        network=network,
        cgroups=cgroups,
    )


@contextlib.contextmanager
def uid_slot() -> Iterator[int]:
    """Şu an başka bir gönderimin kullanmadığı bir uid (süreçler arası kilitle).

    Kilit klasörü ve dosyaları sembolik bağ üzerinden açılmaz (``O_NOFOLLOW``): ``/tmp``'ye başkasının
    koyduğu bir bağ kilidi başka bir dosyaya yönlendiremez.

    Raises:
        RuntimeError: Kilit klasörü güvenli değilse (bağ, klasör değil, başkasının) ya da boş uid yoksa.
    """
    directory = _lock_dir()
    try:
        start = (os.getpid() * 7) % UID_SLOTS
        for step in range(UID_SLOTS):
            slot = (start + step) % UID_SLOTS
            flags = os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | os.O_CLOEXEC
            try:
                handle = os.open(f"{slot}.kilit", flags, 0o600, dir_fd=directory)
            except OSError:
                continue
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError:
                os.close(handle)
                continue
            try:
                uid = UID_BASE + slot
                kill_uid(uid)  # önceki bir çalışmadan kalan olmasın
                yield uid
            finally:
                os.close(handle)
            return
    finally:
        os.close(directory)
    raise RuntimeError("Boş bir uid bulunamadı.")


def _lock_dir() -> int:
    """Kilit klasörünün tanıtıcısı; klasör bağ değil, bizim ve yalnızca bize açık olmalı."""
    with contextlib.suppress(FileExistsError):
        os.mkdir(_LOCK_DIR, 0o700)
    try:
        fd = os.open(_LOCK_DIR, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC)
    except OSError as exc:
        raise RuntimeError(f"uid kilit klasörü güvenli değil ({_LOCK_DIR}: {exc.strerror}).") from None
    info = os.fstat(fd)
    if info.st_uid != os.geteuid() or info.st_mode & 0o077:
        os.close(fd)
        raise RuntimeError(f"uid kilit klasörü başkasına açık ya da başkasının: {_LOCK_DIR}")
    return fd


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
