"""Kursu make olmadan kurar, açar ve notlandırır (Windows'ta ve make olmayan her yerde).

    py -3.12 kurs.py kur             # make lab'ın kurulumu: .venv, pip, JupyterLab ayarları
    py kurs.py lab                   # make lab
    py kurs.py lab-notlandir 01      # make grade LAB=01

Linux ve macOS'ta ``py`` yerine ``python3`` yazın. Bu dosya yalnızca standart kütüphaneyle çalışır:
kursun paketi (``wskurs``) henüz kurulmamışken de. Komutların kendisi
``src/wskurs/grading/learner.py``'dedir; burada o dosya, paketin geri kalanı (FastAPI ister)
içe aktarılmadan, yolundan yüklenir.
"""

import importlib.util
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent


def _learner():
    path = ROOT / "src" / "wskurs" / "grading" / "learner.py"
    spec = importlib.util.spec_from_file_location("wskurs_learner", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclass'lar modülü sys.modules'te arar
    spec.loader.exec_module(module)
    return module


if __name__ == "__main__":
    sys.exit(_learner().main(root=ROOT))
