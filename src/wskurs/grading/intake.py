"""Gönderim klasörünü okumak: hangi girdiler notlandırılır, hangileri neden atlanır.

Gönderimler güvenilmezdir; adları da öyle. Klasör ``os.scandir`` ile bir kez okunur ve hiçbir
sembolik bağ izlenmez: bir girdinin türü ``lstat`` ile (bağın kendisine bakarak) belirlenir. Yalnızca
sıradan dosyalar notlandırılır; sembolik bağlar, klasörler, FIFO'lar ve öteki özel dosyalar Türkçe bir
nedenle ``skipped`` listesine girer ve okunmaz. Noktayla başlayan gizli dosyalar (``.DS_Store``,
``.ipynb_checkpoints``) eskisi gibi sessizce atlanır.

Adlar ``str``'dir: UTF-8 olmayan baytlar Python'un ``surrogateescape`` biçimiyle gelir
(``os.fsencode(ad)`` özgün baytları verir). Bir adı ekranda, CSV'de ya da Markdown'da göstermek için
``wskurs.grading.reports.display_name`` kullanılır.
"""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass, field
from pathlib import Path

__all__ = ["Intake", "Skipped", "list_submissions", "read_submission"]


@dataclass(frozen=True)
class Skipped:
    """Notlandırılmayan bir girdi: adı (ham, ``surrogateescape``'li olabilir) ve Türkçe nedeni."""

    name: str
    reason: str


@dataclass
class Intake:
    """Bir gönderim klasörünün okunuşu.

    Attributes:
        files: Notlandırılacak sıradan dosyalar, ada göre sıralı.
        skipped: Atlanan girdiler (sembolik bağ, klasör, özel dosya, okunamayan), ada göre sıralı.
    """

    files: list[Path] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)


def _sort_key(name: str) -> bytes:
    # Özgün baytlara göre: surrogateescape'li adlar da kararlı ve makineden bağımsız sıralanır.
    return os.fsencode(name)


def _kind(mode: int) -> str | None:
    """Sıradan dosya değilse atlanma nedeni."""
    if stat.S_ISREG(mode):
        return None
    if stat.S_ISLNK(mode):
        return "sembolik bağ: izlenmez"
    if stat.S_ISDIR(mode):
        return "klasör"
    return "FIFO / özel dosya"


def list_submissions(folder: Path) -> Intake:
    """Bir klasördeki gönderimleri sembolik bağ izlemeden listeler; hiçbir dosya adında çökmez.

    Raises:
        OSError: Klasörün kendisi okunamıyorsa (yoksa, klasör değilse, izin yoksa).
    """
    intake = Intake()
    with os.scandir(folder) as entries:
        for entry in entries:
            name = entry.name
            if name.startswith("."):
                continue
            try:
                mode = entry.stat(follow_symlinks=False).st_mode
            except OSError as exc:
                intake.skipped.append(Skipped(name, f"okunamadı ({type(exc).__name__})"))
                continue
            reason = _kind(mode)
            if reason is None:
                intake.files.append(Path(folder) / name)
            else:
                intake.skipped.append(Skipped(name, reason))
    intake.files.sort(key=lambda path: _sort_key(path.name))
    intake.skipped.sort(key=lambda item: _sort_key(item.name))
    return intake


def read_submission(path: Path, max_bytes: int) -> bytes:
    """Bir gönderimi sembolik bağ izlemeden ve bloklanmadan okur (listelemeyle okuma arasında
    dosya bir bağla ya da FIFO ile değiştirilmiş olabilir).

    Raises:
        OSError: Dosya bir sembolik bağsa (``ELOOP``) ya da okunamıyorsa.
        ValueError: Sıradan bir dosya değilse ya da ``max_bytes``'tan büyükse (Türkçe neden).
    """
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
    fd = os.open(path, flags)
    with os.fdopen(fd, "rb") as handle:
        info = os.fstat(handle.fileno())
        if not stat.S_ISREG(info.st_mode):
            raise ValueError("Gönderim sıradan bir dosya değil.")
        if info.st_size > max_bytes:
            raise ValueError(f"Dosya çok büyük ({info.st_size // (1024 * 1024)} MB).")
        data = handle.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise ValueError(f"Dosya çok büyük ({len(data) // (1024 * 1024)} MB).")
    return data
