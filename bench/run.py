"""``make bench``: defterlerin ve lab notlandırmanın süresini ölçer.

Her ölçüm ``--tekrar`` kez yapılır ve medyanı raporlanır (makine paylaşımlı ve gürültülü:
tek bir ölçüme güvenmeyin). Hedefler: bölüm defteri < 15 sn (5. ve 6. bölüm < 20 sn),
bir lab'ı notlandırmak < 20 sn.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from wskurs.grading import lab_pytest_command
from wskurs.notebooks import execute_notebook

ROOT = Path(__file__).resolve().parents[1]
TARGETS = {"05": 20.0, "06": 20.0, "07": 20.0}


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


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--tekrar", type=int, default=3, help="her ölçümün tekrar sayısı (varsayılan 3)")
    parser.add_argument("--json", default="bench-sonuc.json", help="sonuçların yazılacağı dosya")
    args = parser.parse_args()

    rows: list[tuple[str, list[float], float]] = []
    for path in sorted((ROOT / "notebooks").glob("*.ipynb")):
        runs = [execute_notebook(path, save=False) for _ in range(args.tekrar)]
        rows.append((f"defter {path.stem}", runs, TARGETS.get(path.name[:2], 15.0)))
        print(f"{rows[-1][0]:<40} medyan {statistics.median(runs):5.1f} sn", flush=True)
    lab = ROOT / "solutions" / "lab01_websocket_nedir.ipynb"
    runs = [time_grading(lab) for _ in range(args.tekrar)]
    rows.append(("lab 1 notlandırma (pytest --nbval-lax)", runs, 20.0))

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
    Path(args.json).write_text(json.dumps(results, ensure_ascii=False, indent=2), encoding="utf-8")
    print(f"\nSonuçlar: {args.json}")
    return 0 if all(r["hedefte"] for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
