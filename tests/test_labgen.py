"""`wskurs.grading.generator`: çözümlerden lab üretimi ve sapma denetimi."""

from __future__ import annotations

import shutil

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from wskurs.grading.generator import LabError, make_lab, replace_regions, write_labs
from wskurs.labformat import CellRole, cell_role, check_id

from labtools import LABS, SOLUTIONS


def test_labs_match_solutions():
    """`labs/` çözümlerden üretilenle birebir aynıdır (sapma yok)."""
    assert write_labs(SOLUTIONS, LABS, check=True) == []


def test_drift_is_reported(tmp_path):
    """Elle değiştirilmiş ya da fazladan bir lab sapma olarak bildirilir."""
    labs = tmp_path / "labs"
    shutil.copytree(LABS, labs)
    target = next(labs.glob("lab*.ipynb"))
    target.write_text(target.read_text(encoding="utf-8").replace("Alıştırma", "Alistirma"), encoding="utf-8")
    (labs / "lab99_fazla.ipynb").write_text("{}", encoding="utf-8")
    report = write_labs(SOLUTIONS, labs, check=True)
    assert any("çözümden farklı" in line for line in report)
    assert any("karşılığı yok" in line for line in report)


def test_region_inside_a_function_becomes_a_turkish_stub():
    """Fonksiyon içindeki bölge, alıştırmayı adıyla anan bir NotImplementedError olur."""
    source = "async def f():\n    ### ÇÖZÜM BAŞI\n    return 42\n    ### ÇÖZÜM SONU\n"
    stub, count = replace_regions(source, "1.3")
    assert count == 1
    assert "return 42" not in stub
    assert 'raise NotImplementedError("Alıştırma 1.3 henüz çözülmedi.")' in stub
    namespace: dict = {}
    exec(stub, namespace)  # taslak geçerli Python'dur


def test_top_level_region_fails_clearly_in_turkish():
    """En üst düzeydeki bölge sessiz bir ``...`` değildir: hücre çalıştırılınca alıştırmayı adıyla anan
    Türkçe bir NotImplementedError verir (çözülmemiş hücre "çalıştı" görünmez)."""
    stub, _ = replace_regions("### ÇÖZÜM BAŞI\nx = 1\n### ÇÖZÜM SONU", "2.1")
    assert "..." not in stub.splitlines()
    namespace: dict = {}
    with pytest.raises(NotImplementedError, match=r"Alıştırma 2\.1 henüz çözülmedi"):
        exec(stub, namespace)
    assert "x" not in namespace


def test_no_generated_lab_has_a_silent_stub():
    """Üretilen hiçbir lab'da tek başına ``...`` satırı (hiçbir şey söylemeyen taslak) yoktur."""
    for path in sorted(LABS.glob("lab*.ipynb")):
        for cell in nbformat.read(path, as_version=4).cells:
            if cell.cell_type == "code":
                assert "..." not in [line.strip() for line in cell.source.splitlines()], (path.name, cell.source)


@pytest.mark.parametrize(
    "source",
    ["### ÇÖZÜM BAŞI\nx = 1\n", "x = 1\n### ÇÖZÜM SONU\n", "### ÇÖZÜM BAŞI\n### ÇÖZÜM BAŞI\n### ÇÖZÜM SONU\n"],
)
def test_broken_markers_are_errors(source):
    """Açılıp kapanmayan bölge işaretleri açık bir hata verir."""
    with pytest.raises(LabError):
        replace_regions(source, "1.1")


def test_generated_lab_has_roles_locked_checks_and_no_outputs():
    """Üretilen lab'da cevap/kontrol rolleri meta veride, kontrol hücreleri kilitli, çıktı yok."""
    for path in LABS.glob("lab*.ipynb"):
        nb = nbformat.read(path, as_version=4)
        assert nb.metadata["wskurs"]["lab"] == path.name[:5]
        roles = [cell_role(c) for c in nb.cells]
        assert any(r and r.role is CellRole.ANSWER for r in roles) and any(
            r and r.role is CellRole.CHECK for r in roles
        )
        for cell in nb.cells:
            if cell.cell_type == "code":
                assert cell.outputs == [] and cell.execution_count is None
            role = cell_role(cell)
            if role and role.role is CellRole.CHECK:
                assert cell.metadata["editable"] is False and cell.metadata["deletable"] is False
        assert "### ÇÖZÜM" not in nbformat.writes(nb)


def _lab(*cells):
    nb = new_notebook()
    nb.cells = [new_markdown_cell("Lab"), *cells]
    return nb


def test_answer_without_check_is_rejected():
    """Ardından kontrol hücresi gelmeyen bir cevap hücresi kural hatasıdır."""
    nb = _lab(new_code_cell("### ÇÖZÜM BAŞI\nx = 1\n### ÇÖZÜM SONU"))
    with pytest.raises(LabError, match="kontrol hücresi"):
        make_lab(nb, name="lab01_deneme.ipynb")


def test_checks_must_match_registered_exercises():
    """Kayıtlı bir alıştırmanın kontrol hücresi eksikse lab üretilmez."""
    nb = _lab(new_code_cell("### ÇÖZÜM BAŞI\nx = 1\n### ÇÖZÜM SONU"), new_code_cell('await check("1.1")'))
    with pytest.raises(LabError, match="uyuşmuyor"):
        make_lab(nb, name="lab01_deneme.ipynb")


def test_check_id_recognises_only_one_line_checks():
    """Kontrol hücresi tek satırlık `await check("N.k")`'dır; başka kod içeren hücre değildir."""
    assert check_id('await check("1.2")') == "1.2"
    assert check_id("# yorum\nawait check('3.4')\n") == "3.4"
    assert check_id('x = 1\nawait check("1.2")') is None
    assert check_id("pass") is None


def test_generator_never_touches_solutions(tmp_path):
    """Gerçekten yazan üretim (boş bir klasöre, ``check=False``) her çözüm için bir lab yazar ve
    çözüm defterlerinin hiçbir baytını değiştirmez, yanlarına dosya da eklemez (çözümlerin bir
    kopyasıyla çalışılır: bozuk bir üretici depodaki çözümlere dokunamaz)."""
    solutions = tmp_path / "solutions"
    # __pycache__ (solutions/conftest.py'yi yükleyen başka bir test süreci açmış olabilir) kopyalanmaz.
    shutil.copytree(SOLUTIONS, solutions, ignore=shutil.ignore_patterns("__pycache__"))
    before = {p.name: p.read_bytes() for p in solutions.iterdir()}
    report = write_labs(solutions, tmp_path / "labs", check=False)
    written = sorted(p.name for p in (tmp_path / "labs").glob("lab*.ipynb"))
    assert written == sorted(p.name for p in SOLUTIONS.glob("lab*.ipynb")) and written
    assert len(report) == len(written) and all(line.endswith("yazıldı.") for line in report)
    assert before == {p.name: p.read_bytes() for p in solutions.iterdir()}
