"""Lab 5 için makul yanlış cevaplar: her biri bölümün uyardığı tipik bir hata."""

WRONG = {
    # GUID unutulmuş: yalnızca anahtarın SHA-1 özeti.
    "5.1": """
        ozet = hashlib.sha1(anahtar.encode("ascii")).digest()
        return base64.b64encode(ozet).decode("ascii")
    """,
    # Uzunluk UTF-8 baytları yerine karakterlerle sayılmış (Türkçe harflerde bozulur).
    "5.2": """
        veri = metin.encode("utf-8")
        n = len(metin)
        if n < 126:
            uzunluk = bytes([0x80 | n])
        elif n < 2**16:
            uzunluk = bytes([0x80 | 126]) + struct.pack("!H", n)
        else:
            uzunluk = bytes([0x80 | 127]) + struct.pack("!Q", n)
        maskeli = bytes(bayt ^ maske[i % 4] for i, bayt in enumerate(veri))
        return bytes([0x81]) + uzunluk + maske + maskeli
    """,
    # Genişletilmiş uzunluk (126/127) yok sayılmış: yalnızca 7 bitlik alan okunuyor.
    "5.3": """
        b1, b2 = veri[0], veri[1]
        n = b2 & 0x7F
        maskeli = bool(b2 & 0x80)
        konum = 2
        if maskeli:
            maske = veri[2:6]
            konum = 6
        yuk = veri[konum:konum + n]
        if maskeli:
            yuk = bytes(bayt ^ maske[i % 4] for i, bayt in enumerate(yuk))
        return {"fin": bool(b1 & 0x80), "opcode": b1 & 0x0F, "maske": maskeli, "uzunluk": n, "yuk": bytes(yuk)}
    """,
    # Gerekçe karakterle ölçülüyor ve kod hiç denetlenmiyor: 1006 ve 62 × 'ş' (124 bayt) de geçer.
    "5.4": """
        if len(gerekce) > 123:
            raise ValueError("gerekçe çok uzun")
        return struct.pack("!H", kod) + gerekce.encode("utf-8")
    """,
    # Temizlik yalnızca WebSocketDisconnect'te: hata veren bağlantı kümede hayalet kalır.
    "5.5": """
        await websocket.accept()
        bagli.add(websocket)
        try:
            while True:
                mesaj = await websocket.receive_text()
                await websocket.send_text(isle(mesaj))
        except WebSocketDisconnect:
            bagli.discard(websocket)
        except Exception:
            await websocket.close(code=1011, reason="sunucu hatası")
    """,
    # Kaynağın eski imzası: handler(websocket, path) — bugün her bağlantıda TypeError, istemci 1011 görür.
    "5.6": """
        async def sohbet(websocket, path):
            sohbet_istemcileri.add(websocket)
            try:
                await websocket.send(f"Hoş geldiniz: {path}")
                async for mesaj in websocket:
                    await websocket.send(f"Mesajınız: {mesaj}")
                    broadcast(sohbet_istemcileri - {websocket}, f"Başka bir istemciden: {mesaj}")
            finally:
                sohbet_istemcileri.discard(websocket)
    """,
    # Başlıklar birebir karşılaştırılıyor: "keep-alive, Upgrade" ve küçük harfli adlar reddedilir.
    "5.7": """
        if yontem != "GET":
            return (405, {})
        if basliklar.get("Upgrade") != "websocket" or basliklar.get("Connection") != "Upgrade":
            return (400, {})
        if basliklar.get("Sec-WebSocket-Version") != "13":
            return (426, {"Sec-WebSocket-Version": "13"})
        return (101, {"Upgrade": "websocket", "Connection": "Upgrade"})
    """,
}

# Sınırları deneyen ek yanlış cevaplar (``tests/test_checks_edges.py``).
_FRAME = """
    veri = metin.encode("utf-8")
    n = len(veri)
    if n {small}:
        uzunluk = bytes([0x80 | n])
    elif n {medium}:
        uzunluk = bytes([0x80 | 126]) + struct.pack("!H", n)
    else:
        uzunluk = bytes([0x80 | 127]) + struct.pack("!Q", n)
    maskeli = bytes(bayt ^ maske[i % 4] for i, bayt in enumerate(veri))
    return bytes([0x81]) + uzunluk + maske + maskeli
"""

_PARSE = """
    b1, b2 = veri[0], veri[1]
    n = b2 & 0x7F
    konum = 2
    if n == 126:
        (n,) = struct.unpack("!H", veri[2:4])
        konum = 4
    elif n == 127:
        (n,) = struct.unpack("!Q", veri[2:10])
        konum = {long_offset}
    maskeli = bool(b2 & 0x80)
    if maskeli:
        maske = veri[{mask_at}:{mask_at} + 4]
        konum += 4
    yuk = veri[konum:konum + n]
    if maskeli:
        yuk = bytes(bayt ^ maske[i % 4] for i, bayt in enumerate(yuk))
    return {{"fin": bool(b1 & 0x80), "opcode": b1 & 0x0F, "maske": maskeli, "uzunluk": n, "yuk": bytes(yuk)}}
"""

_CLOSE = """
    if not ({codes}):
        raise ValueError("gönderilemez")
    veri = gerekce.encode("utf-8")
    if len(veri) > {limit}:
        raise ValueError("gerekçe çok uzun")
    return struct.pack("{fmt}", kod) + veri
"""

_ALL_CODES = "1000 <= kod <= 1003 or 1007 <= kod <= 1014 or 3000 <= kod <= 4999"

_HANDSHAKE = """
    b = {{ad.lower(): deger for ad, deger in basliklar.items()}}

    def jetonlar(ad):
        return {{parca.strip().lower() for parca in b.get(ad, "").split(",")}}

    if yontem != "GET":
        return (405, {{}})
    if "websocket" not in jetonlar("upgrade") or "upgrade" not in jetonlar("connection"):
        return (400, {{}})
    {version}
    anahtar = b.get("sec-websocket-key", "").strip()
    {key}
    return (101, {{"Upgrade": "websocket", "Connection": "Upgrade"}})
"""

_VERSION = """if b.get("sec-websocket-version", "").strip() != "13":
        return (426, {"Sec-WebSocket-Version": "13"})"""
_KEY = """try:
        ham = base64.b64decode(anahtar, validate=True)
    except ValueError:
        return (400, {})
    if len(ham) != 16:
        return (400, {})"""

_CHAT = """
async def sohbet(websocket):
    sohbet_istemcileri.add(websocket)
    try:
        await websocket.send(f"Hoş geldiniz: {{websocket.request.path}}")
        async for mesaj in websocket:
            await websocket.send(f"Mesajınız: {{mesaj}}")
            broadcast({targets}, f"Başka bir istemciden: {{mesaj}}")
    {cleanup}
"""

MUTANTS = {
    "5.1": [
        # Özet onaltılık metin olarak base64'lenmiş.
        """
        ozet = hashlib.sha1((anahtar + GUID).encode("ascii")).hexdigest()
        return base64.b64encode(ozet.encode()).decode("ascii")
        """,
    ],
    "5.2": [
        # Bilinen açık: `n < 127` — 126 baytlık yük 7 bitlik alana 126 yazar, uzunluk gelmez.
        _FRAME.format(small="< 127", medium="< 2**16"),
        # 16 bitlik alanın üst sınırı bir fazla: 65536 bayt `!H`'ye sığmaz (struct.error).
        _FRAME.format(small="< 126", medium="<= 2**16"),
        # 16 bitlik alan bir eksik: 65535 baytlık yük 64 bitlik alana yazılır.
        _FRAME.format(small="< 126", medium="< 2**16 - 1"),
        # 7 bitlik alan bir eksik: 125 baytlık yük 16 bitlik alana yazılır.
        _FRAME.format(small="< 125", medium="< 2**16"),
    ],
    "5.3": [
        # 64 bitlik uzunluktan sonra verinin yeri 4 sanılmış.
        _PARSE.format(long_offset="4", mask_at="konum"),
        # Maske her zaman 2. bayttan okunuyor: uzun maskeli çerçevede maske yanlış.
        _PARSE.format(long_offset="10", mask_at="2"),
    ],
    "5.4": [
        # 123 bayt sınırı bir eksik: tam 123 baytlık gerekçe reddedilir.
        _CLOSE.format(codes=_ALL_CODES, limit=122, fmt="!H"),
        # 1005 ve 1006 "kapanış kodu" sanılmış: gönderilebilir aralık 1000–1011.
        _CLOSE.format(codes="1000 <= kod <= 1011 or 3000 <= kod <= 4999", limit=123, fmt="!H"),
        # Uygulama aralığının üst ucu bir eksik: 4999 reddedilir.
        _CLOSE.format(codes="1000 <= kod <= 1003 or 1007 <= kod <= 1014 or 3000 <= kod < 4999", limit=123, fmt="!H"),
        # Kod küçük uçlu yazılmış.
        _CLOSE.format(codes=_ALL_CODES, limit=123, fmt="<H"),
    ],
    "5.7": [
        # Anahtar hiç denetlenmiyor: 15 baytlık anahtara da 101.
        _HANDSHAKE.format(version=_VERSION, key="pass"),
        # Sürüm denetimi anahtardan sonra: hem sürüm hem anahtar yanlışken 426 yerine 400.
        _HANDSHAKE.format(version="pass", key=_KEY + "\n    " + _VERSION),
    ],
    "5.6": [
        # Yayın gönderene de gidiyor.
        _CHAT.format(targets="sohbet_istemcileri", cleanup="finally:\n        sohbet_istemcileri.discard(websocket)"),
        # Ayrılan istemci kümeden hiç çıkarılmıyor.
        _CHAT.format(targets="sohbet_istemcileri - {websocket}", cleanup="except Exception:\n        pass"),
        # Yayın yalnızca ilk "öteki" istemciye gidiyor.
        _CHAT.format(
            targets="list(sohbet_istemcileri - {websocket})[:1]",
            cleanup="finally:\n        sohbet_istemcileri.discard(websocket)",
        ),
    ],
    "5.5": [
        # Eksik `await`: `mesaj` bir coroutine nesnesi; döngü hiç beklemeden döner ve event loop'u kilitler.
        """
        await websocket.accept()
        bagli.add(websocket)
        try:
            while True:
                mesaj = websocket.receive_text()
                await websocket.send_text(isle(mesaj))
        except WebSocketDisconnect:
            pass
        except Exception:
            await websocket.close(code=1011, reason="sunucu hatası")
        finally:
            bagli.discard(websocket)
        """,
        # Eksik `await` (gönderirken): yanıt hiç gitmez; döngü kilitlenmez, kontrol yanıtı bekler.
        """
        await websocket.accept()
        bagli.add(websocket)
        try:
            while True:
                mesaj = await websocket.receive_text()
                websocket.send_text(isle(mesaj))
        except WebSocketDisconnect:
            pass
        except Exception:
            await websocket.close(code=1011, reason="sunucu hatası")
        finally:
            bagli.discard(websocket)
        """,
        # Kod doğru, gerekçe yok.
        """
        await websocket.accept()
        bagli.add(websocket)
        try:
            while True:
                mesaj = await websocket.receive_text()
                await websocket.send_text(isle(mesaj))
        except WebSocketDisconnect:
            pass
        except Exception:
            await websocket.close(code=1011)
        finally:
            bagli.discard(websocket)
        """,
    ],
}

PROBLEMS = {
    # Alıştırma → {MUTANTS'taki sıra: geri bildirimin "Sorun:" satırında geçmesi gereken metin}
    # (``tests/test_checks_late.py``). Eksik `await`'i ortak kontrol makinesi tanır (chkearly).
    "5.5": {0: "await", 1: "await", 2: "gerekçesi"},
}

# Toplu notlandırmada denenen sınır mutantları (her biri yalnızca kendi alıştırmasında kalmalı).
EDGES = {
    "5.2": MUTANTS["5.2"][0],
    "5.3": MUTANTS["5.3"][0],
    "5.4": MUTANTS["5.4"][0],
    "5.7": MUTANTS["5.7"][0],
    "5.6": MUTANTS["5.6"][1],
}
