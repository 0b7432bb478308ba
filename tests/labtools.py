"""Lab testlerinin ortak araçları: çözümden, taslaktan ya da yanlış cevaplardan gönderim üretmek."""

from __future__ import annotations

import copy
import importlib
import json
import os
import socket
import subprocess
import sys
from pathlib import Path
from typing import Any

import nbformat

from wskurs.engine.timing import scaled
from wskurs.grading.generator import replace_regions
from wskurs.labformat import METADATA_KEY, CellRole, cell_role

ROOT = Path(__file__).resolve().parents[1]
SOLUTIONS = ROOT / "solutions"
LABS = ROOT / "labs"
LAB_FILES = sorted(p.name for p in SOLUTIONS.glob("lab*.ipynb"))


PROXY_NAMES = ("HTTP_PROXY", "http_proxy", "HTTPS_PROXY", "https_proxy", "ALL_PROXY", "all_proxy")
"""Okul ve şirket ağlarında tanımlı olan proxy değişkenleri (büyük ve küçük harfle)."""


def dead_port() -> int:
    """Az önce bağlanıp kapatılmış (dinleyeni olmayan) bir port."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def dead_proxy_env() -> dict[str, str]:
    """Bu sürecin ortamı, okul ağındaymış gibi: altı proxy değişkeni dinleyeni olmayan bir portu gösterir,
    ``NO_PROXY``/``no_proxy`` yok (bu süreçte ``import wskurs`` eklediği yerel adresler de gider)."""
    env = {key: value for key, value in os.environ.items() if key not in ("NO_PROXY", "no_proxy")}
    env.update(dict.fromkeys(PROXY_NAMES, f"http://127.0.0.1:{dead_port()}"))
    return env


def read(path: Path) -> Any:
    return nbformat.read(path, as_version=4)


def lab_name(file_name: str) -> str:
    return file_name[:5]


def wrong_answers(file_name: str) -> dict[str, str]:
    return importlib.import_module(f"wrong_answers.{lab_name(file_name)}").WRONG


def edge_answers(file_name: str) -> dict[str, str]:
    """Sınır mutantları (``EDGES``, isteğe bağlı): alıştırma kimliği → cevap bölgesine konacak kod."""
    return getattr(importlib.import_module(f"wrong_answers.{lab_name(file_name)}"), "EDGES", {})


def answer_cells(lab: Any) -> list[tuple[Any, str]]:
    """Lab'ın cevap hücreleri ve alıştırmaları, sırayla."""
    return [(cell, role[1]) for cell in lab.cells if (role := cell_role(cell)) and role.role is CellRole.ANSWER]


def submission(file_name: str, answers: dict[str, str] | None = None, cells: dict[str, str] | None = None) -> Any:
    """Çözüm cevaplarıyla doldurulmuş bir lab gönderimi.

    Args:
        answers: Alıştırma kimliği → o alıştırmanın cevap bölgesine konacak kod; verilen
            alıştırmalarda çözüm yerine bu kod kullanılır.
        cells: Alıştırma kimliği → cevap hücresinin *bütün* kaynağı yerine konacak kod.
    """
    lab = read(LABS / file_name)
    solution = {cell.id: cell.source for cell in read(SOLUTIONS / file_name).cells}
    result = copy.deepcopy(lab)
    for cell, exercise_id in answer_cells(result):
        source = solution[cell.id]
        if cells and exercise_id in cells:
            source = cells[exercise_id]
        elif answers and exercise_id in answers:
            source, _ = replace_regions(source, exercise_id, replacement=answers[exercise_id])
        elif "### ÇÖZÜM" in source:
            source = "\n".join(line for line in source.splitlines() if "### ÇÖZÜM" not in line)
        cell.source = source
    return result


def with_checks(nb: Any, new_source: str | None) -> Any:
    """Kontrol hücrelerini değiştirilmiş (``new_source``) ya da silinmiş (``None``) bir kopya."""
    result = copy.deepcopy(nb)
    kept = []
    for cell in result.cells:
        role = cell_role(cell)
        if role and role.role is CellRole.CHECK:
            if new_source is None:
                continue
            cell.source = new_source
            cell.metadata.pop(METADATA_KEY, None)
        kept.append(cell)
    result.cells = kept
    return result


def converted(file_name: str) -> bool:
    """Lab'ın kontrolleri yargıç API'sinde mi (``await ns.`` kullanıyor mu)?"""
    module = ROOT / "src" / "wskurs" / "checks" / f"{lab_name(file_name)}.py"
    return "await ns." in module.read_text(encoding="utf-8")


def grade_batch(
    lab_file: str,
    folder: Path,
    output: Path,
    *,
    cell_timeout: float,
    jobs: int = 2,
    canary: bool = False,
    env: dict[str, str] | None = None,
) -> dict[str, Any]:
    """Gerçek ``wskurs notlandir`` komutuyla bir klasörü notlandırır.

    Kanarya (lab'ın çözümünü sınıfla birlikte notlandırmak) varsayılan olarak kapalıdır: bu testlerin
    klasörlerinde çözüm zaten dürüst bir gönderim olarak vardır ve sonucu ayrıca denetlenir; kanaryanın
    kendisini ``tests/test_attacks_sealed.py`` ve ``test_attacks.py`` dener. ``env`` verilirse
    komut o ortamla (öğretmenin ortamı) çalışır, yoksa bu sürecinkiyle.

    Returns:
        ``{"stdout", "stderr", "returncode", "grades": {gönderim kökü: not (JSON)}}``
    """
    command = [sys.executable, "-m", "wskurs.grading.cli", "notlandir", str(LABS / lab_file), str(folder)]
    command += ["-o", str(output), "-j", str(jobs), "--zaman-asimi", f"{cell_timeout:g}"]
    if not canary:
        command.append("--kanaryasiz")
    result = subprocess.run(command, capture_output=True, text=True, timeout=scaled(1800), cwd=output.parent, env=env)
    grades: dict[str, Any] = {}
    book = output / "notlar.json"
    if book.exists():
        data = json.loads(book.read_text(encoding="utf-8"))
        grades = {Path(g["submission"]).stem: g for g in data["submissions"]}
    return {"stdout": result.stdout, "stderr": result.stderr, "returncode": result.returncode, "grades": grades}


def self_check_run(
    notebook: Path, workdir: Path, *, timeout: float = 900, env: dict[str, str] | None = None
) -> tuple[str, dict[str, str]]:
    """Öğrencinin yolu (``make grade``: pytest --nbval-lax, eklenti yargıcı kendisi başlatır).

    ``env`` verilirse pytest o ortamla (öğrencinin ortamı) çalışır, yoksa bu sürecinkiyle; ikisinde de
    ``WSKURS_JUDGE`` çıkarılır (eklenti yargıcı kendisi başlatsın).

    Returns:
        (pytest çıktısı, alıştırma kimliği → ``"geçti"``/``"kaldı"``/``"çalışmadı"``)
    """
    from wskurs.grading.batch import lab_pytest_command

    result_file = workdir / "sonuc.json"
    env = {key: value for key, value in (os.environ if env is None else env).items() if key != "WSKURS_JUDGE"}
    result = subprocess.run(
        lab_pytest_command(notebook, workdir, cell_timeout=60, result=result_file),
        cwd=workdir,
        capture_output=True,
        text=True,
        timeout=scaled(timeout),
        env=env,
    )
    data = json.loads(result_file.read_text(encoding="utf-8"))["notebooks"][0]
    return result.stdout, {row["exercise"]: row["status"] for row in data["exercises"]}


def self_check(notebook: Path, workdir: Path, env: dict[str, str] | None = None) -> dict[str, str]:
    """``self_check_run``'ın yalnızca kararları."""
    return self_check_run(notebook, workdir, env=env)[1]
