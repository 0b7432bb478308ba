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
    # Aynı kalıp HTTP reddi için: hem Origin'de hem tokenda gövdesiz 403; 401 ve JSON gövde hiç yok.
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
    # Kaynak metnin formülü (saniyeye çevrilmiş): üstel ve tavanlı ama rastgelelik yok.
    "7.4": """
        return min(0.5 * 2**deneme, 8.0)
    """,
    # Kaynak metnin önerisi: `await asyncio.create_task(...)` hesabı yine aynı loop'ta yapar.
    "7.5": """
        async def hesapla(saniye):
            return agir_hesap(saniye)

        await websocket.accept()
        try:
            while True:
                mesaj = await websocket.receive_text()
                if mesaj.startswith("hesapla "):
                    saniye = float(mesaj.removeprefix("hesapla "))
                    sonuc = await asyncio.create_task(hesapla(saniye))
                    await websocket.send_text(f"sonuç: {sonuc}")
                else:
                    await websocket.send_text(mesaj)
        except WebSocketDisconnect:
            pass
    """,
    # Paylaşılan durum yok: her örnek yalnız kendi bağlantılarına yayar (tek süreçli sunucu gibi).
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
