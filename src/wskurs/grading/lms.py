"""Öğrenme yönetim sisteminin (Moodle, Canvas) indirdiği gönderim zip'ini notlandırılacak bir klasöre açmak.

``wskurs notlandir LAB indirme.zip`` bu modülden geçer: zip güvenle açılır, her dosya LMS'in kendi
adlandırmasından katılımcısına eşlenir ve notlandırma açılan klasörde eskisi gibi
(``wskurs.grading.batch.grade_folder``) yürür. Hiçbir şey sessizce atlanmaz: defter olmayan dosyalar,
iç içe zip'ler, çevrimiçi metinler, adlandırmaya uymayan ya da güvensiz girdiler ``LmsIntake.skipped``
listesine Türkçe nedeniyle girer; bir katılımcının birden çok defteri hepsi notlandırılır ama
dışa aktarımlarda tahmin edilmez (``LmsIntake.ambiguous``).

Adlandırmalar (LMS'lerin kendi kodundan ve belgelerinden):

- **Moodle** ödevinde "Tüm gönderimleri indir" (``mod/assign``, ``download_submissions``): her dosyanın
  öneki ``<Ad Soyad>_<katılımcı no>_<alt eklenti>_<tür>_``'dır; ``<alt eklenti>`` ``assignsubmission``,
  ``<tür>`` ``file`` ya da ``onlinetext``'tir. Adın içindeki ``_`` Moodle'da boşluk olur, bu yüzden
  önekte ad ``_`` içermez. Moodle 3.1'den beri öntanımlı "klasörlerde indir" biçiminde önek bir
  klasördür (``Ayşe Yılmaz_12345_assignsubmission_file_/lab01.ipynb``; alt klasörler korunur;
  çevrimiçi metin ``…_assignsubmission_onlinetext_/onlinetext.html``); eski düz biçimde önek dosya
  adının başıdır (``Ayşe Yılmaz_12345_assignsubmission_file_lab01.ipynb``). İkisi de okunur.
  Katılımcı no Moodle'ın ödeve özgü ``Participant 12345`` kimliğidir (not çalışma sayfasındaki
  ``Identifier``); kör notlandırmada ad ``Participant`` olur.
- **Canvas** "Gönderimleri indir" (Download Submissions): dosyalar köktedir,
  ``<soyadad>_<kullanıcı no>_<dosya no>_<özgün ad>``; geç gönderimde kullanıcı numarasından önce bir
  ``LATE``/``late`` işareti vardır (``yilmazayse_late_12345_67890_lab01.ipynb``). ``<soyadad>``
  Canvas'ın küçük harfli, noktalamasız "soyad ad"ıdır. Kullanıcı no Canvas'ın not defteri
  içe aktarımındaki ``ID`` sütunudur. İşaret yalnızca "geç" der, ne kadar geç olduğunu söylemez.

Güvenlik (zip güvenilmezdir; ``zipfile``'ın açma yollarına bırakılmaz):

- açmadan **önce** merkezî dizindeki başlıklara bakılır: girdi sayısı, bildirilen toplam açık boyut
  ve tek bir girdinin bildirilen boyutu sınırı aşarsa ``LmsError`` (zip bombası, Türkçe);
- açarken de aynı sınırlar **sayılarak** uygulanır: başlığında küçük görünüp daha çok açılan girdi
  yakalanır (``LmsError``);
- hiçbir girdi zip'teki yoluna yazılmaz: her dosya hedef klasöre bu modülün verdiği tek ve güvenli bir
  adla (``<tür>_<katılımcı no>[_<sıra>].ipynb``) yazılır; mutlak yollar, ``..`` içeren yollar ve
  sembolik bağ girdileri hiç açılmaz, nedeniyle ``skipped``'e girer.
"""

from __future__ import annotations

import math
import re
import stat
import zipfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from enum import Enum
from pathlib import Path, PurePosixPath
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from wskurs.grading.intake import Skipped
from wskurs.grading.penalty import NO_POLICY_TIME, Penalty
from wskurs.grading.reports import display_name, markdown_text

__all__ = [
    "NO_POLICY_TIME",
    "LatePolicy",
    "LmsError",
    "LmsIntake",
    "LmsKind",
    "Penalty",
    "SubmissionRecord",
    "ZipLimits",
    "check_zip",
    "late_penalties",
    "late_penalty",
    "lms_summary",
    "make_policy",
    "parse_canvas",
    "parse_deadline",
    "parse_moodle",
    "parse_moodle_date",
    "read_lms_zip",
    "time_zone",
    "write_lms_report",
]


class LmsError(ValueError):
    """LMS zip'i açılamıyor ya da güvensiz (zip bombası); mesaj Türkçe nedeni söyler."""


class LmsKind(Enum):
    """Zip'i indiren öğrenme yönetim sistemi."""

    MOODLE = "moodle"
    CANVAS = "canvas"


@dataclass(frozen=True)
class ZipLimits:
    """Bir LMS zip'inin sınırları (başlıklarda bildirilen ve açarken sayılan açık boyut).

    Attributes:
        max_entries: En çok girdi sayısı (klasörler dahil).
        max_entry_bytes: Bir girdinin en büyük açık boyutu (bir defterin notlandırılabilir boyutu).
        max_total_bytes: Bütün girdilerin toplam en büyük açık boyutu.
    """

    max_entries: int = 5000
    max_entry_bytes: int = 64 * 1024 * 1024
    max_total_bytes: int = 1024 * 1024 * 1024


@dataclass(frozen=True)
class SubmissionRecord:
    """Açılan bir gönderim dosyası ve LMS'teki sahibi.

    Attributes:
        file: Hedef klasördeki tek adı (notlandırmadaki gönderim adı).
        participant: Moodle katılımcı no ya da Canvas kullanıcı no.
        name: LMS'in verdiği ad (Moodle: "Ad Soyad"; Canvas: "soyadad").
        original: Zip'teki özgün yol.
        kind: LMS.
        late: Canvas'ın geç işareti (``True``/``False``); Moodle zip'i bunu söylemez (``None``).
    """

    file: str
    participant: str
    name: str
    original: str
    kind: LmsKind
    late: bool | None = None


@dataclass
class LmsIntake:
    """Bir LMS zip'inin açılışı.

    Attributes:
        kind: Zip'i indiren LMS.
        records: Açılan defterler, zip'teki sırayla.
        skipped: Açılmayan girdiler ve Türkçe nedenleri.
    """

    kind: LmsKind
    records: list[SubmissionRecord] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)

    @property
    def ambiguous(self) -> dict[str, list[SubmissionRecord]]:
        """Birden çok defter gönderen katılımcılar (katılımcı no → defterleri)."""
        by_participant: dict[str, list[SubmissionRecord]] = {}
        for record in self.records:
            by_participant.setdefault(record.participant, []).append(record)
        return {who: found for who, found in by_participant.items() if len(found) > 1}

    def identities(self) -> dict[str, tuple[str, str]]:
        """Gönderim dosyası → (katılımcı no, ad): ``notlar.csv``/``notlar.json`` sütunları için."""
        return {record.file: (record.participant, record.name) for record in self.records}


# Adlandırmalar ---------------------------------------------------------------------------

_MOODLE = re.compile(r"^(?P<name>[^_/]*)_(?P<id>\d+)_(?P<plugin>assign[a-z]*)_(?P<type>[a-z0-9]+)_(?P<rest>.*)$", re.S)
_CANVAS = re.compile(r"^(?P<name>[^_/]*)_(?:(?P<late>late)_)?(?P<id>\d+)_(?P<file_id>\d+)_(?P<rest>.+)$", re.S | re.I)


@dataclass(frozen=True)
class _Parsed:
    participant: str
    name: str
    plugin_type: str
    original: str
    late: bool | None


def parse_moodle(path: str) -> _Parsed | None:
    """Moodle'ın gönderim yolunu çözer (klasörlü ya da düz biçim); uymuyorsa ``None``.

    ``Ayşe Yılmaz_12345_assignsubmission_file_/lab01.ipynb`` → katılımcı ``12345``, ad
    ``Ayşe Yılmaz``, tür ``file``, özgün ad ``lab01.ipynb``.
    """
    found = _MOODLE.match(path)
    if found is None:
        return None
    rest = found["rest"].removeprefix("/")
    if not rest or rest.endswith("/"):
        return None
    return _Parsed(found["id"], found["name"].strip(), found["type"], rest, None)


def parse_canvas(path: str) -> _Parsed | None:
    """Canvas'ın gönderim adını çözer; uymuyorsa (ya da bir klasörün içindeyse) ``None``.

    ``yilmazayse_late_12345_67890_lab01.ipynb`` → kullanıcı ``12345``, ad ``yilmazayse``, geç.
    """
    if "/" in path:
        return None
    found = _CANVAS.match(path)
    if found is None:
        return None
    return _Parsed(found["id"], found["name"], "file", found["rest"], found["late"] is not None)


# Güvenlik --------------------------------------------------------------------------------


def _unsafe(info: zipfile.ZipInfo) -> str | None:
    """Girdinin açılmama nedeni (güvensiz yol ya da sembolik bağ); güvenliyse ``None``."""
    name = info.filename
    mode = info.external_attr >> 16
    if stat.S_ISLNK(mode):
        return "sembolik bağ girdisi: açılmaz"
    if name.startswith(("/", "\\")) or re.match(r"^[A-Za-z]:", name):
        return "mutlak yol: açılmaz"
    parts = re.split(r"[/\\]", name)
    if ".." in parts:
        return "yol '..' içeriyor (klasör dışına çıkma): açılmaz"
    if "\0" in name:
        return "adında NUL var: açılmaz"
    return None


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.0f} MB"


def check_zip(infos: Sequence[zipfile.ZipInfo], limits: ZipLimits) -> None:
    """Açmadan önce, zip'in başlıklarına göre sınırları denetler.

    Raises:
        LmsError: Girdi sayısı, bir girdinin ya da toplamın bildirilen açık boyutu sınırı aşıyorsa.
    """
    if len(infos) > limits.max_entries:
        raise LmsError(
            f"Zip'te {len(infos)} girdi var; en çok {limits.max_entries} girdi açılır. "
            "Bu bir zip bombası olabilir; zip açılmadı."
        )
    for info in infos:
        if info.file_size > limits.max_entry_bytes and not info.is_dir():
            raise LmsError(
                f"Zip'teki {display_name(info.filename)} açılınca {_megabytes(info.file_size)} olacak; "
                f"bir girdi en çok {_megabytes(limits.max_entry_bytes)} olabilir. "
                "Bu bir zip bombası olabilir; zip açılmadı."
            )
    total = sum(info.file_size for info in infos)
    if total > limits.max_total_bytes:
        raise LmsError(
            f"Zip açılınca toplam {_megabytes(total)} olacak; en çok {_megabytes(limits.max_total_bytes)} "
            "açılır. Bu bir zip bombası olabilir; zip açılmadı."
        )


def _extract(
    archive: zipfile.ZipFile, info: zipfile.ZipInfo, target: Path, budget: list[int], limits: ZipLimits
) -> None:
    """Bir girdiyi sayarak açar: başlıktaki boyuttan ya da kalan toplam bütçeden fazlası ``LmsError``.

    ``zipfile`` de başlıktaki boyuttan fazlasını vermez (fazlası CRC'yi tutmaz: ``BadZipFile``); sayaç
    buna güvenmeyen ikinci kilittir. Hata olursa yarım dosya silinir."""
    allowed = min(info.file_size, limits.max_entry_bytes)
    written = 0
    try:
        with archive.open(info) as source, target.open("xb") as sink:
            while chunk := source.read(1024 * 1024):
                written += len(chunk)
                budget[0] -= len(chunk)
                if written > allowed or budget[0] < 0:
                    raise LmsError(
                        f"Zip'teki {display_name(info.filename)} başlığında bildirdiğinden daha çok açılıyor; "
                        "bu bir zip bombası olabilir. Açma durduruldu."
                    )
                sink.write(chunk)
    except BaseException:
        target.unlink(missing_ok=True)  # yarım dosya notlandırılmasın
        raise


# Okuma -----------------------------------------------------------------------------------


def _kind_of(names: Sequence[str]) -> LmsKind:
    if any(parse_moodle(name) for name in names):
        return LmsKind.MOODLE
    if any(parse_canvas(name) for name in names):
        return LmsKind.CANVAS
    raise LmsError(
        "Zip'teki adlar ne Moodle'ın ('Ad Soyad_12345_assignsubmission_file_/…') ne de Canvas'ın "
        "('soyadad_12345_67890_….ipynb') gönderim adlandırmasına uyuyor. LMS'in 'Tüm gönderimleri "
        "indir' zip'ini olduğu gibi verin ya da zip'i açıp klasörü verin."
    )


def _skip_reason(parsed: _Parsed | None, entry: str) -> str | None:
    if parsed is None:
        return "LMS'in gönderim adlandırmasına uymuyor (kime ait olduğu bilinmiyor)"
    if parsed.plugin_type == "onlinetext":
        return "çevrimiçi metin gönderimi; defter değil"
    lower = PurePosixPath(entry).name.lower()
    if lower.endswith((".zip", ".tar", ".tar.gz", ".tgz", ".7z", ".rar")):
        return "iç içe arşiv: açılmaz; öğrenci defteri doğrudan göndermeli"
    if not lower.endswith(".ipynb"):
        return "defter değil (.ipynb değil)"
    return None


def read_lms_zip(path: Path, folder: Path, limits: ZipLimits | None = None) -> LmsIntake:
    """Bir LMS zip'ini ``folder``'a açar: her defter tek ve güvenli bir adla, katılımcısıyla.

    Args:
        path: LMS'in indirdiği zip.
        folder: Defterlerin yazılacağı (boş) klasör; yoksa oluşturulur.
        limits: Zip sınırları.

    Returns:
        Açılan defterler ve açılmayan girdiler (nedenleriyle).

    Raises:
        LmsError: Zip okunamıyorsa, adlandırması tanınmıyorsa ya da bir sınırı aşıyorsa.
    """
    limits = limits or ZipLimits()
    try:
        archive = zipfile.ZipFile(path)
    except (OSError, zipfile.BadZipFile) as exc:
        raise LmsError(f"Zip okunamadı: {display_name(str(path))} ({type(exc).__name__}).") from None
    with archive:
        infos = archive.infolist()
        check_zip(infos, limits)
        files = [info for info in infos if not info.is_dir()]
        intake = LmsIntake(_kind_of([info.filename for info in files]))
        parse = parse_moodle if intake.kind is LmsKind.MOODLE else parse_canvas
        folder.mkdir(parents=True, exist_ok=True)
        budget = [limits.max_total_bytes]
        counts: dict[str, int] = {}
        for info in files:
            entry = info.filename
            if PurePosixPath(entry).name.startswith(".") or entry.startswith("__MACOSX/"):
                intake.skipped.append(Skipped(entry, "gizli ya da işletim sisteminin eklediği dosya"))
                continue
            reason = _unsafe(info)
            parsed = parse(entry) if reason is None else None
            reason = reason or _skip_reason(parsed, entry)
            if reason is not None or parsed is None:
                intake.skipped.append(Skipped(entry, reason or "tanınmadı"))
                continue
            counts[parsed.participant] = counts.get(parsed.participant, 0) + 1
            suffix = "" if counts[parsed.participant] == 1 else f"_{counts[parsed.participant]}"
            file_name = f"{intake.kind.value}_{parsed.participant}{suffix}.ipynb"
            try:
                _extract(archive, info, folder / file_name, budget, limits)
            except zipfile.BadZipFile:
                intake.skipped.append(Skipped(entry, "bozuk girdi (boyutu ya da CRC'si başlığıyla tutmuyor): açılmadı"))
                counts[parsed.participant] -= 1
                continue
            except (NotImplementedError, RuntimeError, OSError) as exc:
                intake.skipped.append(Skipped(entry, f"açılamadı ({type(exc).__name__})"))
                counts[parsed.participant] -= 1
                continue
            intake.records.append(
                SubmissionRecord(file_name, parsed.participant, parsed.name, parsed.original, intake.kind, parsed.late)
            )
    return intake


def lms_summary(intake: LmsIntake) -> list[str]:
    """Terminalde gösterilecek Türkçe özet (adlar temiz, tek satır)."""
    lines = [f"{intake.kind.value.capitalize()} zip'i: {len(intake.records)} defter açıldı."]
    if intake.skipped:
        names = "; ".join(f"{display_name(item.name)} ({item.reason})" for item in intake.skipped)
        lines.append(f"Notlandırılmayan dosyalar ({len(intake.skipped)}): {names}")
    for participant, found in sorted(intake.ambiguous.items()):
        files = ", ".join(display_name(record.original) for record in found)
        lines.append(
            f"{display_name(found[0].name)} ({participant}) birden çok defter gönderdi: {files}. Hepsi "
            "notlandırıldı; dışa aktarımlarda not verilmedi (öğretmen karar verecek)."
        )
    return lines


def write_lms_report(path: Path, intake: LmsIntake) -> None:
    """``lms.md``: açılan defterler (hangi dosya kimin), birden çok defter gönderenler ve açılmayan
    girdiler nedenleriyle; adlar Markdown'da düz metindir."""
    lines = [f"# {intake.kind.value.capitalize()} zip'i", "", f"## Açılan defterler ({len(intake.records)})", ""]
    for record in intake.records:
        late = " (Canvas: geç)" if record.late else ""
        lines.append(
            f"- {record.file}: {markdown_text(record.participant)} {markdown_text(record.name)} — "
            f"{markdown_text(record.original)}{late}"
        )
    if not intake.records:
        lines.append("- yok")
    ambiguous = intake.ambiguous
    lines += ["", f"## Birden çok defter gönderenler: dışa aktarımda not verilmedi ({len(ambiguous)})", ""]
    for participant, found in sorted(ambiguous.items()):
        files = ", ".join(f"{record.file} ({markdown_text(record.original)})" for record in found)
        lines.append(f"- {markdown_text(participant)} {markdown_text(found[0].name)}: {files}")
    if not ambiguous:
        lines.append("- yok")
    lines += ["", f"## Açılmayan girdiler ({len(intake.skipped)})", ""]
    lines += [f"- {markdown_text(item.name)}: {item.reason}" for item in intake.skipped] or ["- yok"]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


# Geç teslim ----------------------------------------------------------------------------

_MONTHS = {
    name: index
    for index, name in enumerate(
        ("january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
         "november", "december"),
        start=1,
    )
}  # fmt: skip
_MOODLE_DATE = re.compile(
    r"^\s*(?:[A-Za-z]+,\s*)?(?P<day>\d{1,2})\s+(?P<month>[A-Za-z]+)\s+(?P<year>\d{4}),\s*"
    r"(?P<hour>\d{1,2}):(?P<minute>\d{2})\s*(?P<ampm>[AaPp][Mm])?\s*$"
)


def parse_moodle_date(text: str, zone: str = "Europe/Istanbul") -> datetime | None:
    """Moodle'ın İngilizce tarih biçimini (``strftimedatetime``: "Monday, 1 December 2026, 11:59 PM")
    ``zone`` saat diliminde bir ana çevirir. Boş ya da "-" ise ``None`` (gönderim zamanı yok).

    Moodle tarihi öğretmenin profilindeki saat diliminde yazar ve dilimi yazmaz: ``zone`` bu varsayımdır
    (``--saat-dilimi``). Başka bir dilin ay adları tahmin edilmez.

    Raises:
        LmsError: Biçim tanınmıyorsa (Türkçe).
    """
    if not text.strip() or text.strip() == "-":
        return None
    found = _MOODLE_DATE.match(text)
    month = _MONTHS.get(found["month"].lower()) if found else None
    if found is None or month is None:
        raise LmsError(
            f"Moodle tarihi tanınmadı: {display_name(text)!r}. Beklenen biçim: 'Monday, 1 December 2026, "
            "11:59 PM' (Moodle'ın dili İngilizce olmalı)."
        )
    hour = int(found["hour"])
    if found["ampm"]:
        if not 1 <= hour <= 12:
            raise LmsError(f"Moodle tarihinde saat geçersiz: {display_name(text)!r}.")
        hour = hour % 12 + (12 if found["ampm"].lower() == "pm" else 0)
    where = time_zone(zone)
    try:
        return datetime(int(found["year"]), month, int(found["day"]), hour, int(found["minute"]), tzinfo=where)
    except ValueError:
        raise LmsError(f"Moodle tarihi geçersiz: {display_name(text)!r}.") from None


@dataclass(frozen=True)
class LatePolicy:
    """Geç teslim kuralı.

    Attributes:
        deadline: Son tarih (saat dilimli).
        percent_per_day: Başlayan her gün için yüzde ceza (``--gec-ceza-gun``).
        percent_per_hour: Başlayan her saat için yüzde ceza (``--gec-ceza-saat``); ikisi birlikte verilmez.
        cap: En çok yüzde ceza (``--gec-ceza-tavan``).
        cutoff: Bu andan sonraki gönderim 0 alır (``--gec-kesim``).
    """

    deadline: datetime
    percent_per_day: float = 0.0
    percent_per_hour: float = 0.0
    cap: float = 100.0
    cutoff: datetime | None = None


def late_penalty(submitted: datetime | None, policy: LatePolicy, *, late_marker: bool | None = None) -> Penalty:
    """Bir gönderimin cezası, LMS'in bildirdiği gönderim anından.

    Son tarihte tam olarak gönderilen geç değildir; bir saniye sonrası birinci gün (ya da saat) başlar.
    Kesimden sonrası %100'dür (tavan kesimi sınırlamaz). Gönderim anı bilinmiyorsa tahmin edilmez (dosya
    zamanlarından da): Canvas'ın geç işareti varsa yalnızca "geç" bilinir, ne kadar geç olduğu bilinmez;
    ceza verilmez ve neden bunu söyler.

    Args:
        submitted: LMS'teki gönderim anı (saat dilimli) ya da ``None``.
        policy: Geç teslim kuralı.
        late_marker: Canvas'ın geç işareti (Moodle zip'i için ``None``).
    """
    if submitted is None:
        if late_marker:
            return Penalty(
                0.0,
                "Canvas geç işaretliyor ama gönderim anını vermiyor: ne kadar geç olduğu bilinmiyor, ceza "
                "uygulanmadı (öğretmen karar verecek).",
                known=False,
            )
        return Penalty(0.0, NO_POLICY_TIME, known=False)
    if policy.cutoff is not None and submitted > policy.cutoff:
        return Penalty(100.0, f"Kesimden ({_moment(policy.cutoff)}) sonra gönderildi: not 0.")
    late = (submitted - policy.deadline).total_seconds()
    if late <= 0:
        return Penalty(0.0, "")
    if policy.percent_per_hour:
        started, unit, rate = math.ceil(late / 3600), "saat", policy.percent_per_hour
    else:
        started, unit, rate = math.ceil(late / 86400), "gün", policy.percent_per_day
    percent = min(started * rate, policy.cap, 100.0)
    capped = " (tavan)" if started * rate > percent else ""
    return Penalty(
        percent,
        f"Son tarihten ({_moment(policy.deadline)}) {started} {unit} geç (başlayan her {unit} %{rate:g}): "
        f"%{percent:g} ceza{capped}.",
    )


def _moment(when: datetime) -> str:
    return when.strftime("%Y-%m-%d %H:%M")


# Son tarih ve geç teslim kuralı (komut satırından) ------------------------------------------

_DEADLINE_FORMATS = ("%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S", "%d.%m.%Y %H:%M")


def time_zone(name: str) -> ZoneInfo:
    """``--saat-dilimi``: IANA saat dilimi (``Europe/Istanbul``).

    Raises:
        LmsError: Dilim bilinmiyorsa (Türkçe).
    """
    try:
        return ZoneInfo(name)
    except (ValueError, OSError, ZoneInfoNotFoundError):
        raise LmsError(
            f"Bilinmeyen saat dilimi: {display_name(name)!r}. IANA adını verin, ör. 'Europe/Istanbul' ya da 'UTC'."
        ) from None


def parse_deadline(text: str, zone: str = "Europe/Istanbul") -> datetime:
    """``--son-tarih`` / ``--gec-kesim``: ``2026-12-01 23:59`` (ya da ``…T23:59``, ``01.12.2026 23:59``);
    dilimi yazılmamışsa ``zone``'dadır, yazılmışsa (``2026-12-01T23:59+03:00``) o geçerlidir.

    Raises:
        LmsError: Tarih tanınmıyorsa ya da dilim bilinmiyorsa (Türkçe).
    """
    where = time_zone(zone)
    value = text.strip()
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        moment = None
        for pattern in _DEADLINE_FORMATS:
            try:
                moment = datetime.strptime(value, pattern)
                break
            except ValueError:
                continue
    if moment is None or (moment.tzinfo is None and not re.search(r"\d{1,2}:\d{2}", value)):
        raise LmsError(
            f"Tarih tanınmadı: {display_name(text)!r}. Beklenen biçim: '2026-12-01 23:59' (saat dahil; "
            "dilimi --saat-dilimi söyler) ya da '01.12.2026 23:59'."
        )
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=where)


def make_policy(
    deadline: str,
    zone: str = "Europe/Istanbul",
    *,
    per_day: float | None = None,
    per_hour: float | None = None,
    cap: float | None = None,
    cutoff: str | None = None,
) -> LatePolicy:
    """Komut satırının geç teslim kuralı (``--son-tarih``, ``--gec-ceza-gun``/``--gec-ceza-saat``,
    ``--gec-ceza-tavan``, ``--gec-kesim``).

    Raises:
        LmsError: Tarih ya da dilim tanınmıyorsa, yüzdeler 0–100 dışındaysa, günlük ve saatlik ceza
            birlikte verildiyse ya da kesim son tarihten önceyse (Türkçe).
    """
    if per_day and per_hour:
        raise LmsError("--gec-ceza-gun ve --gec-ceza-saat birlikte verilmez: cezayı ya günle ya saatle sayın.")
    for flag, value in (("--gec-ceza-gun", per_day), ("--gec-ceza-saat", per_hour), ("--gec-ceza-tavan", cap)):
        if value is not None and not (0 <= value <= 100 and math.isfinite(value)):
            raise LmsError(f"{flag} bir yüzde olmalı (0–100): {value:g}.")
    due = parse_deadline(deadline, zone)
    last = parse_deadline(cutoff, zone) if cutoff else None
    if last is not None and last < due:
        raise LmsError(f"--gec-kesim ({_moment(last)}) son tarihten ({_moment(due)}) önce olamaz.")
    return LatePolicy(due, per_day or 0.0, per_hour or 0.0, 100.0 if cap is None else cap, last)


def late_penalties(
    records: Sequence[SubmissionRecord],
    policy: LatePolicy,
    submitted: Callable[[str], datetime | None],
) -> dict[str, Penalty]:
    """Her açılan defterin (``SubmissionRecord.file``) cezası; gönderim anı ``submitted(katılımcı no)``'dan
    (Moodle: çalışma sayfasının ``Last modified (submission)``'ı), Canvas'ta yalnızca geç işareti vardır."""
    return {
        record.file: late_penalty(submitted(record.participant), policy, late_marker=record.late) for record in records
    }
