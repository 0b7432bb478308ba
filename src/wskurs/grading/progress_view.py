"""Öğrencinin ilerleme tablosu ve grafiği: ``wskurs ilerleme`` ve ``00_baslarken``'deki hücre.

Kayıtlar ``wskurs.checks.progress``'in dosyasından, alıştırmaların listesi (başlık, puan) kontrol
modüllerinden gelir: hiç denenmemiş alıştırmalar da tabloda görünür. Bu yalnızca öğrencinin kendi
görünümüdür; toplu notlandırma onu okumaz.
"""

from __future__ import annotations

import argparse
import enum
import html
import pkgutil
import sys
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from wskurs import checks
from wskurs.checks.core import specs_of
from wskurs.checks.progress import ENV, ExerciseProgress, load, progress_path
from wskurs.labformat import ExerciseSpec

if TYPE_CHECKING:
    from matplotlib.figure import Figure

__all__ = [
    "ExerciseState",
    "LabProgress",
    "course_labs",
    "format_table",
    "html_table",
    "lab_progress",
    "main",
    "plot",
    "show",
]


class ExerciseState(enum.Enum):
    """Bir alıştırmanın ilerleme tablosundaki durumu (değer tabloda görünen işarettir)."""

    PASSED = "✅"
    FAILED = "❌"
    NOT_TRIED = "·"


@dataclass(frozen=True)
class ExerciseRow:
    spec: ExerciseSpec
    state: ExerciseState
    earned: int
    attempts: int


@dataclass(frozen=True)
class LabProgress:
    """Bir lab'ın ilerlemesi: her alıştırma için bir satır."""

    lab: str
    rows: tuple[ExerciseRow, ...]

    @property
    def number(self) -> int:
        return int(self.lab.removeprefix("lab"))

    @property
    def points(self) -> int:
        return sum(row.spec.points for row in self.rows)

    @property
    def earned(self) -> int:
        return sum(row.earned for row in self.rows)

    def count(self, state: ExerciseState) -> int:
        return sum(1 for row in self.rows if row.state is state)

    def points_in(self, state: ExerciseState) -> int:
        return sum(row.spec.points for row in self.rows if row.state is state)


def course_labs() -> list[str]:
    """Kontrol modülü olan lab'lar, sırayla (``lab00`` başlangıç defterinin denemesidir)."""
    names = [info.name for info in pkgutil.iter_modules(checks.__path__)]
    return sorted(name for name in names if name.startswith("lab") and name[3:].isdigit())


def _row(spec: ExerciseSpec, record: ExerciseProgress | None) -> ExerciseRow:
    if record is None:
        return ExerciseRow(spec, ExerciseState.NOT_TRIED, 0, 0)
    if record.passed:
        return ExerciseRow(spec, ExerciseState.PASSED, min(record.points, spec.points) or spec.points, record.attempts)
    return ExerciseRow(spec, ExerciseState.FAILED, 0, record.attempts)


def lab_progress(
    records: Mapping[str, ExerciseProgress] | None = None, labs: Iterable[str] | None = None
) -> list[LabProgress]:
    """Her lab için ilerleme satırları.

    Args:
        records: Kayıtlar; verilmezse ilerleme dosyasından okunur.
        labs: Lab'lar (ör. ``["lab02"]``); verilmezse hepsi.
    """
    found = load() if records is None else records
    return [
        LabProgress(lab, tuple(_row(spec, found.get(spec.id)) for spec in specs_of(lab)))
        for lab in (course_labs() if labs is None else labs)
    ]


def _state_note(row: ExerciseRow) -> str:
    if row.state is ExerciseState.NOT_TRIED:
        return "denenmedi"
    tries = f"{row.attempts} deneme"
    return tries if row.state is ExerciseState.FAILED else f"geçti, {tries}"


def _lab_title(lab: LabProgress) -> str:
    name = "Başlangıç denemesi" if lab.number == 0 else f"Lab {lab.number}"
    passed = lab.count(ExerciseState.PASSED)
    return f"{name}: {passed}/{len(lab.rows)} alıştırma geçti, {lab.earned}/{lab.points} puan"


def format_table(progress: Iterable[LabProgress]) -> str:
    """Terminal için Türkçe tablo: lab başına bir başlık, alıştırma başına bir satır."""
    labs = list(progress)
    width = max((len(f"{row.spec.id} {row.spec.title}") for lab in labs for row in lab.rows), default=0)
    lines: list[str] = []
    for lab in labs:
        lines.append(_lab_title(lab))
        for row in lab.rows:
            label = f"{row.spec.id} {row.spec.title}".ljust(width)
            lines.append(f"  {row.state.value} {label}  {row.earned}/{row.spec.points}  ({_state_note(row)})")
        lines.append("")
    total = sum(lab.points for lab in labs)
    earned = sum(lab.earned for lab in labs)
    lines.append(f"Toplam: {earned}/{total} puan. ✅ geçti, ❌ son denemede geçmedi, · henüz denenmedi.")
    return "\n".join(lines)


def html_table(progress: Iterable[LabProgress]) -> str:
    """Defterde gösterilecek HTML tablo (aynı bilgiler)."""
    parts = ["<table>", "<tr><th></th><th>Alıştırma</th><th>Puan</th><th>Durum</th></tr>"]
    for lab in progress:
        parts.append(f'<tr><th colspan="4" style="text-align:left">{html.escape(_lab_title(lab))}</th></tr>')
        for row in lab.rows:
            cells = (row.state.value, f"{row.spec.id} {row.spec.title}", f"{row.earned}/{row.spec.points}")
            parts.append(
                "<tr>"
                + "".join(f"<td>{html.escape(cell)}</td>" for cell in cells)
                + f"<td>{html.escape(_state_note(row))}</td></tr>"
            )
    parts.append("</table>")
    return "".join(parts)


def plot(progress: Iterable[LabProgress]) -> Figure:
    """Lab başına yatay bir çubuk: alınan puan, geçmeyen ve denenmemiş alıştırmaların puanı.

    Returns:
        matplotlib ``Figure``'ı (Jupyter'de hücrenin son ifadesi olunca çizilir).
    """
    import matplotlib.pyplot as plt

    labs = [lab for lab in progress if lab.rows]
    fig, ax = plt.subplots(figsize=(7.5, 0.45 * len(labs) + 1.3))
    names = ["Deneme" if lab.number == 0 else f"Lab {lab.number}" for lab in labs]
    parts = (
        ([lab.earned for lab in labs], "#2e7d32", "geçti"),
        ([lab.points_in(ExerciseState.FAILED) for lab in labs], "#c62828", "geçmedi"),
        ([lab.points_in(ExerciseState.NOT_TRIED) for lab in labs], "#bdbdbd", "denenmedi"),
    )
    left = [0] * len(labs)
    for values, color, label in parts:
        ax.barh(names, values, left=left, color=color, label=label)
        left = [a + b for a, b in zip(left, values, strict=True)]
    for y, lab in enumerate(labs):
        ax.text(lab.points + 0.3, y, f"{lab.earned}/{lab.points}", va="center", fontsize=9)
    ax.invert_yaxis()
    ax.set_xlabel("puan")
    ax.set_xlim(0, max((lab.points for lab in labs), default=1) + 3)
    ax.set_title("Kurstaki ilerlemeniz")
    ax.legend(loc="lower right", fontsize=8, frameon=False)
    fig.tight_layout()
    plt.close(fig)
    return fig


def show() -> None:
    """Defterdeki ilerleme hücresi: HTML tablo ve grafik (``00_baslarken``)."""
    from IPython.display import HTML, display

    progress = lab_progress()
    path = progress_path()
    where = f"Kayıt dosyası: <code>{html.escape(str(path))}</code>" if path else f"Kayıt kapalı ({ENV}=kapali)."
    display(plot(progress), HTML(html_table(progress) + f"<p>{where}</p>"))


def main(argv: list[str] | None = None) -> int:
    """``wskurs ilerleme`` / ``python kurs.py ilerleme``: tabloyu yazar (``--sifirla`` dosyayı siler)."""
    parser = argparse.ArgumentParser(prog="wskurs ilerleme", description="Kendi kontrollerinizin sonuçları")
    parser.add_argument("--sifirla", action="store_true", help="ilerleme dosyasını siler")
    args = parser.parse_args(argv)
    path = progress_path()
    if path is None:
        print(f"İlerleme kaydı kapalı ({ENV}=kapali).")
        return 0
    if args.sifirla:
        if path.exists():
            path.unlink()
            print(f"İlerleme silindi: {path}")
        else:
            print(f"Silinecek bir ilerleme yok: {path}")
        return 0
    print(format_table(lab_progress()))
    print(f"\nKayıt dosyası: {path} (silmek ilerlemeyi sıfırlar: wskurs ilerleme --sifirla)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
