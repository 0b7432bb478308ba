"""Lab 3 için makul yanlış cevaplar (bölümün uyardığı hatalar).

``WRONG``: alıştırma başına bir yanlış cevap (toplu notlandırmayla denenir).
``MUTANTS``: sınırları deneyen ek yanlış cevaplar (``tests/test_checks_edges.py``).
"""

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
                    await websocket.send(await giden.get())

            listener = asyncio.create_task(listen())
            sender = asyncio.create_task(send())
            await asyncio.wait([listener, sender], return_when=asyncio.FIRST_COMPLETED)
        return received
    """,
    # Kaynak metnin köprüsü: ilk gelen mesaj "yanıt", zaman aşımı yok, her hata 500.
    "3.4": """
        try:
            async with connect(hedef_url) as websocket:
                await websocket.send(message)
                response = await websocket.recv()
                return {"sent": message, "response": response}
        except Exception as e:
            raise HTTPException(status_code=500, detail=f"WebSocket hatası: {e}")
    """,
}

MUTANTS = {
    "3.1": [
        # Boş metin ve `{}` gözden kaçmış: "doğruluk" sınaması boş nesneyi metin sayar.
        """
        if isinstance(message, bytes):
            return ("ikili", message)
        try:
            data = json.loads(message)
        except json.JSONDecodeError:
            return ("metin", message)
        if data and isinstance(data, dict):
            return ("json", data)
        return ("metin", message)
        """,
        # Yalnızca '{' ile başlayan metin JSON'a gönderiliyor: baştaki boşluk unutulmuş.
        """
        if isinstance(message, bytes):
            return ("ikili", message)
        if message.startswith("{"):
            try:
                return ("json", json.loads(message))
            except json.JSONDecodeError:
                pass
        return ("metin", message)
        """,
    ],
    "3.2": [
        # Son başarısız denemeden sonra da bekleniyor (tek denemede bile).
        """
        for attempt in range(attempts):
            try:
                return await connect(url)
            except (OSError, InvalidStatus):
                await asyncio.sleep(min(base_delay * 2**attempt, max_delay))
        raise ConnectionError(f"{attempts} denemede bağlanılamadı: {url}")
        """,
        # Bir deneme eksik: `range(attempts - 1)`.
        """
        for attempt in range(attempts - 1):
            try:
                return await connect(url)
            except (OSError, InvalidStatus):
                if attempt == attempts - 2:
                    break
                await asyncio.sleep(min(base_delay * 2**attempt, max_delay))
        raise ConnectionError(f"{attempts} denemede bağlanılamadı: {url}")
        """,
        # Doğrusal büyüme (eşit jitter'ın alt sınırına ancak beşinci beklemede düşer).
        """
        for attempt in range(attempts):
            try:
                return await connect(url)
            except (OSError, InvalidStatus):
                if attempt == attempts - 1:
                    break
                await asyncio.sleep(min(base_delay * (attempt + 1), max_delay))
        raise ConnectionError(f"{attempts} denemede bağlanılamadı: {url}")
        """,
        # Jitter'lı ama tavansız: eşit jitter doğru, tavan unutulmuş.
        """
        import random

        for attempt in range(attempts):
            try:
                return await connect(url)
            except (OSError, InvalidStatus):
                if attempt == attempts - 1:
                    break
                d = base_delay * 2**attempt
                await asyncio.sleep(random.uniform(d / 2, d))
        raise ConnectionError(f"{attempts} denemede bağlanılamadı: {url}")
        """,
        # Sabit tavan yerine sabit 2 kat: tavan hiç uygulanmıyor ama üs bir eksik.
        """
        for attempt in range(attempts):
            try:
                return await connect(url)
            except (OSError, InvalidStatus):
                if attempt == attempts - 1:
                    break
                await asyncio.sleep(min(base_delay * 2 ** (attempt + 1), max_delay))
        raise ConnectionError(f"{attempts} denemede bağlanılamadı: {url}")
        """,
    ],
    "3.3": [
        # İki görev `gather` ile bekleniyor: gönderici hiç bitmediği için fonksiyon dönmez.
        """
        received = []
        async with connect(url) as websocket:

            async def listen():
                async for message in websocket:
                    received.append(message)

            async def send():
                while True:
                    await websocket.send(await giden.get())

            await asyncio.gather(listen(), send())
        return received
        """,
        # Önce bir satır bekleyip sonra okuyor: hiç mesaj gelmezse sonsuza dek bekler.
        """
        received = []
        async with connect(url) as websocket:
            received.append(await websocket.recv())
            try:
                while True:
                    await websocket.send(await giden.get())
                    received.append(await websocket.recv())
            except ConnectionClosed:
                pass
        return received
        """,
    ],
    "3.4": [
        # Kendi yankısı yerine "Yankı:" ile başlayan ilk mesaj yanıt sayılıyor.
        """
        try:
            async with asyncio.timeout(1):
                async with connect(hedef_url) as websocket:
                    await websocket.send(message)
                    async for reply in websocket:
                        if reply.startswith("Yankı:"):
                            return {"sent": message, "response": reply}
        except TimeoutError:
            raise HTTPException(504, "Hedef sunucu 1 saniyede yanıt vermedi.") from None
        except (OSError, InvalidStatus):
            raise HTTPException(502, "Hedef sunucuya bağlanılamadı; kapalı olabilir.") from None
        except ConnectionClosed:
            pass
        raise HTTPException(502, "Hedef sunucu yanıt vermeden bağlantıyı kapattı.")
        """,
        # `except` sırası ters: TimeoutError bir OSError olduğu için 504 yerine 502 döner.
        """
        expected = f"Yankı: {message}"
        try:
            async with asyncio.timeout(1):
                async with connect(hedef_url) as websocket:
                    await websocket.send(message)
                    async for reply in websocket:
                        if reply == expected:
                            return {"sent": message, "response": reply}
        except (OSError, InvalidStatus):
            raise HTTPException(502, "Hedef sunucuya bağlanılamadı; kapalı olabilir.") from None
        except TimeoutError:
            raise HTTPException(504, "Hedef sunucu 1 saniyede yanıt vermedi.") from None
        except ConnectionClosed:
            pass
        raise HTTPException(502, "Hedef sunucu yanıt vermeden bağlantıyı kapattı.")
        """,
    ],
}

# Toplu notlandırmada denenen sınır mutantları (her biri yalnızca kendi alıştırmasında kalmalı).
EDGES = {
    "3.1": MUTANTS["3.1"][0],
    "3.2": MUTANTS["3.2"][0],
    "3.4": MUTANTS["3.4"][0],
}
