"""Lab kontrolleri: ``await check("1.2")`` ve her lab için bir ``labNN`` modülü.

Kontroller yargıç sürecinde çalışır (``wskurs.checks.judge``); çekirdekte ``check`` yalnızca bir
aracıdır (``wskurs.checks.agent``).
"""

from __future__ import annotations

from wskurs.checks.agent import check
from wskurs.checks.core import (
    RESULT_MIME,
    CheckFailed,
    Exercise,
    Mismatch,
    Namespace,
    exercise,
    exercises_of,
    find_exercise,
    hidden_case,
    lab_module_name,
    run_app,
    specs_of,
)

__all__ = [
    "RESULT_MIME",
    "CheckFailed",
    "Exercise",
    "Mismatch",
    "Namespace",
    "check",
    "exercise",
    "exercises_of",
    "find_exercise",
    "hidden_case",
    "lab_module_name",
    "run_app",
    "specs_of",
]
