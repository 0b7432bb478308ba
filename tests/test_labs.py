"""Her lab için, gerçek ``wskurs notlandir`` (``-j 2``) ile: çözüm geçer, taslak, yanlış cevaplar ve
sınır mutantları kalır, her satırın bir durumu vardır; öğrencinin kendi kontrolü (``make grade`` yolu)
toplu notlandırmayla her alıştırmada aynı kararı verir. Lab'lar ``solutions/`` klasöründen glob ile
bulunur; yargıç API'sine çevrilmemiş lab'lar atlanır.

Her lab kendi sınıfıdır (``TestLab01``…): ``--dist loadscope`` ile lab'lar pytest-xdist
süreçlerine dağılır, bir lab'ın gönderimleri bir kez notlandırılır. Notlandırıcının lab'dan bağımsız
özellikleri (kontrol hücresini silmek, uyarılar, sonsuz döngünün zaman aşımı) yalnızca
``PROPERTY_LAB``'da sınanır: zaman aşımını beklemek her lab'da bir şey sınamaz.
"""

from __future__ import annotations

import csv
import re
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, ClassVar

import nbformat
import pytest

from wskurs.checks import exercises_of
from wskurs.engine.timing import scaled
from wskurs.labformat import CellRole, ExerciseOutcome, SubmissionStatus, cell_role

from labtools import (
    LAB_FILES,
    LABS,
    answer_cells,
    converted,
    dead_proxy_env,
    edge_answers,
    grade_batch,
    read,
    self_check,
    self_check_run,
    submission,
    with_checks,
    wrong_answers,
)

pytestmark = pytest.mark.kernel

CELL_TIMEOUT = scaled(15)
PROPERTY_LAB = LAB_FILES[0]
NOISE = (
    "import sys, warnings\n"
    "warnings.warn('bu bir uyarı', DeprecationWarning)\n"
    "warnings.warn('bu da bir uyarı')\n"
    "print('stderr satırı', file=sys.stderr)\n"
)
AGREEMENT = ("cozum", "yanlis")


def _samples(file_name: str) -> dict[str, Any]:
    """Lab'ın örnek gönderimleri. Sınır mutantlarının (``EDGES``, alıştırma başına en çok bir tane)
    hepsi tek bir gönderimde (``kenar``): her biri yalnızca kendi alıştırmasını düşürmelidir."""
    samples: dict[str, Any] = {
        "cozum": submission(file_name),
        "bos": read(LABS / file_name),
        "yanlis": submission(file_name, wrong_answers(file_name)),
    }
    if edges := edge_answers(file_name):
        samples["kenar"] = submission(file_name, edges)
    if file_name == PROPERTY_LAB:
        samples.update(_property_samples(file_name))
    return samples


def _property_samples(file_name: str) -> dict[str, Any]:
    """Notlandırıcının lab'dan bağımsız özellikleri için gönderimler."""
    lab = read(LABS / file_name)
    first = exercises_of(file_name[:5])[0].id
    noisy = submission(file_name)
    first_answer, _ = answer_cells(noisy)[0]
    first_answer.source = NOISE + first_answer.source
    return {
        "kontrol_pass": with_checks(submission(file_name), "pass"),
        "kontrol_silinmis": with_checks(submission(file_name), None),
        "bos_kontrol_pass": with_checks(lab, "pass"),
        "sonsuz": submission(file_name, {first: "while True:\n    pass"}),
        "sonsuz_hucre": submission(file_name, cells={first: "while True:\n    pass"}),
        "uyarili": noisy,
    }


def _unsolved_run(file_name: str, workdir: Path) -> tuple[set[int], set[int], str, dict[str, str]]:
    """Üretilen lab'ı öğrencinin yoluyla (pytest --nbval-lax) çalıştırır.

    Returns:
        (başarısız kod hücreleri, kontrol hücreleri, pytest çıktısı, alıştırma → karar)
    """
    code = [cell for cell in read(LABS / file_name).cells if cell.cell_type == "code"]  # nbval kod hücrelerini sayar
    check_cells = {i for i, cell in enumerate(code) if (role := cell_role(cell)) and role.role is CellRole.CHECK}
    # En üst düzeydeki taslak hücreyi çalıştırınca Türkçe bir NotImplementedError verir (sessiz `...` değil).
    check_cells |= {i for i, cell in enumerate(code) if "\nraise NotImplementedError(" in f"\n{cell.source}"}
    stdout, statuses = self_check_run(LABS / file_name, workdir, timeout=300)
    # Lab'ın cevap ve kontrol hücreleri alıştırmanın adıyla görünür ("2.4 Başlık — kontrol (hücre 14)").
    failed = {int(n) for n in re.findall(r"^FAILED \S*::(?:Cell |.*?\(hücre )(\d+)", stdout, re.M)}
    return failed, check_cells, stdout, statuses


def _statuses(grade: dict[str, Any]) -> list[ExerciseOutcome]:
    return [ExerciseOutcome(row["status"]) for row in grade["exercises"]]


def _unpassed(grade: dict[str, Any], output: Path) -> str:
    """Geçmeyen alıştırmaların geri bildirimi ve gönderimin pytest çıktısının sonu: başarısız bir
    testin çıktısı nedenini söylesin."""
    rows = [row for row in grade["exercises"] if ExerciseOutcome(row["status"]) is not ExerciseOutcome.PASSED]
    text = "\n".join(f"--- {row['exercise']} ({row['status']})\n{row['feedback']}" for row in rows)
    log = output / "gunluk" / f"{Path(grade['submission']).stem}.txt"
    return text + ("\n--- pytest çıktısının sonu\n" + log.read_text(encoding="utf-8")[-3000:] if log.exists() else "")


class _LabSuite:
    """Bir lab'ın bütün notlandırma testleri; alt sınıflar ``FILE``'ı verir."""

    FILE: ClassVar[str]

    @pytest.fixture(scope="class")
    @classmethod
    def graded(cls, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
        """Lab'ın örnek gönderimlerini tek seferde (`wskurs notlandir -j 2`) notlandırır; aynı sırada
        çözümü ve yanlış cevapları öğrencinin yoluyla (pytest --nbval-lax) da kontrol eder ve üretilen
        (çözülmemiş) lab'ı öğrencinin yoluyla çalıştırır."""
        file_name = cls.FILE
        if not converted(file_name):
            pytest.skip(f"{file_name}: kontroller henüz yargıç API'sine çevrilmedi")
        folder = tmp_path_factory.mktemp("gonderimler")
        for name, nb in _samples(file_name).items():
            nbformat.write(nb, folder / f"{name}.ipynb")
        (folder / "bozuk.ipynb").write_text("bu bir not defteri değil", encoding="utf-8")
        nbformat.write(nbformat.v4.new_notebook(), folder / "cevapsiz.ipynb")
        output = tmp_path_factory.mktemp("notlar") / "cikti"
        # Kontroller çoğunlukla bekler (gerçek sunucular, zaman aşımları; çözüm çalışmasının ancak üçte biri
        # işlemci süresidir): toplu notlandırma ve üç öz denetim birlikte çalışır. Öz denetimler okul ağındaki
        # öğrencinin ortamında: altı proxy değişkeni her şeyi reddeden bir portu gösterir, NO_PROXY yoktur.
        with ThreadPoolExecutor(max_workers=1 + len(AGREEMENT) + 1) as pool:
            batch = pool.submit(grade_batch, file_name, folder, output, cell_timeout=CELL_TIMEOUT)
            own = {
                name: pool.submit(
                    self_check, folder / f"{name}.ipynb", tmp_path_factory.mktemp(f"kendi_{name}"), dead_proxy_env()
                )
                for name in AGREEMENT
            }
            unsolved = pool.submit(_unsolved_run, file_name, tmp_path_factory.mktemp("kendi_bos"))
            selfs = {name: future.result() for name, future in own.items()}
            failed, check_cells, stdout, selfs["bos"] = unsolved.result()
            result = batch.result()
        assert result["returncode"] == 0, result["stderr"][-3000:]
        ids = [ex.id for ex in exercises_of(file_name[:5])]
        return {
            "result": result,
            "grades": result["grades"],
            "ids": ids,
            "output": output,
            "selfs": selfs,
            "unsolved": (failed, check_cells, stdout),
        }

    def test_protections_are_printed(self, graded: dict[str, Any]) -> None:
        """Notlandırma başında hangi korumaların etkin olduğu Türkçe yazılır."""
        stdout = graded["result"]["stdout"]
        assert "Korumalar:" in stdout
        assert "✅" in stdout or "⚠️" in stdout

    def test_solution_passes_every_check(self, graded: dict[str, Any]) -> None:
        """Çözümlü lab bütün kontrollerden tam puan alır."""
        g = graded["grades"]["cozum"]
        why = _unpassed(g, graded["output"])
        assert SubmissionStatus(g["status"]) is SubmissionStatus.GRADED and g["reason"] == "", (g["reason"], why)
        assert _statuses(g) == [ExerciseOutcome.PASSED] * len(graded["ids"]), why
        assert g["total"] == g["maximum"] > 0

    def test_unsolved_lab_fails_every_check(self, graded: dict[str, Any]) -> None:
        """Üretilen (çözülmemiş) lab her alıştırmadan 0 alır ve notlandırılmış sayılır."""
        g = graded["grades"]["bos"]
        assert g["total"] == 0 and _statuses(g) == [ExerciseOutcome.FAILED] * len(graded["ids"]), g
        assert SubmissionStatus(g["status"]) is SubmissionStatus.GRADED

    def test_every_exercise_has_a_failing_wrong_answer(self, graded: dict[str, Any]) -> None:
        """Her alıştırmanın makul bir yanlış cevabı vardır ve yargıç onu reddeder."""
        g = graded["grades"]["yanlis"]
        assert _statuses(g) == [ExerciseOutcome.FAILED] * len(graded["ids"]), g

    def test_edge_mutants_are_caught(self, graded: dict[str, Any]) -> None:
        """Sınırda yanlış olan cevaplar (``EDGES``: boş mesaj, aynı anda açık bağlantılar…) bir arada
        gönderildiğinde tam olarak kendi alıştırmaları kalır, ötekiler geçer."""
        edges = edge_answers(self.FILE)
        if not edges:
            pytest.skip(f"{self.FILE}: sınır mutantı yok")
        grade = graded["grades"]["kenar"]
        statuses = {row["exercise"]: ExerciseOutcome(row["status"]) for row in grade["exercises"]}
        failed, passed = ExerciseOutcome.FAILED, ExerciseOutcome.PASSED
        assert statuses == {i: failed if i in edges else passed for i in graded["ids"]}, grade

    def test_self_check_agrees_with_the_batch_grader(self, graded: dict[str, Any]) -> None:
        """Öğrencinin kendi kontrolü (pytest --nbval-lax, yerel yargıç) çözümde, taslakta ve yanlış
        cevaplarda her alıştırma için toplu notlandırmayla aynı kararı verir; çözümde ve yanlış cevapta
        öğrencinin ortamında her şeyi reddeden bir proxy tanımlıdır (yerel bağlantılar ona gitmez)."""
        for name, own in graded["selfs"].items():
            batch = {row["exercise"]: row["status"] for row in graded["grades"][name]["exercises"]}
            assert own == batch, (name, own, batch, _unpassed(graded["grades"][name], graded["output"]))

    def test_generated_lab_fails_exactly_its_check_cells(self, graded: dict[str, Any]) -> None:
        """nbval altında üretilen lab'da yalnızca kontrol hücreleri ve en üst düzeydeki taslaklar (Türkçe
        NotImplementedError) başarısız olur; tablo yargıçtan gelir."""
        failed, check_cells, stdout = graded["unsolved"]
        assert failed == check_cells, stdout[-3000:]
        assert "Not tablosu" in stdout and "Toplam" in stdout

    def test_broken_submissions_get_zero_and_a_reason(self, graded: dict[str, Any]) -> None:
        """Not defteri olmayan ya da cevap hücresi olmayan gönderim 0, bir durum ve bir neden alır."""
        grades = graded["grades"]
        assert grades["bozuk"]["total"] == 0 and grades["bozuk"]["status"] == "defter değil"
        assert "okunamadı" in grades["bozuk"]["reason"]
        assert grades["cevapsiz"]["total"] == 0 and grades["cevapsiz"]["status"] == "cevap hücresi yok"

    def test_gradebook_and_feedback_files(self, graded: dict[str, Any]) -> None:
        """CSV'de gönderim başına bir satır, alıştırma başına bir sütun, toplam ve durum; her gönderime
        Türkçe bir geri bildirim dosyası."""
        grades, ids, output = graded["grades"], graded["ids"], graded["output"]
        with (output / "notlar.csv").open(encoding="utf-8") as handle:
            rows = list(csv.DictReader(handle))
        assert [r["gonderim"] for r in rows] == sorted(f"{name}.ipynb" for name in grades)
        by_name = {r["gonderim"]: r for r in rows}
        assert int(by_name["cozum.ipynb"]["toplam"]) == grades["cozum"]["maximum"]
        assert all(i in rows[0] for i in ids) and all(r["durum"] for r in rows)
        feedback = (output / "geri_bildirim" / "yanlis.md").read_text(encoding="utf-8")
        assert "Beklenen" in feedback or "Sorun" in feedback
        assert "Toplam: 0/" in feedback


class _PropertySuite(_LabSuite):
    """Notlandırıcının lab'dan bağımsız özellikleri; yalnızca ``PROPERTY_LAB``'da."""

    def test_warnings_and_stderr_cost_nothing(self, graded: dict[str, Any]) -> None:
        """Uyarılar ve stderr çıktısı puan kaybettirmez."""
        g = graded["grades"]["uyarili"]
        assert g["total"] == g["maximum"], g

    def test_disabled_or_deleted_check_cells_change_no_grade(self, graded: dict[str, Any]) -> None:
        """Kontrol hücresini `pass` yapmak ya da silmek notu değiştirmez: asıl kontroller çalışır."""
        grades = graded["grades"]
        full = grades["cozum"]["maximum"]
        assert grades["kontrol_pass"]["total"] == full
        assert grades["kontrol_silinmis"]["total"] == full
        assert grades["bos_kontrol_pass"]["total"] == 0

    @pytest.mark.parametrize("sample", ["sonsuz", "sonsuz_hucre"])
    def test_infinite_loop_costs_only_its_exercise(self, graded: dict[str, Any], sample: str) -> None:
        """`while True: pass` (cevap bölgesinde ya da bütün cevap hücresinde) yalnızca kendi
        alıştırmasına mal olur, gerisi notlandırılır; durum ve neden hangi alıştırmada olduğunu söyler,
        gönderimin günlüğü (`gunluk/`) nedeni gösterir."""
        ids = graded["ids"]
        g = graded["grades"][sample]
        scores = {row["exercise"]: row["earned"] for row in g["exercises"]}
        assert scores[ids[0]] == 0
        assert all(scores[i] > 0 for i in ids[1:]), g
        assert g["seconds"] < CELL_TIMEOUT * 3 + scaled(60)
        if sample == "sonsuz_hucre":
            assert g["status"] == "zaman aşımı" and ids[0] in g["reason"], g
        # Öğretmen nedeni gönderimin günlüğünde görür: hücrenin zaman aşımı ya da gözcünün geri bildirimi.
        log = (graded["output"] / "gunluk" / f"{sample}.txt").read_text(encoding="utf-8")
        cause = "Timeout" if sample == "sonsuz_hucre" else "event loop'u 3 saniyeden uzun kilitledi"
        assert cause in log and "\x1b[" not in log, log[-2000:]


for _file in LAB_FILES:
    _name = f"TestLab{_file[3:5]}"
    globals()[_name] = type(_name, (_PropertySuite if _file == PROPERTY_LAB else _LabSuite,), {"FILE": _file})


def test_wrong_answers_cover_every_exercise() -> None:
    """Her lab'ın yanlış cevap listesi bütün alıştırmaları kapsar."""
    for file_name in LAB_FILES:
        ids = [ex.id for ex in exercises_of(file_name[:5])]
        assert sorted(wrong_answers(file_name)) == ids, file_name


def test_edges_are_at_most_one_per_exercise_and_known() -> None:
    """Sınır mutantları tek gönderimde bir arada sınanabilir: her biri lab'ın bir alıştırmasına aittir."""
    for file_name in LAB_FILES:
        ids = {ex.id for ex in exercises_of(file_name[:5])}
        assert set(edge_answers(file_name)) <= ids, file_name


def test_labs_are_found_by_glob() -> None:
    """Lab listesi elle tutulmaz: solutions/ klasöründeki her lab test edilir."""
    assert sorted(p.name for p in (Path(__file__).resolve().parents[1] / "solutions").glob("lab*.ipynb")) == LAB_FILES
    assert {name for name in globals() if name.startswith("TestLab")} == {f"TestLab{f[3:5]}" for f in LAB_FILES}
