"""Lab 2 için makul yanlış cevaplar: kaynak metnin sunucusunun kendi hataları."""

WRONG = {
    # Yayın göndereni atlamıyor: gönderen kendi mesajını bir de "Başka bir istemciden" olarak alır.
    "2.1": """
        await websocket.accept()
        yayin_istemciler.add(websocket)
        try:
            while True:
                mesaj = await websocket.receive_text()
                await websocket.send_text(f"Mesajınız: {mesaj}")
                for istemci in list(yayin_istemciler):
                    await istemci.send_text(f"Başka bir istemciden: {mesaj}")
        except WebSocketDisconnect:
            pass
        finally:
            yayin_istemciler.discard(websocket)
    """,
    # Liste hiç temizlenmiyor: ayrılan istemciler sayılmaya devam eder.
    "2.2": """
        sayac_app = FastAPI()
        connected_clients = []


        @sayac_app.get("/")
        async def sayac_kok():
            return {"connected_clients": len(connected_clients)}


        @sayac_app.websocket("/ws")
        async def sayac_ws(websocket: WebSocket):
            await websocket.accept()
            connected_clients.append(websocket)
            try:
                while True:
                    mesaj = await websocket.receive_text()
                    await websocket.send_text(f"Mesajınız: {mesaj}")
            except WebSocketDisconnect:
                pass
    """,
    # Kaynak metnin yolu: receive_text + except Exception. İkili mesajda KeyError yutulur,
    # handler close() demeden biter, istemci 1006 görür.
    "2.3": """
        await websocket.accept()
        try:
            while True:
                data = await websocket.receive_text()
                await websocket.send_text(f"Mesajınız: {data}")
        except Exception as e:
            print(f"Hata: {e}")
    """,
    # Kaynak metnin sıralı yayını: zaman sınırı yok, okumayan alıcı herkesi durdurur.
    "2.4": """
        for istemci in list(hizli_istemciler):
            if istemci is not gonderen:
                await istemci.send_text(metin)
    """,
    # Kayıt yalnızca istemci ayrılınca (except WebSocketDisconnect): sunucunun kapattığı
    # bağlantılar ("bitir", ikili mesaj) hiç kaydedilmez.
    "2.5": """
        await websocket.accept()
        try:
            while True:
                mesaj = await websocket.receive()
                if mesaj["type"] == "websocket.disconnect":
                    raise WebSocketDisconnect(mesaj.get("code", 1005))
                if mesaj.get("text") is None:
                    await websocket.close(code=1003, reason="Yalnızca metin mesajları kabul edilir")
                    return
                if mesaj["text"] == "bitir":
                    await websocket.send_text("hoşça kal")
                    await websocket.close(code=1000, reason="Görüşmek üzere")
                    return
                await websocket.send_text(mesaj["text"])
        except WebSocketDisconnect as exc:
            kapanislar.append(["istemci", exc.code])
    """,
}

WRONG["2.6"] = """
    # Yalnızca yankıyı sınayan test: ikili mesajın 1003 ile reddedildiğini hiç denetlemiyor.
    client = TestClient(app)
    with client.websocket_connect("/ws") as websocket:
        websocket.send_text("merhaba")
        assert websocket.receive_text() == "Mesajınız: merhaba"
"""

# Sınırı kaçıran yanlış cevaplar: görünür durumlarda da kalmalılar (tests/test_checks_edges.py).
MUTANTS = {
    "2.1": [
        # Ayrılan istemci kümeden hiç çıkarılmıyor: ona gönderim hata verir, gönderenin handler'ı biter.
        """
        await websocket.accept()
        yayin_istemciler.add(websocket)
        try:
            while True:
                mesaj = await websocket.receive_text()
                await websocket.send_text(f"Mesajınız: {mesaj}")
                for istemci in list(yayin_istemciler):
                    if istemci is not websocket:
                        await istemci.send_text(f"Başka bir istemciden: {mesaj}")
        except WebSocketDisconnect:
            pass
    """,
    ],
    # Yalnızca zaman aşımı yakalanıyor: kaybolan alıcıya gönderim `WebSocketDisconnect` fırlatır,
    # hata yayından çıkar ve gönderenin bağlantısını düşürür ("hata göndereni etkilemesin" tutmaz).
    "2.3": [
        # Ayrılış ayırt edilmiyor: disconnect mesajında da "text" yok, ayrılmış bağlantı 1003 ile
        # kapatılmaya çalışılır ve receive() yeniden çağrılır.
        """
        await websocket.accept()
        while True:
            mesaj = await websocket.receive()
            if mesaj.get("text") is None:
                await websocket.close(code=1003, reason="Yalnızca metin mesajları kabul edilir")
                continue
            await websocket.send_text(f"Mesajınız: {mesaj['text']}")
    """,
    ],
    "2.4": [
        """
        for istemci in list(hizli_istemciler):
            if istemci is gonderen:
                continue
            try:
                await asyncio.wait_for(istemci.send_text(metin), timeout=SEND_TIMEOUT)
            except TimeoutError:
                hizli_istemciler.discard(istemci)
    """,
    ],
    "2.6": [
        # Kapanış bekleniyor ama kodu denetlenmiyor: 1000 ile kapatan endpoint de geçer.
        """
        client = TestClient(app)
        with client.websocket_connect("/ws") as websocket:
            websocket.send_text("merhaba")
            assert websocket.receive_text() == "Mesajınız: merhaba"
            websocket.send_bytes(b"\\x00")
            try:
                websocket.receive_text()
            except WebSocketDisconnect:
                pass
            else:
                raise AssertionError("kapanmadı")
    """,
        # Yanıtın yalnızca mesajı içerdiğine bakılıyor: öneksiz yankı da geçer.
        """
        client = TestClient(app)
        with client.websocket_connect("/ws") as websocket:
            websocket.send_text("merhaba")
            assert "merhaba" in websocket.receive_text()
            websocket.send_bytes(b"\\x00")
            try:
                websocket.receive_text()
            except WebSocketDisconnect as exc:
                assert exc.code == 1003
            else:
                raise AssertionError("kapanmadı")
    """,
    ],
    "2.5": [
        # close()'tan sonra döngü sürüyor: bir sonraki receive_text() sunucunun kendi kapanışını
        # WebSocketDisconnect(1000) olarak verir ve bir de "istemci" kaydı eklenir.
        """
        await websocket.accept()
        try:
            while True:
                mesaj = await websocket.receive()
                if mesaj["type"] == "websocket.disconnect":
                    raise WebSocketDisconnect(mesaj.get("code", 1005))
                if mesaj.get("text") is None:
                    await websocket.close(code=1003, reason="Yalnızca metin mesajları kabul edilir")
                    kapanislar.append(["sunucu", 1003])
                elif mesaj["text"] == "bitir":
                    await websocket.send_text("hoşça kal")
                    await websocket.close(code=1000, reason="Görüşmek üzere")
                    kapanislar.append(["sunucu", 1000])
                else:
                    await websocket.send_text(mesaj["text"])
        except WebSocketDisconnect as exc:
            kapanislar.append(["istemci", exc.code])
    """,
        # Aynı hata, kayıt finally'de: close()'tan sonra okunan kapanış kaydı "istemci" yapar.
        """
        await websocket.accept()
        kim, kod = "istemci", 1005
        try:
            while True:
                metin = await websocket.receive_text()
                if metin == "bitir":
                    kim, kod = "sunucu", 1000
                    await websocket.send_text("hoşça kal")
                    await websocket.close(code=1000, reason="Görüşmek üzere")
                else:
                    await websocket.send_text(metin)
        except WebSocketDisconnect as exc:
            kim, kod = "istemci", exc.code
        except KeyError:
            kim, kod = "sunucu", 1003
            await websocket.close(code=1003, reason="Yalnızca metin mesajları kabul edilir")
        finally:
            kapanislar.append([kim, kod])
    """,
    ],
}

# Sınır mutantları: eski kontrollerin geçirdiği, yargıcın sınır durumlarının yakaladığı yanlışlar.
EDGES = {
    "2.4": MUTANTS["2.4"][0],
    # Boş metin mesajı ikili sanılıp reddediliyor.
    "2.3": """
        await websocket.accept()
        while True:
            mesaj = await websocket.receive()
            if mesaj["type"] == "websocket.disconnect":
                return
            if not mesaj.get("text"):
                await websocket.close(code=1003, reason="Yalnızca metin mesajları kabul edilir")
                return
            await websocket.send_text(f"Mesajınız: {mesaj['text']}")
    """,
    # İstemcinin kapanış kodu sabit 1000 yazılıyor: 1001 ya da 4xxx ile kapatan istemci yanlış kaydedilir.
    "2.5": """
        await websocket.accept()
        kim, kod = "istemci", 1000
        try:
            while True:
                mesaj = await websocket.receive()
                if mesaj["type"] == "websocket.disconnect":
                    break
                if mesaj.get("text") is None:
                    kim, kod = "sunucu", 1003
                    await websocket.close(code=1003, reason="Yalnızca metin mesajları kabul edilir")
                    break
                if mesaj["text"] == "bitir":
                    kim, kod = "sunucu", 1000
                    await websocket.send_text("hoşça kal")
                    await websocket.close(code=1000, reason="Görüşmek üzere")
                    break
                await websocket.send_text(mesaj["text"])
        except WebSocketDisconnect:
            kim, kod = "istemci", 1000
        finally:
            kapanislar.append([kim, kod])
    """,
}
