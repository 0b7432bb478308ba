"""Lab 4 için makul yanlış cevaplar: bölümün uyardığı tipik hatalar."""

WRONG = {
    # Raporu beklemek: loop bloke değil, ama aynı bağlantının kısa raporu uzun olanı bekliyor.
    "4.1": """
        await websocket.accept()
        try:
            while True:
                mesaj = await websocket.receive_text()
                await websocket.send_text(await rapor_hazirla(mesaj))
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
    # Sınır yok: hepsi aynı anda yola çıkıyor (4.2'nin cevabı).
    "4.5": """
        return await asyncio.gather(*(tek_getir(url, mesaj) for mesaj in mesajlar))
    """,
}

# Sınırları deneyen ek yanlış cevaplar (``tests/test_checks_edges.py``).
MUTANTS = {
    "4.1": [
        # Görevler başlatılıyor ama istemci ayrılınca iptal edilmiyor: 30 saniyelik rapor sahipsiz kalır.
        """
        await websocket.accept()

        async def hazirla_gonder(mesaj):
            await websocket.send_text(await rapor_hazirla(mesaj))

        gorevler = set()
        try:
            while True:
                mesaj = await websocket.receive_text()
                gorev = asyncio.create_task(hazirla_gonder(mesaj))
                gorevler.add(gorev)
                gorev.add_done_callback(gorevler.discard)
        except WebSocketDisconnect:
            pass
        """,
        # `await asyncio.create_task(...)`: görev var ama hemen bekleniyor; sıra yine geliş sırası.
        """
        await websocket.accept()
        try:
            while True:
                mesaj = await websocket.receive_text()
                await asyncio.create_task(websocket.send_text(await rapor_hazirla(mesaj)))
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
        # Gruplar hâlinde: her grup en yavaşını bekliyor, bir istek bitince sıradaki başlamıyor.
        """
        yanitlar = []
        for bas in range(0, len(mesajlar), en_cok):
            grup = mesajlar[bas : bas + en_cok]
            yanitlar += await asyncio.gather(*(tek_getir(url, mesaj) for mesaj in grup))
        return yanitlar
        """,
        # Semaphore her istekte yeniden oluşturuluyor: hiçbir şeyi sınırlamıyor.
        """
        async def bir_tane(mesaj):
            async with asyncio.Semaphore(en_cok):
                return await tek_getir(url, mesaj)

        return await asyncio.gather(*(bir_tane(mesaj) for mesaj in mesajlar))
        """,
        # Sınır bir eksik: `Semaphore(en_cok - 1)`; en_cok = 1'de hiç ilerlemez.
        """
        sinir = asyncio.Semaphore(max(en_cok - 1, 1))

        async def bir_tane(mesaj):
            async with sinir:
                return await tek_getir(url, mesaj)

        return await asyncio.gather(*(bir_tane(mesaj) for mesaj in mesajlar))
        """,
    ],
}

# Toplu notlandırmada denenen sınır mutantları (her biri yalnızca kendi alıştırmasında kalmalı).
EDGES = {
    "4.1": MUTANTS["4.1"][0],
    "4.2": MUTANTS["4.2"][1],
    "4.5": MUTANTS["4.5"][0],
    "4.4": MUTANTS["4.4"][0],
}
