"""Bölümlerle lab'lar arasındaki yol: tek kaynaktan (kontrol kayıtları ve ipuçları) üretilen bağlantılar.

- Her alıştırmanın başlık hücresinin sonunda bir satır: alıştırmanın dayandığı bölüm, o başlığı açan
  bir bağlantıyla (``wskurs.checks.hints``'teki bölüm).
- Her bölüm defterinin sonunda bir hücre: "Sıradaki: Lab N", lab'ın bağlantısı ve lab'ın soracakları
  (alıştırmaların başlıkları ve puanları, kontrol kayıtlarından).

Elle yazılmazlar: ``make labs`` (``wskurs lab-uret``) onları ``solutions/`` ve ``notebooks/`` içinde
günceller, ``lab-uret --kontrol`` bir sapmayı bildirir. Bir başlık ya da puan değişince bağlantılar
bir komutla yeniden üretilir.
"""

from __future__ import annotations

from pathlib import Path

import nbformat
from nbformat import NotebookNode

from wskurs.checks.core import specs_of
from wskurs.checks.hints import HINTS, NOTEBOOKS, anchor
from wskurs.labformat import METADATA_KEY, exercise_heading

__all__ = ["PREVIEW_ROLE", "SECTION_MARK", "lab_preview", "section_line", "update_links"]

SECTION_MARK = "📖 Dayandığı bölüm:"
"""Alıştırma başlık hücresindeki bölüm satırının başı (satır bununla bulunur ve yenilenir)."""

PREVIEW_ROLE = "lab-onizleme"
"""Bölüm sonundaki "Sıradaki: Lab N" hücresinin ``metadata["wskurs"]["role"]`` değeri."""


def section_line(exercise_id: str) -> str:
    """Alıştırmanın dayandığı bölümü açan Markdown satırı (lab'ın klasöründen göreli bağlantı)."""
    hint = HINTS[exercise_id]
    title = hint.heading.replace("[", "\\[").replace("]", "\\]")
    return f"{SECTION_MARK} [{title}](../notebooks/{NOTEBOOKS[hint.chapter]}#{anchor(hint.heading)})"


def lab_preview(lab: str, lab_file: str) -> str:
    """Bölüm sonundaki hücrenin metni: lab'ın bağlantısı ve alıştırmalarının listesi."""
    number = int(lab.removeprefix("lab"))
    specs = specs_of(lab)
    total = sum(spec.points for spec in specs)
    lines = [
        f"## Sıradaki: Lab {number}",
        "",
        f"Bu bölümün lab'ı [{lab_file}](../labs/{lab_file}) ({len(specs)} alıştırma, {total} puan). "
        "Lab'da sizden istenecekler:",
        "",
        *(f"- **{spec.id}** {spec.title} ({spec.points} puan)" for spec in specs),
        "",
        "Her alıştırmanın başında dayandığı bölümün bağlantısı vardır. Bir kontrol üst üste geçmezse ipucu "
        "bir basamak ilerler: önce bölümü, sonra bir iskeleti gösterir. Örnek çözümler `solutions/` "
        "klasöründedir; alıştırmayı geçtikten ya da son ipucunu gördükten sonra karşılaştırmanızı öneririz.",
    ]
    return "\n".join(lines)


def _with_section(source: str, exercise_id: str) -> str:
    kept = [line for line in source.rstrip("\n").split("\n") if not line.startswith(SECTION_MARK)]
    while kept and not kept[-1].strip():
        kept.pop()
    return "\n".join([*kept, "", section_line(exercise_id)])


def _update_solution(nb: NotebookNode) -> bool:
    changed = False
    for cell in nb.cells:
        if cell.cell_type != "markdown":
            continue
        found = exercise_heading(cell.source)
        if found is None or found[0] not in HINTS:
            continue
        exercise_id = found[0]
        updated = _with_section(cell.source, exercise_id)
        if updated != cell.source:
            cell.source = updated
            changed = True
    return changed


def _update_chapter(nb: NotebookNode, lab: str, lab_file: str) -> bool:
    text = lab_preview(lab, lab_file)
    for cell in nb.cells:
        if cell.get("metadata", {}).get(METADATA_KEY, {}).get("role") == PREVIEW_ROLE:
            if cell.source == text:
                return False
            cell.source = text
            return True
    cell = nbformat.v4.new_markdown_cell(text)
    cell.metadata[METADATA_KEY] = {"role": PREVIEW_ROLE}
    nb.cells.append(cell)
    return True


def update_links(root: Path, *, check: bool = False) -> list[str]:
    """Alıştırma başlıklarındaki bölüm satırlarını ve bölüm sonlarındaki lab hücrelerini günceller.

    Args:
        root: Deponun kökü (``solutions/`` ve ``notebooks/`` burada).
        check: ``True`` ise hiçbir şey yazılmaz, yalnızca farklar bildirilir.

    Returns:
        Değişen (ya da ``check=True`` iken değişmesi gereken) her dosya için Türkçe bir satır.
    """
    report: list[str] = []
    labs: dict[str, str] = {}
    for path in sorted((root / "solutions").glob("lab*.ipynb")):
        labs[path.name[:5]] = path.name
        nb = nbformat.read(path, as_version=4)
        if _update_solution(nb):
            report.append(_save(path, nb, check))
    for chapter, name in sorted(NOTEBOOKS.items()):
        lab = f"lab{chapter:02d}"
        path = root / "notebooks" / name
        if lab not in labs or not path.exists():
            continue
        nb = nbformat.read(path, as_version=4)
        if _update_chapter(nb, lab, labs[lab]):
            report.append(_save(path, nb, check))
    return report


def _save(path: Path, nb: NotebookNode, check: bool) -> str:
    if check:
        return f"{path}: bölüm/lab bağlantıları güncel değil — 'make labs' ile yeniden üretin."
    nbformat.write(nb, path)
    return f"{path}: bölüm/lab bağlantıları yazıldı."
