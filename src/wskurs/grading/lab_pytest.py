"""Bir gönderimi notlandıran pytest'in girişi: ``python -m wskurs.grading.lab_pytest <pytest argümanları>``.

``python -m pytest``'i olduğu gibi çalıştırır; tek farkı önce ``wskurs.grading`` paketinin yüklenmesidir
(paketin ``__init__``'i nbformat'ın içe aktarılışını ≈0,8 s kısaltır, bkz. oradaki açıklama).
"""

from __future__ import annotations

import runpy

if __name__ == "__main__":
    runpy.run_module("pytest", run_name="__main__", alter_sys=True)
