"""Öğrencinin yol arkadaşı gerçek bir çekirdekte: kontrolün kararı ilerlemeye yazılır, ipucu üst üste
başarısızlıkla basamak basamak ilerler, ilerleme hücresi tabloyu ve grafiği gösterir."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from wskurs.checks.hints import HINTS, section_url

from kernel import kernel_session

pytestmark = pytest.mark.kernel

WRONG = """
def parse_message(message):
    return ("metin", message)
"""

RIGHT = """
import json

def parse_message(message):
    if isinstance(message, bytes):
        return ("ikili", message)
    try:
        veri = json.loads(message)
    except ValueError:
        return ("metin", message)
    return ("json", veri) if isinstance(veri, dict) else ("metin", message)
"""


def _html(run) -> str:
    return "".join(item.get("text/html", "") for item in run.data)


def test_hints_climb_with_failures_and_progress_records_only_verdicts(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """1. başarısızlıkta yalnızca geri bildirim, 2.'de bölümü açan bağlantı, 3.'de iskelet; geçince
    ilerleme ✅ olur ve dosyada öğrencinin kodu yoktur."""
    progress_file = tmp_path / "ilerleme.json"
    monkeypatch.setenv("WSKURS_ILERLEME", str(progress_file))
    with kernel_session(tmp_path) as kernel:
        assert kernel.run("from wskurs.checks import check\n" + WRONG).error is None
        runs = [kernel.run('await check("3.1")', timeout=120) for _ in range(3)]
        assert [run.error for run in runs] == ["CheckFailed"] * 3
        first, second, third = (_html(run) for run in runs)
        assert first == ""
        assert f'href="{section_url(HINTS["3.1"])}"' in second and "<pre>" not in second
        assert "3. basamak" in third and "<pre>" in third and "def parse_message" in third
        saved = json.loads(progress_file.read_text(encoding="utf-8"))["exercises"]["3.1"]
        assert (saved["passed"], saved["attempts"], saved["failures_in_a_row"]) == (False, 3, 3)

        assert kernel.run(RIGHT).error is None
        passed = kernel.run('await check("3.1")', timeout=120)
        assert passed.error is None and _html(passed) == ""
        saved = json.loads(progress_file.read_text(encoding="utf-8"))["exercises"]["3.1"]
        assert (saved["passed"], saved["attempts"], saved["failures_in_a_row"]) == (True, 4, 0)
        assert "parse_message" not in progress_file.read_text(encoding="utf-8")

        shown = kernel.run("from wskurs.grading.progress_view import show\nshow()", timeout=60)
        assert shown.error is None, shown.evalue
        assert any("image/png" in item for item in shown.data)
        assert "<td>✅</td><td>3.1 " in _html(shown) and str(progress_file) in _html(shown)
