"""Bir sınıf tek makineye sığmadığında: gönderimleri var olan bir Dask kümesinde notlandırmak.

``wskurs notlandir LAB KLASÖR --dask tcp://planlayici:8786`` yerel havuz yerine gönderimleri
kümenin işçilerine gönderir. Her işçi, gönderimi kendi makinesinde yerel notlandırmayla
aynı yoldan (aynı yalıtım, aynı yargıç) notlandırır; dönen not yerel olanla aynı türdedir ve
aynı CSV dosyalarına yazılır. İşçilerde ``wskurs`` kurulu olmalıdır (``pip install
'wskurs[dask]'``); gönderim ve lab dosyası işçiye bayt olarak gider, ortak bir dosya sistemi
gerekmez.

Dask isteğe bağlıdır: ``make lab`` onu kurmaz; ``pip install -e '.[dask]'`` kurar.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from wskurs.labformat import SubmissionGrade, SubmissionStatus

if TYPE_CHECKING:
    from distributed import Future

    from wskurs.grading.batch import GradingOptions

__all__ = ["DaskUnavailable", "grade_on_dask"]


class DaskUnavailable(RuntimeError):
    """Dask kurulu değil ya da kümeye bağlanılamadı; mesaj Türkçe nedeni söyler."""


def _grade_bytes(name: str, data: bytes, lab_name: str, lab_data: bytes, options: GradingOptions) -> SubmissionGrade:
    """Bir işçide çalışır: dosyaları geçici bir klasöre yazar ve yerel notlandırmayı çağırır."""
    from wskurs.grading.batch import grade_one

    with tempfile.TemporaryDirectory(prefix="wskurs-dask-", ignore_cleanup_errors=True) as tmp:
        folder = Path(tmp)
        lab_path = folder / lab_name
        lab_path.write_bytes(lab_data)
        (folder / "gonderimler").mkdir()
        path = folder / "gonderimler" / name
        path.write_bytes(data)
        grade: SubmissionGrade = grade_one(str(path), str(lab_path), options)
        return grade


def grade_on_dask(
    address: str,
    lab_path: Path,
    submissions: Sequence[Path],
    options: GradingOptions,
    *,
    lab: str,
    on_grade: Callable[[SubmissionGrade], None] | None = None,
    connect_timeout: float = 10.0,
) -> list[SubmissionGrade]:
    """Gönderimleri ``address``'teki Dask kümesinde notlandırır.

    Bir gönderimin işçide çıkan hatası o gönderimin satırına neden olarak yazılır; toplu
    notlandırma sürer. Çalışan bir küme bağlantıyı milisaniyeler içinde kabul eder: ``connect_timeout``
    yanlış yazılmış bir adresin öğretmeni ne kadar bekleteceğidir.

    Raises:
        DaskUnavailable: ``distributed`` kurulu değilse ya da kümeye bağlanılamazsa.
    """
    from wskurs.grading.batch import SubmissionError, check_size  # batch bu modülü içe aktarır

    try:
        from distributed import Client, as_completed
    except ImportError:
        raise DaskUnavailable(
            "--dask için Dask kurulu değil. Kurulum: pip install -e '.[dask]' (işçilerde de)."
        ) from None
    try:
        client = Client(address, timeout=connect_timeout)
    except (OSError, TimeoutError) as exc:
        raise DaskUnavailable(f"Dask kümesine bağlanılamadı ({address}): {exc}") from None
    grades: list[SubmissionGrade] = []
    try:
        lab_data = lab_path.read_bytes()
        lab_future = client.scatter(lab_data, broadcast=False)
        futures: dict[Future[SubmissionGrade], str] = {}
        for path in submissions:
            try:
                check_size(path)  # çok büyük dosya kümeye hiç gönderilmez
            except SubmissionError as exc:
                grade = SubmissionGrade.zero(path.name, lab, (), exc.status, str(exc))
                grades.append(grade)
                if on_grade is not None:
                    on_grade(grade)
                continue
            future = client.submit(
                _grade_bytes, path.name, path.read_bytes(), lab_path.name, lab_future, options, pure=False
            )
            futures[future] = path.name
        for future in as_completed(list(futures)):
            try:
                grade = future.result()
            except Exception as exc:
                grade = SubmissionGrade.zero(
                    futures[future],
                    lab,
                    (),
                    SubmissionStatus.ERROR,
                    f"Dask işçisinde notlandırılamadı: {type(exc).__name__}: {exc}",
                )
            grades.append(grade)
            if on_grade is not None:
                on_grade(grade)
    finally:
        client.close()
    return grades
