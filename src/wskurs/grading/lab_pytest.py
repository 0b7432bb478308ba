"""Bir gönderimi notlandıran pytest'in girişi: ``python -m wskurs.grading.lab_pytest <pytest argümanları>``.

``python -m pytest``'i olduğu gibi çalıştırır; iki farkı var: önce ``wskurs.grading`` paketi yüklenir
(paketin ``__init__``'i nbformat'ın içe aktarılışını ≈0,8 s kısaltır, bkz. oradaki açıklama) ve ortamın
gösterdiği ev, geçici ve Jupyter klasörleri yoksa açılır. Toplu notlandırmada gönderimin klasörü boş
bir tmpfs'tir: klasörler gönderimin kendi kullanıcısıyla, ayrı bir süreç başlatmadan burada açılır.
"""

from __future__ import annotations

import os
import runpy

FOLDERS = ("HOME", "TMPDIR", "JUPYTER_RUNTIME_DIR", "JUPYTER_DATA_DIR", "JUPYTER_CONFIG_DIR", "IPYTHONDIR")
"""Yoksa açılan klasörlerin ortam değişkenleri."""


def make_folders() -> None:
    for name in (*FOLDERS, "MPLCONFIGDIR"):
        path = os.environ.get(name)
        if path:
            os.makedirs(path, mode=0o700, exist_ok=True)


if __name__ == "__main__":
    make_folders()
    runpy.run_module("pytest", run_name="__main__", alter_sys=True)
