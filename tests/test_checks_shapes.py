"""Lab 1–4 kontrolleri yanlış biçimde bir cevapta çökmez: ``None``, metin, demet, üreteç, hata
fırlatan cevap ya da hiçbir şey yapmayan cevap "Kontrol beklenmedik bir hatayla durdu" değil,
neyin beklendiğini söyleyen bir geri bildirimle kalır.

Her lab için her biçim tek bir gönderimdir: bütün cevap bölgeleri aynı yanlış biçimle doldurulur
ve lab'ın bütün alıştırmaları ayrı bir yargıç sürecine sorulur (``tests/test_checks_edges.py``'nin
aracı olmadan çalışma düzeni).
"""

from __future__ import annotations

import asyncio

import pytest

from test_checks_edges import judge, verdicts
from wskurs.checks import exercises_of
from wskurs.labformat import BEGIN

from labtools import LAB_FILES, SOLUTIONS, read, submission

pytestmark = pytest.mark.yavas

SHAPE_LABS = [name for name in LAB_FILES if name[:5] in {"lab01", "lab02", "lab03", "lab04"}]

# Fonksiyon gövdesindeki bölgeye konan yanlış biçimler.
BODY_SHAPES = {
    "none": "return None",
    "metin": 'return "metin"',
    "demet": "return (1, 2)",
    "uretec": "yield 1",
    "hata": 'raise ValueError("bozuk cevap")',
}
# En üst düzeydeki bölgeye konanlar (orada `return`/`yield` yazılamaz).
# Hata fırlatan bir üst düzey hücre yalnızca adı tanımsız bırakır: "pass" ile aynı durum.
TOP_SHAPES = dict.fromkeys(BODY_SHAPES, "pass")

CRASH = "Kontrol beklenmedik bir hatayla durdu"


def _indented_regions(file_name: str) -> dict[str, bool]:
    """Alıştırma → cevap bölgesi bir fonksiyonun içinde mi?"""
    found: dict[str, bool] = {}
    cells = read(SOLUTIONS / file_name).cells
    pending: list[bool] = []
    for cell in cells:
        if cell.cell_type != "code":
            continue
        lines = cell.source.splitlines()
        pending += [line.startswith((" ", "\t")) for line in lines if line.strip() == BEGIN]
        if "await check(" in cell.source:
            exercise_id = cell.source.split('"')[1]
            found[exercise_id] = all(pending) if pending else True
            pending = []
    return found


@pytest.mark.parametrize("shape", list(BODY_SHAPES))
@pytest.mark.parametrize("file_name", SHAPE_LABS)
def test_wrong_shapes_never_crash_a_check(file_name, shape):
    """Yanlış biçimdeki her cevap kalır ve geri bildirim bir sorun söyler; hiçbir kontrol çökmez."""
    ids = [ex.id for ex in exercises_of(file_name[:5])]
    inside = _indented_regions(file_name)
    answers = {i: BODY_SHAPES[shape] if inside.get(i, True) else TOP_SHAPES[shape] for i in ids}
    nb = submission(file_name, answers)
    with judge(hidden=False, seed=5):
        found = asyncio.run(verdicts(nb, ids))
    for exercise_id, feedback in found.items():
        assert feedback is not None, f"{exercise_id} '{shape}' biçimindeki cevapla geçti"
        assert "Sorun:" in feedback and CRASH not in feedback, feedback
