"""Bölüm ve lab arasındaki bağlantılar (``wskurs.grading.course_links``) tek kaynaktan üretilir."""

from __future__ import annotations

import shutil
from pathlib import Path

import nbformat

from wskurs.checks.core import specs_of
from wskurs.grading.course_links import PREVIEW_ROLE, SECTION_MARK, lab_preview, section_line, update_links

ROOT = Path(__file__).resolve().parents[1]


def _copy(tmp_path: Path) -> Path:
    for folder in ("solutions", "notebooks"):
        shutil.copytree(ROOT / folder, tmp_path / folder, ignore=shutil.ignore_patterns("ch0*", "*.md"))
    return tmp_path


def test_links_are_written_once_and_then_stay(tmp_path: Path) -> None:
    """İlk çalışma bağlantıları yazar; ikincisi hiçbir şey değiştirmez; kontrol kipi yazmaz, yalnız söyler."""
    root = _copy(tmp_path)
    path = root / "solutions" / "lab02_fastapi_sunucusu.ipynb"
    nb = nbformat.read(path, as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            cell.source = "\n".join(line for line in cell.source.split("\n") if not line.startswith(SECTION_MARK))
    nbformat.write(nb, path)
    before = path.read_text(encoding="utf-8")
    assert any("lab02" in line for line in update_links(root, check=True))
    assert path.read_text(encoding="utf-8") == before
    update_links(root)
    assert update_links(root) == []
    assert update_links(root, check=True) == []
    text = path.read_text(encoding="utf-8")
    assert text.count(SECTION_MARK) == len(specs_of("lab02"))


def test_a_heading_gets_exactly_one_section_line_even_when_rerun(tmp_path: Path) -> None:
    """Bölüm satırı başlık hücresinin sonundadır; yeniden üretmek satırı çoğaltmaz, eskisini yeniler."""
    root = _copy(tmp_path)
    path = root / "solutions" / "lab04_asenkron_temeller.ipynb"
    nb = nbformat.read(path, as_version=4)
    heading = next(cell for cell in nb.cells if cell.source.startswith("## Alıştırma 4.4"))
    heading.source += f"\n\n{SECTION_MARK} [eski](eski.ipynb)"
    nbformat.write(nb, path)
    update_links(root)
    nb = nbformat.read(path, as_version=4)
    heading = next(cell for cell in nb.cells if cell.source.startswith("## Alıştırma 4.4"))
    assert heading.source.count(SECTION_MARK) == 1
    assert heading.source.endswith(section_line("4.4"))
    assert "04_asenkron_temeller.ipynb#4.7.3-Zaman-aşımı:-wait_for-ve-asyncio.timeout" in section_line("4.4")


def test_each_chapter_ends_with_its_lab_and_what_it_asks(tmp_path: Path) -> None:
    """Her bölümün son hücresi lab'ının bağlantısı ve alıştırmalarının başlık ve puanlarıdır."""
    root = _copy(tmp_path)
    update_links(root)
    for number in range(1, 8):
        (path,) = (root / "notebooks").glob(f"{number:02d}_*.ipynb")
        last = nbformat.read(path, as_version=4).cells[-1]
        assert last.metadata["wskurs"]["role"] == PREVIEW_ROLE
        (lab_file,) = (root / "solutions").glob(f"lab{number:02d}_*.ipynb")
        assert last.source == lab_preview(f"lab{number:02d}", lab_file.name)
        assert f"](../labs/{lab_file.name})" in last.source
        for spec in specs_of(f"lab{number:02d}"):
            assert f"- **{spec.id}** {spec.title} ({spec.points} puan)" in last.source
