"""Toplu notlandırmanın süresini önceki bir commit'le yan yana ölçer (``bench/run.py --karsilastir REF``).

Aynı sınıf (lab 1'in ``--sinif`` çözümlü gönderimi, ``bench/run.py``'deki gibi üretilir) iki ağaçta
``wskurs notlandir -j 2`` ile notlandırılır:

* **REF**: verilen commit'in geçici, bağımsız (detached) bir ``git worktree``'si; ölçümden sonra,
  hata ya da Ctrl+C olsa da silinir;
* **HEAD**: bu deponun çalışma ağacı (kaydedilmemiş değişiklikler dahil).

Turlar iç içedir ve sırası dönüşümlüdür (REF, HEAD, HEAD, REF, REF, HEAD…): makinenin gürültüsü iki
ağaca eşit düşer, hep önce çalışan ağaç sıcak önbellekten yararlanmaz.

Her ağaç kendi kodunu gerçekten çalıştırsın diye her biri için sanal ortamın sabit bağlantılı
(``cp -al``, yer kaplamaz) bir kopyası kurulur ve oradaki düzenlenebilir kurulum (``__editable__``)
ağacın ``src/`` klasörünü gösterir. Yalnız ``PYTHONPATH`` yetmez: notlandırıcı her gönderimi ortam
değişkenlerini temizleyip yalıtılmış (ayrı uid, bubblewrap) çalıştırır, gönderimin süreçleri
``PYTHONPATH``'i görmez ve sanal ortamın gösterdiği ``wskurs``'u yükler. Komut yine de
``PYTHONPATH=<ağaç>/src`` ile, çalışma klasörü geçici bir klasörken çalışır. Ölçümden önce iki ağacın
``src/``'si derlenir (``compileall``): gönderimin süreçleri ``.pyc`` yazmaz, taze worktree her
çalıştırmada kaynağı yeniden derleyip haksız yere yavaş görünmesin.

Tablo: ağaç başına medyan süre, HEAD/REF oranı, gönderim başına duvar saati (toplam süre / gönderim)
ve gönderim başına işlemci süresi: notlandırıcının ve bütün alt süreçlerinin user+sys'i,
``resource.getrusage(RUSAGE_CHILDREN)`` farkı. bubblewrap ``--unshare-pid`` ile ad alanının ilk
sürecini beklemeden çıkar; o süreç (ve gönderimin bütün işlemci süresi) kimseye sayılmazdı. Bu yüzden
ölçüm sırasında bu süreç "alt süreç toplayıcı"dır (Linux ``PR_SET_CHILD_SUBREAPER``): öksüz kalan
torunlar ona bağlanır ve her çalıştırmadan sonra beklenir. ``--sinir`` verilirse oran sınırı
(varsayılan 1,10) aşınca çıkış kodu 1'dir.

    python bench/grading_compare.py feb1728 --tur 3 --sinif 30 --sinir
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import os
import resource
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[1]
LAB = "lab01_websocket_nedir.ipynb"
DEFAULT_LIMIT = 1.10


class CompareError(RuntimeError):
    """Karşılaştırma yapılamadı (commit yok, worktree kurulamadı, notlandırma başarısız...)."""


@dataclass
class Tree:
    """Ölçülen bir ağaç: etiketi, kaynak klasörü, sanal ortam kopyası ve ölçümleri."""

    label: str
    path: Path
    python: Path = Path()
    submissions: Path = Path()
    walls: list[float] = field(default_factory=list)
    cpus: list[float] = field(default_factory=list)


def _git(*args: str, cwd: Path = ROOT, timeout: float = 120) -> str:
    result = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, timeout=timeout)
    if result.returncode != 0:
        raise CompareError(f"git {' '.join(args)} başarısız:\n{result.stderr.strip()}")
    return result.stdout.strip()


@contextlib.contextmanager
def ref_worktree(ref: str, parent: Path) -> Iterator[tuple[Path, str]]:
    """``ref``'in geçici, bağımsız bir worktree'si; blok bitince (hata olsa da) silinir."""
    try:
        commit = _git("rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}")
    except CompareError:
        raise CompareError(f"{ref!r} bu depoda bir commit değil (git rev-parse bulamadı).") from None
    path = parent / "ref"
    _git("worktree", "add", "--detach", "--quiet", str(path), commit)
    try:
        yield path, commit
    finally:
        with contextlib.suppress(CompareError, OSError, subprocess.TimeoutExpired):
            _git("worktree", "remove", "--force", str(path))
        shutil.rmtree(path, ignore_errors=True)
        with contextlib.suppress(CompareError, OSError, subprocess.TimeoutExpired):
            _git("worktree", "prune")


def clone_venv(source: Path, target: Path, src: Path) -> Path:
    """``source`` sanal ortamının, ``wskurs``'u ``src``'den yükleyen bir kopyası; yorumlayıcısını döndürür.

    Dosyalar sabit bağlantıdır (``cp -al``: yer kaplamaz, anlık); aynı dosya sisteminde değilse
    gerçekten kopyalanır. Düzenlenebilir kurulumun dosyaları kopyada silinip yeniden yazılır (sabit
    bağlantının kaynağı değişmez).
    """
    try:
        subprocess.run(["cp", "-al", str(source), str(target)], check=True, capture_output=True, timeout=300)
    except (OSError, subprocess.SubprocessError):
        shutil.rmtree(target, ignore_errors=True)
        shutil.copytree(source, target, symlinks=True)
    for site in target.glob("lib*/python*/site-packages"):
        for old in site.glob("__editable__*wskurs*"):
            old.unlink()
        (site / "__editable__.wskurs-bench.pth").write_text(f"{src}\n", encoding="utf-8")
    python = target / "bin" / "python"
    found = subprocess.run(
        [str(python), "-c", "import wskurs; print(wskurs.__file__)"],
        capture_output=True,
        text=True,
        cwd=target,
        env={k: v for k, v in os.environ.items() if k != "PYTHONPATH"},
        timeout=120,
    ).stdout.strip()
    if Path(found).resolve() != (src / "wskurs" / "__init__.py").resolve():
        raise CompareError(f"Sanal ortam kopyası wskurs'u {src}'den değil {found or '(hiçbir yerden)'}'den yüklüyor.")
    return python


def write_class(tree: Path, folder: Path, count: int) -> None:
    """Ağacın kendi lab 1'inden ve çözümünden ``count`` çözümlü gönderim (``bench/run.py``'deki gibi)."""
    from run import _solved_submission  # bench/ klasörü sys.path[0]'dadır

    folder.mkdir(parents=True)
    nb = _solved_submission(LAB, tree)
    for index in range(count):
        nbformat.write(nb, folder / f"ogrenci{index:02d}.ipynb")


def _kill_group(process: subprocess.Popen[str]) -> None:
    for sig in (signal.SIGTERM, signal.SIGKILL):
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(process.pid, sig)
        try:
            process.wait(timeout=10)
            return
        except subprocess.TimeoutExpired:
            continue


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _set_subreaper(on: bool) -> bool:
    """Öksüz kalan torunlar bu sürece bağlansın (Linux); başarıyla ayarlandıysa ``True``."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        import ctypes

        return int(ctypes.CDLL(None, use_errno=True).prctl(36, int(on), 0, 0, 0)) == 0  # PR_SET_CHILD_SUBREAPER
    except (OSError, AttributeError):
        return False


def _reap_orphans(grace: float = 10.0) -> int:
    """Bu sürece bağlanmış öksüz torunları bekler (işlemci süreleri RUSAGE_CHILDREN'a eklensin);
    ``grace`` saniyede bitmeyenler öldürülür. Beklenen süreç sayısını döndürür."""
    reaped = 0
    deadline = time.monotonic() + grace
    while True:
        try:
            pid, _ = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return reaped
        if pid:
            reaped += 1
        elif time.monotonic() < deadline:
            time.sleep(0.02)
        else:
            for line in subprocess.run(
                ["pgrep", "-P", str(os.getpid())], capture_output=True, text=True
            ).stdout.split():
                with contextlib.suppress(ProcessLookupError, ValueError):
                    os.kill(int(line), signal.SIGKILL)
            deadline = time.monotonic() + grace


def grade_once(tree: Tree, count: int, jobs: int, timeout: float, work: Path) -> tuple[float, float]:
    """Ağacın sınıfını bir kez notlandırır: (duvar saati, alt süreçlerin işlemci süresi) saniye."""
    out = Path(tempfile.mkdtemp(prefix="tur-", dir=work))
    command = [str(tree.python), "-m", "wskurs.grading.cli", "notlandir", str(tree.path / "labs" / LAB)]
    command += [str(tree.submissions), "-o", str(out / "notlar"), "-j", str(jobs), "--zaman-asimi", "30"]
    env = dict(os.environ, PYTHONPATH=str(tree.path / "src"))
    cpu_before = _children_cpu()
    started = time.perf_counter()
    process = subprocess.Popen(
        command, cwd=out, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, start_new_session=True
    )
    try:
        output, _ = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        _kill_group(process)
        raise CompareError(f"{tree.label}: notlandırma {timeout:g} sn'de bitmedi (--zaman-asimi).") from None
    except BaseException:  # Ctrl+C, SIGTERM: notlandırıcı ayrı oturumda, kendiliğinden durmaz
        _kill_group(process)
        raise
    wall = time.perf_counter() - started
    _reap_orphans()
    cpu = _children_cpu() - cpu_before
    book = out / "notlar" / "notlar.csv"
    graded = 0
    if process.returncode == 0 and book.exists():
        with book.open(encoding="utf-8", newline="") as handle:
            graded = sum(1 for row in csv.reader(handle) if "notlandırıldı" in row)
    shutil.rmtree(out, ignore_errors=True)
    if graded != count:
        raise CompareError(
            f"{tree.label}: notlandırma başarısız (çıkış kodu {process.returncode}, {graded}/{count} gönderim "
            f"notlandırıldı):\n{output[-3000:]}"
        )
    return wall, cpu


def _order(trees: list[Tree], rounds: int) -> Iterator[Tree]:
    """İç içe, dönüşümlü sıra: A B, B A, A B..."""
    for index in range(rounds):
        yield from trees if index % 2 == 0 else reversed(trees)


def table(ref: Tree, head: Tree, count: int, jobs: int, rounds: int) -> tuple[list[str], float]:
    """Türkçe sonuç tablosunun satırları ve HEAD/REF medyan oranı."""
    lines = [
        f"Toplu notlandırma: {count} çözümlü gönderim, lab 1, notlandir -j {jobs}, {rounds} tur (sıra dönüşümlü)",
        "",
        f"{'ağaç':<30} {'medyan':>8} {'en az':>7} {'en çok':>7} {'gönderim başına':>16} {'CPU/gönderim':>13}",
    ]
    for tree in (ref, head):
        med = statistics.median(tree.walls)
        cpu = statistics.median(tree.cpus) / count
        lines.append(
            f"{tree.label:<30} {med:7.1f}s {min(tree.walls):6.1f}s {max(tree.walls):6.1f}s "
            f"{med / count:15.2f}s {cpu:12.2f}s"
        )
    ratio = statistics.median(head.walls) / statistics.median(ref.walls)
    cpu_ratio = statistics.median(head.cpus) / statistics.median(ref.cpus)
    lines += ["", f"oran HEAD/REF (medyan süre): {ratio:.3f}   işlemci süresi oranı: {cpu_ratio:.3f}"]
    return lines, ratio


def compare(ref: str, *, rounds: int = 3, count: int = 30, jobs: int = 2, timeout: float = 900) -> dict[str, object]:
    """``ref`` ile bu çalışma ağacını karşılaştırır; tabloyu yazar, sonuçları döndürür.

    Raises:
        CompareError: Commit bulunamazsa, worktree ya da sanal ortam kurulamazsa, bir notlandırma
            başarısız olursa ya da ``timeout`` saniyede bitmezse.
    """
    if rounds < 1 or count < 1 or jobs < 1:
        raise CompareError("Tur, sınıf ve iş sayısı en az 1 olmalı.")
    dirty = bool(_git("status", "--porcelain", "--untracked-files=no"))
    head_commit = _git("rev-parse", "--short", "HEAD")
    work = Path(tempfile.mkdtemp(prefix="wskurs-karsilastir-"))
    # Gönderimler (root iken) ayrı, ayrıcalıksız bir uid ile çalışır: ağaçları ve sanal ortamları okuyabilmeli.
    work.chmod(0o755)
    if not _set_subreaper(True):
        print("⚠️  Alt süreç toplayıcı olunamadı: işlemci süresi yalıtılmış süreçleri saymayabilir.", flush=True)
    try:
        with ref_worktree(ref, work) as (ref_path, ref_commit):
            ref_tree = Tree(f"REF {ref} ({ref_commit[:7]})", ref_path)
            head_tree = Tree(f"HEAD {head_commit}" + (" (+değişiklik)" if dirty else ""), ROOT)
            trees = [ref_tree, head_tree]
            for name, tree in zip(("ref", "head"), trees, strict=True):
                tree.python = clone_venv(Path(sys.prefix), work / f"venv-{name}", tree.path / "src")
                subprocess.run(
                    [str(tree.python), "-m", "compileall", "-q", str(tree.path / "src")],
                    capture_output=True,
                    timeout=300,
                )
                tree.submissions = work / f"gonderimler-{name}"
                write_class(tree.path, tree.submissions, count)
            print(f"REF {ref_commit[:12]} ↔ HEAD {head_commit}: {rounds} tur, {count} gönderim", flush=True)
            for tree in _order(trees, rounds):
                wall, cpu = grade_once(tree, count, jobs, timeout, work)
                tree.walls.append(wall)
                tree.cpus.append(cpu)
                print(f"  {tree.label:<30} {wall:6.1f} sn, işlemci {cpu:6.1f} sn", flush=True)
            lines, ratio = table(ref_tree, head_tree, count, jobs, rounds)
            print()
            print("\n".join(lines), flush=True)
            return {
                "ref": ref,
                "ref_commit": ref_commit,
                "head_commit": head_commit,
                "degisiklik_var": dirty,
                "sinif": count,
                "is": jobs,
                "tur": rounds,
                "ref_sureler_sn": [round(w, 2) for w in ref_tree.walls],
                "head_sureler_sn": [round(w, 2) for w in head_tree.walls],
                "ref_islemci_sn": [round(c, 2) for c in ref_tree.cpus],
                "head_islemci_sn": [round(c, 2) for c in head_tree.cpus],
                "oran": round(ratio, 4),
            }
    finally:
        shutil.rmtree(work, ignore_errors=True)
        _set_subreaper(False)


def terminate_as_exit(signum: int, frame: object) -> None:
    raise SystemExit(128 + signum)  # finally blokları (worktree'nin silinmesi) çalışsın


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Karşılaştırmanın seçenekleri (``bench/run.py`` de kullanır)."""
    parser.add_argument(
        "--sinir",
        nargs="?",
        type=float,
        const=DEFAULT_LIMIT,
        default=None,
        metavar="ORAN",
        help=f"HEAD/REF oranı bunu aşarsa çıkış kodu 1 (yalnız verilirse; değersiz: {DEFAULT_LIMIT})",
    )
    parser.add_argument(
        "--zaman-asimi", type=float, default=900.0, help="bir notlandırma çalıştırmasının en uzun süresi (sn)"
    )
    parser.add_argument("-j", "--is", dest="jobs", type=int, default=2, help="notlandir -j (varsayılan 2)")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("ref", help="karşılaştırılacak commit (ör. feb1728)")
    parser.add_argument("--tur", type=int, default=3, help="her ağacın ölçüm sayısı (varsayılan 3)")
    parser.add_argument("--sinif", type=int, default=30, help="gönderim sayısı (varsayılan 30)")
    add_arguments(parser)
    args = parser.parse_args(argv)
    signal.signal(signal.SIGTERM, terminate_as_exit)
    signal.signal(signal.SIGHUP, terminate_as_exit)
    try:
        result = compare(args.ref, rounds=args.tur, count=args.sinif, jobs=args.jobs, timeout=args.zaman_asimi)
    except CompareError as error:
        print(f"Karşılaştırma yapılamadı: {error}", file=sys.stderr)
        return 2
    return verdict(float(str(result["oran"])), args.sinir)


def verdict(ratio: float, limit: float | None) -> int:
    """Oranı sınırla karşılaştırıp yazar; sınır verildiyse ve aşıldıysa 1, yoksa 0."""
    if limit is None:
        return 0
    ok = ratio <= limit
    print(f"sınır {limit:.2f}: {'✅ içinde' if ok else '❌ aşıldı'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
