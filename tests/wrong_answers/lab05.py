"""Lab 5 için makul yanlış cevaplar: her biri bölümün uyardığı tipik bir hata."""

WRONG = {
    # GUID unutulmuş: yalnız anahtarın SHA-1 özeti.
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
    # Genişletilmiş uzunluk (126/127) yok sayılmış: yalnız 7 bitlik alan okunuyor.
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
    # accept()'ten önce close(): istemci 1008 değil HTTP 403 görür.
    "5.4": """
        if websocket.query_params.get("token") != "gizli":
            await websocket.close(code=1008, reason="geçersiz token")
            return
        await websocket.accept()
        await websocket.send_text("hoş geldin")
        await websocket.close()
    """,
    # Temizlik yalnız WebSocketDisconnect'te: hata veren bağlantı kümede hayalet kalır.
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
    # Senkron iş doğrudan çağrılmış: yarım saniye boyunca bütün bağlantılar durur.
    "5.7": """
        if mesaj == "rapor":
            await websocket.send_text(rapor_hazirla())
        elif mesaj == "ping":
            await websocket.send_text("pong")
    """,
}
