"""6. bölümün ölçümleri için yardımcı: birikimli teslim grafiği.

Ders bunu *kullanır*, öğretmez. Hiç okumayan istemci ``wskurs.clients`` modülündedir.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from matplotlib.figure import Figure

__all__ = ["cumulative_plot"]


def cumulative_plot(
    arrivals: Mapping[str, Sequence[float]],
    *,
    title: str,
    total: int | None = None,
    until: float | None = None,
    xlabel: str = "zaman (ms)",
    ylabel: str = "teslim edilen mesaj",
) -> Figure:
    """Her senaryo için "o ana dek teslim edilen mesaj sayısı" eğrisi çizer.

    Args:
        arrivals: Senaryo adı → teslim anları (ms, sıralı olması gerekmez).
        title: Grafiğin başlığı.
        total: Verilirse beklenen toplam, kesikli yatay çizgi olarak çizilir.
        until: Verilirse her eğri bu ana dek yatay uzatılır (ör. takılan bir senaryonun ölçüm
            bitene dek hiç artmadığını göstermek için).

    Returns:
        matplotlib ``Figure``'ı (Jupyter'de hücrenin son ifadesi olunca çizilir).
    """
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(9, 3.6))
    for name, times in arrivals.items():
        ordered = sorted(times)
        xs, ys = [0.0, *ordered], list(range(len(ordered) + 1))
        if until is not None and xs[-1] < until:
            xs, ys = [*xs, until], [*ys, ys[-1]]
        ax.step(xs, ys, where="post", label=name)
    if total is not None:
        ax.axhline(total, color="gray", linestyle="--", linewidth=1, label="beklenen")
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.set_title(title)
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8, loc="lower right")
    fig.tight_layout()
    plt.close(fig)
    return fig
