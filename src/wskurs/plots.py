"""Ölçülen zaman çizelgelerini çizmek (derslerin kullandığı, öğretmediği kod)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

__all__ = ["timeline"]


def timeline(
    lanes: Mapping[str, Sequence[tuple[float, float]]],
    *,
    title: str,
    xlabel: str = "zaman (ms)",
    marks: Mapping[str, Sequence[tuple[float, str]]] | None = None,
    colors: Mapping[str, str] | None = None,
):
    """Her satırı bir şerit (ör. bir bağlantı) olan bir zaman çizelgesi çizer.

    Args:
        lanes: Şerit adı → ``(başlangıç, bitiş)`` aralıkları; şeritler verilen sırayla yukarıdan
            aşağı dizilir.
        title: Grafiğin başlığı.
        xlabel: Yatay eksenin adı.
        marks: Şerit adı → ``(zaman, etiket)`` işaretleri (ör. "accept", "close").
        colors: Şerit adı → renk.

    Returns:
        matplotlib ``Figure``'ı (Jupyter'de hücrenin son ifadesi olunca çizilir).
    """
    import matplotlib.pyplot as plt

    names = list(lanes)
    fig, ax = plt.subplots(figsize=(9, 0.6 * len(names) + 1.4))
    for row, name in enumerate(reversed(names)):
        spans = [(start, end - start) for start, end in lanes[name]]
        color = (colors or {}).get(name, f"C{len(names) - 1 - row}")
        ax.broken_barh(spans, (row - 0.35, 0.7), facecolors=color)
        for at, label in (marks or {}).get(name, ()):
            ax.plot([at, at], [row - 0.45, row + 0.45], color="black", linewidth=1)
            ax.annotate(label, (at, row + 0.42), fontsize=8, ha="left", va="bottom")
    ax.set_yticks(range(len(names)), list(reversed(names)))
    ax.set_xlabel(xlabel)
    ax.set_title(title)
    ax.grid(axis="x", alpha=0.3)
    fig.tight_layout()
    plt.close(fig)
    return fig
