"""Kontrollerin hata türleri: öğrencinin cevabı tutmadı (``Mismatch``), kontrol geçmedi
(``CheckFailed``), ve yargıcın çekirdekteki aracıdan aldığı hatalar (``RemoteError``)."""

from __future__ import annotations

from typing import Any

__all__ = ["AgentGone", "CheckFailed", "Mismatch", "RemoteError", "RemoteNotImplemented"]


class Mismatch(Exception):
    """Öğrencinin cevabı beklenenle tutmadı.

    Args:
        problem: Bir cümleyle ne yanlış.
        expected: Ne beklendi.
        got: Ne geldi.
        hint: Çözüme götüren bir ipucu.
    """

    def __init__(self, problem: str, *, expected: Any = None, got: Any = None, hint: str | None = None) -> None:
        super().__init__(problem)
        self.problem = problem
        self.expected = expected
        self.got = got
        self.hint = hint
        self.server_note: str | None = None


class CheckFailed(Exception):
    """Bir kontrol geçmedi. Mesajı Türkçe geri bildirimin kendisidir."""

    def __init__(self, feedback: str) -> None:
        super().__init__(feedback)
        self.feedback = feedback

    def _render_traceback_(self) -> list[str]:
        # IPython bunu tam bir traceback yerine gösterir: öğrenci yalnızca geri bildirimi görür.
        return self.feedback.splitlines()


class RemoteError(Exception):
    """Öğrencinin kodu çekirdekte çalışırken hata verdi (aracının bildirdiği biçimde).

    Attributes:
        kind: ``"error"``, ``"not_implemented"``, ``"missing"`` ya da ``"bad_request"``.
        error: ``"TypeError: …"`` biçiminde hata metni.
        line: Hatanın çıktığı satır (biliniyorsa).
    """

    def __init__(self, kind: str, error: str, line: int | None = None) -> None:
        super().__init__(error)
        self.kind = kind
        self.error = error
        self.line = line


class RemoteNotImplemented(RemoteError):
    """Öğrencinin fonksiyonu hâlâ ``raise NotImplementedError(...)`` diyor."""


class AgentGone(Exception):
    """Çekirdekteki aracıyla bağlantı koptu ya da aracı zamanında yanıt vermedi."""

    def __init__(self, message: str, *, timed_out: bool = False) -> None:
        super().__init__(message)
        self.timed_out = timed_out
