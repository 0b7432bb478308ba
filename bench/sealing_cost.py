"""Kapalı notlandırmanın gönderim başına bedeli: ağ ad alanı, cgroup ve süreci onlara sokmak.

``python bench/sealing_cost.py [--tekrar N]`` (root gerekir). Her adım ``N`` kez ölçülür, medyanı
yazılır (makine paylaşımlı ve gürültülü):

- ağ ad alanını açmak (``unshare`` + ``lo``'yu açmak + yargıcın soketi) ve kapatmak;
- gönderimin cgroup'unu açıp sınırlarını yazmak, sonra silmek;
- bir süreci ``nsenter`` ve cgroup'a giren kabukla başlatmanın, doğrudan başlatmaya göre fazlası
  (``true`` ile).
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Callable

from wskurs.engine.netns import open_namespace
from wskurs.grading.cgroup import find_root
from wskurs.grading.sandbox import Limits


def _median_ms(step: Callable[[], None], count: int) -> float:
    times = []
    for _ in range(count):
        started = time.perf_counter()
        step()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def measure(count: int) -> list[tuple[str, float]]:
    """Adım adı → medyan milisaniye. Root değilse ya da cgroup yoksa boş liste."""
    if os.geteuid() != 0:
        return []
    rows: list[tuple[str, float]] = []

    def namespace() -> None:
        found = open_namespace()
        assert found is not None
        found.close()

    rows.append(("ağ ad alanı aç + kapat", _median_ms(namespace, count)))
    root = find_root()
    if root is not None:
        limits = Limits()

        def group() -> None:
            made = root.create(limits.memory, limits.processes)
            assert made.remove() == ""

        rows.append((f"cgroup v{root.version} aç + sınırla + sil", _median_ms(group, count)))
    true = shutil.which("true") or "/bin/true"
    plain = _median_ms(lambda: subprocess.run([true], check=True), count)
    found = open_namespace()
    made = root.create(Limits().memory, Limits().processes) if root is not None else None
    assert found is not None
    try:
        command = found.enter(made.enter([true]) if made is not None else [true])
        wrapped = _median_ms(lambda: subprocess.run(command, check=True, pass_fds=(found.fd,)), count)
    finally:
        found.close()
        if made is not None:
            made.remove()
    rows.append(("süreci nsenter + cgroup ile başlatmanın fazlası", wrapped - plain))
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--tekrar", type=int, default=50, help="her adımın ölçüm sayısı (varsayılan 50)")
    args = parser.parse_args()
    rows = measure(args.tekrar)
    if not rows:
        print("Root değil: ağ ad alanı ve cgroup ölçülemez.", file=sys.stderr)
        return 2
    print(f"{'kapalı notlandırmanın adımı':<50} {'medyan':>9}")
    for name, ms in rows:
        print(f"{name:<50} {ms:7.1f} ms")
    print(f"{'gönderim başına toplam':<50} {sum(ms for _, ms in rows):7.1f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
