"""Lab kontrolleri: ``await check("1.2")`` ve her lab için bir ``labNN`` modülü."""

from __future__ import annotations

from .core import (
    RESULT_MIME,
    CheckFailed,
    CheckResult,
    Exercise,
    Mismatch,
    Namespace,
    check,
    exercise,
    exercises_of,
    find_exercise,
    lab_module_name,
    run_app,
)

__all__ = [
    "RESULT_MIME",
    "CheckFailed",
    "CheckResult",
    "Exercise",
    "Mismatch",
    "Namespace",
    "check",
    "exercise",
    "exercises_of",
    "find_exercise",
    "lab_module_name",
    "run_app",
]
