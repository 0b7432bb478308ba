"""``wskurs`` komut satırı: lab üretimi, toplu notlandırma ve öğrencinin komutları.

Öğrencinin komutları (``kur``, ``lab``, ``lab-notlandir``) ``wskurs.grading.learner``'dadır; deponun
kökündeki ``kurs.py`` onları paket kurulmadan önce de çalıştırır.

Komutların hatası tek bir türdür: ``CliError`` Türkçe mesajı ve çıkış kodunu taşır; ``main`` onu
standart hataya yazar. Notlandırmanın kendisi ``wskurs.grading.batch``'tedir, dosyaları
``wskurs.grading.reports`` ve ``wskurs.grading.gradebook`` yazar.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
import tempfile
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

__all__ = ["CliError", "main"]


class CliError(Exception):
    """Komutun kullanıcıya gösterilecek hatası: Türkçe mesaj ve çıkış kodu."""

    def __init__(self, message: str, code: int = 2) -> None:
        super().__init__(message)
        self.code = code


def _labs(args: argparse.Namespace) -> int:
    from wskurs.grading.course_links import update_links
    from wskurs.grading.generator import LabError, write_labs

    solutions = Path(args.cozumler)
    root = solutions.resolve().parent
    report: list[str] = []
    if solutions.resolve().name == "solutions" and (root / "notebooks").is_dir():
        # Bölüm–lab bağlantıları (alıştırmanın dayandığı bölüm, bölüm sonundaki "Sıradaki: Lab N") önce.
        report += update_links(root, check=args.kontrol)
    try:
        report += write_labs(solutions, Path(args.lablar), check=args.kontrol)
    except LabError as exc:
        raise CliError(str(exc)) from None
    for line in report:
        print(line)
    if args.kontrol:
        if report:
            raise CliError("labs/ ya da bölüm–lab bağlantıları çözümlerle uyuşmuyor.", 1)
        print("labs/ ve bölüm–lab bağlantıları çözümlerle uyumlu.")
    elif not report:
        print("labs/ zaten güncel.")
    return 0


@dataclass
class _Exports:
    """Sınıf listesi ya da LMS zip'i verildiyse Moodle/Canvas dosyaları ve eşleşme raporu."""

    lab: str
    item: str
    students: list[Any] | None
    decimal_comma: bool
    scale: float | None
    lms: Any = None
    sheet: Any = None
    penalties: dict[str, Any] | None = None
    summary: list[str] = field(default_factory=list)

    def write(self, grades: list[Any], output: Path) -> None:
        from wskurs.checks.core import specs_of
        from wskurs.grading.gradebook import (
            match_lms,
            match_roster,
            matching_summary,
            write_canvas,
            write_matching_report,
            write_moodle,
        )
        from wskurs.grading.lms import LmsKind, write_lms_report

        maximum = sum(spec.points for spec in specs_of(self.lab))
        if self.lms is not None:
            matching = match_lms(self.lms.records, grades)
            write_lms_report(output / "lms.md", self.lms)
            write_matching_report(output / "eslesme.md", matching)
            if self.lms.kind is LmsKind.CANVAS:
                write_canvas(
                    output / "canvas.csv", matching, self.item, maximum, scale=self.scale, penalties=self.penalties
                )
                self.summary.append(f"Canvas: {output / 'canvas.csv'} (öğrenciler Canvas'ın ID sütunuyla eşleşir)")
            else:
                self._moodle_files(matching, maximum, output)
            self.summary += matching_summary(matching)
            self.summary.append(f"Zip'in ayrıntısı (kim hangi dosya, açılmayanlar): {output / 'lms.md'}")
            return
        if self.students is None:
            self.summary.append("Moodle/Canvas dosyaları için sınıf listesini verin: --liste liste.csv")
            return
        matching = match_roster(self.students, grades)
        write_moodle(
            output / "moodle.csv",
            matching,
            self.item,
            maximum,
            decimal_comma=self.decimal_comma,
            scale=self.scale,
            penalties=self.penalties,
        )
        write_canvas(output / "canvas.csv", matching, self.item, maximum, scale=self.scale, penalties=self.penalties)
        write_matching_report(output / "eslesme.md", matching)
        self.summary.append(f"Moodle: {output / 'moodle.csv'}   Canvas: {output / 'canvas.csv'}")
        problems = matching_summary(matching)
        self.summary += problems
        if problems:
            self.summary.append(f"Ayrıntı: {output / 'eslesme.md'}")

    def _moodle_files(self, matching: Any, maximum: int, output: Path) -> None:
        """Moodle zip'inden: geri bildirim dosyaları zip'i ve (verildiyse) doldurulmuş not çalışma sayfası."""
        from wskurs.grading.gradebook import feedback_summary, score
        from wskurs.grading.reports import feedback_markdown
        from wskurs.grading.worksheet import (
            Mark,
            feedback_html,
            worksheet_summary,
            write_feedback_zip,
            write_worksheet,
            write_worksheet_report,
        )

        penalties = self.penalties or {}
        unclear = {student.lms_id for student, _ in matching.ambiguous}
        scale = self.scale or (self.sheet.maximum if self.sheet is not None else None)
        marks: dict[str, Any] = {}
        files: list[tuple[str, str, str]] = []
        for student, grade in matching.pairs:
            if grade is None or student.lms_id in unclear:
                continue
            penalty = penalties.get(grade.submission)
            lines = feedback_summary(grade).splitlines()
            if penalty is not None and penalty.reason:
                lines.append(f"Geç teslim: {penalty.reason}")
            marks[student.lms_id] = Mark(score(grade, maximum, scale, penalty), feedback_html(lines))
            files.append((student.lms_id, student.name, feedback_markdown(grade, penalty)))
        write_feedback_zip(output / "moodle_geri_bildirim.zip", files)
        self.summary.append(
            f"Moodle geri bildirim dosyaları: {output / 'moodle_geri_bildirim.zip'} ('Birden çok geri bildirim "
            "dosyasını zip olarak yükle')"
        )
        if self.sheet is None:
            self.summary.append(
                "Moodle'a notlar katılımcı numarasıyla yalnızca not çalışma sayfasından yüklenir: "
                "ödevin 'Not çalışma sayfasını indir' dosyasını --calisma-sayfasi ile verin."
            )
            return
        withheld = {who: "birden çok defter gönderdi: not verilmedi (öğretmen karar verecek)" for who in unclear}
        names = {record.participant: record.name for record in self.lms.records}
        report = write_worksheet(
            output / "calisma_sayfasi.csv",
            self.sheet,
            marks,
            withheld,
            names,
            decimal_comma=self.decimal_comma or self.sheet.decimal_comma,
        )
        write_worksheet_report(output / "calisma_sayfasi.md", report)
        self.summary.append(
            f"Moodle not çalışma sayfası: {output / 'calisma_sayfasi.csv'} ('Not çalışma sayfasını yükle')"
        )
        self.summary += worksheet_summary(report)
        self.summary.append(f"Çalışma sayfasının ayrıntısı: {output / 'calisma_sayfasi.md'}")


@dataclass
class _Lms:
    """Zip'ten önce okunan ve denetlenen LMS seçenekleri: çalışma sayfası ve geç teslim kuralı."""

    sheet: Any = None
    policy: Any = None


def _lms_options(args: argparse.Namespace) -> _Lms:
    """``--calisma-sayfasi`` ve ``--son-tarih`` ailesi notlandırmadan önce denetlenir (Türkçe hata)."""
    from wskurs.grading.lms import LmsError, make_policy, time_zone
    from wskurs.grading.worksheet import WorksheetError, read_worksheet

    options = _Lms()
    late_flags = [args.gec_ceza_gun, args.gec_ceza_saat, args.gec_ceza_tavan, args.gec_kesim]
    try:
        time_zone(args.saat_dilimi)
        if args.son_tarih:
            options.policy = make_policy(
                args.son_tarih,
                args.saat_dilimi,
                per_day=args.gec_ceza_gun,
                per_hour=args.gec_ceza_saat,
                cap=args.gec_ceza_tavan,
                cutoff=args.gec_kesim,
            )
        elif any(flag is not None for flag in late_flags):
            raise CliError("Geç teslim cezası için son tarihi verin: --son-tarih '2026-12-01 23:59'.")
        if args.calisma_sayfasi:
            options.sheet = read_worksheet(Path(args.calisma_sayfasi))
    except (LmsError, WorksheetError) as exc:
        raise CliError(str(exc)) from None
    maximum = options.sheet.maximum if options.sheet is not None else None
    if args.olcek and maximum is not None and args.olcek > maximum:
        raise CliError(
            f"--olcek {args.olcek:g}, çalışma sayfasındaki en yüksek puandan ({maximum:g}) büyük: Moodle bu "
            "notları yüklemez. --olcek'i kaldırın (notlar çalışma sayfasının ölçeğine çevrilir)."
        )
    return options


def _penalties(args: argparse.Namespace, options: _Lms, lms: Any) -> dict[str, Any] | None:
    """Her gönderimin geç teslim cezası (LMS'in bildirdiği andan); kural yoksa ``None``."""
    from wskurs.grading.lms import LmsError, LmsKind, late_penalties

    if options.policy is None:
        return None
    if lms is None:
        return {}
    sheet = options.sheet if lms.kind is LmsKind.MOODLE else None
    try:
        return late_penalties(
            lms.records,
            options.policy,
            lambda who: sheet.submitted(who, args.saat_dilimi) if sheet is not None else None,
        )
    except LmsError as exc:
        raise CliError(f"Çalışma sayfasındaki gönderim anı okunamadı: {exc}") from None


def _grade(args: argparse.Namespace) -> int:
    lab_path = Path(args.lab)
    folder = Path(args.klasor)
    if not lab_path.is_file():
        raise CliError(f"lab defteri bulunamadı: {lab_path}")
    options = _lms_options(args)
    if folder.is_file() and zipfile.is_zipfile(folder):
        with tempfile.TemporaryDirectory(prefix="wskurs-lms-") as tmp:
            return _grade_zip(args, lab_path, folder, Path(tmp) / "gonderimler", options)
    if not folder.is_dir():
        raise CliError(f"gönderim klasörü bulunamadı: {folder}")
    if options.sheet is not None:
        raise CliError(
            "--calisma-sayfasi yalnızca Moodle'ın 'Tüm gönderimleri indir' zip'iyle kullanılır: katılımcı "
            "numaraları zip'teki klasör adlarından gelir. Zip'i açmadan verin."
        )
    return _grade_folder(args, lab_path, folder, None, options)


def _grade_zip(args: argparse.Namespace, lab_path: Path, archive: Path, folder: Path, options: _Lms) -> int:
    from wskurs.grading.lms import LmsError, LmsKind, lms_summary, read_lms_zip

    try:
        intake = read_lms_zip(archive, folder)
    except LmsError as exc:
        raise CliError(str(exc)) from None
    if options.sheet is not None and intake.kind is not LmsKind.MOODLE:
        raise CliError("--calisma-sayfasi Moodle'ın not çalışma sayfasıdır; bu zip Canvas'tan.")
    for line in lms_summary(intake):
        print(line)
    if args.liste:
        print("Not: gönderimler LMS zip'indeki katılımcılara eşlendi; --liste kullanılmadı.")
    return _grade_folder(args, lab_path, folder, intake, options)


def _incremental(args: argparse.Namespace, lab_path: Path, folder: Path, output: Path) -> tuple[Any, Any, Any]:
    """Notlandırmanın anahtarı, gönderimlerin cevap özetleri ve (``--yalnizca-yeni``) önceki notlar."""
    from wskurs.grading.batch import MAX_SUBMISSION_BYTES
    from wskurs.grading.incremental import RunKey, answers_hash, load_state, previous_seed, reusable
    from wskurs.grading.intake import list_submissions

    seed = args.tohum
    if seed is None and args.yalnizca_yeni:
        seed = previous_seed(output)
    settings = {
        "cell_timeout": args.zaman_asimi,
        "hidden": not args.gizlisiz,
        "isolation": not args.yalitimsiz,
        "memory_mb": args.bellek,
    }
    key = RunKey.of(lab_path, seed, **settings)
    hashes = {path.name: answers_hash(path, MAX_SUBMISSION_BYTES) for path in list_submissions(folder).files}
    reuse: dict[str, Any] = {}
    if args.yalnizca_yeni:
        previous, note = load_state(output, key)
        print(note)
        reuse = reusable(previous, hashes)
        print(
            f"Yalnızca yeni: {len(hashes) - len(reuse)} gönderim notlandırılacak, {len(reuse)} gönderimin "
            "cevapları değişmedi (önceki notu kullanılıyor)."
        )
    return key, hashes, reuse


def _grade_folder(
    args: argparse.Namespace, lab_path: Path, folder: Path, lms: Any = None, lms_options: _Lms | None = None
) -> int:
    import nbformat
    from tqdm import tqdm

    from wskurs.grading.batch import CanaryFailed, GradingOptions, SubmissionError, grade_folder
    from wskurs.grading.gradebook import RosterError, read_roster
    from wskurs.grading.incremental import STATE_FILE, save_state
    from wskurs.grading.intake import list_submissions
    from wskurs.grading.reports import display_name
    from wskurs.grading.runners import DaskRunner, DaskUnavailable
    from wskurs.grading.sandbox import detect
    from wskurs.labformat import SubmissionGrade, SubmissionStatus, lab_of

    output = Path(args.cikti)
    try:
        lab = lab_of(nbformat.read(lab_path, as_version=4).metadata) or ""
    except Exception as exc:
        raise CliError(f"{lab_path} okunamadı ({type(exc).__name__}).") from None
    if not lab:
        raise CliError(f"{lab_path} bir lab defteri değil (meta veride 'wskurs.lab' yok).")
    try:
        students = read_roster(Path(args.liste)) if args.liste and lms is None else None
    except RosterError as exc:
        raise CliError(str(exc)) from None
    lms_options = lms_options or _Lms()
    penalties = _penalties(args, lms_options, lms)
    exports = _Exports(
        lab,
        args.not_ogesi or f"Lab {lab.removeprefix('lab')}",
        students,
        args.ondalik_virgul,
        args.olcek,
        lms,
        lms_options.sheet,
        penalties,
    )
    limits = _memory_limits(args)
    key, hashes, reuse = _incremental(args, lab_path, folder, output)
    options = GradingOptions(
        cell_timeout=args.zaman_asimi,
        hidden=not args.gizlisiz,
        isolation=not args.yalitimsiz,
        seed=key.seed,
        limits=limits,
    )
    runner = DaskRunner(args.dask) if args.dask else None
    if args.dask:
        print(f"Gönderimler Dask kümesinde notlandırılıyor: {args.dask}")
        print("Korumalar (bu makinede; her Dask işçisi aynı denetimi kendi makinesinde yapar):")
    else:
        print("Korumalar:")
    for line in detect(disabled=args.yalitimsiz, limits=limits).describe():
        print(f"  {line}")
    if args.kanaryasiz:
        print("⚠️  Kanarya kapalı (--kanaryasiz): notlandırıcının bozuk olup olmadığı denenmez.")
    else:
        print("Kanarya: lab'ın çözümü de aynı yalıtımda notlandırılır; tam puan almazsa kimse notlandırılmaz.")
    total = len(list_submissions(folder).files) - len(reuse)
    warnings: list[str] = []
    with tqdm(total=total, unit="gönderim", desc="Notlandırma", file=sys.stderr, ascii=False) as bar:

        def step(grade: SubmissionGrade) -> None:
            state = f"{grade.total}/{grade.maximum}"
            if grade.status is not SubmissionStatus.GRADED:
                state += f" ({grade.status.value})"
            bar.set_postfix_str(f"{display_name(grade.submission)[:60]}: {state}", refresh=False)
            bar.update(1)

        try:
            grades = grade_folder(
                lab_path,
                folder,
                output,
                jobs=args.j,
                options=options,
                on_grade=step,
                on_grades=exports.write,
                runner=runner,
                canary=not args.kanaryasiz,
                on_warning=warnings.append,
                identities=lms.identities() if lms is not None else None,
                penalties=penalties,
                reuse=reuse,
            )
        except (SubmissionError, DaskUnavailable, CanaryFailed) as exc:
            raise CliError(str(exc)) from None
    save_state(output, key, hashes, grades)
    warnings += _class_reports(grades, lab, lab_path, folder, output)
    for line in warnings:
        print(line)
    print(f"{len(grades)} gönderim notlandırıldı → {output / 'notlar.csv'}")
    print(f"Geri bildirimler: {output / 'geri_bildirim'}/")
    print(f"Gönderimlerin pytest çıktıları (zaman aşımı, çöken çekirdek…): {output / 'gunluk'}/")
    print(f"Sınıf raporu: {output / 'sinif_raporu.html'}")
    print(f"Benzerlik raporu (not değil, öğretmen için kanıt): {output / 'benzerlik.html'}")
    if penalties is not None:
        late = sum(1 for penalty in penalties.values() if penalty.percent)
        print(
            f"Geç teslim: {late} gönderime ceza uygulandı (notlar.csv: gec_ceza_yuzde, cezali_toplam, gec_ceza_nedeni)."
        )
        unknown = sum(
            1 for grade in grades if grade.submission not in penalties or not penalties[grade.submission].known
        )
        if unknown:
            from wskurs.grading.lms import LmsKind

            hint = (
                " Moodle için --calisma-sayfasi ile not çalışma sayfasını verin."
                if lms is not None and lms.kind is LmsKind.MOODLE and lms_options.sheet is None
                else " Nedeni notlar.csv'nin gec_ceza_nedeni sütununda."
            )
            print(
                f"⚠️  {unknown} gönderimin LMS'teki gönderim anı bilinmiyor: ceza uygulanmadı (dosya zamanına "
                f"bakılmaz).{hint}"
            )
    print(f"Notlandırma durumu (--yalnizca-yeni için): {output / STATE_FILE}")
    for line in exports.summary:
        print(line)
    return 0


def _class_reports(grades: list[Any], lab: str, lab_path: Path, folder: Path, output: Path) -> list[str]:
    """Sınıf raporu ve benzerlik raporu; biri yazılamazsa Türkçe bir uyarı olur, notlar yine yazılmıştır."""
    import nbformat

    from wskurs.checks.core import specs_of
    from wskurs.grading.batch import MAX_SUBMISSION_BYTES
    from wskurs.grading.class_report import write_class_report
    from wskurs.grading.intake import list_submissions, read_submission
    from wskurs.grading.reports import display_name
    from wskurs.grading.similarity import similarity_report

    warnings: list[str] = []
    try:
        write_class_report(grades, lab, specs_of(lab), output)
    except Exception as exc:  # rapor notları değiştirmez; yazılamaması notlandırmayı durdurmaz
        warnings.append(f"Uyarı: sınıf raporu yazılamadı ({display_name(f'{type(exc).__name__}: {exc}')}).")
    submissions: dict[str, Any] = {}
    for path in list_submissions(folder).files:
        try:
            data = read_submission(path, MAX_SUBMISSION_BYTES).decode("utf-8")
            submissions[path.name] = nbformat.reads(data, as_version=4)
        except Exception:
            continue  # defter olmayan gönderimin durumu notlarda zaten yazılı
    try:
        similarity_report(submissions, nbformat.read(lab_path, as_version=4), output)
    except Exception as exc:
        warnings.append(f"Uyarı: benzerlik raporu yazılamadı ({display_name(f'{type(exc).__name__}: {exc}')}).")
    return warnings


MIB = 1024 * 1024
MIN_MEMORY_MB = 512
"""Bir çekirdek, yargıç ve lab'ın kütüphaneleri (FastAPI, uvicorn) bundan azıyla açılamaz."""


def _memory_limits(args: argparse.Namespace) -> Any:
    """``--bellek``'ten kaynak sınırları; bütçe × ``-j`` makinenin belleğini aşıyorsa uyarır."""
    from wskurs.grading.sandbox import Limits

    if args.bellek < MIN_MEMORY_MB:
        raise CliError(f"--bellek en az {MIN_MEMORY_MB} MB olmalı (verilen: {args.bellek}).")
    limits = Limits(memory=args.bellek * MIB)
    with contextlib.suppress(ValueError, OSError, AttributeError):
        machine = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") // MIB
        if not args.dask and args.bellek * args.j > machine:
            print(
                f"⚠️  -j {args.j} × {args.bellek} MB bellek bütçesi bu makinenin belleğinden ({machine} MB) fazla: "
                "aynı anda bellek dolduran gönderimler makineyi zorlar. --bellek ya da -j'yi küçültün."
            )
    return limits


def _add_grading_parser(commands: Any) -> None:
    from wskurs.grading.batch import DEFAULT_CELL_TIMEOUT
    from wskurs.grading.sandbox import Limits

    default_memory_mb = Limits.memory // MIB

    parser = commands.add_parser("notlandir", help="bir klasördeki lab gönderimlerini notlandırır")
    parser.add_argument("lab", help="asıl lab defteri, ör. labs/lab01_websocket_nedir.ipynb")
    parser.add_argument("klasor", help="gönderimlerin klasörü ya da Moodle/Canvas'ın 'Tüm gönderimleri indir' zip'i")
    parser.add_argument("-o", "--cikti", default="notlar", help="sonuç klasörü (varsayılan: notlar)")
    parser.add_argument(
        "-j", type=int, default=max(1, (os.cpu_count() or 2) // 2), help="aynı anda notlandırılan gönderim sayısı"
    )
    parser.add_argument(
        "--zaman-asimi",
        type=float,
        default=DEFAULT_CELL_TIMEOUT,
        help=f"hücre başına saniye (varsayılan: {DEFAULT_CELL_TIMEOUT:g})",
    )
    parser.add_argument(
        "--bellek",
        type=int,
        default=default_memory_mb,
        metavar="MB",
        help=f"gönderim başına bellek bütçesi, tmpfs ve memfd dahil (varsayılan: {default_memory_mb} MB; "
        f"en az {MIN_MEMORY_MB}). -j ile çarpımı makinenin belleğini aşmasın.",
    )
    parser.add_argument("--gizlisiz", action="store_true", help="öğretmenin gizli durumlarını deneme")
    parser.add_argument(
        "--yalitimsiz", action="store_true", help="gönderimleri yalıtmadan çalıştır (yalnızca güvenilen kod için)"
    )
    parser.add_argument(
        "--kanaryasiz", action="store_true", help="lab'ın çözümünü önce notlandırarak notlandırıcıyı deneme"
    )
    parser.add_argument(
        "--liste", help="sınıf listesi (CSV: ogrenci_no,ad,eposta,dosya): Moodle ve Canvas dosyaları için"
    )
    parser.add_argument("--not-ogesi", help="Moodle/Canvas'taki not sütununun adı (varsayılan: 'Lab NN')")
    parser.add_argument(
        "--ondalik-virgul", action="store_true", help="Moodle dosyasında ondalık virgül (8,5) ve ';' ayraç"
    )
    parser.add_argument("--olcek", type=float, help="notları bu en yüksek puana ölçekle (ör. 100)")
    parser.add_argument("--dask", metavar="ADRES", help="gönderimleri bu Dask kümesinde notlandır (tcp://…:8786)")
    parser.add_argument(
        "--calisma-sayfasi",
        metavar="CSV",
        help="Moodle ödevinin 'Not çalışma sayfasını indir' dosyası: notlar ve geri bildirimle doldurulup "
        "calisma_sayfasi.csv olarak yazılır (yalnızca Moodle zip'iyle)",
    )
    parser.add_argument("--son-tarih", metavar="TARİH", help="son teslim tarihi, ör. '2026-12-01 23:59'")
    parser.add_argument(
        "--saat-dilimi", default="Europe/Istanbul", help="tarihlerin saat dilimi (varsayılan: Europe/Istanbul)"
    )
    parser.add_argument("--gec-ceza-gun", type=float, metavar="YÜZDE", help="başlayan her geç gün için yüzde ceza")
    parser.add_argument("--gec-ceza-saat", type=float, metavar="YÜZDE", help="başlayan her geç saat için yüzde ceza")
    parser.add_argument("--gec-ceza-tavan", type=float, metavar="YÜZDE", help="en çok yüzde ceza (varsayılan: 100)")
    parser.add_argument("--gec-kesim", metavar="TARİH", help="bu andan sonraki gönderim 0 alır")
    parser.add_argument(
        "--yalnizca-yeni",
        action="store_true",
        help="aynı çıktı klasöründeki önceki notlandırmadan bu yana cevapları değişmeyenleri yeniden notlandırma",
    )
    parser.add_argument(
        "--tohum", type=int, help="yargıcın rastgele girdi tohumu (aynı tohum aynı not defterini verir)"
    )
    parser.set_defaults(run=_grade)


def main(argv: list[str] | None = None) -> int:
    from wskurs.grading.learner import SetupError, add_parsers

    parser = argparse.ArgumentParser(prog="wskurs", description="FastAPI WebSocket Kursu araçları")
    commands = parser.add_subparsers(dest="komut", required=True)

    labs = commands.add_parser(
        "lab-uret", help="solutions/ klasöründen labs/ klasörünü ve bölüm–lab bağlantılarını üretir"
    )
    labs.add_argument("--cozumler", default="solutions", help="çözümlü lab'ların klasörü")
    labs.add_argument("--lablar", default="labs", help="üretilecek lab'ların klasörü")
    labs.add_argument("--kontrol", action="store_true", help="yazma, yalnız farkları bildir")
    labs.set_defaults(run=_labs)

    _add_grading_parser(commands)
    add_parsers(commands)

    args = parser.parse_args(argv)
    try:
        return int(args.run(args))
    except (CliError, SetupError) as exc:
        print(f"Hata: {exc}", file=sys.stderr)
        return exc.code


if __name__ == "__main__":
    sys.exit(main())
