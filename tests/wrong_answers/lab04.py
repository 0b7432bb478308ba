"""Lab 4 için makul yanlış cevaplar: bölümün uyardığı tipik hatalar."""

WRONG = {
    # `async def` içinde `time.sleep`: bekleme event loop'u kilitler, üç istemci sırayla hizmet alır.
    "4.1": """
        await websocket.accept()
        try:
            while True:
                mesaj = await websocket.receive_text()
                time.sleep(0.5)
                await websocket.send_text(f"rapor hazır: {mesaj}")
        except WebSocketDisconnect:
            pass
    """,
    # Döngüde tek tek `await`: sonuçlar doğru sırada ama istekler sırayla gidiyor.
    "4.2": """
        yanitlar = []
        for mesaj in mesajlar:
            yanitlar.append(await tek_getir(url, mesaj))
        return yanitlar
    """,
    # `await asyncio.create_task(...)`: görev de aynı loop'ta çalışır, hesap loop'u yine kilitler.
    "4.3": """
        async def arka_planda():
            return cpu_isi(float(mesaj))

        await asyncio.create_task(arka_planda())
    """,
    # Zaman aşımı mesaja değil bütün bağlantıya konmuş: ilk yavaş mesajda bağlantı biter.
    "4.4": """
        await websocket.accept()
        try:
            async with asyncio.timeout(ZAMAN_ASIMI):
                while True:
                    mesaj = await websocket.receive_text()
                    await websocket.send_text(await dis_servis(mesaj))
        except TimeoutError:
            await websocket.send_text("zaman aşımı")
        except WebSocketDisconnect:
            pass
    """,
    # `send_text` düzeltilmiş ama `kaydet(...)` hâlâ await edilmiyor: günlüğe hiçbir şey yazılmaz.
    "4.5": """
        kaydet(mesaj)
        await websocket.send_text(f"kaydedildi: {mesaj}")
    """,
}

# Sınırları deneyen ek yanlış cevaplar (``tests/test_checks_edges.py``).
MUTANTS = {
    "4.1": [
        # Bekleme yanıttan sonra: ilk yanıt hemen gelir, sorgu taklidi anlamını yitirir.
        """
        await websocket.accept()
        try:
            while True:
                mesaj = await websocket.receive_text()
                await websocket.send_text(f"rapor hazır: {mesaj}")
                await asyncio.sleep(0.5)
        except WebSocketDisconnect:
            pass
        """,
    ],
    "4.2": [
        # Yanıtlar bitiş sırasıyla toplanıyor (`as_completed`): sıra mesajlarınki değil.
        """
        yanitlar = []
        for gelecek in asyncio.as_completed([tek_getir(url, mesaj) for mesaj in mesajlar]):
            yanitlar.append(await gelecek)
        return yanitlar
        """,
        # Mesaj başına sözlük: aynı mesaj iki kez gelince bir yanıt kaybolur.
        """
        sonuc = dict(zip(mesajlar, await asyncio.gather(*(tek_getir(url, m) for m in set(mesajlar)))))
        return [sonuc[m] for m in mesajlar]
        """,
        # `asyncio.wait` boş kümeyle çağrılamaz: boş listede ValueError.
        """
        gorevler = [asyncio.create_task(tek_getir(url, mesaj)) for mesaj in mesajlar]
        await asyncio.wait(gorevler)
        return [gorev.result() for gorev in gorevler]
        """,
    ],
    "4.4": [
        # Sınır sabit yazılmış (0,5 sn): ZAMAN_ASIMI'nın altında kalan 0,6 sn'lik yanıt da kesilir.
        """
        await websocket.accept()
        try:
            while True:
                mesaj = await websocket.receive_text()
                try:
                    async with asyncio.timeout(0.5):
                        yanit = await dis_servis(mesaj)
                except TimeoutError:
                    yanit = "zaman aşımı"
                await websocket.send_text(yanit)
        except WebSocketDisconnect:
            pass
        """,
        # Süre tahmin ediliyor: servisi hiç çağırmadan "zaman aşımı" deniyor.
        """
        await websocket.accept()
        try:
            while True:
                mesaj = await websocket.receive_text()
                if float(mesaj) > ZAMAN_ASIMI:
                    await websocket.send_text("zaman aşımı")
                else:
                    await websocket.send_text(await dis_servis(mesaj))
        except WebSocketDisconnect:
            pass
        """,
    ],
    "4.5": [
        # Yanıt kayıttan önce gidiyor ve kayıt bir göreve bırakılıyor; gunluk eksik kalabilir.
        """
        asyncio.ensure_future(kaydet(mesaj))
        await websocket.send_text(f"kaydedildi: {mesaj}")
        """,
    ],
}

# Toplu notlandırmada denenen sınır mutantları (her biri yalnızca kendi alıştırmasında kalmalı).
EDGES = {
    "4.2": MUTANTS["4.2"][2],
    "4.4": MUTANTS["4.4"][0],
}
