"""Öğrencinin makinesindeki üç komut, ``make`` olmadan: ``kur``, ``lab`` ve ``lab-notlandir``.

``make lab`` ve ``make grade LAB=01`` Windows'ta (``make`` yokken) böyle çalışır::

    py -3.12 kurs.py kur             # .venv'i kurar (make lab'ın kurulum adımları)
    py kurs.py lab                   # JupyterLab'ı make lab gibi açar
    py kurs.py lab-notlandir 01      # make grade LAB=01

Bu modül yalnızca standart kütüphaneyi kullanır ve hiçbir ``wskurs`` modülünü içe aktarmaz: deponun
kökündeki ``kurs.py`` onu paket kurulmadan önce, dosya yolundan yükler (``wskurs/__init__.py``
FastAPI ister, kurulumdan önce o yoktur). Kurulumdan sonra aynı komutlar ``wskurs lab`` ve
``wskurs lab-notlandir 01`` olarak da vardır.

Komutlar Makefile'dakilerin aynısıdır (``tests/test_learner.py`` Makefile'ı okuyup karşılaştırır):
aynı ``pip`` komutları, aynı damga dosyası (``.venv/.kurulum-X.Y``: ``make`` ile ``kurs.py`` aynı
sanal ortamı paylaşır), aynı JupyterLab ayarları ve başlatma seçenekleri, aynı pytest komutu.
POSIX'e özgü hiçbir çağrı yoktur: root denetimi ``os.geteuid`` varsa yapılır, süreçler
``subprocess`` ile başlatılır, yollar ``pathlib`` ile kurulur.
"""

from __future__ import annotations

import argparse
import json
import os
import shlex
import shutil
import signal
import subprocess
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

__all__ = [
    "CELL_TIMEOUT",
    "DEFAULT_URL",
    "LAB_OVERRIDES",
    "SUPPORTED",
    "Course",
    "SetupError",
    "add_parsers",
    "main",
]

SUPPORTED = ((3, 11), (3, 13))
"""Desteklenen en küçük ve en büyük Python sürümü (pyproject.toml: ``requires-python``)."""
CELL_TIMEOUT = 120
"""``make grade``'in hücre başına zaman aşımı (Makefile: ``CELL_TIMEOUT``)."""
DEFAULT_URL = "/lab/tree/notebooks/00_baslarken.ipynb"
LAB_OVERRIDES: dict[str, dict[str, Any]] = {
    "@jupyterlab/apputils-extension:notification": {"fetchNews": "false", "checkForUpdates": False},
    "@jupyterlab/translation-extension:plugin": {"locale": "tr_TR"},
}
"""JupyterLab'ın varsayılan ayarları (Makefile: ``LAB_OVERRIDES``): arayüz Türkçe, haber sorulmaz."""
WINDOWS = os.name == "nt"


class SetupError(Exception):
    """Kullanıcıya gösterilecek Türkçe hata ve çıkış kodu."""

    def __init__(self, message: str, code: int = 2) -> None:
        super().__init__(message)
        self.code = code


def base_python() -> str:
    """Yeni sanal ortamı kuracak yorumlayıcı: bu komutu çalıştıran Python (bir sanal ortamın
    içindeysek onun dayandığı Python; kurulan ortam kendi içinden yeniden kurulmaz)."""
    return str(getattr(sys, "_base_executable", "") or sys.executable)


def _is_root() -> bool:
    geteuid = getattr(os, "geteuid", None)  # Windows'ta yok
    return geteuid is not None and geteuid() == 0


def _show(command: Sequence[str]) -> str:
    return subprocess.list2cmdline(command) if WINDOWS else shlex.join(command)


@dataclass(frozen=True)
class Course:
    """Bir depo klonu ve onun sanal ortamı: hangi komutların hangi sırayla çalışacağı."""

    root: Path
    venv: Path
    python: str
    version: tuple[int, int]

    @classmethod
    def at(cls, root: Path, venv: Path | None = None, python: str | None = None) -> Course:
        version = (sys.version_info.major, sys.version_info.minor)
        return cls(root, venv if venv is not None else root / ".venv", python or base_python(), version)

    def bin(self, name: str) -> Path:
        """Sanal ortamın bir programı (Windows'ta ``Scripts\\ad.exe``, başka yerde ``bin/ad``)."""
        return self.venv / "Scripts" / f"{name}.exe" if WINDOWS else self.venv / "bin" / name

    @property
    def venv_python(self) -> Path:
        return self.bin("python")

    @property
    def stamp(self) -> Path:
        """Kurulumun damgası (Makefile: ``$(VENV)/.kurulum-$(PYVER)``)."""
        return self.venv / f".kurulum-{self.version[0]}.{self.version[1]}"

    @property
    def settings(self) -> Path:
        """JupyterLab'ın ayar dosyası (Makefile: ``LAB_SETTINGS``)."""
        return self.venv / "share" / "jupyter" / "lab" / "settings" / "overrides.json"

    def install_commands(self) -> list[list[str]]:
        """Makefile'ın ``$(STAMP)`` kuralındaki komutlar, aynı sırayla."""
        py = str(self.venv_python)
        return [
            [self.python, "-m", "venv", str(self.venv)],
            [py, "-m", "pip", "install", "--quiet", "--upgrade", "pip>=24"],
            [py, "-m", "pip", "install", "--quiet", "-c", "constraints.txt", "-e", ".[test]"],
        ]

    def lab_command(self, extra: Sequence[str] = ()) -> list[str]:
        """``make lab``'ın JupyterLab komutu (root isek ``--allow-root``; ``extra``: ``LAB_ARGS``)."""
        command = [
            str(self.bin("jupyter")),
            "lab",
            "--ip=127.0.0.1",
            f"--ServerApp.root_dir={self.root}",
            f"--LabApp.default_url={DEFAULT_URL}",
        ]
        return [*command, *(["--allow-root"] if _is_root() else []), *extra]

    def grade_command(self, lab: str) -> list[str]:
        """``make grade LAB=01``'in pytest komutu (lab defteri kökten göreli yoluyla)."""
        found = sorted((self.root / "labs").glob(f"lab{lab}_*.ipynb"))
        if not lab or not found:
            raise SetupError(f"Lab bulunamadı: LAB={lab}. Örnek: lab-notlandir 01 (labs/ klasörüne bakın)")
        notebooks = [path.relative_to(self.root).as_posix() for path in found]
        return [
            str(self.venv_python),
            "-m",
            "pytest",
            "--nbval-lax",
            "--nbval-current-env",
            f"--nbval-cell-timeout={CELL_TIMEOUT}",
            "-q",
            *notebooks,
        ]

    def needs_install(self) -> bool:
        """Makefile'daki gibi: damga yoksa ya da pyproject.toml/constraints.txt ondan yeniyse."""
        if not self.stamp.is_file():
            return True
        made = self.stamp.stat().st_mtime
        return any((self.root / name).stat().st_mtime > made for name in ("pyproject.toml", "constraints.txt"))


def check_python(version: tuple[int, int]) -> None:
    low, high = SUPPORTED
    if not low <= version <= high:
        raise SetupError(
            f"Kurs Python {low[0]}.{low[1]}–{high[0]}.{high[1]} ister; bu Python {version[0]}.{version[1]}. "
            + ("Windows'ta ör.: py -3.12 kurs.py kur" if WINDOWS else "Ör.: python3.12 kurs.py kur")
        )


def _run(command: Sequence[str], cwd: Path, show_only: bool) -> None:
    print(_show(command), flush=True)
    if show_only:
        return
    try:
        code = subprocess.call(list(command), cwd=cwd)
    except FileNotFoundError:
        raise SetupError(f"Program bulunamadı: {command[0]}. Önce kurun: python kurs.py kur") from None
    if code != 0:
        raise SetupError(f"Komut başarısız oldu (çıkış kodu {code}): {_show(command)}", code or 1)


def install(course: Course, show_only: bool = False, force: bool = False) -> None:
    """``make``'in ``$(STAMP)`` kuralı: gerekiyorsa sanal ortamı kurar, sonra damgayı bırakır."""
    check_python(course.version)
    if not (force or show_only or course.needs_install()):
        return
    if not course.stamp.is_file() and course.venv.is_dir():
        print(f"Sanal ortam Python {course.version[0]}.{course.version[1]} için yeniden kuruluyor", flush=True)
        if not show_only:
            shutil.rmtree(course.venv)
    for command in course.install_commands():
        _run(command, course.root, show_only)
    if not show_only:
        course.stamp.touch()


def write_settings(course: Course, show_only: bool = False) -> None:
    """``make lab-ayarlari``: JupyterLab'ın varsayılan ayarlarını sanal ortama yazar (aynıysa dokunmaz)."""
    text = json.dumps(LAB_OVERRIDES, ensure_ascii=False) + "\n"
    if show_only:
        print(f"{course.settings} ← {text.strip()}")
        return
    if course.settings.is_file() and json.loads(course.settings.read_text(encoding="utf-8")) == LAB_OVERRIDES:
        return
    course.settings.parent.mkdir(parents=True, exist_ok=True)
    course.settings.write_text(text, encoding="utf-8")


def _course(args: argparse.Namespace) -> Course:
    root = Path(args.depo).resolve()
    if not (root / "pyproject.toml").is_file() or not (root / "labs").is_dir():
        raise SetupError(f"Kursun deposu bulunamadı: {root} (pyproject.toml ve labs/ olmalı). --depo ile verin.")
    return Course.at(root, Path(args.venv).resolve() if args.venv else None)


def _kur(args: argparse.Namespace) -> int:
    course = _course(args)
    install(course, show_only=args.goster, force=True)
    write_settings(course, show_only=args.goster)
    if not args.goster:
        print("Kurulum tamam. JupyterLab'ı açmak için: python kurs.py lab")
    return 0


def _lab(args: argparse.Namespace) -> int:
    course = _course(args)
    if not args.kurmadan:
        install(course, show_only=args.goster)
    write_settings(course, show_only=args.goster)
    command = course.lab_command(args.lab_args)
    print(_show(command), flush=True)
    if args.goster:
        return 0
    if not course.bin("jupyter").exists():
        raise SetupError(f"JupyterLab bulunamadı: {course.bin('jupyter')}. Önce kurun: python kurs.py kur")
    process = subprocess.Popen(command, cwd=course.root)
    # kurs.py durdurulursa (SIGTERM) JupyterLab geride kalmasın: ona iletilir (Windows'ta da vardır).
    signal.signal(signal.SIGTERM, lambda *_: process.terminate())
    try:
        return process.wait()
    except KeyboardInterrupt:  # Ctrl+C JupyterLab'a da gider; onun kapanmasını bekle
        return process.wait()


def _grade(args: argparse.Namespace) -> int:
    course = _course(args)
    command = course.grade_command(args.lab)
    if not args.kurmadan:
        install(course, show_only=args.goster)
    print(_show(command), flush=True)
    if args.goster:
        return 0
    return subprocess.call(command, cwd=course.root)


def _progress(args: argparse.Namespace) -> int:
    course = _course(args)
    if course.needs_install():
        raise SetupError("Kurs henüz kurulmamış: önce 'python kurs.py kur' (ya da make lab) çalıştırın.")
    command = [str(course.venv_python), "-m", "wskurs.grading.progress_view", *(["--sifirla"] if args.sifirla else [])]
    if args.goster:
        print(_show(command), flush=True)
        return 0
    return subprocess.call(command, cwd=course.root)


def default_root() -> Path:
    """Deponun kökü: bu dosya ``<kök>/src/wskurs/grading/learner.py``'dir (düzenlenebilir kurulum da
    buraya bakar); orada ``kurs.py`` yoksa çalışılan klasör."""
    root = Path(__file__).resolve().parents[3]
    return root if (root / "kurs.py").is_file() else Path.cwd()


def add_parsers(commands: Any, root: Path | None = None) -> None:
    """``kur``, ``lab``, ``lab-notlandir`` ve ``ilerleme`` komutlarını bir argparse alt komut kümesine ekler."""

    def common(parser: argparse.ArgumentParser) -> None:
        parser.add_argument("--depo", default=str(root or default_root()), help="kursun deposu (varsayılan: bu klon)")
        parser.add_argument("--venv", help="sanal ortamın klasörü (varsayılan: <depo>/.venv)")
        parser.add_argument("--goster", action="store_true", help="komutları çalıştırmadan yalnızca yaz")

    kur = commands.add_parser("kur", help="sanal ortamı kurar (make lab'ın kurulum adımları, make olmadan)")
    common(kur)
    kur.set_defaults(run=_kur)

    lab = commands.add_parser("lab", help="kursu JupyterLab'da açar (make lab; ilk seferde kurar)")
    common(lab)
    lab.add_argument("--kurmadan", action="store_true", help="kurulumu denetlemeden başlat")
    lab.add_argument("lab_args", nargs="*", metavar="JUPYTER_SECENEGI", help="JupyterLab'a gider (-- sonrasına)")
    lab.set_defaults(run=_lab)

    grade = commands.add_parser("lab-notlandir", help="bir lab'ı notlandırır (make grade LAB=01)")
    common(grade)
    grade.add_argument("--kurmadan", action="store_true", help="kurulumu denetlemeden notlandır")
    grade.add_argument("lab", help="lab numarası, ör. 01")
    grade.set_defaults(run=_grade)

    progress = commands.add_parser(
        "ilerleme", help="kendi kontrollerinizin sonuçları: lab başına geçen, geçmeyen, denenmemiş alıştırmalar"
    )
    common(progress)
    progress.add_argument("--sifirla", action="store_true", help="ilerleme dosyasını siler (baştan başlamak için)")
    progress.set_defaults(run=_progress)


def main(argv: Sequence[str] | None = None, root: Path | None = None) -> int:
    """``kurs.py``'nin girişi (paket kurulmadan önce de çalışır)."""
    parser = argparse.ArgumentParser(
        prog="kurs.py", description="FastAPI WebSocket Kursu: make olmadan kurulum, JupyterLab ve notlandırma"
    )
    add_parsers(parser.add_subparsers(dest="komut", required=True), root)
    args = parser.parse_args(argv)
    try:
        return int(args.run(args))
    except SetupError as exc:
        print(f"Hata: {exc}", file=sys.stderr)
        return exc.code
