"""``make bench``: defterlerin ve lab notlandırmanın süresini ölçer.

Her ölçüm ``--tekrar`` kez yapılır ve medyanı raporlanır (makine paylaşımlı ve gürültülü:
tek bir ölçüme güvenmeyin). Hedefler: bölüm defteri < 15 sn (5. ve 6. bölüm < 20 sn),
bir lab'ı notlandırmak < 20 sn, 30 gönderimlik bir sınıfı ``wskurs notlandir -j 2`` ile
notlandırmak < 3 dk; kursun yayın yöneticisi ``broadcast()``'in hızının en az 0,75'i
(``bench/broadcast.py``). ``--yalnizca-notlandirma`` defterleri, ``--yayinsiz`` yayın ölçümünü atlar.

``--karsilastir REF`` sınıf notlandırmasını ayrıca REF commit'inin geçici bir worktree'siyle bu ağaç
arasında, ``--tekrar`` tur iç içe ölçer ve HEAD/REF oranını yazar (``bench/grading_compare.py``);
``--sinir`` ile oran 1,10'u aşarsa çıkış kodu 1'dir.
"""

from __future__ import annotations

import argparse
import csv
import json
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import grading_compare  # bench/ klasörü (python bench/run.py ile sys.path[0])
import nbformat

from wskurs.engine.notebooks import execute_notebook
from wskurs.grading.batch import lab_pytest_command, solved_lab

ROOT = Path(__file__).resolve().parents[1]
TARGETS = {"05": 20.0, "06": 20.0, "07": 20.0}  # 5. bölüm: tam boyutlu yayın ve bellek ölçümü bench/broadcast.py'de


def time_grading(lab: Path) -> float:
    """Çözümlü lab'ı öğrencinin komutuyla (pytest --nbval-lax) notlandırmanın süresi."""
    with tempfile.TemporaryDirectory() as tmp:
        started = time.perf_counter()
        result = subprocess.run(
            lab_pytest_command(lab, Path(tmp)),
            capture_output=True,
            text=True,
            cwd=tmp,
        )
        elapsed = time.perf_counter() - started
    if result.returncode != 0:
        raise SystemExit(f"{lab.name} notlandırması başarısız:\n{result.stdout[-2000:]}")
    return elapsed


def _solved_submission(name: str, root: Path = ROOT) -> object:
    """Üretilen lab'ın cevap hücrelerine çözümü koyar (öğrencinin teslim edeceği biçim, kanaryanın aynısı);
    lab ve çözüm ``root`` ağacındandır (``bench/grading_compare.py`` önceki bir commit'in ağacını verir)."""
    solved = solved_lab(root / "labs" / name)
    if solved is None:
        raise SystemExit(f"{root / 'solutions' / name} bulunamadı.")
    return solved


def time_class(count: int, jobs: int) -> float:
    """``count`` çözümlü gönderimi gerçek ``wskurs notlandir -j jobs`` ile notlandırmanın süresi."""
    name = "lab01_websocket_nedir.ipynb"
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "gonderimler"
        folder.mkdir()
        nb = _solved_submission(name)
        for index in range(count):
            nbformat.write(nb, folder / f"ogrenci{index:02d}.ipynb")
        command = [sys.executable, "-m", "wskurs.grading.cli", "notlandir", str(ROOT / "labs" / name), str(folder)]
        command += ["-o", str(Path(tmp) / "notlar"), "-j", str(jobs), "--zaman-asimi", "30"]
        started = time.perf_counter()
        result = subprocess.run(command, capture_output=True, text=True, cwd=tmp)
        elapsed = time.perf_counter() - started
        full = 0
        if result.returncode == 0:
            with (Path(tmp) / "notlar" / "notlar.csv").open(encoding="utf-8") as handle:
                rows = csv.DictReader(handle)
                full = sum(
                    1 for r in rows if (r["toplam"], r["en_yuksek"], r["durum"]) == ("10", "10", "notlandırıldı")
                )
        shutil.rmtree(folder, ignore_errors=True)
    if result.returncode != 0 or full != count:
        raise SystemExit(f"Sınıf notlandırması başarısız:\n{result.stdout[-2000:]}\n{result.stderr[-2000:]}")
    return elapsed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--tekrar", type=int, default=3, help="her ölçümün tekrar sayısı (varsayılan 3)")
    parser.add_argument("--json", default="bench-sonuc.json", help="sonuçların yazılacağı dosya")
    parser.add_argument("--yalnizca-notlandirma", action="store_true", help="defterleri atla")
    parser.add_argument("--sinif", type=int, default=30, help="sınıf ölçümündeki gönderim sayısı (varsayılan 30)")
    parser.add_argument("--yayinsiz", action="store_true", help="yayın ve bellek ölçümünü (bench/broadcast.py) atla")
    parser.add_argument(
        "--karsilastir",
        metavar="REF",
        help="sınıf notlandırmasını REF commit'iyle yan yana da ölç (bench/grading_compare.py)",
    )
    parser.add_argument(
        "--yalnizca-karsilastirma", action="store_true", help="yalnızca --karsilastir ölçümünü yap (öbürlerini atla)"
    )
    grading_compare.add_arguments(parser)
    args = parser.parse_args()
    if args.yalnizca_karsilastirma:
        if not args.karsilastir:
            parser.error("--yalnizca-karsilastirma, --karsilastir REF ister")
        return _compare(args, {})

    rows: list[tuple[str, list[float], float]] = []
    notebooks = [] if args.yalnizca_notlandirma else sorted((ROOT / "notebooks").glob("*.ipynb"))
    for path in notebooks:
        runs = [execute_notebook(path, save=False) for _ in range(args.tekrar)]
        rows.append((f"defter {path.stem}", runs, TARGETS.get(path.name[:2], 15.0)))
        print(f"{rows[-1][0]:<40} medyan {statistics.median(runs):5.1f} sn", flush=True)
    lab = ROOT / "solutions" / "lab01_websocket_nedir.ipynb"
    runs = [time_grading(lab) for _ in range(args.tekrar)]
    rows.append(("lab 1 notlandırma (pytest --nbval-lax)", runs, 20.0))
    print(f"{rows[-1][0]:<40} medyan {statistics.median(runs):5.1f} sn", flush=True)
    runs = [time_class(args.sinif, 2) for _ in range(args.tekrar)]
    rows.append((f"{args.sinif} gönderim lab 1 (notlandir -j 2)", runs, 180.0 * args.sinif / 30))

    print()
    print(f"{'ölçüm':<40} {'medyan':>8} {'en az':>7} {'en çok':>7} {'hedef':>6}  durum")
    results = []
    for name, runs, target in rows:
        med = statistics.median(runs)
        ok = med < target
        print(f"{name:<40} {med:7.1f}s {min(runs):6.1f}s {max(runs):6.1f}s {target:5.0f}s  {'✅' if ok else '❌'}")
        results.append(
            {
                "olcum": name,
                "medyan_sn": round(med, 2),
                "olcumler_sn": [round(r, 2) for r in runs],
                "hedef_sn": target,
                "hedefte": ok,
            }
        )
    report: dict[str, object] = {"sureler": results}
    on_target = all(r["hedefte"] for r in results)
    from sealing_cost import measure  # bench/ klasörü (python bench/run.py ile sys.path[0])

    sealing = measure(50)
    if sealing:
        print("\nKapalı notlandırmanın gönderim başına bedeli (bench/sealing_cost.py, medyan):")
        for step, ms in sealing:
            print(f"  {step:<50} {ms:7.1f} ms")
        report["kapali_notlandirma_ms"] = {step: round(ms, 2) for step, ms in sealing}
    if not args.yayinsiz:
        from broadcast import run_bench  # bench/ klasörü (python bench/run.py ile sys.path[0])

        print("\nYayın yolları ve boşta bağlantı belleği (bench/broadcast.py):", flush=True)
        broadcast = run_bench(args.tekrar)
        report["yayin"] = broadcast
        on_target = on_target and bool(broadcast["hedefte"])
    if args.karsilastir:
        return _compare(args, report) or (0 if on_target else 1)
    Path(args.json).write_text(json.dumps(report, ensure_ascii=False, indent=2), encoding="utf-8")
    print(f"\nSonuçlar: {args.json}")
    return 0 if on_target else 1


def _compare(args: argparse.Namespace, report: dict[str, object]) -> int:
    """``--karsilastir REF``: REF ile bu ağacın sınıf notlandırmasını iç içe ölçer, raporu yazar."""
    print(f"\nToplu notlandırma, {args.karsilastir} ile yan yana (bench/grading_compare.py):", flush=True)
    signal.signal(signal.SIGTERM, grading_compare.terminate_as_exit)
    try:
        result = grading_compare.compare(
            args.karsilastir, rounds=args.tekrar, count=args.sinif, jobs=args.jobs, timeout=args.zaman_asimi
        )
    except grading_compare.CompareError as error:
        print(f"Karşılaştırma yapılamadı: {error}", file=sys.stderr)
        return 2
    report["karsilastirma"] = result
    Path(args.json).write_text(json.dumps(report, ensure_ascii=False, indent=2), encoding="utf-8")
    print(f"\nSonuçlar: {args.json}")
    return grading_compare.verdict(float(str(result["oran"])), args.sinir)


if __name__ == "__main__":
    sys.exit(main())
