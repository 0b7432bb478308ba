"""Her ders defteri, her kod hücresi art arda iki kez çalıştırıldığında da hatasız biter
(başlatma hücresini yeniden çalıştırmak sunucuyu değiştirir, hiçbir şeyi bozmaz)."""

from __future__ import annotations

import nbformat
import pytest

from wskurs.engine.timing import scaled

from kernel import kernel_session
from labtools import ROOT

NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))


@pytest.mark.kernel
@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_every_cell_can_run_twice(path):
    """Her hücre iki kez çalıştırılınca hata vermez (hata göstermesi beklenen hücreler hariç)."""
    nb = nbformat.read(path, as_version=4)
    with kernel_session(path.parent) as kernel:
        for index, cell in enumerate(nb.cells):
            if cell.cell_type != "code":
                continue
            expected_error = "raises-exception" in cell.metadata.get("tags", [])
            for attempt in (1, 2):
                run = kernel.run(cell.source, timeout=scaled(120))
                assert run.idle, f"hücre {index} ({attempt}. kez) bitmedi"
                if not expected_error:
                    assert run.error is None, f"hücre {index} ({attempt}. kez): {run.error}: {run.evalue}"
