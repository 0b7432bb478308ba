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
