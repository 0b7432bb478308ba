"""Bölüm 5.2'nin resmi: bir WebSocket çerçevesinin başlığı, bit bit (derslerin kullandığı, öğretmediği kod)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from matplotlib.figure import Figure

__all__ = ["frame_parts", "header_figure"]

_BIT_FIELDS = [
    ("FIN", 0, 1, "#f4a261"),
    ("RSV1", 1, 1, "#d9d9d9"),
    ("RSV2", 2, 1, "#d9d9d9"),
    ("RSV3", 3, 1, "#d9d9d9"),
    ("opcode", 4, 4, "#e9c46a"),
    ("MASK", 8, 1, "#f4a261"),
    ("uzunluk (7 bit)", 9, 7, "#8ecae6"),
]


def frame_parts(frame: bytes) -> list[tuple[str, bytes]]:
    """Bir çerçeveyi alanlarına ayırır: başlık, (varsa) uzatılmış uzunluk, (varsa) maske, veri.

    Args:
        frame: Tam bir WebSocket çerçevesi.

    Returns:
        ``(alan adı, baytlar)`` listesi, çerçevedeki sırasıyla.
    """
    length, at = frame[1] & 0x7F, 2
    parts = [("başlık (2 bayt)", frame[:2])]
    if length in (126, 127):
        size = 2 if length == 126 else 8
        parts.append((f"uzatılmış uzunluk ({size} bayt)", frame[at : at + size]))
        length, at = int.from_bytes(frame[at : at + size], "big"), at + size
    if frame[1] & 0x80:
        parts.append(("maske anahtarı (4 bayt)", frame[at : at + 4]))
        at += 4
    parts.append((f"veri ({length} bayt{', maskeli' if frame[1] & 0x80 else ''})", frame[at : at + length]))
    return parts


def header_figure(frame: bytes, *, max_bytes: int = 16) -> Figure:
    """İlk iki baytı bit bit, bütün çerçeveyi bayt bayt gösteren bir resim çizer.

    Args:
        frame: Çizilecek çerçeve (ör. RFC 6455, 5.7'deki ``81 85 37 fa 21 3d 7f 9f 4d 51 58``).
        max_bytes: Alt şeritte gösterilecek en fazla bayt (uzun verinin kalanı "…" olur).

    Returns:
        matplotlib ``Figure``'ı.
    """
    import matplotlib.pyplot as plt
    from matplotlib.patches import Rectangle

    fig, ax = plt.subplots(figsize=(10, 4.2))
    ax.set_xlim(-0.5, 16.5)
    ax.set_ylim(-3.6, 3.2)
    ax.axis("off")
    bits = f"{frame[0]:08b}{frame[1]:08b}"

    # Üst şerit: 16 bit, alan adlarıyla.
    for name, start, width, color in _BIT_FIELDS:
        ax.add_patch(Rectangle((start, 1.2), width, 0.9, facecolor=color, edgecolor="black"))
        vertical = width == 1 and len(name) > 3
        ax.text(
            start + width / 2,
            2.25,
            name,
            ha="center",
            va="bottom",
            fontsize=9,
            rotation=90 if vertical else 0,
        )
    for i, bit in enumerate(bits):
        ax.text(i + 0.5, 1.65, bit, ha="center", va="center", fontsize=12, family="monospace")
        ax.text(i + 0.5, 1.0, str(i), ha="center", va="top", fontsize=7, color="dimgray")
    opcode, length = frame[0] & 0x0F, frame[1] & 0x7F
    ax.text(4, 0.35, f"1. bayt 0x{frame[0]:02x}: FIN={bits[0]}, opcode={opcode}", ha="center", fontsize=9)
    ax.text(12, 0.35, f"2. bayt 0x{frame[1]:02x}: MASK={bits[8]}, uzunluk={length}", ha="center", fontsize=9)
    ax.text(
        -0.4,
        -0.45,
        "uzunluk 0–125: verinin boyu; 126: ardından 2 bayt uzunluk; 127: ardından 8 bayt uzunluk",
        fontsize=8.5,
        color="dimgray",
    )

    # Alt şerit: bütün çerçeve, bayt bayt, alanlara göre renkli.
    colors = {"başlık": "#f4a261", "uzatılmış": "#8ecae6", "maske": "#b5e48c", "veri": "#cdb4db"}
    scale = 16 / min(max_bytes, len(frame))
    x, shown = 0.0, 0
    for label, data in frame_parts(frame):
        color = colors[label.split()[0]]
        left = x
        for byte in data:
            if shown >= max_bytes:
                break
            ax.add_patch(Rectangle((x, -2.2), scale, 0.9, facecolor=color, edgecolor="black"))
            ax.text(x + scale / 2, -1.75, f"{byte:02x}", ha="center", va="center", fontsize=10, family="monospace")
            x, shown = x + scale, shown + 1
        if x > left:
            ax.annotate(
                "",
                xy=(left, -2.45),
                xytext=(x, -2.45),
                arrowprops={"arrowstyle": "<->", "color": "dimgray", "linewidth": 0.8},
            )
            ax.text((left + x) / 2, -2.6, label, ha="center", va="top", fontsize=8.5)
    if shown < len(frame):
        ax.text(x + 0.1, -1.75, "…", fontsize=12, va="center")
    ax.set_title(f"Bir WebSocket çerçevesi ({len(frame)} bayt): ilk iki bayt bit bit, sonra bütün çerçeve", fontsize=11)
    fig.tight_layout()
    plt.close(fig)
    return fig
