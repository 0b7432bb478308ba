"""Geç teslim cezasının kendisi (``Penalty``): ``wskurs.grading.lms`` hesaplar, ``reports`` ve
``gradebook`` yazar. Ayrı bir modüldür, çünkü ``lms`` ``reports``'u kullanır (döngü olmasın)."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["NO_POLICY_TIME", "Penalty"]

NO_POLICY_TIME = "LMS gönderim anını vermedi: geç teslim denetlenemedi (dosya zamanına bakılmaz)."
"""Gönderim anı bilinmeyen gönderimin cezasız nedeni."""


@dataclass(frozen=True)
class Penalty:
    """Bir gönderimin geç teslim cezası: yüzde (0–100), Türkçe nedeni ve gönderim anının bilinip bilinmediği."""

    percent: float
    reason: str
    known: bool = True

    def apply(self, raw: float) -> float:
        """Ham nottan cezalı not."""
        return raw * (100.0 - self.percent) / 100.0
