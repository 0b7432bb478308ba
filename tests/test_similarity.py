"""Benzerlik raporu: yeniden adlandırılıp yeniden biçimlendirilmiş bir kopya yakalanır; aynı alıştırmaların
birbirinden bağımsız iki doğru çözümü ve yalnızca başlangıç kodu yakalanmaz; sayfa öğrencinin kodunu
kaçışlı gösterir ve notu değiştirmediğini yazar."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import nbformat

from wskurs.grading.similarity import SIMILARITY_REPORT, answer_code, find_pairs, similarity_report
from wskurs.labformat import CellRole, cell_role

LAB = Path(__file__).resolve().parents[1] / "labs" / "lab01_websocket_nedir.ipynb"

# Ayşe: lab 1'in çözüm defterindeki cevaplar.
AYSE = {
    "1.1": """yanki_app = FastAPI()


@yanki_app.websocket("/yanki")
async def yanki(websocket: WebSocket):
    await websocket.accept()
    try:
        while True:
            mesaj = await websocket.receive_text()
            await websocket.send_text(f"Yankı: {mesaj}")
    except WebSocketDisconnect:
        pass
""",
    "1.2": """saat_app = FastAPI()


@saat_app.websocket("/saat")
async def saat(websocket: WebSocket):
    await websocket.accept()
    for numara in range(1, 4):
        await websocket.send_text(f"tik {numara}")
    await websocket.close(code=1000)
""",
    "1.3": """async def collect(url, n):
    async with connect(url) as websocket:
        return [await websocket.recv() for _ in range(n)]
""",
    "1.4": """sayac_app = FastAPI()


@sayac_app.websocket("/sayac")
async def sayac_endpoint(websocket: WebSocket):
    await websocket.accept()
    sayac = 0
    try:
        while True:
            await websocket.receive_text()
            sayac += 1
            await websocket.send_text(str(sayac))
    except WebSocketDisconnect:
        pass
""",
}

# Kopya: Ayşe'nin cevapları; adlar değişmiş, boşluklar ve yorumlar eklenmiş.
KOPYA = {
    "1.1": """yanki_app = FastAPI()

# Yankı sunucusu: gelen mesajı geri gönderir
@yanki_app.websocket("/yanki")
async def yanki(ws: WebSocket):
    await ws.accept()   # el sıkışma
    try:
        while True :
            gelen_metin = await ws.receive_text( )
            # önüne "Yankı: " ekle
            await ws.send_text( f"Yankı: {gelen_metin}" )
    except WebSocketDisconnect :
        pass
""",
    "1.2": """saat_app = FastAPI()
@saat_app.websocket("/saat")
async def saat(baglanti: WebSocket):
    await baglanti.accept()

    for i in range(1, 4):   # üç tik
        await baglanti.send_text(f"tik {i}")

    await baglanti.close(code = 1000)
""",
    "1.3": """async def collect(url, n):
    # n mesajı topla
    async with connect(url) as soket:
        return [
            await soket.recv()
            for _ in range(n)
        ]
""",
    "1.4": """sayac_app = FastAPI()


@sayac_app.websocket("/sayac")
async def sayac_fonksiyonu(sock: WebSocket):
    await sock.accept()
    kac = 0
    try:
        while True:
            await sock.receive_text()   # içeriği önemsiz
            kac += 1
            await sock.send_text(str(kac))
    except WebSocketDisconnect:
        pass  # istemci gitti
""",
}

# Burak: aynı alıştırmaların Ayşe'den bağımsız, başka yoldan giden doğru çözümleri.
BURAK = {
    "1.1": """yanki_app = FastAPI()


@yanki_app.websocket("/yanki")
async def yanki(websocket: WebSocket):
    await websocket.accept()
    async for gelen in websocket.iter_text():
        cevap = "Yankı: " + gelen
        await websocket.send_text(cevap)
""",
    "1.2": """saat_app = FastAPI()
TIKLER = ("tik 1", "tik 2", "tik 3")


@saat_app.websocket("/saat")
async def saat(websocket: WebSocket):
    await websocket.accept()
    sira = 0
    while sira < len(TIKLER):
        await websocket.send_text(TIKLER[sira])
        sira = sira + 1
    await websocket.close()
""",
    "1.3": """async def collect(url, n):
    toplanan = []
    baglanti = await connect(url)
    try:
        while len(toplanan) < n:
            toplanan.append(await baglanti.recv())
    finally:
        await baglanti.close()
    return toplanan
""",
    "1.4": """class Sayac:
    def __init__(self):
        self.deger = 0

    def arttir(self):
        self.deger += 1
        return self.deger


sayac_app = FastAPI()


@sayac_app.websocket("/sayac")
async def sayac_endpoint(ws: WebSocket):
    await ws.accept()
    olcum = Sayac()
    async for _ in ws.iter_text():
        await ws.send_text(f"{olcum.arttir()}")
""",
}

HOSTILE = "<script>alert(1)</script>.ipynb"


def lab_notebook() -> Any:
    """Çözülmemiş lab 1 defteri."""
    return nbformat.read(LAB, as_version=4)


def student(answers: dict[str, str]) -> Any:
    """Lab defterinin cevap hücreleri verilen kodla doldurulmuş bir kopyası."""
    notebook = copy.deepcopy(lab_notebook())
    for cell in notebook.cells:
        role = cell_role(cell)
        if role is not None and role.role is CellRole.ANSWER:
            cell.source = answers[role.exercise]
    return notebook


def class_submissions() -> dict[str, Any]:
    """Ayşe, kopyası (kötü niyetli adla), Burak ve hiçbir şey çözmemiş iki gönderim."""
    return {
        "ayse.ipynb": student(AYSE),
        HOSTILE: student(KOPYA),
        "burak.ipynb": student(BURAK),
        "bos1.ipynb": lab_notebook(),
        "bos2.ipynb": lab_notebook(),
    }


def test_answer_code_takes_only_answer_cells_in_exercise_order():
    """Cevap kodu yalnızca cevap hücreleridir (kontrol ve anlatım hücreleri değil), alıştırma sırasıyla."""
    code = answer_code(student(AYSE))
    assert code.index("# Alıştırma 1.1") < code.index("# Alıştırma 1.4")
    assert "await check(" not in code
    assert "receive_text" in code
    assert answer_code({"cells": "bozuk"}) == "" and answer_code(None) == ""


def test_renamed_and_reformatted_copy_is_flagged():
    """Değişken adları, boşlukları ve yorumları değiştirilmiş kopya, özgün cevapla eşiği aşan bir çifttir."""
    pairs = {(pair.first, pair.second): pair for pair in find_pairs(class_submissions(), lab_notebook())}
    pair = pairs[tuple(sorted(("ayse.ipynb", HOSTILE)))]
    assert pair.similarity >= 0.8
    assert "<mark>" in pair.first_html and "<mark>" in pair.second_html


def test_independent_correct_solutions_are_not_flagged():
    """Aynı alıştırmaların bağımsız iki doğru çözümü (Ayşe ve Burak) ve kopya ile Burak eşiği aşmaz."""
    flagged = {frozenset((pair.first, pair.second)) for pair in find_pairs(class_submissions(), lab_notebook())}
    assert frozenset(("ayse.ipynb", "burak.ipynb")) not in flagged
    assert frozenset((HOSTILE, "burak.ipynb")) not in flagged


def test_starter_code_alone_is_not_flagged():
    """Yalnızca lab'ın başlangıç kodunu taşıyan iki gönderim (çözülmemiş lab ile çözülmemiş lab) benzer
    sayılmaz, en düşük eşikte bile."""
    pairs = find_pairs({"bos1.ipynb": lab_notebook(), "bos2.ipynb": lab_notebook()}, lab_notebook(), threshold=0.01)
    assert pairs == []
    flagged = {name for pair in find_pairs(class_submissions(), lab_notebook()) for name in (pair.first, pair.second)}
    assert not flagged & {"bos1.ipynb", "bos2.ipynb"}


def test_page_says_it_is_evidence_and_escapes_names_and_code(tmp_path):
    """Sayfa notu değiştirmediğini yazar; kötü niyetli ad ve kod HTML olarak yorumlanmaz; ``output`` bir
    klasörse içine ``benzerlik.html`` yazılır."""
    submissions = class_submissions()
    submissions["xss.ipynb"] = student(
        {**AYSE, "1.2": AYSE["1.2"] + '\nX = "</code></pre><script>alert(2)</script>"\n'}
    )
    pairs = similarity_report(submissions, lab_notebook(), tmp_path)
    page = (tmp_path / SIMILARITY_REPORT).read_text(encoding="utf-8")
    assert pairs
    assert "notu değiştirmez" in page
    assert "<script" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;.ipynb" in page
    assert "&lt;/code&gt;&lt;/pre&gt;&lt;script&gt;" in page
