"""``wskurs`` komut satırı: lab üretimi ve toplu notlandırma."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from wskurs.grading.batch import add_grading_parser

__all__ = ["main"]


def _labs(args: argparse.Namespace) -> int:
    from wskurs.grading.generator import LabError, write_labs

    try:
        report = write_labs(Path(args.cozumler), Path(args.lablar), check=args.kontrol)
    except LabError as exc:
        print(f"Hata: {exc}", file=sys.stderr)
        return 2
    for line in report:
        print(line)
    if args.kontrol:
        if report:
            print("labs/ çözümlerle uyuşmuyor.", file=sys.stderr)
            return 1
        print("labs/ çözümlerle uyumlu.")
    elif not report:
        print("labs/ zaten güncel.")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="wskurs", description="FastAPI WebSocket Kursu araçları")
    commands = parser.add_subparsers(dest="komut", required=True)

    labs = commands.add_parser("lab-uret", help="solutions/ klasöründen labs/ klasörünü üretir")
    labs.add_argument("--cozumler", default="solutions", help="çözümlü lab'ların klasörü")
    labs.add_argument("--lablar", default="labs", help="üretilecek lab'ların klasörü")
    labs.add_argument("--kontrol", action="store_true", help="yazma, yalnız farkları bildir")
    labs.set_defaults(run=_labs)

    add_grading_parser(commands)

    args = parser.parse_args(argv)
    return int(args.run(args))


if __name__ == "__main__":
    sys.exit(main())
