"""Sözlük (notebooks/sozluk.md) kuralı: öğrencinin okuduğu metinde sözlüğün kullanmadığı biçimler yok.

Taranan metin: bölüm defterlerinin markdown hücreleri ile kod hücrelerindeki yorumlar ve metinler,
lab ve çözüm defterlerinin markdown hücreleri, ``src/wskurs/checks/*.py`` içindeki Türkçe metinler
ve README.md. Markdown'da ters tırnak içindeki kod ve kod blokları taranmaz: İngilizce orada serbesttir.
"""

from __future__ import annotations

import io
import json
import re
import sys
import tokenize
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

# "(reverse proxy)" gibi ilk geçtiği yerdeki parantezli İngilizce açıklama serbesttir.
_NOT_GLOSS = r"(?<![(*\"'])"
_NOT_GLOSS_END = r"(?![*\"']?\))"


@dataclass(frozen=True)
class Rule:
    pattern: re.Pattern[str]
    use: str


def _rule(regex: str, use: str, flags: int = re.IGNORECASE) -> Rule:
    return Rule(re.compile(regex, flags), use)


RULES = [
    _rule(r"kapanış neden\w*|neden metn\w*", "kapanış gerekçesi"),
    _rule(r"\bkod(u|la|uyla)? ve (bir )?neden\w*|\bbir nedenle (kapat|kapan|reddet)", "gerekçe (kapanışın)"),
    _rule(r"\baltyapı\w*", "arka uç (uvicorn'un WebSocket arka ucu)"),
    _rule(r"\bvekil\w*", "proxy ('proxy'si'), ters proxy"),
    _rule(
        _NOT_GLOSS + r"\breverse prox(y|ies)\b" + _NOT_GLOSS_END,
        "ters proxy (ilk geçtiği yerde 'ters proxy (reverse proxy)')",
    ),
    _rule(r"\bkontrol çerçeve\w*", "denetim çerçevesi (control frame)"),
    _rule(r"faydalı yük\w*|çerçevenin yük\w*", "veri (payload)"),
    _rule(r"\bbaşvuru\w*", "referans"),
    # Büyük/küçük harf duyarlı: IGNORECASE'te "i" ile "ı" birbirinin yerine geçer.
    _rule(
        r"\b[Tt]oken(ı|i|ın|in|ını|ini|a|e|la|le|lar\w*|ler\w*)\b|\b[Tt]oken'(i|in|ini|e|le|ler\w*)\b",
        "token'ı, token'ın, token'a, token'la, token'lar",
        flags=0,
    ),
    _rule(r"\byalnız\b", "yalnızca"),
    _rule(r"\bworkflow\b", "iş akışı"),
    _rule(r"\bgoing away\b", "`1001` (gidiyor)"),
    _rule(r"\bservice restart\b", "servis yeniden başlatılıyor (1012)"),
    _rule(r"\btry again later\b", "daha sonra yeniden deneyin (1013)"),
    _rule(r"\bmessage too big\b", "mesaj çok büyük (1009)"),
    _rule(
        _NOT_GLOSS + r"\bequal jitter\b" + _NOT_GLOSS_END,
        "eşit jitter (ilk geçtiği yerde 'eşit jitter (equal jitter)')",
    ),
    _rule(
        _NOT_GLOSS + r"\bthundering herd\b" + _NOT_GLOSS_END,
        "sürü etkisi (ilk geçtiği yerde 'sürü etkisi (thundering herd)')",
    ),
    _rule(r"izin verilmeyen (origin|köken)", "izin listesinde olmayan Origin"),
    _rule(r"\bpartili\b", "toplu yazan / toplayarak yazma"),
]

# "jeton" yalnızca jeton kovası (token bucket) için: kova geçmeyen bir paragrafta "jeton" yasak.
_JETON = re.compile(r"\bjeton\w*", re.IGNORECASE)
_BUCKET = re.compile(r"kova|token bucket", re.IGNORECASE)

_FENCE = re.compile(r"^(```|~~~).*?^\1[^\n]*$", re.MULTILINE | re.DOTALL)
_INLINE_CODE = re.compile(r"(`+)(?:(?!\1).)+?\1", re.DOTALL)
_TURKISH = re.compile(r"[çğıİöşüÇĞÖŞÜ]")


@dataclass(frozen=True)
class Text:
    where: str
    text: str
    # "jeton"un jeton kovasından söz edip etmediğine bakılan çevre (verilmezse metnin paragrafı)
    context: str | None = None


def prose(markdown: str) -> str:
    """Markdown'dan kod bloklarını ve ters tırnaklı kodu çıkarır (yerlerine boşluk koyar)."""
    markdown = _FENCE.sub(" ", markdown)
    return _INLINE_CODE.sub(" ", markdown)


def code_text(source: str, *, strings: bool, comments: bool) -> list[str]:
    """Python kodunun yorumlarını ve metinlerini (string) döndürür; IPython büyüleri atlanır."""
    lines = ["" if line.lstrip().startswith(("%", "!")) else line for line in source.splitlines(keepends=True)]
    kinds = set()
    if comments:
        kinds.add(tokenize.COMMENT)
    if strings:
        kinds.add(tokenize.STRING)
        if sys.version_info >= (3, 12):
            kinds.add(tokenize.FSTRING_MIDDLE)
    found = []
    try:
        for token in tokenize.generate_tokens(io.StringIO("".join(lines)).readline):
            if token.type in kinds:
                found.append(token.string)
    except (tokenize.TokenError, SyntaxError, IndentationError):
        return ["".join(lines)]
    return found


def notebook_texts(path: Path, *, code: bool) -> Iterator[Text]:
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    name = path.relative_to(ROOT).as_posix()
    for index, cell in enumerate(cells):
        where = f"{name} hücre {index} ({cell.get('id', '?')})"
        source = "".join(cell["source"])
        if cell["cell_type"] == "markdown":
            yield Text(where, prose(source))
        elif cell["cell_type"] == "code" and code:
            for part in code_text(source, strings=True, comments=True):
                yield Text(where, part)


def python_texts(path: Path) -> Iterator[Text]:
    """Bir modülün Türkçe metinleri; yeri satır numarasıyla, çevresi metnin önü ve arkasındaki 15 satır."""
    name = path.relative_to(ROOT).as_posix()
    source = path.read_text(encoding="utf-8")
    lines = source.splitlines()
    for token in tokenize.generate_tokens(io.StringIO(source).readline):
        if token.type == tokenize.STRING and _TURKISH.search(token.string):
            around = "\n".join(lines[max(0, token.start[0] - 16) : token.end[0] + 15])
            yield Text(f"{name}:{token.start[0]}", token.string, context=around)


def learner_files() -> list[Path]:
    files = sorted((ROOT / "notebooks").glob("*.ipynb"))
    files += sorted((ROOT / "solutions").glob("*.ipynb"))
    files += sorted((ROOT / "labs").glob("*.ipynb"))
    files += sorted((ROOT / "src" / "wskurs" / "checks").glob("*.py"))
    files.append(ROOT / "README.md")
    return files


def texts_of(path: Path) -> Iterator[Text]:
    if path.suffix == ".ipynb":
        yield from notebook_texts(path, code=path.parent.name == "notebooks")
    elif path.suffix == ".py":
        yield from python_texts(path)
    else:
        yield Text(path.relative_to(ROOT).as_posix(), prose(path.read_text(encoding="utf-8")))


def hits(texts: Iterator[Text] | list[Text]) -> list[str]:
    """Her yasak biçim için 'yer: "ifade" → kullanılacak' satırı."""
    found = []
    for item in texts:
        for rule in RULES:
            for match in rule.pattern.finditer(item.text):
                found.append(f'{item.where}: "{match.group(0)}" → {rule.use}')
        for paragraph in re.split(r"\n\s*\n", item.text):
            if not _BUCKET.search(item.context if item.context is not None else paragraph):
                for match in _JETON.finditer(paragraph):
                    found.append(
                        f'{item.where}: "{match.group(0)}" → jeton yalnızca jeton kovası için; kimlik için token'
                    )
    return found


BAD = [
    "Bağlantı kapanış nedeni olmadan kapandı.",
    "1008 koduyla ve bir nedenle kapatın.",
    "uvicorn'un varsayılan altyapısı websockets-sansio.",
    "Önde bir vekil sunucu var.",
    "Önde bir reverse proxy duruyor.",
    "Ping bir kontrol çerçevesidir.",
    "Çerçevenin yükü maskelenir.",
    "Bir başvuru tutun.",
    "Geçersiz tokeni reddedin.",
    "Sunucu token'i okur.",
    "Bu yalnız bir örnek.",
    "5. WebSocket ve Asyncio: Workflow",
    "1001 going away demektir.",
    "1012 service restart demektir.",
    "Tabloya eşit jitter yerine Equal jitter yazın.",
    "Hepsi aynı anda dönerse thundering herd olur.",
    "1009 message too big",
    "izin verilmeyen origin",
    "partili yazıcı",
    "Kimlik jetonu URL'de taşınmaz.",
]

GOOD = [
    "Bağlantı 1008 ve bir gerekçeyle kapandı (kapanış gerekçesi).",
    "uvicorn'un varsayılan arka ucu `websockets-sansio`.",
    "ters proxy (reverse proxy) ve okul ağının proxy'si",
    "Ping bir denetim çerçevesidir (control frame).",
    "veri (payload); sunucunun yükü arttı",
    "Bir referans tutun; token'ı ve token'la; `token` ve `?token=abc`",
    "yalnızca metin; yalnızlık",
    "iş akışı, `Workflow`",
    '`1001` (gidiyor), `"going away"`',
    "eşit jitter (equal jitter) ve sürü etkisi (thundering herd)",
    "mesaj çok büyük (1009); izin listesinde olmayan Origin",
    "Jeton kovası: her mesaj bir jeton harcar.",
]


@pytest.mark.parametrize("sentence", BAD)
def test_each_forbidden_variant_is_caught(sentence):
    """Sözlüğün yasakladığı her biçim en az bir kurala takılır."""
    assert hits([Text("örnek", prose(sentence))]), sentence


@pytest.mark.parametrize("sentence", GOOD)
def test_the_glossary_forms_and_code_pass(sentence):
    """Sözlüğün biçimleri, parantezli ilk açıklamalar ve ters tırnaklı kod kurala takılmaz."""
    assert hits([Text("örnek", prose(sentence))]) == []


def test_jeton_in_a_module_is_judged_by_the_code_around_it(tmp_path, monkeypatch):
    """Bir modülde "jeton", çevresinde jeton kovası geçiyorsa serbest; geçmiyorsa yasak."""
    monkeypatch.setattr(sys.modules[__name__], "ROOT", tmp_path)
    kova = tmp_path / "kova.py"
    kova.write_text('class JetonKovasi:\n    """Jeton kovası."""\n\n\nMESAJ = "Jeton yoksa mesaj işlenmez"\n')
    kimlik = tmp_path / "kimlik.py"
    kimlik.write_text('HATA = "Geçersiz jeton: bağlantı reddedildi"\n')
    assert hits(python_texts(kova)) == []
    assert hits(python_texts(kimlik)) == ['kimlik.py:1: "jeton" → jeton yalnızca jeton kovası için; kimlik için token']


def test_code_is_not_scanned_but_comments_and_strings_are():
    """Bir kod hücresinde adlar taranmaz; yorumlar ve metinler taranır."""
    source = 'yalniz = token_i = 1\nprint("yalnızca")  # yalnız burada\n%time x = "yalnız"\n'
    found = code_text(source, strings=True, comments=True)
    assert hits([Text("hücre", part) for part in found]) == ['hücre: "yalnız" → yalnızca']


@pytest.mark.parametrize("path", learner_files(), ids=lambda path: path.relative_to(ROOT).as_posix())
def test_learner_text_follows_the_glossary(path):
    """Öğrencinin okuduğu metinde sözlüğün yasakladığı biçim yok; varsa dosya, hücre ve ifade listelenir."""
    found = hits(texts_of(path))
    assert not found, "Sözlüğe uymayan ifadeler:\n" + "\n".join(found)
