"""Lab 1 için makul yanlış cevaplar."""

WRONG = {
    # `sonra` gönderilmiyor: her yanıt bütün olayları yeniden getirir, olaylar tekrar tekrar eklenir.
    "1.1": """
        gorulen = []
        async with httpx.AsyncClient() as client:
            while not gorulen or gorulen[-1] < son_id:
                yanit = await client.get(url)
                for olay in yanit.json():
                    gorulen.append(olay["id"])
                await asyncio.sleep(aralik)
        return gorulen
    """,
    # Gecikme saniye cinsinden (1000 ile çarpılmamış).
    "1.2": """
        sonuc = []
        async with connect(url) as websocket:
            for _ in range(n):
                olay = json.loads(await websocket.recv())
                sonuc.append(time.time() - olay["t"])
        return sonuc
    """,
    # Mesajlar doğru ama bağlantı hiç kapatılmıyor.
    "1.3": """
        websocket = await connect(url)
        return [await websocket.recv() for _ in range(n)]
    """,
    # HTTP alışkanlığı: her mesaj için yeni bağlantı, ad her seferinde yeniden söyleniyor.
    "1.4": """
        yanitlar = []
        for mesaj in mesajlar:
            async with connect(url) as websocket:
                await websocket.send(ad)
                await websocket.send(mesaj)
                yanitlar.append(await websocket.recv())
        return yanitlar
    """,
}

# Sınırı kaçıran yanlış cevaplar: görünür durumlarda da kalmalılar (tests/test_checks_edges.py).
MUTANTS = {
    "1.1": [
        # Olaylar doğru (tekrarlar ayıklanıyor) ama `sonra` hiç gönderilmiyor.
        """
        gorulen = []
        async with httpx.AsyncClient() as client:
            while not gorulen or gorulen[-1] < son_id:
                for olay in (await client.get(url)).json():
                    if olay["id"] not in gorulen:
                        gorulen.append(olay["id"])
                await asyncio.sleep(aralik)
        return gorulen
    """,
        # Beklemeden yoklama: sunucu boş yanıtlarla boğulur.
        """
        gorulen = []
        async with httpx.AsyncClient() as client:
            while not gorulen or gorulen[-1] < son_id:
                son = gorulen[-1] if gorulen else 0
                for olay in (await client.get(url, params={"sonra": son})).json():
                    gorulen.append(olay["id"])
        return gorulen
    """,
        # Son olayı görünce durmuyor: bir tur daha bekleyip bir istek daha gönderiyor.
        """
        gorulen = []
        async with httpx.AsyncClient() as client:
            for _ in range(1000):
                son = gorulen[-1] if gorulen else 0
                yanit = await client.get(url, params={"sonra": son})
                bitti = bool(gorulen) and gorulen[-1] >= son_id
                if bitti:
                    return gorulen
                gorulen.extend(olay["id"] for olay in yanit.json())
                await asyncio.sleep(aralik)
        return gorulen
    """,
    ],
    "1.2": [
        # Önce bütün mesajlar toplanıyor, gecikme sonra hesaplanıyor: bekleme süresi gecikmeye eklenir.
        """
        async with connect(url) as websocket:
            mesajlar = [await websocket.recv() for _ in range(n)]
        simdi = time.time()
        return [(simdi - json.loads(mesaj)["t"]) * 1000 for mesaj in mesajlar]
    """,
        # Her mesaj için yeni bağlantı: sunucu her bağlantıda olayları baştan iter.
        """
        sonuc = []
        for _ in range(n):
            async with connect(url) as websocket:
                olay = json.loads(await websocket.recv())
                sonuc.append((time.time() - olay["t"]) * 1000)
        return sonuc
    """,
    ],
    "1.4": [
        # Tek bağlantı ama ad her mesajdan önce yeniden gönderiliyor (HTTP'deki gibi).
        """
        yanitlar = []
        async with connect(url) as websocket:
            for mesaj in mesajlar:
                await websocket.send(ad)
                await websocket.send(mesaj)
                yanitlar.append(await websocket.recv())
        return yanitlar
    """,
    ],
}

# Sınır mutantları: eski kontrollerin geçirdiği, yargıcın sınır durumlarının yakaladığı yanlışlar.
EDGES = {
    "1.1": MUTANTS["1.1"][0],
    "1.2": MUTANTS["1.2"][0],
    "1.4": MUTANTS["1.4"][0],
}
