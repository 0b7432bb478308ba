"""Lab 1–7 kontrollerinin sınırları: çözüm, yargıcın seçtiği farklı girdilerle ve öğretmenin
gizli durumlarıyla da tam puan alır; ``tests/wrong_answers/labNN.py`` içindeki ``MUTANTS``
(sınırı kaçıran yanlış cevaplar: ``n < 127``, ``min_length=2``…) görünür durumlarda kalır.

Çekirdek yerine bu süreç aracıdır: lab'ın kod hücreleri (kontrol hücreleri hariç) bir sözlükte
çalıştırılır ve ``check(id, sözlük)`` ayrı bir yargıç sürecine (``python -m wskurs.checks.judge``)
sorulur. Elle: ``python tests/test_checks_edges.py lab05 [5.2]``.
"""

from __future__ import annotations

import ast
import asyncio
import atexit
import contextlib
import importlib
import inspect
import itertools
import os
import secrets
import sys
import types
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from wskurs.checks import CheckFailed, check, exercises_of, protocol
from wskurs.checks.judge import JudgeProcess
from wskurs.labformat import CellRole, cell_role

from labtools import LAB_FILES, submission

pytestmark = pytest.mark.yavas

_COUNTER = itertools.count(1)
EDGE_LABS = [name for name in LAB_FILES if name[:5] in {"lab01", "lab02", "lab03", "lab04", "lab05", "lab06", "lab07"}]


_JUDGES: dict[tuple[bool, int], JudgeProcess] = {}
"""Bu test sürecinin yargıçları, (gizli durumlar, tohum) başına bir tane: her kontrolün girdileri yalnızca
tohumdan ve alıştırmadan seçilir (``random.Random(f"{tohum}:{alıştırma}")``), yargıç kontroller arasında
durum taşımaz. Her test için yeni bir yargıç süreci başlatmak (Python, FastAPI, kontrol modülleri) bu
dosyaların işlemci süresinin çoğuydu."""


def _judge_process(hidden: bool, seed: int) -> JudgeProcess:
    process = _JUDGES.get((hidden, seed))
    if process is None or process.process.poll() is not None:
        # Notlandırma kipi kapalı: aynı alıştırma her testte yeniden kontrol edilir (ilk karar saklanmaz).
        process = _JUDGES[(hidden, seed)] = JudgeProcess(hidden=hidden, seed=seed, graded=False)
    return process


@atexit.register
def _stop_judges() -> None:
    for process in _JUDGES.values():
        process.stop()


@contextlib.contextmanager
def judge(*, hidden: bool, seed: int) -> Iterator[None]:
    """Bu sürecin (gizli durumlar, tohum) yargıcını ``WSKURS_JUDGE`` ile kullandırır."""
    process = _judge_process(hidden, seed)
    old = os.environ.get(protocol.ENV)
    os.environ[protocol.ENV] = process.address
    try:
        yield
    finally:
        if old is None:
            os.environ.pop(protocol.ENV, None)
        else:
            os.environ[protocol.ENV] = old


async def namespace_of(nb: Any) -> dict[str, Any]:
    """Bir gönderimin kontrol dışı kod hücrelerini sırayla çalıştırır; adları döndürür."""
    # Pydantic adları sınıfın modülünde çözer: hücreler gerçek bir modülün sözlüğünde çalışır (çekirdekte __main__).
    module = types.ModuleType(f"lab_gonderimi_{next(_COUNTER)}")
    sys.modules[module.__name__] = module
    values: dict[str, Any] = module.__dict__
    for cell in nb.cells:
        role = cell_role(cell)
        if cell.cell_type != "code" or (role and role.role is CellRole.CHECK):
            continue
        code = compile(cell.source, "<hücre>", "exec", flags=ast.PyCF_ALLOW_TOP_LEVEL_AWAIT)
        result = eval(code, values)
        if inspect.isawaitable(result):
            await result
    return values


async def verdicts(nb: Any, ids: list[str], extra: dict[str, Any] | None = None) -> dict[str, str | None]:
    """Her alıştırma için ``None`` (geçti) ya da geri bildirim (kaldı); ``extra`` hücrelerden sonra
    ad alanına eklenir."""
    values = await namespace_of(nb)
    values.update(extra or {})  # yerinde: hücrelerin fonksiyonları adları bu sözlükte arar
    found: dict[str, str | None] = {}
    for exercise_id in ids:
        try:
            await check(exercise_id, values)
            found[exercise_id] = None
        except CheckFailed as failed:
            found[exercise_id] = failed.feedback
    return found


def mutants(file_name: str) -> list[tuple[str, int, str]]:
    module = importlib.import_module(f"wrong_answers.{file_name[:5]}")
    table: dict[str, list[str]] = getattr(module, "MUTANTS", {})
    return [(exercise_id, index, code) for exercise_id, codes in table.items() for index, code in enumerate(codes)]


@pytest.mark.parametrize("file_name", EDGE_LABS)
@pytest.mark.parametrize("seed", [20261201])
def test_solution_passes_varied_and_hidden_cases(file_name, seed):
    """Çözüm, sabit bir tohumla seçilen girdilerle ve gizli durumlarla bütün alıştırmalardan geçer
    (``tests/test_labs.py``'deki toplu notlandırma her çalışmada başka bir tohum kullanır)."""
    ids = [ex.id for ex in exercises_of(file_name[:5])]
    with judge(hidden=True, seed=seed):
        found = asyncio.run(verdicts(submission(file_name), ids))
    failed = {k: v for k, v in found.items() if v is not None}
    assert not failed, failed


@pytest.mark.parametrize(
    ("file_name", "exercise_id", "index", "code"),
    [(f, e, i, c) for f in EDGE_LABS for e, i, c in mutants(f)],
    ids=lambda value: value if isinstance(value, str) and len(value) < 40 else None,
)
def test_edge_mutant_fails_visibly(file_name, exercise_id, index, code):
    """Sınırı kaçıran her yanlış cevap, gizli durumlar olmadan da (öğrencinin kendi
    kontrolünde) kalır ve geri bildirim bir sorun söyler."""
    with judge(hidden=False, seed=7 + index):
        found = asyncio.run(verdicts(submission(file_name, {exercise_id: code}), [exercise_id]))
    feedback = found[exercise_id]
    assert feedback is not None, f"{exercise_id} mutant {index} geçti"
    assert "Sorun:" in feedback


# 3.2'nin doğru cevabı; ``STALLS`` kez, ilk başarısız denemeden sonra 0,3 sn fazla bekler (yüklü bir
# makinede zamanlayıcının geciktirdiği bir deneme gibi). Fonksiyonun kendi özniteliği çağrıları sayar.
STALLING_RETRY = """
    connect_with_retry.calls = getattr(connect_with_retry, "calls", 0) + 1
    for attempt in range(attempts):
        try:
            return await connect(url)
        except (OSError, InvalidStatus):
            if attempt == attempts - 1:
                break
            stall = 0.3 if attempt == 0 and connect_with_retry.calls <= STALLS else 0
            await asyncio.sleep(min(base_delay * 2**attempt, max_delay) + stall)
    raise ConnectionError(f"{attempts} denemede bağlanılamadı: {url}")
"""


@pytest.mark.parametrize(("stalls", "passes"), [(1, True), (2, True), (3, False)])
def test_retry_timing_is_measured_up_to_three_times(stalls, passes):
    """3.2'nin beklemeleri bir ölçümde tutmazsa ölçüm tekrarlanır (``TIMING_TRIES`` = 3): bir ya da
    iki ölçümü bozulan doğru cevap geçer, üç ölçümü de bozulan kalır ve geri bildirim üçünü de
    söyler. Ölçüm tekrarlanmasaydı ilk iki durum kalırdı; her ölçüm tekrarlansaydı sonuncusu geçerdi."""
    lab03 = next(name for name in LAB_FILES if name.startswith("lab03"))
    with judge(hidden=False, seed=11):
        found = asyncio.run(verdicts(submission(lab03, {"3.2": STALLING_RETRY}), ["3.2"], {"STALLS": stalls}))
    feedback = found["3.2"]
    if passes:
        assert feedback is None, feedback
    else:
        assert feedback is not None and "3 ölçümün hepsinde" in feedback, feedback


def _main(argv: list[str]) -> int:
    lab, only = argv[0], argv[1:]
    file_name = next(f for f in LAB_FILES if f.startswith(lab))
    ids = only or [ex.id for ex in exercises_of(lab)]
    with judge(hidden=True, seed=secrets.randbits(16)):
        found = asyncio.run(verdicts(submission(file_name), ids))
    for exercise_id, feedback in found.items():
        print("çözüm", exercise_id, "geçti" if feedback is None else f"KALDI\n{feedback}")
    for exercise_id, index, code in mutants(file_name):
        if exercise_id not in ids:
            continue
        with judge(hidden=False, seed=index):
            feedback = asyncio.run(verdicts(submission(file_name, {exercise_id: code}), [exercise_id]))[exercise_id]
        print("mutant", exercise_id, index, "GEÇTİ (kötü)" if feedback is None else feedback.splitlines()[1])
    wrong = importlib.import_module(f"wrong_answers.{lab}").WRONG
    for exercise_id in ids:
        with judge(hidden=False, seed=3):
            feedback = asyncio.run(verdicts(submission(file_name, {exercise_id: wrong[exercise_id]}), [exercise_id]))
        print("yanlış", exercise_id, "GEÇTİ (kötü)" if feedback[exercise_id] is None else "kaldı")
    return 0


if __name__ == "__main__":
    sys.exit(_main(sys.argv[1:]))


# 3.2'nin 3. bölümdeki gibi eşit jitter'lı doğru cevabı: her bekleme d/2 ile d arasında rastgele.
JITTERED_RETRY = """
    import random

    for attempt in range(attempts):
        try:
            return await connect(url)
        except (OSError, InvalidStatus):
            if attempt == attempts - 1:
                break
            d = min(base_delay * 2**attempt, max_delay)
            await asyncio.sleep(random.uniform(d / 2, d))
    raise ConnectionError(f"{attempts} denemede bağlanılamadı: {url}")
"""


@pytest.mark.parametrize("seed", [3, 11])
def test_equal_jitter_retry_passes(seed):
    """3.2: 3. bölümün önerdiği eşit jitter'lı üstel bekleme (`random.uniform(d / 2, d)`) tam puan alır,
    gizli durumlarla da; doğrusal büyüme ve tavansız jitter (MUTANTS) kalır."""
    file_name = next(name for name in LAB_FILES if name.startswith("lab03"))
    with judge(hidden=True, seed=seed):
        found = asyncio.run(verdicts(submission(file_name, {"3.2": JITTERED_RETRY}), ["3.2"]))
    assert found["3.2"] is None, found["3.2"]
