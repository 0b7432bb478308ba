"""Çözüm defterleri, lab'lar gibi ``--nbval-lax`` kipinde sınanır: yalnızca ``NBVAL_CHECK_OUTPUT``
işaretli hücrelerin çıktısı karşılaştırılır (çözümler çıktısız saklanır; notu yargıç verir).

``make test-notebooks`` ders defterlerini (``--nbval``: her hücrenin çıktısı kayıtlı olanla
karşılaştırılır) ve çözümleri tek bir pytest oturumunda çalıştırır. nbval'in kipi bütün oturum için
tektir; bu klasörün defterleri için kip burada seçilir: nbval'in ``--nbval-lax`` verilince yaptığının
aynısı (defterin ``compare_outputs``'u kapalı). ``make test`` çözümleri ``tests/test_labs.py``'de
öğrencinin yoluyla (ölü proxy'li ortamda, toplu notlandırmayla karşılaştırarak) çalıştırır.
"""

from __future__ import annotations

from collections.abc import Generator
from pathlib import Path
from typing import Any

import pytest
from nbval.plugin import IPyNbFile


@pytest.hookimpl(wrapper=True)
def pytest_collect_file(file_path: Path, parent: pytest.Collector) -> Generator[None, Any, Any]:
    """nbval'in bu klasörde topladığı defterleri ``--nbval-lax`` kipine alır."""
    collected = yield
    for node in collected:
        if isinstance(node, IPyNbFile):
            node.compare_outputs = False
    return collected
