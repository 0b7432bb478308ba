"""Gönderimleri nerede notlandıracağımız: yerel iş parçacığı havuzu ya da bir Dask kümesi.

İki koşucu aynı arayüzü uygular (``Runner``): gönderim yollarını alır, her not hazır oldukça
``(yol, not)`` verir. Bir gönderimi notlandıran fonksiyon (``grade``, ``batch.grade_one``) dışarıdan
verilir: koşucular notlandırmanın nasıl yapıldığını bilmez, yalnızca nerede yapıldığını. Tüketici
okumayı bırakırsa (ör. kanarya geçemedi) bekleyen gönderimler iptal edilir.

``wskurs notlandir LAB KLASÖR --dask tcp://planlayici:8786`` gönderimleri kümenin işçilerine
gönderir. Her işçi gönderimi kendi makinesinde yerel notlandırmayla aynı yoldan (aynı kapalı ağ,
bütçe ve yargıç) notlandırır; gönderim ve lab dosyası işçiye bayt olarak gider, ortak bir dosya
sistemi gerekmez. İşçilerde ``wskurs`` kurulu olmalıdır (``pip install 'wskurs[dask]'``); Dask
isteğe bağlıdır, ``make lab`` onu kurmaz.
"""

from __future__ import annotations

import tempfile
import traceback
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor, as_completed
from pathlib import Path
from typing import Any, Protocol

from wskurs.labformat import SubmissionGrade, SubmissionStatus

__all__ = ["DaskRunner", "DaskUnavailable", "GradeFunction", "LocalRunner", "Runner"]

GradeFunction = Callable[[str, str, Any], SubmissionGrade]
"""``(gönderim yolu, lab yolu, ayarlar) → not``; hiçbir zaman istisna fırlatmamalı."""


class DaskUnavailable(RuntimeError):
    """Dask kurulu değil ya da kümeye bağlanılamadı; mesaj Türkçe nedeni söyler."""


class Runner(Protocol):
    """Gönderimleri bir yerde notlandırır; her not hazır oldukça ``(yol, not)`` verir."""

    def grade(
        self, grade: GradeFunction, submissions: Sequence[str], lab_path: str, options: Any
    ) -> Iterator[tuple[str, SubmissionGrade]]: ...


def _failed(path: str, detail: str) -> SubmissionGrade:
    return SubmissionGrade.zero(Path(path).name, "?", (), SubmissionStatus.ERROR, detail)


class LocalRunner:
    """Bu makinede, aynı anda ``jobs`` gönderim."""

    def __init__(self, jobs: int) -> None:
        self.jobs = max(jobs, 1)

    def grade(
        self, grade: GradeFunction, submissions: Sequence[str], lab_path: str, options: Any
    ) -> Iterator[tuple[str, SubmissionGrade]]:
        pool = ThreadPoolExecutor(max_workers=self.jobs)
        try:
            futures = {pool.submit(grade, path, lab_path, options): path for path in submissions}
            for future in as_completed(futures):
                yield futures[future], _result(future, futures[future])
        finally:
            pool.shutdown(wait=True, cancel_futures=True)


def _result(future: Future[SubmissionGrade], path: str) -> SubmissionGrade:
    try:
        return future.result()
    except Exception as exc:  # grade_one istisna fırlatmaz; yine de bir gönderim notlandırmayı durdurmaz
        return _failed(path, f"Notlandırma hatası: {type(exc).__name__}: {exc}")


def _grade_bytes(
    grade: GradeFunction, name: str, data: bytes, lab_name: str, lab_data: bytes, options: Any
) -> SubmissionGrade:
    """Bir Dask işçisinde çalışır: dosyaları geçici bir klasöre yazar ve yerel notlandırmayı çağırır."""
    with tempfile.TemporaryDirectory(prefix="wskurs-dask-", ignore_cleanup_errors=True) as tmp:
        folder = Path(tmp)
        lab_path = folder / lab_name
        lab_path.write_bytes(lab_data)
        (folder / "gonderimler").mkdir()
        path = folder / "gonderimler" / "gonderim.ipynb"
        path.write_bytes(data)
        result = grade(str(path), str(lab_path), options)
        from dataclasses import replace

        return replace(result, submission=name)


class DaskRunner:
    """Var olan bir Dask kümesinde. Çalışan bir küme bağlantıyı milisaniyeler içinde kabul eder:
    ``connect_timeout`` yanlış yazılmış bir adresin öğretmeni ne kadar bekleteceğidir."""

    def __init__(self, address: str, *, connect_timeout: float = 10.0) -> None:
        self.address = address
        self.connect_timeout = connect_timeout

    def grade(
        self, grade: GradeFunction, submissions: Sequence[str], lab_path: str, options: Any
    ) -> Iterator[tuple[str, SubmissionGrade]]:
        """Raises:
        DaskUnavailable: ``distributed`` kurulu değilse ya da kümeye bağlanılamazsa.
        """
        try:
            from distributed import Client, as_completed
        except ImportError:
            raise DaskUnavailable(
                "--dask için Dask kurulu değil. Kurulum: pip install -e '.[dask]' (işçilerde de)."
            ) from None
        try:
            client = Client(self.address, timeout=self.connect_timeout)
        except (OSError, TimeoutError) as exc:
            raise DaskUnavailable(f"Dask kümesine bağlanılamadı ({self.address}): {exc}") from None
        futures: dict[Any, str] = {}
        try:
            lab = Path(lab_path)
            lab_future = client.scatter(lab.read_bytes(), broadcast=False)
            for path in submissions:
                try:
                    data = Path(path).read_bytes()
                except OSError as exc:
                    yield path, _failed(path, f"Gönderim okunamadı: {exc.strerror or exc}")
                    continue
                future = client.submit(
                    _grade_bytes, grade, Path(path).name, data, lab.name, lab_future, options, pure=False
                )
                futures[future] = path
            for future in as_completed(list(futures)):
                try:
                    result = future.result()
                except Exception as exc:
                    detail = "".join(traceback.format_exception_only(type(exc), exc)).strip()
                    result = _failed(futures[future], f"Dask işçisinde notlandırılamadı: {detail}")
                yield futures[future], result
        finally:
            for future in futures:
                future.cancel()
            client.close()
