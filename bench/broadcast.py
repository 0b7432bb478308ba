"""``make bench`` bölümü: kaynak metnin yayın ve bellek iddiaları, tek çalıştırmada yan yana.

- 1.000 istemci (ayrı bir süreçte), 64 baytlık mesajlar: kaynak metnin sıralı döngüsü, ``gather``,
  kursun kuyruklu yöneticisi (üç yazıcı hâli) ve ``websockets`` kütüphanesinin ``broadcast()``
  sunucusunun teslim hızı; oranlar sıralı döngüye göre, her yol için ``--tekrar`` turun medyanı.
- Hiç okumayan bir üyeyle her yolun okuyanlara teslim yüzdesi ve yayıncının takılıp takılmadığı.
- 5.000 boşta bağlantıda bağlantı başına sunucu belleği (uvicorn+FastAPI ve ``websockets``);
  her biri ``--tekrar`` kez, her seferinde temiz bir sunucu sürecinde; medyan.

Hedef: kursun öğrettiği yönetici (toplayarak yazan yazıcı) ``broadcast()``'in hızının en az 0,75'ine ulaşır
ve okumayan bir üye varken okuyanlara %100 teslim eder. Çıkış kodu 0 ise hedef tutmuştur.

Çalıştırma: ``.venv/bin/python bench/broadcast.py [--tekrar 3] [--json yayin-sonuc.json]``
ya da ``bench/run.py`` içinden ``run_bench(tekrar)``.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import sys
from pathlib import Path
from typing import Any

from wskurs.lessons.broadcast import STRATEGIES, measure_broadcast, measure_idle_memory

TARGET_SHARE_OF_BROADCAST = 0.75
TAUGHT = "kuyruk + yazıcı, toplayarak"


async def _measure(repeats: int, clients: int, idle: int) -> dict[str, Any]:
    results = await measure_broadcast(clients, rounds=repeats, per_round=20, progress=lambda line: print("  " + line))
    memory: dict[str, list[float]] = {"fastapi": [], "websockets": []}
    for _ in range(repeats):
        for kind in memory:
            memory[kind].append((await measure_idle_memory(kind, idle)).per_connection / 1024)
        print(f"  bellek: {len(memory['fastapi'])}/{repeats}")
    base = results[STRATEGIES[0]].median
    rows = []
    for name in STRATEGIES:
        result = results[name]
        stall = result.stall
        rows.append(
            {
                "yol": name,
                "medyan_teslim_sn": round(result.median),
                "olcumler": [round(rate) for rate in result.rates],
                "medyan_teslim_duvar_saati": round(result.wall_median),
                "olcumler_duvar_saati": [round(rate) for rate in result.wall_rates],
                "sirali_donguye_oran": round(result.median / base, 2),
                "okumayan_uyeyle_okuyanlara_teslim": round(stall.reader_share, 3) if stall else None,
                "okumayan_uyeyle_yayinci_takildi": stall.broadcaster_stalled if stall else None,
                "okumayan_uye_birakildi": stall.member_dropped if stall else None,
                "yanlislikla_birakilan_okuyan": stall.readers_dropped if stall else None,
            }
        )
    taught = results[TAUGHT]
    share = taught.median / results["broadcast()"].median
    return {
        "istemci": clients,
        "tekrar": repeats,
        "yollar": rows,
        "bos_baglanti": idle,
        "bellek_kb": {
            kind: {"medyan": round(statistics.median(v), 1), "olcumler": [round(x, 1) for x in v]}
            for kind, v in memory.items()
        },
        "ogretilen_yonetici_broadcast_orani": round(share, 2),
        "hedefte": share >= TARGET_SHARE_OF_BROADCAST and taught.stall is not None and taught.stall.reader_share >= 1.0,
    }


def print_report(report: dict[str, Any]) -> None:
    """Ölçümü tablo olarak yazar."""
    print(f"\nYayın: {report['istemci']} istemci (ayrı süreçte), 64 baytlık mesajlar, {report['tekrar']} turun medyanı")
    print("teslim/sn: sunucunun event loop iş parçacığının işlemci saniyesi başına teslim")
    print(f"{'yol':<28} {'teslim/sn':>10} {'oran':>6}  {'okumayan üyeyle: okuyanlara':>28}  yayıncı")
    for row in report["yollar"]:
        share = row["okumayan_uyeyle_okuyanlara_teslim"]
        stalled = "takıldı" if row["okumayan_uyeyle_yayinci_takildi"] else "takılmadı"
        name, rate, ratio = row["yol"], row["medyan_teslim_sn"], row["sirali_donguye_oran"]
        print(f"{name:<28} {rate:>10} {ratio:>5.2f}×  {share:>27.0%}  {stalled}")
    memory = report["bellek_kb"]
    print(
        f"\nBoşta bağlantı başına bellek ({report['bos_baglanti']} bağlantı, medyan): "
        f"uvicorn+FastAPI {memory['fastapi']['medyan']} KB, websockets {memory['websockets']['medyan']} KB"
    )
    mark = "✅" if report["hedefte"] else "❌"
    print(
        f"Öğretilen yönetici / broadcast(): {report['ogretilen_yonetici_broadcast_orani']:.2f} "
        f"(hedef ≥ {TARGET_SHARE_OF_BROADCAST}, okumayan üyeyle %100) {mark}"
    )


def run_bench(repeats: int = 3, *, clients: int = 1000, idle: int = 5000) -> dict[str, Any]:
    """Ölçümü yapar, tabloyu yazar ve raporu döndürür (``bench/run.py`` bunu çağırır)."""
    report = asyncio.run(_measure(repeats, clients, idle))
    print_report(report)
    return report


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--tekrar", type=int, default=3, help="her ölçümün tekrar sayısı (varsayılan 3)")
    parser.add_argument("--istemci", type=int, default=1000, help="yayın ölçümündeki istemci sayısı")
    parser.add_argument("--bos", type=int, default=5000, help="bellek ölçümündeki boşta bağlantı sayısı")
    parser.add_argument("--json", default="yayin-sonuc.json", help="sonuçların yazılacağı dosya")
    args = parser.parse_args()
    report = run_bench(args.tekrar, clients=args.istemci, idle=args.bos)
    Path(args.json).write_text(json.dumps(report, ensure_ascii=False, indent=2), encoding="utf-8")
    print(f"\nSonuçlar: {args.json}")
    return 0 if report["hedefte"] else 1


if __name__ == "__main__":
    sys.exit(main())
