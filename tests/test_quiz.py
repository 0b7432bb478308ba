"""Her bölüm kavram sorularıyla biter: şıklar, tek doğru cevap ve her şıkkın açıklaması."""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]
ROLE = "kavram-sorusu"


def _quiz_cells(number: int) -> list[str]:
    (path,) = (ROOT / "notebooks").glob(f"{number:02d}_*.ipynb")
    cells = nbformat.read(path, as_version=4).cells
    return [cell.source for cell in cells if cell.metadata.get("wskurs", {}).get("role") == ROLE]


@pytest.mark.parametrize("number", range(1, 8))
def test_each_chapter_asks_questions_and_explains_every_option(number: int) -> None:
    """Bölüm sonunda en az üç soru vardır; her sorunun tek doğru şıkkı ve her şıkkın açıklaması vardır."""
    cells = _quiz_cells(number)
    assert cells and cells[0].startswith("## Kendinizi sınayın")
    questions = cells[1:]
    assert len(questions) >= 3
    for source in questions:
        asked, _, answers = source.partition("<details>")
        options = re.findall(r"^- \*\*([A-D])\)\*\* \S", asked, flags=re.MULTILINE)
        pattern = r"^- \*\*([A-D])\)\*\* (✅ Doğru\.|❌ Yanlış\.) (\S.{20,})$"
        explained = re.findall(pattern, answers, flags=re.MULTILINE)
        assert len(options) >= 3 and [letter for letter, _, _ in explained] == options, source
        assert [verdict for _, verdict, _ in explained].count("✅ Doğru.") == 1, source
        assert "<summary>" in answers and answers.rstrip().endswith("</details>")


def test_questions_come_before_the_lab_preview() -> None:
    """Sorular bölümün sonundadır: yalnızca 'Sıradaki: Lab N' hücresi onlardan sonra gelir."""
    for number in range(1, 8):
        (path,) = (ROOT / "notebooks").glob(f"{number:02d}_*.ipynb")
        roles = [cell.metadata.get("wskurs", {}).get("role") for cell in nbformat.read(path, as_version=4).cells]
        last_question = max(i for i, role in enumerate(roles) if role == ROLE)
        assert roles[last_question + 1 :] == ["lab-onizleme"], path.name
