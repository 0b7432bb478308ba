"""Sınıf raporu: ``sinif_raporu.html``, öğretmen için bir lab'ın bütün sınıftaki özeti.

Tek, kendi kendine yeten bir dosyadır (çevrimdışı açılır): CSS sayfanın içinde, grafikler base64 PNG,
dış betik ya da yazı tipi yok. İçindekiler: puan dağılımı (histogram), alıştırma başına geçme oranı
(çubuk grafik), alıştırma başına en sık kalınan özellikler (yargıcın geri bildiriminden: ``Sorun:``
satırı, yoksa ilk ``❌`` satırı; gizli girdiler zaten geri bildirimde yoktur), durumlar (zaman aşımı,
şüpheli, çekirdek öldü, notlandırılamadı…) ve ilgili gönderimler, notlandırma süresi.

Hesaplar saf fonksiyonlardır (``pass_rates``, ``common_failures``, ``status_groups``, ``timing_summary``,
``score_histogram``); ``write_class_report`` yalnızca onları HTML'e döker. Gönderimin adı ve geri
bildirim öğrenciden gelebilir: sayfaya ``reports.clean_text``/``display_name``'den ve ardından
``html.escape``'ten geçerek girer. ``from_json`` var olan bir ``notlar.json``'dan raporu yeniden
üretmeye yarar: ``write_class_report(*from_json(yol), çıktı)``.
"""

from __future__ import annotations

import base64
import html
import io
import json
import re
import statistics
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from wskurs.grading.reports import clean_text, display_name
from wskurs.labformat import ExerciseOutcome, ExerciseResult, ExerciseSpec, SubmissionGrade, SubmissionStatus

if TYPE_CHECKING:
    from matplotlib.figure import Figure

__all__ = [
    "CLASS_REPORT",
    "ClassData",
    "FailureGroup",
    "PassRate",
    "Timing",
    "class_report_html",
    "common_failures",
    "failure_property",
    "from_json",
    "pass_rates",
    "score_histogram",
    "status_groups",
    "timing_summary",
    "write_class_report",
]

CLASS_REPORT = "sinif_raporu.html"
"""Sınıf raporunun dosya adı."""

MAX_PROPERTY = 300
"""Bir özellik metninin en çok karakter sayısı (sonundaki "…" dahil)."""


# Hesaplar ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PassRate:
    """Bir alıştırmayı geçen gönderim sayısı ve bütün gönderimler."""

    passed: int
    total: int

    @property
    def ratio(self) -> float:
        return self.passed / self.total if self.total else 0.0


@dataclass(frozen=True)
class FailureGroup:
    """Aynı özellikten kalan gönderimler: özelliğin metni (temiz, tek satır) ve gönderimlerin adları."""

    message: str
    students: tuple[str, ...]

    @property
    def count(self) -> int:
        return len(self.students)


@dataclass(frozen=True)
class Timing:
    """Notlandırma süresi: toplam, gönderim başına ortanca ve en yavaş gönderimler (saniye)."""

    total: float
    median: float
    slowest: tuple[tuple[str, float], ...]


_HEADER = re.compile(r"^❌\s*(?:Alıştırma\s+\S+\s+—.*?:\s*\d+/\d+\s+puan\s*)?")


def failure_property(feedback: str) -> str:
    """Geri bildirimden kalınan özellik: ``Sorun:`` satırı (``Mismatch``'in metni); yoksa ilk ``❌``
    satırının başlıktan sonrası (başlıktan başka bir şey yoksa satırın kendisi); o da yoksa ilk dolu
    satır. Temiz ve tek satırdır, en çok ``MAX_PROPERTY`` karakter."""
    lines = [line.strip() for line in clean_text(feedback).splitlines() if line.strip()]
    found = next((line.removeprefix("Sorun:").strip() for line in lines if line.startswith("Sorun:")), "")
    if not found:
        cross = next((line for line in lines if line.startswith("❌")), "")
        found = _HEADER.sub("", cross).strip() or cross
    if not found:
        found = lines[0] if lines else "(geri bildirim yok)"
    found = " ".join(found.split())
    return found if len(found) <= MAX_PROPERTY else found[: MAX_PROPERTY - 1] + "…"


def _row(grade: SubmissionGrade, exercise: str) -> ExerciseResult | None:
    return next((row for row in grade.exercises if row.exercise == exercise), None)


def pass_rates(grades: Sequence[SubmissionGrade], specs: Sequence[ExerciseSpec]) -> dict[str, PassRate]:
    """Alıştırma → geçen gönderim sayısı / bütün gönderimler (notlandırılamayanlar da paydadadır)."""
    return {
        spec.id: PassRate(
            sum(1 for grade in grades if (row := _row(grade, spec.id)) is not None and row.passed), len(grades)
        )
        for spec in specs
    }


def common_failures(grades: Sequence[SubmissionGrade], specs: Sequence[ExerciseSpec]) -> dict[str, list[FailureGroup]]:
    """Alıştırma → kalınan özellikler, en sıktan aza (eşitse metne göre). Yalnızca ``kaldı`` satırları
    sayılır: çalışmayan alıştırmaların nedeni gönderimin durumundadır (``status_groups``)."""
    result: dict[str, list[FailureGroup]] = {}
    for spec in specs:
        groups: dict[str, list[str]] = {}
        for grade in grades:
            row = _row(grade, spec.id)
            if row is not None and row.outcome is ExerciseOutcome.FAILED:
                groups.setdefault(failure_property(row.feedback), []).append(display_name(grade.submission))
        result[spec.id] = sorted(
            (FailureGroup(message, tuple(sorted(names))) for message, names in groups.items()),
            key=lambda group: (-group.count, group.message),
        )
    return result


def status_groups(grades: Sequence[SubmissionGrade]) -> dict[SubmissionStatus, list[tuple[str, str]]]:
    """Notlandırılmış (``GRADED``) olmayan her durum → ``(gönderim, neden)`` listesi; durumlar
    ``SubmissionStatus`` sırasıyla, boş olanlar yok. Adlar ve nedenler temiz, tek satırdır."""
    result: dict[SubmissionStatus, list[tuple[str, str]]] = {}
    for status in SubmissionStatus:
        if status is SubmissionStatus.GRADED:
            continue
        rows = [
            (display_name(grade.submission), clean_text(grade.reason, keep_newlines=False).strip())
            for grade in grades
            if grade.status is status
        ]
        if rows:
            result[status] = sorted(rows)
    return result


def timing_summary(grades: Sequence[SubmissionGrade], *, slowest: int = 5) -> Timing:
    """Toplam süre, gönderim başına ortanca ve en yavaş ``slowest`` gönderim (yavaştan hızlıya)."""
    seconds = [grade.seconds for grade in grades]
    ordered = sorted(grades, key=lambda grade: (-grade.seconds, grade.submission))
    return Timing(
        total=sum(seconds),
        median=statistics.median(seconds) if seconds else 0.0,
        slowest=tuple((display_name(grade.submission), grade.seconds) for grade in ordered[:slowest]),
    )


def score_histogram(grades: Sequence[SubmissionGrade], maximum: int) -> list[int]:
    """Puan → o puanı alan gönderim sayısı (``0..maximum``, ``maximum + 1`` öğe)."""
    counts = [0] * (maximum + 1)
    for grade in grades:
        counts[min(max(grade.total, 0), maximum)] += 1
    return counts


# notlar.json ----------------------------------------------------------------------------------


class ClassData(NamedTuple):
    """``notlar.json``'dan okunan notlar: ``write_class_report(*veri, çıktı)`` diye verilebilir."""

    grades: list[SubmissionGrade]
    lab: str
    specs: list[ExerciseSpec]


def from_json(path: Path) -> ClassData:
    """``reports.write_reports``'un yazdığı ``notlar.json``'dan notları, lab'ı ve alıştırmaları okur
    (alıştırmalar gönderimlerin satırlarından, ilk görülme sırasıyla). Günlük JSON'da yoktur."""
    data = json.loads(path.read_text(encoding="utf-8"))
    lab = str(data.get("lab", ""))
    specs: dict[str, ExerciseSpec] = {}
    grades = []
    for entry in data.get("submissions", []):
        rows = []
        for row in entry.get("exercises", []):
            spec = ExerciseSpec(str(row["exercise"]), str(row["title"]), int(row["points"]))
            specs.setdefault(spec.id, spec)
            rows.append(
                ExerciseResult(
                    spec.id,
                    spec.title,
                    spec.points,
                    int(row["earned"]),
                    ExerciseOutcome(row["status"]),
                    str(row.get("feedback", "")),
                )
            )
        grades.append(
            SubmissionGrade(
                str(entry["submission"]),
                str(entry.get("lab", lab)),
                tuple(rows),
                SubmissionStatus(entry["status"]),
                str(entry.get("reason", "")),
                float(entry.get("seconds", 0.0)),
                tuple(str(note) for note in entry.get("notes", [])),
            )
        )
    return ClassData(grades, lab, list(specs.values()))


# Grafikler ------------------------------------------------------------------------------------


def _figure(width: float, height: float) -> Figure:
    # pyplot'suz Figure: Agg ile çizer, etkileşimli arka uç ya da küresel durum gerekmez.
    from matplotlib.figure import Figure

    return Figure(figsize=(width, height), dpi=110)


def _png(fig: Figure) -> str:
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png")
    return base64.b64encode(buffer.getvalue()).decode("ascii")


def _histogram_png(counts: list[int], maximum: int) -> str:
    from matplotlib.ticker import MaxNLocator

    fig = _figure(8, 3.6)
    ax = fig.add_subplot()
    ax.bar(range(len(counts)), counts, width=0.8, color="C0")
    ax.set_xlabel(f"toplam puan (en çok {maximum})")
    ax.set_ylabel("gönderim sayısı")
    ax.set_title("Puan dağılımı")
    step = max(1, (maximum + 1) // 15)
    ax.set_xticks(range(0, maximum + 1, step))
    ax.set_xlim(-0.6, maximum + 0.6)
    top = max(counts, default=0)
    ax.set_ylim(0, max(top, 1) * 1.15)
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    ax.grid(axis="y", alpha=0.3)
    fig.tight_layout()
    return _png(fig)


def _pass_rate_png(rates: dict[str, PassRate], specs: Sequence[ExerciseSpec]) -> str:
    fig = _figure(8, max(2.4, 0.55 * len(specs) + 1.3))
    ax = fig.add_subplot()
    labels = [f"{spec.id} {spec.title}" if len(spec.title) <= 34 else f"{spec.id} {spec.title[:33]}…" for spec in specs]
    values = [100 * rates[spec.id].ratio for spec in specs]
    rows = list(range(len(specs)))[::-1]
    ax.barh(rows, values, height=0.6, color="C2")
    for row, spec, value in zip(rows, specs, values, strict=True):
        rate = rates[spec.id]
        ax.annotate(f" %{value:.0f} ({rate.passed}/{rate.total})", (value, row), va="center", ha="left", fontsize=9)
    ax.set_yticks(rows, labels)
    ax.set_xlim(0, 118)
    ax.set_xticks(range(0, 101, 20))
    ax.set_xlabel("geçen gönderimler (%)")
    ax.set_title("Alıştırma başına geçme oranı")
    ax.grid(axis="x", alpha=0.3)
    fig.tight_layout()
    return _png(fig)


# HTML ----------------------------------------------------------------------------------------

_CSS = """
body { font-family: system-ui, -apple-system, "Segoe UI", sans-serif; margin: 2rem auto; max-width: 62rem;
       padding: 0 1rem; color: #1d1d1f; line-height: 1.45; }
h1 { font-size: 1.6rem; } h2 { font-size: 1.25rem; margin-top: 2.2rem; border-bottom: 1px solid #ddd; }
h3 { font-size: 1.05rem; margin-bottom: .3rem; }
table { border-collapse: collapse; width: 100%; margin: .4rem 0 1rem; }
th, td { border: 1px solid #ddd; padding: .35rem .5rem; text-align: left; vertical-align: top; }
th { background: #f4f4f6; } td.num { text-align: right; white-space: nowrap; }
img { max-width: 100%; height: auto; display: block; margin: .5rem 0; }
.names { font-size: .92em; color: #333; } .muted { color: #666; } .ok { color: #1a7f37; }
.summary { display: flex; gap: 1.5rem; flex-wrap: wrap; } .summary div { background: #f4f4f6;
       padding: .5rem .9rem; border-radius: .4rem; }
"""


def _e(text: str) -> str:
    """Öğrenciden gelebilecek (ya da gelmeyecek) her metin: temizlenir, HTML'de kaçışlanır."""
    return html.escape(clean_text(text), quote=True)


def _seconds(value: float) -> str:
    if value >= 60:
        minutes, rest = divmod(value, 60)
        return f"{int(minutes)} dk {rest:.0f} sn"
    return f"{value:.1f} sn".replace(".", ",")


def _names(names: Sequence[str]) -> str:
    return ", ".join(_e(name) for name in names)


def class_report_html(grades: Sequence[SubmissionGrade], lab: str, specs: Sequence[ExerciseSpec]) -> str:
    """``sinif_raporu.html``'in metni (bkz. ``write_class_report``)."""
    maximum = sum(spec.points for spec in specs)
    totals = [grade.total for grade in grades]
    rates = pass_rates(grades, specs)
    failures = common_failures(grades, specs)
    statuses = status_groups(grades)
    timing = timing_summary(grades)
    title = f"Sınıf raporu — {lab}"
    out = [
        "<!DOCTYPE html>",
        '<html lang="tr"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        # Sayfa hiçbir dış kaynağa gitmez; CSP bunu tarayıcıya da söyler.
        '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; img-src data:; '
        "style-src 'unsafe-inline'\">",
        f"<title>{_e(title)}</title><style>{_CSS}</style></head><body>",
        f"<h1>{_e(title)}</h1>",
        '<div class="summary">',
        f"<div><b>{len(grades)}</b> gönderim</div>",
    ]
    if grades:
        mean = statistics.fmean(totals)
        median = f"{statistics.median(totals):g}".replace(".", ",")
        out.append(f"<div>ortalama <b>{mean:.1f}</b> / {maximum} puan</div>".replace(".", ","))
        out.append(f"<div>ortanca <b>{median}</b> / {maximum} puan</div>")
        full = sum(1 for total in totals if total == maximum and maximum)
        out.append(f"<div>tam puan: <b>{full}</b> gönderim</div>")
    out.append("</div>")

    out.append("<h2>Puan dağılımı</h2>")
    out.append(
        f'<img id="histogram" alt="Puan dağılımı histogramı" '
        f'src="data:image/png;base64,{_histogram_png(score_histogram(grades, maximum), maximum)}">'
    )

    out.append("<h2>Alıştırma başına geçme oranı</h2>")
    if specs:
        out.append(
            f'<img id="pass-rates" alt="Alıştırma başına geçme oranı" '
            f'src="data:image/png;base64,{_pass_rate_png(rates, specs)}">'
        )
    out.append("<table><tr><th>alıştırma</th><th>başlık</th><th>puan</th><th>geçen</th></tr>")
    for spec in specs:
        rate = rates[spec.id]
        out.append(
            f"<tr><td>{_e(spec.id)}</td><td>{_e(spec.title)}</td><td class=num>{spec.points}</td>"
            f"<td class=num>{rate.passed}/{rate.total} (%{100 * rate.ratio:.0f})</td></tr>"
        )
    out.append("</table>")

    out.append("<h2>En sık kalınan özellikler</h2>")
    out.append(
        '<p class="muted">Yargıcın geri bildiriminden (<code>Sorun:</code> satırı): aynı özellikten kalan '
        "gönderimler bir satırdadır. Gizli denemelerin girdileri geri bildirimde yoktur; yalnızca özellik "
        "adlandırılır.</p>"
    )
    for spec in specs:
        out.append(f"<h3>Alıştırma {_e(spec.id)} — {_e(spec.title)}</h3>")
        groups = failures[spec.id]
        if not groups:
            out.append('<p class="ok">Bu alıştırmadan kalan gönderim yok.</p>')
            continue
        out.append("<table><tr><th>kalınan özellik</th><th>sayı</th><th>gönderimler</th></tr>")
        for group in groups:
            out.append(
                f"<tr><td>{_e(group.message)}</td><td class=num>{group.count}</td>"
                f'<td class="names">{_names(group.students)}</td></tr>'
            )
        out.append("</table>")

    out.append("<h2>Durumlar</h2>")
    graded = sum(1 for grade in grades if grade.status is SubmissionStatus.GRADED)
    out.append(f"<p>{graded} gönderim sorunsuz notlandırıldı.</p>")
    if not statuses:
        out.append('<p class="ok">Zaman aşımı, şüpheli ya da notlandırılamayan gönderim yok.</p>')
    for status, rows in statuses.items():
        out.append(f"<h3>{_e(status.value)} ({len(rows)})</h3>")
        out.append("<table><tr><th>gönderim</th><th>neden</th></tr>")
        for name, reason in rows:
            out.append(f'<tr><td class="names">{_e(name)}</td><td>{_e(reason)}</td></tr>')
        out.append("</table>")

    out.append("<h2>Notlandırma süresi</h2>")
    out.append(
        f"<p>Toplam <b>{_seconds(timing.total)}</b>; gönderim başına ortanca <b>{_seconds(timing.median)}</b>. "
        '<span class="muted">(Gönderimler paralel notlandırıldıysa toplam, geçen gerçek süreden uzundur.)</span></p>'
    )
    if timing.slowest:
        out.append("<table><tr><th>en yavaş gönderimler</th><th>süre</th></tr>")
        for name, seconds in timing.slowest:
            out.append(f'<tr><td class="names">{_e(name)}</td><td class=num>{_seconds(seconds)}</td></tr>')
        out.append("</table>")
    out.append("</body></html>")
    return "\n".join(out) + "\n"


def write_class_report(
    grades: Sequence[SubmissionGrade], lab: str, specs: Sequence[ExerciseSpec], output: Path
) -> Path:
    """``output/sinif_raporu.html``'i yazar ve yolunu döndürür (``output`` klasörü yoksa açılır).

    Raises:
        OSError: dosya yazılamıyorsa.
    """
    output.mkdir(parents=True, exist_ok=True)
    path = output / CLASS_REPORT
    path.write_text(class_report_html(grades, lab, specs), encoding="utf-8")
    return path
