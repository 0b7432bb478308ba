"""Toplu notlandırmanın raporları: ``notlar.csv``, ``notlar.json``, ``geri_bildirim/`` ve ``gunluk/``.

Notlandırmadan ayrıdır: notlar hazır olunca yalnızca yazar. Gönderimin adı, nedeni, notları, geri
bildirimi ve günlüğü öğrenciden gelebilir; burada hepsi **veridir, biçimlendirme değil**:

- terminale, CSV'ye, Markdown'a ya da günlüğe giden her metin ``clean_text``'ten geçer: terminal kaçış
  dizileri (CSI, OSC, …), denetim karakterleri, yön değiştiren Unicode karakterleri (bir adı başka
  türlü gösterebilirler) ve tek başına kalmış vekil karakterler (UTF-8 olmayan ad baytları) kalmaz;
- CSV hücreleri ``csv_cell``'den geçer (OWASP "CSV Injection"): ``=``, ``+``, ``-``, ``@``, sekme,
  satır başı ile başlayan metin başına ``'`` alır, hesap tablosunda formül olmaz; tırnaklamayı
  ``csv`` modülü yapar;
- geri bildirim sayfasında öğrencinin metni kod bloğunun dışına çıkamaz (çit, içerikteki en uzun ters
  tırnak dizisinden uzundur) ve bloğun dışındaki metin Markdown'da kaçışlıdır;
- her gönderimin çıktı adı (``output_names``) tektir, kısadır ve dosya sisteminde güvenlidir:
  ``kurban.ipynb`` ile ``kurban.zzz`` birbirinin geri bildirimini ezmez;
- bir öğrencinin dosyası yazılamazsa (``OSError``) bu bir uyarıdır, toplu iş sürer; ``notlar.csv`` ve
  ``notlar.json`` her zaman yazılır.
"""

from __future__ import annotations

import csv
import hashlib
import json
import os
import re
import unicodedata
from collections import Counter
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import IO

from wskurs.grading.penalty import NO_POLICY_TIME, Penalty
from wskurs.labformat import ExerciseSpec, SubmissionGrade

__all__ = [
    "MAX_DISPLAY",
    "clean_text",
    "csv_cell",
    "csv_writer",
    "display_name",
    "feedback_markdown",
    "markdown_text",
    "output_names",
    "penalized_total",
    "write_reports",
]

# Metin temizliği --------------------------------------------------------------------------

# Kaçış dizileri: hem 7 bitlik (ESC …) hem 8 bitlik (C1) biçimleriyle. OSC/DCS/SOS/PM/APC dizgeleri
# BEL ya da ST (ESC \ veya U+009C) ile biter; sonlanmamışsa satır sonuna kadar atılır (terminal de
# yutardı, ama günlüğün geri kalanı kaybolmasın).
_ESCAPES = re.compile(
    r"""
      (?:\x1b[\]PX^_]|[\x90\x98\x9d\x9e\x9f]) [^\x07\x1b\x9c\n]* (?:\x07|\x1b\\|\x9c)?   # OSC, DCS, SOS, PM, APC
    | (?:\x1b\[|\x9b) [0-?]* [ -/]* [@-~]?                                          # CSI
    | \x1b [ -/]* [0-~]?                                                            # öteki ESC dizileri
    """,
    re.VERBOSE,
)
_BIDI = "\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069"
# C0 (\t ve \n ayrı), DEL, C1, yön karakterleri ve tek başına vekiller.
_UNSAFE = re.compile(f"[\x00-\x08\x0b-\x1f\x7f-\x9f{_BIDI}\ud800-\udfff]")
_LINE_BREAKS = re.compile("\r\n|[\r\u2028\u2029]")


def clean_text(text: str, *, keep_newlines: bool = True) -> str:
    """Terminalde, CSV'de, Markdown'da ya da günlükte gösterilebilecek metin.

    Terminal kaçış dizilerini (CSI, BEL/ST ile biten OSC, öteki ESC dizileri ve 8 bitlik eşleri),
    denetim karakterlerini (C0, DEL, C1), yön değiştiren karakterleri (U+202A–U+202E, U+2066–U+2069,
    LRM, RLM, ALM) atar; tek başına kalmış vekilleri (UTF-8 olmayan bayt) U+FFFD yapar. ``\\r\\n``,
    ``\\r``, U+2028 ve U+2029 satır sonu olur.

    Args:
        keep_newlines: ``True``: ``\\n`` ve ``\\t`` kalır; ``False``: ikisi de boşluk olur (tek satır).
    """
    text = _ESCAPES.sub("", text)
    text = _LINE_BREAKS.sub("\n", text)
    if not keep_newlines:
        text = text.replace("\n", " ").replace("\t", " ")

    def replace(match: re.Match[str]) -> str:
        return "\ufffd" if "\ud800" <= match.group() <= "\udfff" else ""

    return _UNSAFE.sub(replace, text)


MAX_DISPLAY = 120
"""``display_name``'in en çok karakter sayısı (sonundaki "…" dahil)."""


def display_name(name: str) -> str:
    """Bir adın terminalde ve CSV'de gösterilecek biçimi: tek satır, temiz, en çok ``MAX_DISPLAY``
    karakter (kısaltılmışsa "…" ile biter)."""
    text = clean_text(name, keep_newlines=False).strip()
    if not text:
        return "(görünmez ad)"
    if len(text) > MAX_DISPLAY:
        text = text[: MAX_DISPLAY - 1] + "…"
    return text


# CSV -----------------------------------------------------------------------------------

_FORMULA_START = frozenset("=+-@\t\r\n\0")
_PLAIN_NUMBER = re.compile(r"[+-]?\d+(?:[.,]\d+)?")
_LEADING_BLANKS = re.compile(r"^[\s\"']+")  # Unicode boşlukları da (NBSP, U+3000…)


def csv_cell(value: object) -> str | int | float:
    """Bir CSV hücresi: sayılar sayı kalır; metin temizlenir ve hesap tablosunda formül olamaz.

    OWASP'ın "CSV Injection" önerisi: ``=``, ``+``, ``-``, ``@``, sekme, satır başı (ASVS'ye göre NUL da)
    ile başlayan hücre başına tek tırnak (``'``) alır. Baştaki boşluk ve tırnaklar atlanarak bakılır
    (bazı hesap tabloları onları yok sayar). Düz bir sayı metni (``-3``, ``8,5``) formül değildir,
    olduğu gibi kalır. Ayraç ve tırnakları ``csv`` modülü tırnaklar (``QUOTE_NONNUMERIC``).
    """
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int | float):
        return value
    text = clean_text("" if value is None else str(value))
    if _PLAIN_NUMBER.fullmatch(text):
        return text
    head = _LEADING_BLANKS.sub("", text)
    if text[:1] in _FORMULA_START or head[:1] in _FORMULA_START:
        return "'" + text
    return text


def csv_writer(handle: IO[str], *, delimiter: str = ",", lineterminator: str = "\r\n") -> _CellWriter:
    """``csv.writer`` gibi; her hücre ``csv_cell``'den geçer, metin hücreleri tırnaklıdır."""
    return _CellWriter(handle, delimiter, lineterminator)


class _CellWriter:
    def __init__(self, handle: IO[str], delimiter: str, lineterminator: str) -> None:
        self._writer = csv.writer(
            handle, delimiter=delimiter, quoting=csv.QUOTE_NONNUMERIC, lineterminator=lineterminator
        )

    def writerow(self, row: Sequence[object]) -> None:
        self._writer.writerow([csv_cell(value) for value in row])


# Markdown ------------------------------------------------------------------------------

# Satır içinde anlamı olan bütün işaretler (CommonMark'ta her ASCII noktalama ters bölüyle kaçabilir).
# Nokta, virgül, iki nokta, tire gibi satır ortasında zararsız olanlar okunaklılık için kaçmaz;
# satır başındaki blok işaretleri ayrıca kaçar.
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]<>#!|~&$])")
_BLOCK_START = re.compile(r"^([-+=]|\d{1,9}[.)])(?=\s|$)")


def markdown_text(text: str) -> str:
    """Öğrenciden gelebilecek bir metnin Markdown'da düz metin olarak görünen tek satırlık biçimi:
    temizlenir, satır sonları boşluk olur, biçimlendirme işaretleri ters bölüyle kaçar."""
    flat = clean_text(text, keep_newlines=False).strip()
    escaped = _MARKDOWN_SPECIAL.sub(r"\\\1", flat)
    return _BLOCK_START.sub(lambda m: m.group()[:-1] + "\\" + m.group()[-1], escaped, count=1)


_BACKTICKS = re.compile(r"`+")


def _code_block(text: str) -> list[str]:
    """Metni, içindeki hiçbir satırın kapatamayacağı bir kod bloğuna koyar (CommonMark: kapanış çiti
    en az açılış kadar uzun olmalı; çit içerikteki en uzun ters tırnak dizisinden uzundur)."""
    body = clean_text(text).strip("\n")
    longest = max((len(run) for run in _BACKTICKS.findall(body)), default=0)
    fence = "`" * max(3, longest + 1)
    return [fence, *body.splitlines(), fence]


def feedback_markdown(grade: SubmissionGrade, penalty: Penalty | None = None) -> str:
    """Öğrencinin geri bildirim sayfası (``geri_bildirim/<ad>.md``): başlık, toplam, durum, varsa neden
    ve notlar, her alıştırma için puanlı bir bölüm ve kod bloğunda kontrolün geri bildirimi.

    Öğrenciden gelebilen hiçbir metin (gönderimin adı, neden, notlar, geri bildirim) sayfanın yapısını
    değiştiremez: bloğun dışındaki metin kaçışlı ve tek satırdır, geri bildirim kod bloğundan çıkamaz.
    """
    title = markdown_text(display_name(grade.submission))
    lines = [f"# {markdown_text(grade.lab)} — {title}", ""]
    lines += [f"**Toplam: {grade.total}/{grade.maximum} puan**", ""]
    if penalty is not None:
        lines += [f"Geç teslim: {markdown_text(penalty.reason or 'zamanında')}", ""]
        if penalty.percent:
            lines += [f"**Cezalı toplam: {penalized_total(grade, penalty):g}/{grade.maximum} puan**", ""]
    lines += [f"Durum: {markdown_text(grade.status.value)}", ""]
    if grade.reason:
        lines += [f"Neden: {markdown_text(grade.reason)}", ""]
    for note in grade.notes:
        lines.append(f"- {markdown_text(note)}")
    if grade.notes:
        lines.append("")
    for row in grade.exercises:
        lines.append(
            f"## Alıştırma {markdown_text(row.exercise)} — {markdown_text(row.title)}: {row.earned}/{row.points}"
        )
        lines.append("")
        lines += _code_block(row.feedback)
        lines.append("")
    return "\n".join(lines)


# Çıktı adları --------------------------------------------------------------------------

_STEM_BYTES = 100
"""Okunur önekin UTF-8'de en çok bayt sayısı; ek (``-`` + özet) ve ``.md``/``.txt`` ile bile 255 bayttan
çok kısa kalır (NFD kullanan bir dosya sisteminde Türkçe harfler 1,5 katına çıksa bile)."""

_UNSAFE_IN_NAME = re.compile(r'[/\\<>:"|?*\x00-\x1f\x7f]')
_WINDOWS_RESERVED = frozenset(
    ["CON", "PRN", "AUX", "NUL"] + [f"COM{i}" for i in range(1, 10)] + [f"LPT{i}" for i in range(1, 10)]
)


def _raw_bytes(name: str) -> bytes:
    return name.encode("utf-8", "surrogateescape")


def _digest(name: str, length: int) -> str:
    return hashlib.sha256(_raw_bytes(name)).hexdigest()[:length]


def _cap(text: str, limit: int) -> str:
    """UTF-8'de en çok ``limit`` bayt; çok baytlı bir harf ortadan bölünmez."""
    return text.encode("utf-8")[:limit].decode("utf-8", "ignore")


def _readable_stem(name: str) -> tuple[str, bool]:
    """Adın okunur öneki ve kısaltılıp kısaltılmadığı."""
    stem = name[: name.rindex(".")] if name.rfind(".") > 0 else name
    stem = unicodedata.normalize("NFC", clean_text(stem, keep_newlines=False))
    stem = _UNSAFE_IN_NAME.sub("_", stem.replace("\ufffd", "_")).strip(" .")
    stem = re.sub(r"^[-.~]+", "_", stem) or "gonderim"
    if stem.split(".", 1)[0].upper() in _WINDOWS_RESERVED:
        stem = "_" + stem
    capped = _cap(stem, _STEM_BYTES).rstrip(" .")
    return capped or "gonderim", capped != stem


def _key(stem: str) -> str:
    # Büyük/küçük harf duyarsız ve Unicode'u normalleştiren dosya sistemlerinde aynı dosya olanlar.
    return unicodedata.normalize("NFC", stem).casefold()


def output_names(submissions: Sequence[str]) -> dict[str, str]:
    """Her gönderim adı için tek, kısa ve dosya sisteminde güvenli bir çıktı adı (uzantısız).

    Okunur önek uzantısız addır: temizlenir; ``/``, ``\\``, NUL, denetim ve Windows'ta yasak karakterler
    ``_`` olur; UTF-8'de en çok 100 bayttır. Kısaltılan ya da başka bir gönderimle (büyük/küçük harf
    duyarsız dosya sisteminde bile) aynı öneki alan adlar önekin ardına özgün adın SHA-256 özetinin
    başını alır (``kurban-1a2b3c4d``): sonuç yalnızca adlara bağlıdır, sıraya bağlı değildir. İki
    gönderim hiçbir zaman aynı çıktı adını almaz.
    """
    unique = sorted(dict.fromkeys(submissions), key=_raw_bytes)
    readable: dict[str, tuple[str, bool]] = {name: _readable_stem(name) for name in unique}
    groups: dict[str, list[str]] = {}
    for name, (stem, _) in readable.items():
        groups.setdefault(_key(stem), []).append(name)
    result: dict[str, str] = {}
    for name, (stem, truncated) in readable.items():
        clash = len(groups[_key(stem)]) > 1
        result[name] = f"{stem}-{_digest(name, 8)}" if clash or truncated else stem
    # Kötü niyetli bir ad başka bir adın özetli biçimini taşıyabilir ("kurban-1a2b3c4d.ipynb"):
    # çakışanlar daha uzun özet alır; en sonda (pratikte olmaz) sıra numarası.
    for length in (16, 64):
        seen: dict[str, list[str]] = {}
        for name, stem in result.items():
            seen.setdefault(_key(stem), []).append(name)
        clashing = [name for names in seen.values() if len(names) > 1 for name in names]
        if not clashing:
            return result
        for name in clashing:
            result[name] = f"{readable[name][0]}-{_digest(name, length)}"
    used: set[str] = set()
    for name in unique:
        stem, number = result[name], 2
        while _key(stem) in used:
            stem, number = f"{result[name]}-{number}", number + 1
        used.add(_key(stem))
        result[name] = stem
    return result


# Yazmak --------------------------------------------------------------------------------

_JSON_UNSAFE = re.compile(f"[\x7f-\x9f{_BIDI}\u2028\u2029\ud800-\udfff]")


def _json_text(data: object) -> str:
    """Kayıpsız JSON (adlar özgün haliyle); terminalde ya da düzenleyicide metni bozabilecek karakterler
    (DEL, C1, yön karakterleri, U+2028/9, UTF-8 olmayan baytların vekilleri) ``\\uXXXX`` kaçışıyla
    yazılır. Python'un ``json.loads``'u vekilleri geri verir: ``os.fsencode`` özgün baytlardır."""
    text = json.dumps(data, ensure_ascii=False, indent=2)
    return _JSON_UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def _write_private(path: Path, text: str) -> None:
    """Bir öğrencinin dosyasını yazar; yolda bir sembolik bağ varsa izlemez (``OSError``)."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_NOFOLLOW", 0)
    fd = os.open(path, flags, 0o644)
    with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
        handle.write(text)


def _problem(exc: BaseException) -> str:
    detail = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
    return display_name(f"{type(exc).__name__}: {detail}")


def penalized_total(grade: SubmissionGrade, penalty: Penalty | None) -> int | float:
    """Geç teslim cezasından sonraki toplam (iki ondalık; tam sayıysa ``int``)."""
    if penalty is None:
        return grade.total
    value = round(penalty.apply(grade.total), 2)
    return int(value) if value.is_integer() else value


def _whole(value: float) -> int | float:
    return int(value) if float(value).is_integer() else round(value, 2)


def write_reports(
    grades: Sequence[SubmissionGrade],
    lab: str,
    specs: Sequence[ExerciseSpec],
    output: Path,
    identities: Mapping[str, tuple[str, str]] | None = None,
    penalties: Mapping[str, Penalty] | None = None,
) -> list[str]:
    """``notlar.csv``, ``notlar.json``, ``geri_bildirim/<ad>.md`` ve ``gunluk/<ad>.txt`` dosyalarını yazar.

    ``<ad>`` ``output_names``'ten gelir; ``notlar.json`` her gönderimin ``output_stem``'ini taşır,
    ``notlar.csv``'nin son sütunu geri bildirim dosyasının yoludur. Önce iki not dosyası yazılır ve
    her gönderim bir satır alır; ardından her öğrencinin dosyaları ayrı ayrı: biri yazılamazsa bu
    Türkçe bir uyarı olur, ötekiler yazılır.

    ``identities`` verilirse (gönderim adı → (katılımcı no, ad); bir LMS zip'inden) ``notlar.csv``
    gönderim adından sonra ``katilimci`` ve ``ad`` sütunlarını, ``notlar.json`` aynı adlı alanları
    alır; kimliği bilinmeyen gönderimde ikisi de boştur.

    ``penalties`` verilirse (gönderim adı → geç teslim cezası; ``--son-tarih``) ``toplam`` ham puan
    kalır, ``en_yuksek``'ten sonra ``gec_ceza_yuzde``, ``cezali_toplam`` ve ``gec_ceza_nedeni`` gelir
    (``notlar.json``'da ``late``); cezası bilinmeyen gönderimde ceza 0'dır ve nedeni yazılıdır.

    Returns:
        Türkçe uyarılar (terminalde gösterilebilir, temiz).

    Raises:
        OSError: ``output`` klasörü ya da ``notlar.csv``/``notlar.json`` yazılamıyorsa.
    """
    output.mkdir(parents=True, exist_ok=True)
    warnings: list[str] = []
    names = [grade.submission for grade in grades]
    stems = output_names(names)
    for name in sorted(name for name, count in Counter(names).items() if count > 1):
        warnings.append(f"Uyarı: {display_name(name)} adlı iki gönderim var; dosyalarından yalnızca biri kalır.")

    ids = [spec.id for spec in specs]
    with (output / "notlar.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv_writer(handle)
        who = ["katilimci", "ad"] if identities is not None else []
        late = ["gec_ceza_yuzde", "cezali_toplam", "gec_ceza_nedeni"] if penalties is not None else []
        writer.writerow(["gonderim", *who, *ids, "toplam", "en_yuksek", *late, "durum", "sorun", "geri_bildirim"])
        for grade in grades:
            scores = grade.scores
            known = list(identities.get(grade.submission, ("", ""))) if identities is not None else []
            penalty = _penalty_of(penalties, grade.submission)
            writer.writerow(
                [
                    display_name(grade.submission),
                    *known,
                    *(scores.get(i, 0) for i in ids),
                    grade.total,
                    grade.maximum,
                    *([_whole(penalty.percent), penalized_total(grade, penalty), penalty.reason] if penalty else []),
                    grade.status.value,
                    grade.reason,
                    f"geri_bildirim/{stems[grade.submission]}.md",
                ]
            )
    entries = [{**grade.as_json(), "output_stem": stems[grade.submission]} for grade in grades]
    if identities is not None:
        for entry, grade in zip(entries, grades, strict=True):
            entry["katilimci"], entry["ad"] = identities.get(grade.submission, ("", ""))
    if penalties is not None:
        for entry, grade in zip(entries, grades, strict=True):
            penalty = _penalty_of(penalties, grade.submission)
            assert penalty is not None
            entry["late"] = {
                "percent": _whole(penalty.percent),
                "total": penalized_total(grade, penalty),
                "reason": penalty.reason,
            }
    data = {"lab": lab, "submissions": entries}
    (output / "notlar.json").write_text(_json_text(data), encoding="utf-8")

    folders: dict[str, Path | None] = {}
    for folder in ("geri_bildirim", "gunluk"):
        try:
            (output / folder).mkdir(exist_ok=True)
            folders[folder] = output / folder
        except OSError as exc:
            folders[folder] = None
            warnings.append(f"Uyarı: {folder}/ klasörü oluşturulamadı ({_problem(exc)}); o dosyalar yazılmadı.")
    for grade in grades:
        stem = stems[grade.submission]
        files: list[tuple[str, Path | None, str, str]] = [
            (
                "geri bildirim",
                folders["geri_bildirim"],
                f"{stem}.md",
                feedback_markdown(grade, _penalty_of(penalties, grade.submission)),
            )
        ]
        if grade.log:
            files.append(("günlük", folders["gunluk"], f"{stem}.txt", clean_text(grade.log)))
        for what, folder_path, file_name, text in files:
            if folder_path is None:
                continue
            try:
                _write_private(folder_path / file_name, text)
            except (OSError, ValueError) as exc:
                warnings.append(
                    f"Uyarı: {display_name(grade.submission)} için {what} yazılamadı "
                    f"({folder_path.name}/{file_name}: {_problem(exc)})."
                )
    return warnings


def _penalty_of(penalties: Mapping[str, Penalty] | None, submission: str) -> Penalty | None:
    """Gönderimin cezası; kural varken cezası bilinmeyen (LMS zip'inden gelmeyen) gönderim 0 ve nedenli."""
    if penalties is None:
        return None
    found = penalties.get(submission)
    if found is not None:
        return found
    return Penalty(0.0, NO_POLICY_TIME, known=False)
