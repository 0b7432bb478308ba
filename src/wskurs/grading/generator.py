"""``solutions/`` → ``labs/``: çözümlü lab'lardan öğrenci sürümünü üretir.

Çözüm defterinde cevap bölgeleri işaretlidir::

    @app.websocket("/yanki")
    async def yanki(websocket: WebSocket):
        ### ÇÖZÜM BAŞI
        await websocket.accept()
        ...
        ### ÇÖZÜM SONU

Üretilen lab'da bölge bir taslağa dönüşür: fonksiyon gövdesindeyse
``raise NotImplementedError("Alıştırma 1.2 henüz çözülmedi.")``, en üst düzeydeyse hücreyi
çalıştırınca aynı Türkçe hatayı veren bir ``raise`` (``labformat.stub_lines``): hiçbir taslak
sessizce "çalıştı" görünmez. Cevap hücresi, kendinden sonraki ilk kontrol hücresinin
(``await check("1.2")``) alıştırmasına aittir. Hücre rolleri defterin meta verisine
yazılır; kontrol hücreleri JupyterLab'da düzenlenemez ve silinemez işaretlenir.
"""

from __future__ import annotations

import copy
import textwrap
from pathlib import Path
from typing import cast

import nbformat
from nbformat import NotebookNode

from wskurs.checks.core import exercises_of, lab_module_name
from wskurs.labformat import (
    BEGIN,
    END,
    METADATA_KEY,
    CellRole,
    begins_region,
    check_id,
    ends_region,
    role_metadata,
    stub_lines,
)

__all__ = [
    "LabError",
    "generate",
    "make_lab",
    "replace_regions",
    "write_labs",
]


class LabError(ValueError):
    """Çözüm defteri lab kurallarına uymuyor; mesaj nerede ve neden olduğunu söyler."""


def replace_regions(
    source: str, exercise_id: str, *, where: str = "", replacement: str | None = None
) -> tuple[str, int]:
    """Bir hücredeki cevap bölgelerini taslakla (ya da verilen kodla) değiştirir.

    Args:
        source: Hücrenin kaynağı.
        exercise_id: Taslak mesajındaki alıştırma kimliği.
        where: Hata mesajlarının başına eklenecek konum.
        replacement: Verilirse taslak yerine bu kod, bölgenin girintisiyle yazılır
            (testlerde "makul yanlış cevap" denemek için).

    Returns:
        Yeni kaynak ve değiştirilen bölge sayısı.

    Raises:
        LabError: Bir bölge açılıp kapanmadıysa.
    """
    out: list[str] = []
    count = 0
    indent: str | None = None
    for number, line in enumerate(source.splitlines(), start=1):
        begin = begins_region(line)
        if indent is None and begin is not None:
            indent = begin
            count += 1
            continue
        if indent is None:
            if ends_region(line):
                raise LabError(f"{where}satır {number}: '{END}' var ama öncesinde '{BEGIN}' yok.")
            out.append(line)
            continue
        if begin is not None:
            raise LabError(f"{where}satır {number}: bölge kapanmadan yeni '{BEGIN}' açılmış.")
        if ends_region(line):
            if replacement is None:
                out.extend(stub_lines(indent, exercise_id))
            else:
                out.extend(
                    indent + code if code.strip() else ""
                    for code in textwrap.dedent(replacement).strip("\n").splitlines()
                )
            indent = None
    if indent is not None:
        raise LabError(f"{where}'{BEGIN}' ile açılan bölge '{END}' ile kapanmamış.")
    return "\n".join(out), count


def make_lab(solution: NotebookNode, *, name: str = "") -> NotebookNode:
    """Bir çözüm defterinden öğrenci lab'ını üretir (çözüm defteri değişmez).

    Raises:
        LabError: Kurallardan biri bozuksa: kontrolsüz cevap, cevapsız kontrol, kayıtsız
            ya da eksik alıştırma, lab adı ile alıştırma bölümünün uyuşmaması.
    """
    where = f"{name}: " if name else ""
    lab = copy.deepcopy(solution)
    pending: list[NotebookNode] = []
    seen: list[str] = []
    answered: set[str] = set()
    for index, cell in enumerate(lab.cells, start=1):
        cell.metadata.pop(METADATA_KEY, None)
        if cell.cell_type != "code":
            continue
        cell.outputs = []
        cell.execution_count = None
        exercise_id = check_id(cell.source)
        if exercise_id is not None:
            if exercise_id in seen:
                raise LabError(f"{where}Alıştırma {exercise_id} için ikinci bir kontrol hücresi var (hücre {index}).")
            seen.append(exercise_id)
            for answer in pending:
                answer.source, _ = replace_regions(answer.source, exercise_id, where=where)
                answer.metadata[METADATA_KEY] = role_metadata(CellRole.ANSWER, exercise_id)
                answered.add(exercise_id)
            pending = []
            cell.metadata[METADATA_KEY] = role_metadata(CellRole.CHECK, exercise_id)
            cell.metadata["editable"] = False
            cell.metadata["deletable"] = False
        elif any(begins_region(line) is not None for line in cell.source.splitlines()):
            pending.append(cell)
    if pending:
        raise LabError(f"{where}son cevap hücresinden sonra bir kontrol hücresi (await check(...)) yok.")
    if not seen:
        raise LabError(f"{where}hiç kontrol hücresi yok.")
    labs = {lab_module_name(exercise_id) for exercise_id in seen}
    if len(labs) != 1:
        raise LabError(f"{where}kontrol hücreleri birden çok lab'a ait: {sorted(labs)}.")
    lab_name = labs.pop()
    if name and not name.startswith(lab_name):
        raise LabError(f"{where}dosya adı '{lab_name}' ile başlamalı (kontroller o lab'ın).")
    registered = [ex.id for ex in exercises_of(lab_name)]
    missing = [exercise_id for exercise_id in registered if exercise_id not in seen]
    unknown = [exercise_id for exercise_id in seen if exercise_id not in registered]
    if missing or unknown:
        raise LabError(
            f"{where}kontrol hücreleri kayıtlı alıştırmalarla uyuşmuyor: "
            f"hücresi olmayan {missing}, kaydı olmayan {unknown}."
        )
    unanswered = [exercise_id for exercise_id in seen if exercise_id not in answered]
    if unanswered:
        raise LabError(f"{where}şu alıştırmaların cevap bölgesi yok: {unanswered}.")
    lab.metadata[METADATA_KEY] = {"lab": lab_name}
    return lab


def _dump(nb: NotebookNode) -> str:
    # nbformat.writes tür işaretsizdir; metin (str) döndürür.
    return cast(str, nbformat.writes(nb)) + "\n"


def generate(solutions: Path, labs: Path) -> dict[Path, str]:
    """``solutions/`` içindeki her lab için üretilecek ``labs/`` dosyasını ve metnini verir."""
    result: dict[Path, str] = {}
    for path in sorted(solutions.glob("lab*.ipynb")):
        solution = nbformat.read(path, as_version=4)
        result[labs / path.name] = _dump(make_lab(solution, name=path.name))
    return result


def write_labs(solutions: Path, labs: Path, *, check: bool = False) -> list[str]:
    """Lab'ları üretir ya da (``check=True``) yalnızca farkları bildirir.

    Returns:
        Farklı olan (ya da yazılan) dosyalar ve ``labs/``'ta fazladan duranlar için
        Türkçe satırlar.
    """
    expected = generate(solutions, labs)
    report: list[str] = []
    for path, text in expected.items():
        current = path.read_text(encoding="utf-8") if path.exists() else None
        if current == text:
            continue
        if check:
            state = "yok" if current is None else "çözümden farklı"
            report.append(f"{path}: {state} — 'make labs' ile yeniden üretin.")
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
            report.append(f"{path}: yazıldı.")
    for path in sorted(labs.glob("lab*.ipynb")):
        if path not in expected:
            report.append(f"{path}: solutions/ içinde karşılığı yok.")
    return report
