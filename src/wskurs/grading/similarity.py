"""Benzerlik raporu: ``benzerlik.html``, sınıfın cevap hücrelerini birbiriyle karşılaştırır.

Öğretmen için bir **kanıttır, not değildir**: hiçbir notu değiştirmez; sayfa da bunu söyler.

Karşılaştırmayı ``copydetect`` yapar (MOSS'un winnowing yöntemi; Pygments ile token'lara ayırır, değişken,
fonksiyon ve sınıf adlarını ve metinleri tek harfe indirir, boşlukları ve yorumları atar): yeniden
adlandırılmış değişkenler ve yeniden biçimlendirilmiş kod aynı parmak izlerini verir. Ağ kullanmaz,
dosya istemez (kod bellekten verilir).

- Her gönderimin cevabı, cevap hücrelerinin (``metadata.wskurs.role == "answer"``, bkz.
  ``labformat.cell_role``) alıştırma sırasıyla art arda eklenmesidir.
- Lab'ın kendi başlangıç kodu (çözülmemiş lab'ın cevap hücreleri) *boilerplate*'tir: onun parmak izleri
  hiçbir gönderimde sayılmaz; yalnızca başlangıç kodunu bırakan iki gönderim benzer görünmez.
- Bir çiftin benzerliği iki yönün büyüğüdür: A'nın kodunun ne kadarı B'de var, B'ninkinin ne kadarı A'da
  (birinin kodu ötekinin bir parçasıysa da görünür). ``threshold``'u aşan çiftler yan yana, eşleşen
  parçalar işaretli (``<mark>``) gösterilir.
- Öğrenciden gelen her metin (ad ve kod) ``reports.clean_text``'ten geçer ve HTML'de kaçışlanır.
"""

from __future__ import annotations

import html
import io
import itertools
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from copydetect import CodeFingerprint, compare_files  # type: ignore[import-untyped]  # py.typed yok
from copydetect.utils import highlight_overlap  # type: ignore[import-untyped]

from wskurs.grading.reports import clean_text, display_name
from wskurs.labformat import CellRole, cell_role

__all__ = ["NOISE", "SIMILARITY_REPORT", "Pair", "answer_code", "find_pairs", "similarity_report"]

SIMILARITY_REPORT = "benzerlik.html"
"""Benzerlik raporunun dosya adı."""
NOISE = 25
"""copydetect'in gürültü eşiği: normalleştirilmiş kodda bundan kısa ortak parçalar sayılmaz (varsayılanı).
Pencere 1'dir (gürültü eşiği = garanti eşiği): bu uzunluktaki her ortak parça bulunur."""
_WINDOW = 1
_NAME = "cevap.py"  # Pygments dili dosya adından seçer; dosya açılmaz.


@dataclass(frozen=True)
class Pair:
    """Eşiği aşan bir gönderim çifti.

    Attributes:
        first, second: Gönderimlerin adları (özgün haliyle).
        similarity: İki yönün büyüğü (0–1).
        first_share, second_share: Birinin kodunun ne kadarının ötekinde olduğu (0–1).
        first_html, second_html: Kodun HTML'i, eşleşen parçalar ``<mark>`` içinde (kaçışlı).
    """

    first: str
    second: str
    similarity: float
    first_share: float
    second_share: float
    first_html: str = field(default="", repr=False)
    second_html: str = field(default="", repr=False)


def _source(cell: Mapping[str, Any]) -> str:
    source = cell.get("source", "")
    return "".join(str(part) for part in source) if isinstance(source, list) else str(source)


def answer_code(notebook: Any) -> str:
    """Bir defterin cevap hücreleri, alıştırma sırasıyla art arda (temiz metin). Defter değilse boş."""
    cells = notebook.get("cells", []) if isinstance(notebook, Mapping) else []
    answers: list[tuple[str, str]] = []
    for cell in cells if isinstance(cells, list) else []:
        if not isinstance(cell, Mapping) or cell.get("cell_type") != "code":
            continue
        normal = {**cell, "source": _source(cell)}
        role = cell_role(normal)
        if role is not None and role.role is CellRole.ANSWER:
            answers.append((role.exercise, normal["source"]))
    answers.sort(key=lambda item: tuple(int(part) if part.isdigit() else 0 for part in item[0].split(".")))
    parts = [f"# Alıştırma {exercise}\n{clean_text(source).rstrip()}\n" for exercise, source in answers]
    return "\n".join(parts)


def _fingerprint(code: str, boilerplate: np.ndarray | None = None) -> CodeFingerprint:
    return CodeFingerprint(_NAME, NOISE, _WINDOW, boilerplate=boilerplate, fp=io.StringIO(code))


def _boilerplate(lab_notebook: Any) -> np.ndarray:
    hashes = list(_fingerprint(answer_code(lab_notebook)).hashes)
    return np.unique(np.array(hashes, dtype=np.int64))


def _marked(code: str, slices: Any) -> str:
    text, _ = highlight_overlap(code, slices, "<mark>", "</mark>", escape_html=True)
    return str(text)


def find_pairs(submissions: Mapping[str, Any], lab_notebook: Any, *, threshold: float = 0.6) -> list[Pair]:
    """Benzerliği ``threshold``'a eşit ya da büyük çiftler, en benzerden aza (bkz. modülün belgesi).

    Başlangıç kodundan başka kodu olmayan gönderimler karşılaştırılmaz.
    """
    boilerplate = _boilerplate(lab_notebook)
    prints: dict[str, CodeFingerprint] = {}
    for name, notebook in submissions.items():
        fingerprint = _fingerprint(answer_code(notebook), boilerplate)
        if fingerprint.token_coverage > 0:
            prints[name] = fingerprint
    pairs = []
    for first, second in itertools.combinations(sorted(prints), 2):
        a, b = prints[first], prints[second]
        _, (share_a, share_b), (slices_a, slices_b) = compare_files(a, b)
        score = float(max(share_a, share_b))
        if score >= threshold and score > 0:
            pairs.append(
                Pair(
                    first,
                    second,
                    score,
                    float(share_a),
                    float(share_b),
                    _marked(a.raw_code, slices_a),
                    _marked(b.raw_code, slices_b),
                )
            )
    return sorted(pairs, key=lambda pair: (-pair.similarity, pair.first, pair.second))


_CSS = """
body { font-family: system-ui, -apple-system, "Segoe UI", sans-serif; margin: 2rem auto; max-width: 90rem;
       padding: 0 1rem; color: #1d1d1f; line-height: 1.45; }
h1 { font-size: 1.6rem; } h2 { font-size: 1.2rem; margin-top: 2rem; border-bottom: 1px solid #ddd; }
.notice { background: #fff8e1; border-left: 4px solid #f0b400; padding: .6rem .9rem; }
table { border-collapse: collapse; margin: .4rem 0 1rem; }
th, td { border: 1px solid #ddd; padding: .35rem .5rem; text-align: left; } td.num { text-align: right; }
.side { display: grid; grid-template-columns: 1fr 1fr; gap: 1rem; }
.side h3 { font-size: 1rem; margin: .3rem 0; overflow-wrap: anywhere; }
pre { background: #f6f8fa; padding: .6rem; overflow-x: auto; font-size: .85rem; line-height: 1.35; margin: 0; }
mark { background: #ffd8a8; color: inherit; } .muted { color: #666; }
"""


def _e(text: str) -> str:
    return html.escape(clean_text(text), quote=True)


def _percent(value: float) -> str:
    return f"%{100 * value:.0f}"


def similarity_html(pairs: list[Pair], compared: int, threshold: float) -> str:
    """``benzerlik.html``'in metni."""
    out = [
        "<!DOCTYPE html>",
        '<html lang="tr"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">",
        f"<title>Benzerlik raporu</title><style>{_CSS}</style></head><body>",
        "<h1>Benzerlik raporu</h1>",
        '<p class="notice"><b>Bu rapor bir kanıttır, not değildir:</b> hiçbir notu değiştirmez. Benzer kod '
        "kopya demek değildir (aynı kaynaktan öğrenmek, birlikte çalışmak, kısa ve tek doğru yolu olan "
        "alıştırmalar); öğrenciyle konuşmadan karar vermeyin.</p>",
        f"<p>{compared} gönderimin cevap hücreleri karşılaştırıldı (lab'ın başlangıç kodu sayılmadı; "
        "değişken adları, boşluklar ve yorumlar fark etmez). Benzerliği "
        f"<b>{_percent(threshold)}</b> ya da daha çok olan çift sayısı: <b>{len(pairs)}</b>.</p>",
    ]
    if not pairs:
        out.append('<p class="muted">Eşiği aşan çift yok.</p>')
    else:
        out.append(
            "<table><tr><th>gönderim</th><th>gönderim</th><th>benzerlik</th>"
            "<th>1.'nin kodunun 2.'de olan kısmı</th><th>2.'nin kodunun 1.'de olan kısmı</th></tr>"
        )
        for index, pair in enumerate(pairs, 1):
            out.append(
                f'<tr><td><a href="#cift-{index}">{_e(display_name(pair.first))}</a></td>'
                f"<td>{_e(display_name(pair.second))}</td><td class=num>{_percent(pair.similarity)}</td>"
                f"<td class=num>{_percent(pair.first_share)}</td><td class=num>{_percent(pair.second_share)}</td></tr>"
            )
        out.append("</table>")
    for index, pair in enumerate(pairs, 1):
        out.append(
            f'<h2 id="cift-{index}">{_e(display_name(pair.first))} ↔ {_e(display_name(pair.second))}: '
            f"{_percent(pair.similarity)}</h2>"
        )
        out.append('<div class="side">')
        for name, share, code in (
            (pair.first, pair.first_share, pair.first_html),
            (pair.second, pair.second_share, pair.second_html),
        ):
            out.append(
                f"<div><h3>{_e(display_name(name))} <span class=muted>(ötekinde olan: {_percent(share)})</span></h3>"
                f"<pre><code>{code}</code></pre></div>"
            )
        out.append("</div>")
    out.append("</body></html>")
    return "\n".join(out) + "\n"


def similarity_report(
    submissions: dict[str, Any], lab_notebook: Any, output: Path, *, threshold: float = 0.6
) -> list[Pair]:
    """Cevap hücrelerini karşılaştırır, ``output``'a (``benzerlik.html`` dosyasının yolu; bir klasörse
    içine ``benzerlik.html``) sayfayı yazar ve eşiği aşan çiftleri döndürür.

    Args:
        submissions: Gönderimin adı → defteri (``nbformat`` düğümü ya da JSON'dan okunmuş ``dict``).
        lab_notebook: Çözülmemiş lab defteri; cevap hücreleri başlangıç kodudur, sayılmaz.
        threshold: Bir çiftin gösterilmesi için en az benzerlik (0–1).

    Raises:
        OSError: dosya yazılamıyorsa.
    """
    pairs = find_pairs(submissions, lab_notebook, threshold=threshold)
    compared = sum(1 for notebook in submissions.values() if answer_code(notebook).strip())
    path = output / SIMILARITY_REPORT if output.is_dir() else output
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(similarity_html(pairs, compared, threshold), encoding="utf-8")
    return pairs
