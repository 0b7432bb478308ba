"""Basamaklı ipuçları (``wskurs.checks.hints``): her alıştırmanın bölümü var ve iskeleti geçerli Python."""

from __future__ import annotations

import ast
import json
import re
from pathlib import Path

import pytest

from wskurs.checks.core import specs_of
from wskurs.checks.hints import HINTS, NOTEBOOKS, Hint, anchor, extra_html, extra_text, hint_level, notebook_of
from wskurs.grading.progress_view import course_labs

ROOT = Path(__file__).resolve().parents[1]
_HEADING = re.compile(r"^#{1,6}\s+(?P<text>.+?)\s*$")


def _headings(notebook: str) -> set[str]:
    cells = json.loads((ROOT / "notebooks" / notebook).read_text(encoding="utf-8"))["cells"]
    found: set[str] = set()
    for cell in cells:
        if cell["cell_type"] == "markdown":
            for line in "".join(cell["source"]).splitlines():
                match = _HEADING.match(line)
                if match:
                    found.add(match.group("text"))
    return found


def test_every_exercise_of_the_course_has_a_hint() -> None:
    """Kursun her alıştırmasının 2. ve 3. basamağı vardır; kayıtlı olmayan bir alıştırmanın ipucu yoktur."""
    exercises = {spec.id for lab in course_labs() for spec in specs_of(lab)}
    assert sorted(exercises - set(HINTS)) == []
    assert sorted(set(HINTS) - exercises) == []


@pytest.mark.parametrize("exercise", sorted(HINTS))
def test_the_section_exists_and_the_skeleton_is_python(exercise: str) -> None:
    """Bölüm bağlantısı defterdeki gerçek bir başlığı gösterir; iskelet boş değildir ve ayrıştırılır."""
    hint = HINTS[exercise]
    assert hint.chapter in NOTEBOOKS
    assert hint.heading in _headings(notebook_of(hint)), f"{exercise}: başlık yok: {hint.heading!r}"
    assert "..." in hint.skeleton, f"{exercise}: iskelet bir boşluk bırakmalı"
    # Web baskısı başlığın JupyterLab adını HTML id'si yapar: tırnak ve <&> orada taşınamaz.
    assert not set(anchor(hint.heading)) & set('"<>&'), f"{exercise}: başlık adı sitede çapa olamaz"
    ast.parse(hint.skeleton)


def test_levels_climb_with_failures_in_a_row() -> None:
    """İlk başarısızlıkta 1., ikincide 2., üçüncü ve sonrasında 3. basamak gösterilir."""
    assert [hint_level(n) for n in range(6)] == [1, 1, 2, 3, 3, 3]


def test_anchor_is_the_visible_heading_text_with_dashes() -> None:
    """Bağlantı adı JupyterLab'ınki gibidir: görünen metin, boşluklar yerine tire, ters tırnaksız."""
    assert anchor("2.2.3 Hiç okumayan istemci") == "2.2.3-Hiç-okumayan-istemci"
    assert anchor("`Origin` denetimi") == "Origin-denetimi"
    assert Hint(7, "`Origin` denetimi", "...").heading.startswith("`")


@pytest.mark.parametrize("exercise", sorted(HINTS))
def test_each_level_is_reachable_and_never_empty(exercise: str) -> None:
    """1. basamak yalnız yargıcın geri bildirimidir; 2.'de bölüm bağlantısı, 3.'de iskelet de gelir."""
    hint = HINTS[exercise]
    assert extra_text(exercise, 1) == "" and extra_html(exercise, 1) == ""
    second, third = extra_text(exercise, 2), extra_text(exercise, 3)
    assert "2. basamak" in second and notebook_of(hint) in second and hint.skeleton not in second
    assert "3. basamak" in third and hint.skeleton in third
    html = extra_html(exercise, 5)
    assert f'href="../notebooks/{notebook_of(hint)}#' in html and "<pre>" in html


def test_an_exercise_without_hints_adds_nothing() -> None:
    """Kaydı olmayan bir alıştırma için basamak eklenmez (yargıcın geri bildirimi yeter)."""
    assert extra_text("9.9", 7) == "" and extra_html("9.9", 7) == ""
