"""Lab 7 için makul yanlış cevaplar: hepsi kaynak metnin 7. bölümdeki kendi kusurları."""

WRONG = {
    # Kaynak metin gibi: accept()'ten önce close(1008) — istemci 1008 değil gövdesiz bir HTTP 403 görür.
    "7.1": """
        token = websocket.headers.get("authorization", "").removeprefix("Bearer ")
        if token not in TOKENLAR:
            await websocket.close(code=1008, reason="geçersiz token")
            return
        await websocket.accept()
        await websocket.send_text(f"hoş geldin, {TOKENLAR[token]}")
        await websocket.close()
    """,
    # Aynı kalıp HTTP reddi için: hem Origin'de hem token'da gövdesiz 403; 401 ve JSON gövde hiç yok.
    "7.2": """
        origin = websocket.headers.get("origin")
        token = websocket.headers.get("authorization", "").removeprefix("Bearer ")
        if (origin is not None and origin not in IZINLI_ORIGINLER) or token not in TOKENLAR:
            await websocket.close(code=1008)
            return
        await websocket.accept()
        await websocket.send_text(f"hoş geldin, {TOKENLAR[token]}")
        await websocket.close()
    """,
    # Kaynak metnin sınırlayıcısı: bağlantı başına (id(websocket)) anahtar, reddetmek yerine bekletir.
    "7.3": """
        hiz_app = FastAPI()
        last_message_time = {}


        @hiz_app.websocket("/ws")
        async def hiz(websocket: WebSocket, kullanici: str):
            client_id = id(websocket)
            await websocket.accept()
            try:
                while True:
                    current_time = time.time()
                    if client_id in last_message_time:
                        time_diff = current_time - last_message_time[client_id]
                        if time_diff < 0.1:  # 100ms başına en fazla 1 mesaj
                            await asyncio.sleep(0.1 - time_diff)
                    mesaj = await websocket.receive_text()
                    last_message_time[client_id] = time.time()
                    await websocket.send_text(f"işlendi: {mesaj}")
            except WebSocketDisconnect:
                pass
    """,
    # Kaynak metnin istemcisi gibi: yeniden bağlanınca baştan (son olmadan) istiyor; kaçırılanları
    # bilmiyor, aynı olayları tekrar tekrar alıyor.
    "7.4": """
        olaylar = []
        for _ in range(YENIDEN_DENEME):
            try:
                async with connect(url) as websocket:
                    async for metin in websocket:
                        olaylar.append(json.loads(metin)["olay"])
                        if len(olaylar) >= n:
                            return olaylar
            except (ConnectionClosed, OSError):
                pass
            await asyncio.sleep(0.05)
        raise ConnectionError("olaylar alınamadı")
    """,
    # Bölmeden gönderiliyor: küçük sınırlı istemci 1009 ile kapatır.
    "7.5": """
        await websocket.send_text(json.dumps({"parca": 1, "toplam": 1, "veri": metin}, ensure_ascii=False))
    """,
    # Paylaşılan durum yok: her örnek yalnızca kendi bağlantılarına yayar (tek süreçli sunucu gibi).
    "7.6": """
        baglantilar = set()
        app = FastAPI()

        @app.websocket("/ws")
        async def yayin(websocket: WebSocket):
            await websocket.accept()
            baglantilar.add(websocket)
            try:
                while True:
                    mesaj = await websocket.receive_text()
                    for baglanti in list(baglantilar):
                        await baglanti.send_text(mesaj)
            except WebSocketDisconnect:
                pass
            finally:
                baglantilar.discard(websocket)

        return app
    """,
}


# Sınırları deneyen ek yanlış cevaplar (``tests/test_checks_edges.py``).
_AUTH = """
    await websocket.accept()
    baslik = websocket.headers.get("authorization", "").removeprefix("Bearer ")
    if not ({test}):
        await websocket.close(code=1008, reason="geçersiz token")
        return
    token = next(t for t in TOKENLAR if {pick})
    await websocket.send_text(f"hoş geldin, {{TOKENLAR[token]}}")
    await websocket.close()
"""

_GATE = """
    origin = websocket.headers.get("origin")
    if origin is not None and not ({origin_ok}):
        yanit = JSONResponse({{"hata": "izin listesinde olmayan Origin"}}, status_code=403)
        await websocket.send_denial_response(yanit)
        return
    token = websocket.headers.get("authorization", "").removeprefix("Bearer ")
    if token not in TOKENLAR:
        await websocket.send_denial_response(JSONResponse({{"hata": "geçersiz token"}}, status_code=401))
        return
    await websocket.accept()
    await websocket.send_text(f"hoş geldin, {{TOKENLAR[token]}}")
    await websocket.close()
"""

# 7.4'ün doğru cevabı, bekleme satırı ``{wait}`` (``deneme`` 0'dan başlayan deneme sayısı).
RESUME = """
olaylar = []
son = 0
for deneme in range(YENIDEN_DENEME):
    try:
        async with connect(f"{{url}}?son={{son}}") as websocket:
            async for metin in websocket:
                veri = json.loads(metin)
                if veri["seq"] <= son:
                    continue
                son = veri["seq"]
                olaylar.append(veri["olay"])
                if son >= n:
                    return olaylar
    except (ConnectionClosed, OSError):
        pass
    {wait}
raise ConnectionError("olaylar alınamadı")
"""

# 7.6'nın doğru cevabı; lifespan'in `yield`'den sonrası ``{cleanup}``.
_REDIS = """
baglantilar = set()


async def dinle(pubsub):
    async for olay in pubsub.listen():
        if olay["type"] == "message":
            for baglanti in list(baglantilar):
                try:
                    await asyncio.wait_for(baglanti.send_text(olay["data"]), timeout=1)
                except Exception:
                    baglantilar.discard(baglanti)


@asynccontextmanager
async def lifespan(app):
    istemci = redis.from_url(redis_url, decode_responses=True)
    pubsub = istemci.pubsub()
    await pubsub.subscribe(KANAL)
    gorev = asyncio.create_task(dinle(pubsub))
    app.state.redis = istemci
    yield
    {cleanup}


app = FastAPI(lifespan=lifespan)


@app.websocket("/ws")
async def yayin(websocket: WebSocket):
    await websocket.accept()
    baglantilar.add(websocket)
    try:
        while True:
            await app.state.redis.publish(KANAL, await websocket.receive_text())
    except WebSocketDisconnect:
        pass
    finally:
        baglantilar.discard(websocket)

return app
"""

MUTANTS = {
    "7.1": [
        # Token, başlıkta bir token'ın *geçmesiyle* kabul ediliyor: "gizli-ayse2" de geçer.
        _AUTH.format(test="any(t in baslik for t in TOKENLAR)", pick="t in baslik"),
        # Önek karşılaştırması: "gizli-a" gibi yarım bir token da geçer.
        _AUTH.format(test="baslik and any(t.startswith(baslik) for t in TOKENLAR)", pick="t.startswith(baslik)"),
    ],
    "7.2": [
        # Origin öneke göre: "https://sohbet.example.kotu.example" de izinli sayılır.
        _GATE.format(origin_ok='origin.startswith("https://sohbet.example")'),
        # Şema yok sayılıyor: "http://sohbet.example" de izinli sayılır.
        _GATE.format(origin_ok='origin.split("://")[-1] == "sohbet.example"'),
    ],
    "7.3": [
        # Kova hiç dolmuyor: ilk 5 mesajdan sonra kullanıcı sonsuza dek sınırlı.
        """class TokenKovasi:
    def __init__(self, kapasite, dolum):
        self.kapasite, self.dolum = kapasite, dolum
        self.jeton, self.son = kapasite, time.monotonic()

    def al(self):
        simdi = time.monotonic()
        pass
        self.son = simdi
        if self.jeton >= 1:
            self.jeton -= 1
            return True
        return False


hiz_app = FastAPI()
kovalar = {}              # kullanıcı → kova
baglanti_sayisi = {}      # kullanıcı → açık bağlantı sayısı


def kova_sil(kullanici):
    if kullanici not in baglanti_sayisi:
        kovalar.pop(kullanici, None)


@hiz_app.websocket("/ws")
async def hiz(websocket: WebSocket, kullanici: str):
    await websocket.accept()
    kova = kovalar.setdefault(kullanici, TokenKovasi(KAPASITE, DOLUM))
    baglanti_sayisi[kullanici] = baglanti_sayisi.get(kullanici, 0) + 1
    ihlal = 0
    try:
        while True:
            mesaj = await websocket.receive_text()
            if kova.al():
                await websocket.send_text(f"işlendi: {mesaj}")
                continue
            ihlal += 1
            if ihlal >= IHLAL_SINIRI:
                await websocket.close(code=1008, reason="hız sınırı aşıldı")
                return
            await websocket.send_text(json.dumps({"hata": "hız sınırı"}, ensure_ascii=False))
    except WebSocketDisconnect:
        pass
    finally:
        baglanti_sayisi[kullanici] -= 1
        if baglanti_sayisi[kullanici] == 0:
            del baglanti_sayisi[kullanici]
            asyncio.get_running_loop().call_later(KAPASITE / DOLUM, kova_sil, kullanici)
""",
    ],
    "7.4": [
        # `son` doğru ama yeniden gönderilen olaylar atlanmıyor: çift kayıtlar.
        """
        olaylar = []
        son = 0
        for _ in range(YENIDEN_DENEME):
            try:
                async with connect(f"{url}?son={son}") as websocket:
                    async for metin in websocket:
                        veri = json.loads(metin)
                        son = veri["seq"]
                        olaylar.append(veri["olay"])
                        if len(olaylar) >= n:
                            return olaylar
            except (ConnectionClosed, OSError):
                pass
            await asyncio.sleep(0.05)
        raise ConnectionError("olaylar alınamadı")
        """,
        # Yalnızca normal kapanışta yeniden bağlanıyor: 1011/1012'de ConnectionClosedError dışarı kaçar.
        """
        olaylar = []
        son = 0
        for _ in range(YENIDEN_DENEME):
            async with connect(f"{url}?son={son}") as websocket:
                async for metin in websocket:
                    veri = json.loads(metin)
                    if veri["seq"] <= son:
                        continue
                    son = veri["seq"]
                    olaylar.append(veri["olay"])
                    if son >= n:
                        return olaylar
            await asyncio.sleep(0.05)
        raise ConnectionError("olaylar alınamadı")
        """,
        # Olay gelmeden kopan ilk bağlantıda vazgeçiyor (boş bağlantıyı "bitti" sanıyor).
        """
        olaylar = []
        son = 0
        for _ in range(YENIDEN_DENEME):
            alinan = 0
            try:
                async with connect(f"{url}?son={son}") as websocket:
                    async for metin in websocket:
                        veri = json.loads(metin)
                        alinan += 1
                        if veri["seq"] <= son:
                            continue
                        son = veri["seq"]
                        olaylar.append(veri["olay"])
                        if son >= n:
                            return olaylar
            except (ConnectionClosed, OSError):
                pass
            if alinan == 0:
                return olaylar
            await asyncio.sleep(0.05)
        raise ConnectionError("olaylar alınamadı")
        """,
        # Bölümün sabitleri (taban 1 sn, tavan 30 sn) ve eşit jitter: ikinci bekleme zaten 1 sn'yi geçer.
        RESUME.format(wait="b = min(30, 1 * 2**deneme); await asyncio.sleep(random.uniform(b / 2, b))"),
        # Tavan yok: art arda sekiz kopuşta bekleme 0,05 · 2⁷ = 6,4 sn'ye çıkar.
        RESUME.format(wait="await asyncio.sleep(BEKLEME_TABANI * 2**deneme)"),
    ],
    "7.5": [
        # Tam katlarda fazladan boş bir son parça.
        """
        dilimler = [metin[i : i + PARCA_BOYU] for i in range(0, len(metin) + 1, PARCA_BOYU)]
        for sira, veri in enumerate(dilimler, start=1):
            parca = {"parca": sira, "toplam": len(dilimler), "veri": veri}
            await websocket.send_text(json.dumps(parca, ensure_ascii=False))
        """,
        # Boş metin hiç parça üretmiyor: istemci yanıt bekler durur.
        """
        dilimler = [metin[i : i + PARCA_BOYU] for i in range(0, len(metin), PARCA_BOYU)]
        for sira, veri in enumerate(dilimler, start=1):
            parca = {"parca": sira, "toplam": len(dilimler), "veri": veri}
            await websocket.send_text(json.dumps(parca, ensure_ascii=False))
        """,
        # Toplam aşağı yuvarlanıyor: tam kat olmayan metinde son parçanın "toplam"ı yanlış.
        """
        toplam = max(1, len(metin) // PARCA_BOYU)
        dilimler = [metin[i : i + PARCA_BOYU] for i in range(0, len(metin), PARCA_BOYU)] or [""]
        for sira, veri in enumerate(dilimler, start=1):
            parca = {"parca": sira, "toplam": toplam, "veri": veri}
            await websocket.send_text(json.dumps(parca, ensure_ascii=False))
        """,
    ],
    "7.6": [
        # Kapanışta yalnızca görev iptal ediliyor: abonelik (ve Redis bağlantısı) açık kalır.
        _REDIS.format(cleanup="gorev.cancel()"),
    ],
}

PROBLEMS = {
    # Alıştırma → {MUTANTS'taki sıra: geri bildirimin "Sorun:" satırında geçmesi gereken metin}
    # (``tests/test_checks_late.py``).
    "7.4": {3: "tavanı aştı", 4: "tavanı aştı"},
    "7.6": {0: "abonelik açık kaldı"},
}

# Toplu notlandırmada denenen sınır mutantları (her biri yalnızca kendi alıştırmasında kalmalı).
EDGES = {
    "7.1": MUTANTS["7.1"][0],
    "7.2": MUTANTS["7.2"][0],
    "7.3": MUTANTS["7.3"][0],
    "7.4": MUTANTS["7.4"][0],
    "7.5": MUTANTS["7.5"][0],
}
