"""Lab 3 için makul yanlış cevaplar (bölümün uyardığı hatalar)."""

WRONG = {
    # Ayrıştırılabilen her şey JSON sayılmış: '42' ve içinde JSON olan bytes da "json" olur.
    "3.1": """
        try:
            return ("json", json.loads(message))
        except json.JSONDecodeError:
            if isinstance(message, bytes):
                return ("ikili", message)
            return ("metin", message)
    """,
    # Kaynak metnin formülü: tavan yok, bekleme sınırsız büyür.
    "3.2": """
        for attempt in range(attempts):
            try:
                return await connect(url)
            except (OSError, InvalidStatus):
                if attempt == attempts - 1:
                    break
                await asyncio.sleep(base_delay * 2**attempt)
        raise ConnectionError(f"{attempts} denemede bağlanılamadı: {url}")
    """,
    # Kaynak metindeki gibi: ilk biten görevden sonra kalan görev iptal edilmiyor.
    "3.3": """
        received = []
        async with connect(url) as websocket:

            async def listen():
                async for message in websocket:
                    received.append(message)

            async def send():
                while True:
                    await websocket.send(await outgoing.get())

            listener = asyncio.create_task(listen())
            sender = asyncio.create_task(send())
            await asyncio.wait([listener, sender], return_when=asyncio.FIRST_COMPLETED)
        return received
    """,
    # Kaynak metnin köprüsü: ilk gelen mesaj "yanıt", zaman aşımı yok, her hata 500.
    "3.4": """
        try:
            async with connect(request.app.state.hedef_url) as websocket:
                await websocket.send(message)
                response = await websocket.recv()
                return {"sent": message, "response": response}
        except Exception as e:
            raise HTTPException(status_code=500, detail=f"WebSocket hatası: {e}")
    """,
}
