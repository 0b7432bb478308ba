"""``make notebooks``: ders defterlerini baştan çalıştırıp çıktılarıyla kaydeder.

Kayıtlı çıktılar, nbval'in ``make test`` sırasında karşılaştırdığı başvurudur.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

__all__ = ["execute_notebook", "main"]


def execute_notebook(path: Path, *, timeout: int = 120, save: bool = True) -> float:
    """Bir defteri kendi klasöründe yeni bir çekirdekte çalıştırır.

    Returns:
        Çalıştırma süresi (saniye).

    Raises:
        nbclient.exceptions.CellExecutionError: Bir hücre hata verirse (``raises-exception``
            etiketli hücreler hariç).
    """
    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(
        nb,
        timeout=timeout,
        kernel_name="python3",
        resources={"metadata": {"path": str(path.parent)}},
    )
    started = time.perf_counter()
    client.execute()
    elapsed = time.perf_counter() - started
    if save:
        nbformat.write(nb, path)
    return elapsed


def main(argv: list[str] | None = None) -> int:
    paths = [Path(arg) for arg in (argv if argv is not None else sys.argv[1:])]
    if not paths:
        print("Kullanım: python -m wskurs.engine.notebooks DEFTER.ipynb ...", file=sys.stderr)
        return 2
    # Kayıtlı çıktılar çalıştıranın ilerleme dosyasına bağlı olmasın (ipucu basamakları, 00'daki tablo):
    # her defter boş bir ilerleme dosyasıyla çalışır.
    explicit = os.environ.get("WSKURS_ILERLEME")
    for path in paths:
        print(f"{path} çalıştırılıyor…", flush=True)
        with tempfile.TemporaryDirectory(prefix="wskurs-ilerleme-") as empty:
            if explicit is None:
                os.environ["WSKURS_ILERLEME"] = str(Path(empty) / "ilerleme.json")
            seconds = execute_notebook(path)
        print(f"  bitti: {seconds:.1f} sn")
    if explicit is None:
        os.environ.pop("WSKURS_ILERLEME", None)
    return 0


if __name__ == "__main__":
    sys.exit(main())
