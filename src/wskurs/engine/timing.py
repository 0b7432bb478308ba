"""Zaman aşımı birimi: yavaş makinelerde ``WSKURS_TIMEOUT_SCALE`` ile büyütülür."""

from __future__ import annotations

import os

__all__ = ["scaled"]


def scaled(seconds: float) -> float:
    """Bir zaman aşımını ortamın ölçeğiyle çarpar.

    Args:
        seconds: Normal bir makinede yeterli olan süre (saniye).

    Returns:
        ``seconds * WSKURS_TIMEOUT_SCALE`` (ölçek tanımlı değilse 1).
    """
    raw = os.environ.get("WSKURS_TIMEOUT_SCALE", "1")
    try:
        scale = float(raw)
    except ValueError:
        scale = 1.0
    return seconds * max(scale, 0.1)
