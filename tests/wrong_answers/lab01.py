"""Lab 1 için makul yanlış cevaplar."""

WRONG = {
    # Önek unutulmuş: yanıt yalnız mesajın kendisi.
    "1.1": """
        await websocket.accept()
        try:
            while True:
                mesaj = await websocket.receive_text()
                await websocket.send_text(mesaj)
        except WebSocketDisconnect:
            pass
    """,
    # Üç mesaj gönderilmiş ama bağlantı kapatılmadan handler'dan çıkılmış (istemci 1006 görür).
    "1.2": """
        await websocket.accept()
        for numara in range(1, 4):
            await websocket.send_text(f"tik {numara}")
    """,
    # Mesajlar doğru ama bağlantı hiç kapatılmıyor.
    "1.3": """
        websocket = await connect(url)
        return [await websocket.recv() for _ in range(n)]
    """,
    # Sayaç bütün bağlantılarda ortak (modül düzeyinde).
    "1.4": """
        sayac_app = FastAPI()
        toplam = {"deger": 0}


        @sayac_app.websocket("/sayac")
        async def sayac_endpoint(websocket: WebSocket):
            await websocket.accept()
            try:
                while True:
                    await websocket.receive_text()
                    toplam["deger"] += 1
                    await websocket.send_text(str(toplam["deger"]))
            except WebSocketDisconnect:
                pass
    """,
}

# Sınır mutantları: eski kontrollerin geçirdiği, yargıcın sınır durumlarının yakaladığı yanlışlar.
EDGES = {
    # Boş mesaj yanıtsız kalıyor (boş metin de bir mesajdır).
    "1.1": """
        await websocket.accept()
        try:
            while True:
                mesaj = await websocket.receive_text()
                if mesaj:
                    await websocket.send_text(f"Yankı: {mesaj}")
        except WebSocketDisconnect:
            pass
    """,
    # Sayaç ortak ama her bağlantıda sıfırlanıyor: art arda bağlantılarda doğru, aynı anda açık
    # iki bağlantıda karışır.
    "1.4": """
        sayac_app = FastAPI()
        durum = {"sayac": 0}


        @sayac_app.websocket("/sayac")
        async def sayac_endpoint(websocket: WebSocket):
            await websocket.accept()
            durum["sayac"] = 0
            try:
                while True:
                    await websocket.receive_text()
                    durum["sayac"] += 1
                    await websocket.send_text(str(durum["sayac"]))
            except WebSocketDisconnect:
                pass
    """,
}
