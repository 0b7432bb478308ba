"""Ölçülen zaman çizelgelerini çizmek (derslerin kullandığı, öğretmediği kod)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from matplotlib.figure import Figure

__all__ = ["cumulative_plot", "deliveries", "reconnect_lanes", "timeline"]


def timeline(
    lanes: Mapping[str, Sequence[tuple[float, float]]],
    *,
    title: str,
    xlabel: str = "zaman (ms)",
    marks: Mapping[str, Sequence[tuple[float, str]]] | None = None,
    colors: Mapping[str, str] | None = None,
) -> Figure:
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


def deliveries(
    arrivals: Mapping[str, Sequence[float]],
    *,
    title: str,
    end: float | None = None,
    events: Sequence[tuple[float, str]] = (),
    xlabel: str = "zaman (s)",
    ylabel: str = "alınan mesaj (toplam)",
) -> Figure:
    """Her alıcı için, zamana göre o ana dek aldığı mesaj sayısını basamaklı bir çizgiyle çizer.

    Hiç mesaj almayan bir alıcının çizgisi sıfırda düz kalır; takılan bir yayın, bütün
    çizgilerin aynı anda düzleşmesi olarak görünür.

    Args:
        arrivals: Alıcının adı → mesajlarının geliş anları (``xlabel`` biriminde, artan sırada
            olması gerekmez).
        title: Grafiğin başlığı.
        end: Çizgilerin uzatılacağı son an; verilmezse en son geliş ya da olay anı.
        events: ``(an, etiket)`` olayları (ör. "Cem koptu"); dikey kesikli çizgiyle işaretlenir.
        xlabel: Yatay eksenin adı.
        ylabel: Dikey eksenin adı.

    Returns:
        matplotlib ``Figure``'ı (Jupyter'de hücrenin son ifadesi olunca çizilir).
    """
    import matplotlib.pyplot as plt

    moments = [t for times in arrivals.values() for t in times] + [t for t, _ in events]
    last = end if end is not None else max(moments, default=0.0)
    fig, ax = plt.subplots(figsize=(10, 3.8))
    for index, (name, times) in enumerate(arrivals.items()):
        ordered = sorted(times)
        xs = [0.0, *ordered, last]
        ys = [0, *range(1, len(ordered) + 1), len(ordered)]
        width = max(3.0 - 0.7 * index, 1.4)  # üst üste binen çizgiler de görünsün
        ax.step(xs, ys, where="post", color=f"C{index}", linewidth=width, label=f"{name}: {len(ordered)}")
    top = max((len(times) for times in arrivals.values()), default=0)
    for at, label in events:
        ax.axvline(at, color="grey", linestyle="--", linewidth=1)
        ax.annotate(
            label,
            (at, top),
            xytext=(3, 0),
            textcoords="offset points",
            rotation=90,
            fontsize=8,
            va="top",
            ha="left",
            color="dimgrey",
        )
    ax.set_xlim(0, last * 1.02 if last > 0 else 1)
    ax.set_ylim(-0.05 * max(top, 10), max(top, 1) * 1.08)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.set_title(title)
    ax.grid(alpha=0.3)
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=9, frameon=False)
    fig.tight_layout()
    plt.close(fig)
    return fig


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


def reconnect_lanes(
    events: Sequence[tuple[float, str, Any]],
    *,
    stopped: float,
    started: float,
    origin: float | None = None,
) -> tuple[dict[str, list[tuple[float, float]]], dict[str, list[tuple[float, str]]]]:
    """Yeniden bağlanan bir istemcinin olaylarını zaman çizelgesi şeritlerine çevirir.

    Args:
        events: ``(an, olay, ayrıntı)`` üçlüleri, an saniye (``time.perf_counter()``). Olaylar:
            ``"açıldı"`` (ayrıntı: oturum numarası), ``"kapandı"`` (ayrıntı: kapanış kodu),
            ``"başarısız"`` (bir deneme başarısız; ayrıntı, bir sonraki denemeden önce beklenen
            saniye), ``"bitti"`` (istemci işini bitirdi).
        stopped: Sunucunun durdurulduğu an; ``started``: yeniden başladığı an.
        origin: Sıfır anı (verilmezse ilk olayın anı).

    Returns:
        ``(şeritler, işaretler)``: ``timeline``'ın ``lanes`` ve ``marks``'ı, ms cinsinden.
        Şeritler: ``"sunucu çalışıyor"``, ``"istemci bağlı"``, ``"istemci bekliyor"``. Sunucunun
        şeridi son olaydan sonra da biraz sürer (sunucu çalışmaya devam ediyor; etiketlere yer kalır).
    """
    times = [at for at, _, _ in events]
    zero = origin if origin is not None else min([*times, stopped])
    end = max([*times, started])

    def ms(at: float) -> float:
        return (at - zero) * 1000

    tail = end + 0.25 * (end - zero)
    server = [(0.0, ms(stopped)), (ms(started), ms(tail))]
    connected: list[tuple[float, float]] = []
    waiting: list[tuple[float, float]] = []
    marks: dict[str, list[tuple[float, str]]] = {"istemci bağlı": [], "istemci bekliyor": []}
    opened_at: float | None = None
    attempt = 0
    for at, kind, detail in events:
        if kind == "açıldı":
            opened_at = at
            marks["istemci bağlı"].append((ms(at), f"{detail}. oturum"))
        elif kind in ("kapandı", "bitti") and opened_at is not None:
            connected.append((ms(opened_at), ms(at)))
            opened_at = None
            if kind == "kapandı":
                marks["istemci bağlı"].append((ms(at), f"kod {detail}"))
        elif kind == "başarısız":
            attempt += 1
            waiting.append((ms(at), ms(at + detail)))
            marks["istemci bekliyor"].append((ms(at), f"✗{attempt}"))
    if opened_at is not None:
        connected.append((ms(opened_at), ms(end)))
    marks["sunucu çalışıyor"] = [(ms(stopped), "durdu"), (ms(started), "başladı")]
    lanes = {"sunucu çalışıyor": server, "istemci bağlı": connected, "istemci bekliyor": waiting}
    return lanes, marks
