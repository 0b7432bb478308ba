"""Lab biçimi: lab defterinin yazılı sözleşmesi ve notların türleri.

Lab üretici (``wskurs.grading.generator``), toplu notlandırma, pytest eklentisi, yargıç ve not
defteri dışa aktarımları bu modülü paylaşır; biçimi hiçbiri bir diğerinden okumaz.

**Defter.** Çözüm defterinde cevap bölgesi ``### ÇÖZÜM BAŞI`` ile ``### ÇÖZÜM SONU`` arasındadır
(``BEGIN``, ``END``). Kontrol hücresi tek satırdır: ``await check("N.k")`` (``check_id``). Üretilen
lab'da her cevap ve kontrol hücresinin meta verisinde ``{"wskurs": {"role": "answer"|"check",
"exercise": "N.k"}}``, defterin meta verisinde ``{"wskurs": {"lab": "labNN"}}`` durur
(``METADATA_KEY``, ``CellRole``, ``cell_role``, ``role_metadata``). Çekirdeği ölen hücreyi pytest
eklentisi ``DEAD_MARK`` satırıyla bildirir.

**Notlar.** Bir alıştırmanın ve bir gönderimin notu, durumları. Notlandırmanın bütün parçaları
(yargıç, pytest eklentisi, toplu notlandırma, not defteri dışa aktarımları) bu türleri paylaşır;
durumlar karşılaştırılırken Türkçe metin değil ``enum`` üyesi kullanılır, metin yalnızca
gösterilir.

Bir not ya iyi biçimlidir ya da not değildir: ``SubmissionGrade.checked()`` kayıtlı
olmayan alıştırmaları, puanından fazla kazanılanı ve toplamı aşanı reddeder; reddedilen
not 0 puanlı, ``SUPHELI`` durumlu ve nedeni yazılı bir satır olur.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, NamedTuple

__all__ = [
    "BEGIN",
    "DEAD_MARK",
    "END",
    "METADATA_KEY",
    "CellRole",
    "ExerciseOutcome",
    "ExerciseResult",
    "ExerciseSpec",
    "LabCell",
    "SubmissionGrade",
    "SubmissionStatus",
    "begins_region",
    "cell_role",
    "check_id",
    "ends_region",
    "exercise_heading",
    "lab_of",
    "role_metadata",
    "stub_lines",
]

# Defter ------------------------------------------------------------------------------------

BEGIN = "### ÇÖZÜM BAŞI"
"""Çözüm defterinde bir cevap bölgesini açan satır."""
END = "### ÇÖZÜM SONU"
"""Cevap bölgesini kapatan satır."""
METADATA_KEY = "wskurs"
"""Hücre ve defter meta verisinde kursun anahtarı."""
DEAD_MARK = "[wskurs] Çekirdek öldü: Cell"
"""Çekirdeği ölen hücrenin satırı (toplu notlandırma bunu durumu adlandırmak için okur; puan vermez)."""

_BEGIN = re.compile(r"^(?P<indent>[ \t]*)### ÇÖZÜM BAŞI[ \t]*$")
_END = re.compile(r"^[ \t]*### ÇÖZÜM SONU[ \t]*$")
_CHECK = re.compile(r"""^\s*await\s+check\(\s*["'](?P<id>\d+\.\d+)["']\s*\)\s*$""")
_EXERCISE_HEADING = re.compile(r"^#+\s*Alıştırma\s+(?P<id>\d+\.\d+)\s*[—–-]\s*(?P<title>.+?)(?:\s*\(\d+ puan\))?\s*$")


def exercise_heading(source: str) -> tuple[str, str] | None:
    """Bir Markdown hücresinin ilk satırı alıştırma başlığıysa kimliği ve başlığı:
    ``"## Alıştırma 2.4 — Takılan alıcıyı düşürmek (3 puan)"`` → ``("2.4", "Takılan alıcıyı düşürmek")``."""
    match = _EXERCISE_HEADING.match(source.split("\n", 1)[0])
    return (match.group("id"), match.group("title").strip()) if match else None


def stub_lines(indent: str, exercise_id: str) -> list[str]:
    """Üretilen lab'da bir cevap bölgesinin yerine geçen taslak (her yerde aynı Türkçe hata).

    Taslak çalıştırıldığında her zaman açıkça başarısız olur: fonksiyon gövdesindeyse fonksiyon
    çağrılınca, en üst düzeydeyse hücre çalıştırılınca ``NotImplementedError`` fırlatır. Böylece
    çözülmemiş bir hücre sessizce "çalıştı" görünmez (en üst düzeyde yalnızca ``...`` hiçbir işaret
    vermezdi).
    """
    comment = f"{indent}# ✏️ Alıştırma {exercise_id}: kodunuzu buraya yazın"
    if indent:
        return [comment + ".", f'{indent}raise NotImplementedError("Alıştırma {exercise_id} henüz çözülmedi.")']
    return [
        comment + " (alttaki `raise` satırını silin).",
        f'raise NotImplementedError("Alıştırma {exercise_id} henüz çözülmedi: bu hücreye kodunuzu yazın.")',
    ]


class CellRole(enum.Enum):
    """Bir lab hücresinin rolü; değeri meta veriye yazılan metindir."""

    ANSWER = "answer"
    CHECK = "check"


class LabCell(NamedTuple):
    """Rolü olan bir lab hücresi: rolü ve ait olduğu alıştırma."""

    role: CellRole
    exercise: str


def begins_region(line: str) -> str | None:
    """Satır bir cevap bölgesini açıyorsa girintisini (boş olabilir), açmıyorsa ``None`` döndürür."""
    match = _BEGIN.match(line)
    return match.group("indent") if match else None


def ends_region(line: str) -> bool:
    """Satır bir cevap bölgesini kapatıyor mu?"""
    return _END.match(line) is not None


def check_id(source: str) -> str | None:
    """Hücre tek satırlık bir kontrol hücresiyse alıştırma kimliğini döndürür."""
    lines = [line for line in source.strip().splitlines() if line.strip() and not line.strip().startswith("#")]
    if len(lines) != 1:
        return None
    match = _CHECK.match(lines[0])
    return match.group("id") if match else None


def cell_role(cell: Mapping[str, Any]) -> LabCell | None:
    """Bir lab hücresinin rolü ve alıştırması ya da ``None``.

    Önce hücrenin meta verisine, yoksa kaynağına bakar.
    """
    meta = cell.get("metadata", {}).get(METADATA_KEY)
    if isinstance(meta, dict) and meta.get("exercise"):
        try:
            return LabCell(CellRole(meta.get("role")), str(meta["exercise"]))
        except ValueError:
            pass
    if cell.get("cell_type") == "code":
        found = check_id(cell.get("source", ""))
        if found:
            return LabCell(CellRole.CHECK, found)
    return None


def role_metadata(role: CellRole, exercise: str) -> dict[str, str]:
    """Bir hücrenin ``metadata[METADATA_KEY]`` değeri."""
    return {"role": role.value, "exercise": exercise}


def lab_of(notebook_metadata: Mapping[str, Any]) -> str | None:
    """Lab defterinin hangi lab olduğu (``"lab02"``) ya da lab defteri değilse ``None``."""
    meta = notebook_metadata.get(METADATA_KEY)
    lab = meta.get("lab") if isinstance(meta, Mapping) else None
    return str(lab) if lab else None


# Notlar ------------------------------------------------------------------------------------


class ExerciseOutcome(enum.Enum):
    """Bir alıştırmanın sonucu; değeri öğrencinin gördüğü Türkçe metindir."""

    PASSED = "geçti"
    FAILED = "kaldı"
    NOT_RUN = "çalışmadı"


class SubmissionStatus(enum.Enum):
    """Bir gönderimin not defterindeki durumu; değeri öğretmenin gördüğü Türkçe metindir."""

    GRADED = "notlandırıldı"
    TIMED_OUT = "zaman aşımı"
    KERNEL_DIED = "çekirdek öldü"
    NOT_A_NOTEBOOK = "defter değil"
    NO_ANSWERS = "cevap hücresi yok"
    SUSPICIOUS = "şüpheli"
    ERROR = "notlandırılamadı"


@dataclass(frozen=True)
class ExerciseSpec:
    """Kayıtlı bir alıştırmanın notlandırmaya gereken yüzü: kimliği, başlığı, puanı."""

    id: str
    title: str
    points: int


@dataclass(frozen=True)
class ExerciseResult:
    """Bir alıştırmanın notu."""

    exercise: str
    title: str
    points: int
    earned: int
    outcome: ExerciseOutcome
    feedback: str = ""

    @classmethod
    def not_run(cls, spec: ExerciseSpec, feedback: str = "") -> ExerciseResult:
        return cls(spec.id, spec.title, spec.points, 0, ExerciseOutcome.NOT_RUN, feedback)

    @property
    def passed(self) -> bool:
        return self.outcome is ExerciseOutcome.PASSED

    def as_json(self) -> dict[str, object]:
        return {
            "exercise": self.exercise,
            "title": self.title,
            "points": self.points,
            "earned": self.earned,
            "status": self.outcome.value,
            "feedback": self.feedback,
        }


@dataclass(frozen=True)
class SubmissionGrade:
    """Bir gönderimin notu: her kayıtlı alıştırma için bir satır, bir durum ve bir neden."""

    submission: str
    lab: str
    exercises: tuple[ExerciseResult, ...] = ()
    status: SubmissionStatus = SubmissionStatus.GRADED
    reason: str = ""
    seconds: float = 0.0
    notes: tuple[str, ...] = field(default_factory=tuple)
    log: str = field(default="", repr=False)
    """Gönderimin pytest çıktısı (başı ve sonu, sınırlı). Notu etkilemez; JSON'a girmez,
    öğretmen için ``gunluk/`` klasörüne yazılır."""

    @property
    def total(self) -> int:
        return sum(row.earned for row in self.exercises)

    @property
    def maximum(self) -> int:
        return sum(row.points for row in self.exercises)

    @property
    def scores(self) -> dict[str, int]:
        return {row.exercise: row.earned for row in self.exercises}

    def as_json(self) -> dict[str, object]:
        return {
            "submission": self.submission,
            "lab": self.lab,
            "status": self.status.value,
            "reason": self.reason,
            "total": self.total,
            "maximum": self.maximum,
            "seconds": round(self.seconds, 2),
            "notes": list(self.notes),
            "exercises": [row.as_json() for row in self.exercises],
        }

    @classmethod
    def zero(
        cls, submission: str, lab: str, specs: Iterable[ExerciseSpec], status: SubmissionStatus, reason: str
    ) -> SubmissionGrade:
        """Hiçbir alıştırmadan puan almayan, nedeni yazılı bir not."""
        rows = tuple(ExerciseResult.not_run(spec, reason) for spec in specs)
        return cls(submission, lab, rows, status, reason)

    def checked(self, specs: Sequence[ExerciseSpec]) -> SubmissionGrade:
        """Notu kayıtlı alıştırmalarla karşılaştırır; iyi biçimli değilse 0 puanlı ``SUPHELI``
        bir not döndürür.

        İyi biçimli: her kayıtlı alıştırma için tam bir satır, başka satır yok; her satırın
        başlığı ve puanı kayıttakiyle aynı; ``0 ≤ kazanılan ≤ puan``; geçmeyen satır 0 puan.
        """
        problems: list[str] = []
        known = {spec.id: spec for spec in specs}
        seen: dict[str, ExerciseResult] = {}
        for row in self.exercises:
            spec = known.get(row.exercise)
            if spec is None:
                problems.append(f"kayıtlı olmayan alıştırma {row.exercise!r}")
            elif row.exercise in seen:
                problems.append(f"alıştırma {row.exercise} iki kez")
            elif (row.title, row.points) != (spec.title, spec.points):
                problems.append(f"alıştırma {row.exercise}: başlık ya da puan kayıttakinden farklı")
            elif not 0 <= row.earned <= spec.points:
                problems.append(f"alıştırma {row.exercise}: {row.earned}/{spec.points} puan olamaz")
            elif row.earned and not row.passed:
                problems.append(f"alıştırma {row.exercise}: geçmediği halde puan almış")
            seen[row.exercise] = row
        missing = [spec.id for spec in specs if spec.id not in seen]
        if not problems and missing:
            # Eksik satırlar çalışmamış sayılır; bu bir hile değil, bir eksikliktir.
            rows = tuple(seen.get(spec.id) or ExerciseResult.not_run(spec) for spec in specs)
            return replace(self, exercises=rows)
        if problems:
            reason = "Not iyi biçimli değil: " + "; ".join(problems)
            return replace(
                SubmissionGrade.zero(self.submission, self.lab, specs, SubmissionStatus.SUSPICIOUS, reason),
                seconds=self.seconds,
                log=self.log,
            )
        order = {spec.id: index for index, spec in enumerate(specs)}
        return replace(self, exercises=tuple(sorted(self.exercises, key=lambda row: order[row.exercise])))
