"""Basamaklı ipuçları: aynı alıştırma üst üste geçmedikçe ipucu bir basamak ilerler.

1. basamak yargıcın geri bildirimidir: hangi özelliğin tutmadığını söyler (her denemede).
2. basamak (üst üste 2. başarısızlıktan sonra) alıştırmanın dayandığı bölümü, açan bir bağlantıyla
   gösterir.
3. basamak (3. başarısızlıktan sonra) bir iskelet verir: çözümün biçimi, boşlukları ``...`` ile.

Hiçbir basamak gizli bir girdiyi söylemez: iskeletler yalnızca alıştırma metninde yazılı olanı
kullanır. Basamaklar yalnızca öğrencinin kendi çalışmasında gösterilir; toplu notlandırmanın geri
bildirimi 1. basamaktır.

Bu modül çekirdekte çalışır (aracı içe aktarır); yalnızca standart kütüphaneyi kullanır.
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape

__all__ = [
    "HINTS",
    "SECTION_LEVEL",
    "SKELETON_LEVEL",
    "Hint",
    "anchor",
    "extra_html",
    "extra_text",
    "hint_level",
    "notebook_of",
    "section_url",
]

SECTION_LEVEL = 2
"""Üst üste bu kadar başarısızlıktan sonra bölüm bağlantısı gösterilir."""

SKELETON_LEVEL = 3
"""Üst üste bu kadar başarısızlıktan sonra iskelet de gösterilir."""

NOTEBOOKS = {
    0: "00_baslarken.ipynb",
    1: "01_websocket_nedir.ipynb",
    2: "02_fastapi_sunucusu.ipynb",
    3: "03_istemciler.ipynb",
    4: "04_asenkron_temeller.ipynb",
    5: "05_asyncio_is_akisi.ipynb",
    6: "06_ileri_seviye.ipynb",
    7: "07_en_iyi_uygulamalar.ipynb",
}


@dataclass(frozen=True)
class Hint:
    """Bir alıştırmanın 2. ve 3. basamağı.

    Attributes:
        chapter: Bölümün numarası (defter ``NOTEBOOKS[chapter]``).
        heading: Bölümdeki başlığın metni, ``#`` işaretleri olmadan ve olduğu gibi.
        skeleton: Çözümün iskeleti (Python); boşluklar ``...``.
    """

    chapter: int
    heading: str
    skeleton: str


def anchor(heading: str) -> str:
    """JupyterLab'ın başlığa verdiği bağlantı adı: görünen metin, boşluklar yerine ``-``.

    Markdown'daki ters tırnaklar görünen metinde yoktur (kod olarak çizilir).
    """
    return heading.replace("`", "").strip().replace(" ", "-")


def notebook_of(hint: Hint) -> str:
    """İpucunun bölüm defterinin dosya adı."""
    return NOTEBOOKS[hint.chapter]


def hint_level(failures_in_a_row: int) -> int:
    """Üst üste başarısızlık sayısına göre gösterilecek en yüksek basamak (1, 2 ya da 3)."""
    if failures_in_a_row >= SKELETON_LEVEL:
        return 3
    if failures_in_a_row >= SECTION_LEVEL:
        return 2
    return 1


def section_url(hint: Hint) -> str:
    """Bölümü açan göreli bağlantı (lab'ın klasöründen: ``../notebooks/…#başlık``)."""
    return f"../notebooks/{notebook_of(hint)}#{anchor(hint.heading)}"


def _next_step(level: int) -> str:
    if level >= SKELETON_LEVEL:
        return "Bu son basamak. Geçtikten sonra çözümünüzü solutions/ klasöründekiyle karşılaştırabilirsiniz."
    return "Üst üste bir kez daha geçmezse ipucu bir basamak ilerler."


def extra_text(exercise_id: str, failures_in_a_row: int) -> str:
    """Yargıcın geri bildiriminin altına eklenecek basamaklar (düz metin); 1. basamakta boş."""
    hint = HINTS.get(exercise_id)
    level = hint_level(failures_in_a_row)
    if hint is None or level < SECTION_LEVEL:
        return ""
    lines = [
        "",
        f"💡 İpucu, {level}. basamak ({failures_in_a_row}. başarısız deneme üst üste):",
        f"📖 Bölüme dönün: {hint.heading.replace('`', '')} (notebooks/{notebook_of(hint)})",
    ]
    if level >= SKELETON_LEVEL:
        lines += ["🧩 İskelet (boşlukları siz doldurun):", "", hint.skeleton, ""]
    lines.append(_next_step(level))
    return "\n".join(lines)


def extra_html(exercise_id: str, failures_in_a_row: int) -> str:
    """Aynı basamaklar HTML olarak: bölüm bağlantısı JupyterLab'da tıklanınca defteri o başlıkta açar."""
    hint = HINTS.get(exercise_id)
    level = hint_level(failures_in_a_row)
    if hint is None or level < SECTION_LEVEL:
        return ""
    title = escape(hint.heading.replace("`", ""))
    parts = [
        f"<p>💡 <b>İpucu, {level}. basamak</b> ({failures_in_a_row}. başarısız deneme üst üste)</p>",
        f'<p>📖 Bölüme dönün: <a href="{escape(section_url(hint))}">{title}</a></p>',
    ]
    if level >= SKELETON_LEVEL:
        parts.append(f"<p>🧩 İskelet (boşlukları siz doldurun):</p><pre>{escape(hint.skeleton)}</pre>")
    parts.append(f"<p>{escape(_next_step(level))}</p>")
    return "".join(parts)


HINTS: dict[str, Hint] = {
    "0.1": Hint(
        0,
        "Çekirdeğin içinde gerçek bir sunucu",
        """@toplama_app.get("/topla")
async def topla(a: int, b: int):
    return {"toplam": ...}""",
    ),
    "1.1": Hint(
        1,
        "1.4 Gecikme: yoklama (polling) ile itme (push) aynı olaylar üzerinde",
        """async def yokla(url, son_id, aralik):
    gorulen, sonra = [], 0
    async with httpx.AsyncClient(trust_env=False) as istemci:
        while True:
            yanit = await istemci.get(url, params={"sonra": sonra})
            for olay in yanit.json():
                ...   # numarayı listeye ekleyin, sonra'yı güncelleyin
            if ...:   # son_id görüldü mü?
                return gorulen
            await asyncio.sleep(aralik)""",
    ),
    "1.2": Hint(
        1,
        "1.4 Gecikme: yoklama (polling) ile itme (push) aynı olaylar üzerinde",
        """async def gecikmeler(url, n):
    sonuc = []
    async with connect(url) as websocket:        # tek bağlantı
        while len(sonuc) < n:
            olay = json.loads(await websocket.recv())
            sonuc.append(...)   # (şimdi − olay["t"]) × 1000, mesaj gelir gelmez
    return sonuc""",
    ),
    "1.3": Hint(
        1,
        "1.3 İletişim: sunucu sormadan gönderebilir mi?",
        """async def collect(url, n):
    async with connect(url) as websocket:
        return [... for _ in range(n)]""",
    ),
    "1.4": Hint(
        1,
        "1.5 Durum: bağlantı kimi hatırlar?",
        """async def selamlas(url, ad, mesajlar):
    yanitlar = []
    async with connect(url) as websocket:
        await websocket.send(ad)          # ad yalnızca bir kez, ilk mesaj olarak
        for mesaj in mesajlar:
            ...                           # gönder, yanıtı oku, listeye ekle
    return yanitlar""",
    ),
    "2.1": Hint(
        2,
        "2.2 Temel WebSocket Sunucusu",
        """@yayin_app.websocket("/ws")
async def yayin_ws(websocket: WebSocket):
    await websocket.accept()
    yayin_istemciler.add(websocket)
    try:
        while True:
            mesaj = await websocket.receive_text()
            await websocket.send_text(...)          # gönderene
            for istemci in list(yayin_istemciler):  # anlık görüntü
                if istemci is not websocket:
                    ...
    except WebSocketDisconnect:
        ...""",
    ),
    "2.2": Hint(
        2,
        "2.2.5 Düzeltilmiş sunucu",
        """bagli = set()

@sayac_app.get("/")
async def say():
    return {"connected_clients": ...}

@sayac_app.websocket("/ws")
async def ws(websocket: WebSocket):
    await websocket.accept()
    bagli.add(websocket)
    try:
        while True:
            ...
    finally:             # hangi yoldan çıkılırsa çıkılsın
        bagli.discard(websocket)""",
    ),
    "2.3": Hint(
        2,
        "2.2.2 İkili (binary) bir mesaj",
        """while True:
    olay = await websocket.receive()
    if olay["type"] == "websocket.disconnect":
        return
    if olay.get("text") is not None:
        ...
    else:  # ikili mesaj
        await websocket.close(code=..., reason=...)
        return""",
    ),
    "2.4": Hint(
        2,
        "2.2.3 Hiç okumayan istemci, sonra aniden kaybolan istemci",
        """async def yayinla(gonderen, metin):
    for alici in list(hizli_istemciler):
        if alici is gonderen:
            continue
        try:
            await asyncio.wait_for(alici.send_text(metin), SEND_TIMEOUT)
        except (...):   # zaman aşımı da, kopmuş alıcının hataları da
            hizli_istemciler.discard(alici)""",
    ),
    "2.5": Hint(
        2,
        "Kopan bağlantı: 1005 mi, 1006 mı?",
        """kim, kod = None, None
try:
    while True:
        olay = await websocket.receive()
        if olay["type"] == "websocket.disconnect":
            kim, kod = "istemci", olay.get("code")
            break
        ...  # "bitir" ya da ikili mesajda: kapat, kim/kod'u yaz ve döngüden ÇIK (kapattıktan sonra okunmaz)
finally:
    kapanislar.append([kim, kod])""",
    ),
    "2.6": Hint(
        2,
        "2.3.1 Kendi endpoint'inizi sınamak: `TestClient` ve pytest",
        """def test_metin_endpoint(app):
    with TestClient(app) as istemci:
        with istemci.websocket_connect("/ws") as websocket:
            websocket.send_text("merhaba")
            assert websocket.receive_text() == ...
            websocket.send_bytes(b"ikili")
            with pytest.raises(WebSocketDisconnect) as hata:
                websocket.receive_text()
            assert hata.value.code == ...""",
    ),
    "3.1": Hint(
        3,
        "Mesaj türleri: metin, JSON, ikili",
        """def parse_message(message):
    if isinstance(message, bytes):
        return ("ikili", message)
    try:
        veri = json.loads(message)
    except ...:
        return ...
    if isinstance(veri, dict):
        return ...
    return ...""",
    ),
    "3.2": Hint(
        3,
        "Yeniden bağlanma: üstel bekleme",
        """async def connect_with_retry(url, attempts, base_delay, max_delay):
    for k in range(attempts):
        try:
            return await connect(url)
        except (OSError, InvalidStatus):
            if k == attempts - 1:
                break
            await asyncio.sleep(...)   # min(base_delay * 2**k, max_delay)
    raise ConnectionError("...")""",
    ),
    "3.3": Hint(
        3,
        "3.2 Python İstemcisi",
        """async def chat_client(url):
    alinanlar = []
    async with connect(url) as ws:
        async def dinle():
            async for mesaj in ws:
                alinanlar.append(mesaj)
        async def gonder():
            while True:
                await ws.send(await giden.get())
        dinleyici = asyncio.create_task(dinle())
        gonderici = asyncio.create_task(gonder())
        await dinleyici
        gonderici.cancel()
        ...   # iptal edilen görevin bitmesini bekleyin
    return alinanlar""",
    ),
    "3.4": Hint(
        3,
        "3.3 HTTP Endpoint Üzerinden WebSocket İstemcisi",
        """try:
    async with asyncio.timeout(1):
        async with connect(hedef_url) as ws:
            await ws.send(message)
            while (yanit := await ws.recv()) != f"Yankı: {message}":
                pass
except TimeoutError:          # OSError'dan ÖNCE
    raise HTTPException(504, detail="...")
except (OSError, InvalidStatus, ConnectionClosed):
    raise HTTPException(502, detail="...")
return {"sent": message, "response": yanit}""",
    ),
    "4.1": Hint(
        4,
        "4.7.1 Görevler: create_task",
        """gorevler = set()

async def raporla(mesaj):
    await websocket.send_text(await rapor_hazirla(mesaj))

try:
    while True:
        mesaj = await websocket.receive_text()
        gorev = asyncio.create_task(raporla(mesaj))
        gorevler.add(gorev)
        gorev.add_done_callback(gorevler.discard)
except WebSocketDisconnect:
    ...
finally:
    for gorev in gorevler:
        gorev.cancel()
    await asyncio.gather(*gorevler, return_exceptions=True)""",
    ),
    "4.2": Hint(
        4,
        "4.7.2 Birlikte beklemek: gather ve asyncio.wait",
        """async def hepsini_getir(url, mesajlar):
    return await asyncio.gather(*(... for mesaj in mesajlar))""",
    ),
    "4.3": Hint(
        4,
        "4.5 Garsonu kilitlemek: bloke eden çağrılar",
        """loop = asyncio.get_running_loop()
while True:
    mesaj = await websocket.receive_text()
    await loop.run_in_executor(..., cpu_isi, float(mesaj))   # süreç havuzu (ya da to_thread)
    await websocket.send_text("bitti")""",
    ),
    "4.4": Hint(
        4,
        "4.7.3 Zaman aşımı: wait_for ve asyncio.timeout",
        """while True:
    mesaj = await websocket.receive_text()
    try:
        async with asyncio.timeout(ZAMAN_ASIMI):
            sonuc = await dis_servis(mesaj)
    except TimeoutError:
        sonuc = ...
    await websocket.send_text(sonuc)""",
    ),
    "4.5": Hint(
        4,
        "4.7.8 Aynı anda en çok n iş: asyncio.Semaphore",
        """async def sinirli_getir(url, mesajlar, en_cok):
    sinir = asyncio.Semaphore(en_cok)

    async def bir_tane(mesaj):
        async with sinir:
            return await ...

    return await asyncio.gather(*(bir_tane(m) for m in mesajlar))""",
    ),
    "5.1": Hint(
        5,
        "5.2 Bağlantı Kurulma Süreci",
        """def accept_degeri(anahtar):
    ozet = hashlib.sha1((anahtar + GUID).encode()).digest()
    return ...   # base64 ile, str olarak""",
    ),
    "5.2": Hint(
        5,
        "Çerçeveler, elle",
        """def metin_cercevesi(metin, maske):
    veri = metin.encode("utf-8")
    n = len(veri)
    if n < 126:
        baslik = bytes([0x81, 0x80 | n])
    elif n < 65536:
        baslik = bytes([0x81, 0x80 | 126]) + struct.pack("!H", n)
    else:
        baslik = ...
    maskeli = bytes(b ^ maske[i % 4] for i, b in enumerate(veri))
    return ...""",
    ),
    "5.3": Hint(
        5,
        "Çerçeveler, elle",
        """def cerceve_coz(veri):
    fin, opcode = bool(veri[0] & 0x80), veri[0] & 0x0F
    maskeli, n = bool(veri[1] & 0x80), veri[1] & 0x7F
    konum = 2
    if n == 126:
        n, konum = struct.unpack("!H", veri[2:4])[0], 4
    elif n == 127:
        ...
    if maskeli:
        ...   # 4 bayt maske, sonra XOR
    return {"fin": fin, "opcode": opcode, "maske": maskeli, "uzunluk": n, "yuk": ...}""",
    ),
    "5.4": Hint(
        5,
        "Çerçeveler, elle",
        """def kapanis_yuku(kod, gerekce):
    gonderilebilir = 1000 <= kod <= 1003 or ... or 3000 <= kod <= 4999
    if not gonderilebilir:
        raise ValueError("...")
    baytlar = gerekce.encode("utf-8")
    if len(baytlar) > 123:
        raise ValueError("...")
    return struct.pack("!H", kod) + baytlar""",
    ),
    "5.5": Hint(
        5,
        "`WebSocketDisconnect` ve `finally`",
        """await websocket.accept()
bagli.add(websocket)
try:
    while True:
        mesaj = await websocket.receive_text()   # await'i unutmayın
        try:
            yanit = isle(mesaj)
        except Exception:
            ...   # 1011 ve "sunucu hatası" ile kapatın, sonra çıkın
        await websocket.send_text(yanit)
except WebSocketDisconnect:
    pass
finally:
    ...   # bağlantı nasıl biterse bitsin""",
    ),
    "5.6": Hint(
        5,
        "5.11 AsyncIO ve WebSocket: Bütünleşik Örnek",
        """async def sohbet(websocket):          # bugünkü imza: tek parametre
    yol = websocket.request.path
    sohbet_istemcileri.add(websocket)
    try:
        await websocket.send(f"Hoş geldiniz: {yol}")
        async for mesaj in websocket:
            await websocket.send(...)
            broadcast(sohbet_istemcileri - {websocket}, ...)
    finally:
        ...""",
    ),
    "5.7": Hint(
        5,
        "5.2 Bağlantı Kurulma Süreci",
        """def el_sikisma_yaniti(yontem, basliklar):
    b = {ad.lower(): deger for ad, deger in basliklar.items()}

    def degerler(ad):
        return {parca.strip().lower() for parca in b.get(ad, "").split(",")}

    if yontem != "GET":
        return (405, {})
    if "websocket" not in degerler("upgrade") or ...:
        return (400, {})
    ...   # sürüm 13 mü? anahtar base64 ile çözülünce 16 bayt mı?""",
    ),
    "6.1": Hint(
        6,
        "Kusur 2: `WebSocketDisconnect` dışındaki her hata hayalet üye bırakır",
        """await websocket.accept()
uyeler = katilim_odalari.setdefault(oda, set())
uyeler.add(websocket)
try:
    while True:
        veri = json.loads(await websocket.receive_text())
        if veri.get("type") == "ping":
            await websocket.send_json({"type": "pong", "members": len(uyeler)})
finally:                       # ayrılış da, bozuk JSON'un hatası da buradan geçer
    uyeler.discard(websocket)
    if not uyeler:
        ...""",
    ),
    "6.2": Hint(
        6,
        "6.1.2 Kaynak metnin oda yöneticisi, olduğu gibi",
        """await websocket.accept()
uyeler = yayin_odalari.setdefault(oda, set())
uyeler.add(websocket)
try:
    await websocket.send_text(f"katıldın: {oda}")   # üyelikten SONRA
    while True:
        mesaj = await websocket.receive_text()
        for uye in list(uyeler):
            if uye is not websocket:
                ...
except WebSocketDisconnect:
    pass
finally:
    ...""",
    ),
    "6.3": Hint(
        6,
        "Düzeltilmiş yönetici: bağlantı başına bir kuyruk ve bir yazıcı",
        """kuyruk = asyncio.Queue(maxsize=KUYRUK_BOYU)

async def yazici():
    while True:
        metin = await kuyruk.get()
        try:
            await asyncio.wait_for(websocket.send_text(metin), GONDERME_SURESI)
        except Exception:
            ...   # odadan çıkar, dur

def yay(metin):
    for uye, onun_kuyrugu in list(kuyruk_odalari[oda].items()):
        if uye is not websocket:
            try:
                onun_kuyrugu.put_nowait(metin)
            except asyncio.QueueFull:
                ...""",
    ),
    "6.4": Hint(
        6,
        "Düzeltilmiş protokol: istemcinin gönderebilecekleri",
        """class OdaMesaji(BaseModel):
    model_config = ConfigDict(extra="forbid")
    type: Literal["room_message"]
    room_id: str = Field(min_length=1, max_length=50)
    message: str

    @field_validator("message")
    @classmethod
    def mesaj_kurali(cls, deger: str) -> str:
        ...

GelenMesaj = TypeAdapter(Annotated[Union[...], Field(discriminator="type")])""",
    ),
    "6.5": Hint(
        6,
        "Her hatalı girdiye: hangi alan, ne sorun",
        """while True:
    olay = await websocket.receive()
    if olay["type"] == "websocket.disconnect":
        return
    if olay.get("text") is None:
        await websocket.send_json({"type": "error", "errors": [{"field": "frame", "problem": "..."}]})
        continue
    try:
        hamle = hamle_adapter.validate_json(olay["text"])
    except ValidationError as hata:
        hatalar = [{"field": ..., "problem": e["msg"]} for e in hata.errors()]
        ...""",
    ),
    "6.6": Hint(
        6,
        "Sıra numaraları ve sayfalı geçmiş",
        """class Gecmis:
    def __init__(self, kapasite):
        self.mesajlar = deque(maxlen=kapasite)
        self.son_sira = 0

    def ekle(self, ad, mesaj):
        self.son_sira += 1
        ...

    def sonrakiler(self, son):
        secilen = [m for m in self.mesajlar if m["sequence"] > son]
        en_eski = ...   # tutulan en eski sıra numarası
        return {"type": "history", "messages": secilen, "eksik": ...}""",
    ),
    "6.7": Hint(
        6,
        "6.3 Sunucudan Proaktif Mesaj Gönderme",
        """@asynccontextmanager
async def itme_lifespan(app):
    gorev = asyncio.create_task(duyur())
    try:
        yield
    finally:
        gorev.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            ...   # görevin bitmesini bekleyin""",
    ),
    "7.1": Hint(
        7,
        "Reddetmenin iki doğru yolu",
        """baslik = websocket.headers.get("authorization", "")
token = baslik.removeprefix("Bearer ").strip()
kullanici = TOKENLAR.get(token)
await websocket.accept()          # önce kabul: yoksa istemci 1008 değil HTTP 403 görür
if kullanici is None:
    await websocket.close(code=1008, reason=...)
    return
...""",
    ),
    "7.2": Hint(
        7,
        "`Origin` denetimi",
        """origin = websocket.headers.get("origin")
if origin is not None and origin not in IZINLI_ORIGINLER:
    await websocket.send_denial_response(JSONResponse({"hata": ...}, status_code=403))
    return
...   # token: 401
await websocket.accept()""",
    ),
    "7.3": Hint(
        7,
        "Jeton kovası (token bucket)",
        """class Kova:
    def __init__(self):
        self.jeton, self.zaman = KAPASITE, time.monotonic()

    def al(self) -> bool:
        simdi = time.monotonic()
        self.jeton = min(KAPASITE, self.jeton + (simdi - self.zaman) * DOLUM)
        self.zaman = simdi
        ...

kovalar = {}   # kullanıcı adı → Kova (bağlantı değil)""",
    ),
    "7.4": Hint(
        7,
        "7.3 Yeniden bağlanma stratejileri",
        """son, metinler = 0, []
for _ in range(YENIDEN_DENEME + 1):
    try:
        async with connect(url + f"?son={son}") as ws:
            async for ham in ws:
                olay = json.loads(ham)
                if olay["seq"] <= son:
                    continue
                son = olay["seq"]
                metinler.append(olay["olay"])
                if son == n:
                    return metinler
    except (ConnectionClosed, OSError):
        pass
    await asyncio.sleep(...)""",
    ),
    "7.5": Hint(
        7,
        "Büyük veriyi parçalara bölmek",
        """metin = await websocket.receive_text()
dilimler = [metin[i : i + PARCA_BOYU] for i in range(0, len(metin), PARCA_BOYU)] or [""]
for sira, dilim in enumerate(dilimler, start=1):
    await websocket.send_text(json.dumps({"parca": sira, "toplam": ..., "veri": dilim}))""",
    ),
    "7.6": Hint(
        7,
        "7.6 Birden çok süreç (workers) ve Redis pub/sub",
        """def redis_yayin_uygulamasi(redis_url):
    baglantilar = set()

    @asynccontextmanager
    async def lifespan(app):
        istemci = redis.from_url(redis_url, decode_responses=True)
        pubsub = istemci.pubsub()
        await pubsub.subscribe(KANAL)
        dinleyici = asyncio.create_task(...)   # kanaldan gelen her mesajı baglantilar'a gönderir
        app.state.istemci = istemci
        try:
            yield
        finally:
            ...

    app = FastAPI(lifespan=lifespan)
    ...
    return app""",
    ),
}
