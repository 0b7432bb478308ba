"""Lab 6 için makul yanlış cevaplar: çoğu, kaynak metnin kendi kusurları."""

WRONG = {
    # Kaynak metin gibi: temizlik yalnızca `except WebSocketDisconnect` içinde; bozuk JSON hayalet üye bırakır.
    "6.1": """
        await websocket.accept()
        katilim_odalari.setdefault(oda, set()).add(websocket)
        try:
            while True:
                mesaj = json.loads(await websocket.receive_text())
                if mesaj.get("type") == "ping":
                    uye_sayisi = len(katilim_odalari[oda])
                    await websocket.send_text(json.dumps({"type": "pong", "members": uye_sayisi}))
        except WebSocketDisconnect:
            katilim_odalari[oda].discard(websocket)
            if not katilim_odalari[oda]:
                del katilim_odalari[oda]
    """,
    # Kaynak metnin sohbet yayını gibi: gönderen de kendi mesajını geri alır.
    "6.2": """
        await websocket.accept()
        uyeler = yayin_odalari.setdefault(oda, set())
        uyeler.add(websocket)
        await websocket.send_text(f"katıldın: {oda}")
        try:
            while True:
                mesaj = await websocket.receive_text()
                for uye in tuple(uyeler):
                    await uye.send_text(f"{ad}: {mesaj}")
        except WebSocketDisconnect:
            pass
        finally:
            uyeler.discard(websocket)
    """,
    # Kaynak metnin `asyncio.gather` yayını: en yavaş üyeyi bekler, okumayan üye odayı durdurur.
    "6.3": """
        await websocket.accept()
        uyeler = kuyruk_odalari.setdefault(oda, {})
        uyeler[websocket] = asyncio.Queue(maxsize=KUYRUK_BOYU)
        await websocket.send_text(f"katıldın: {oda}")
        try:
            while True:
                mesaj = await websocket.receive_text()
                digerleri = [uye for uye in tuple(uyeler) if uye is not websocket]
                await asyncio.gather(*(uye.send_text(f"{ad}: {mesaj}") for uye in digerleri))
        except WebSocketDisconnect:
            pass
        finally:
            uyeler.pop(websocket, None)
    """,
    # Kaynak metin gibi: sistem mesajı da istemcinin union'ında; istemci sunucu adına konuşabilir.
    "6.4": """
        class IstemciModeli(BaseModel):
            model_config = ConfigDict(extra="forbid")


        class Katil(IstemciModeli):
            type: Literal["join_room"]
            room_id: str = Field(min_length=1, max_length=50)


        class Ayril(IstemciModeli):
            type: Literal["leave_room"]
            room_id: str = Field(min_length=1, max_length=50)


        class OdaMesaji(IstemciModeli):
            type: Literal["room_message"]
            room_id: str = Field(min_length=1, max_length=50)
            message: str = Field(max_length=200)

            @field_validator("message")
            @classmethod
            def bos_olamaz(cls, deger: str) -> str:
                deger = deger.strip()
                if not deger:
                    raise ValueError("boş olamaz")
                return deger


        class Sistem(IstemciModeli):
            type: Literal["system"]
            message: str


        GelenMesaj = TypeAdapter(Annotated[Katil | Ayril | OdaMesaji | Sistem, Field(discriminator="type")])
    """,
    # Hata yanıtları doğru ama `receive_text()`: ikili mesaj bağlantıyı koparır.
    "6.5": """
        await websocket.accept()
        try:
            while True:
                metin = await websocket.receive_text()
                try:
                    hamle = hamle_adapter.validate_json(metin)
                except ValidationError as exc:
                    hatalar = [
                        {"field": ".".join(str(p) for p in hata["loc"]) or "json", "problem": hata["msg"]}
                        for hata in exc.errors()
                    ]
                    await websocket.send_text(json.dumps({"type": "error", "errors": hatalar}))
                else:
                    await websocket.send_text(json.dumps({"type": "ok", "x": hamle.x, "y": hamle.y}))
        except WebSocketDisconnect:
            pass
    """,
    # Sıra numarası listenin boyundan: kapasite dolunca aynı numara tekrar tekrar verilir.
    "6.6": """
        class Gecmis:
            def __init__(self, kapasite):
                self.mesajlar = deque(maxlen=kapasite)

            def ekle(self, ad, mesaj):
                kayit = {"sequence": len(self.mesajlar) + 1, "username": ad, "message": mesaj}
                self.mesajlar.append(kayit)
                return kayit

            def sonrakiler(self, son):
                yeni = [kayit for kayit in self.mesajlar if kayit["sequence"] > son]
                return {"type": "history", "messages": yeni, "eksik": False}
    """,
    # Kaynak metnin `on_event("startup")`'ı gibi: görev başlatılıyor ama hiç durdurulmuyor.
    "6.7": """
        asyncio.create_task(duyur())
        yield
    """,
}

# Sınırları deneyen ek yanlış cevaplar (``tests/test_checks_edges.py``).
_MODELS = """
class IstemciModeli(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Katil(IstemciModeli):
    type: Literal["join_room"]
    room_id: str = Field(min_length={join_min}, max_length=50)


class Ayril(IstemciModeli):
    type: Literal["leave_room"]
    room_id: str = Field(min_length=1, max_length={leave_max})


class OdaMesaji({message_base}):
    type: Literal["room_message"]
    room_id: str = Field(min_length={message_min}, max_length=50)
    message: str = Field(max_length={message_max})

    @field_validator("message")
    @classmethod
    def bos_olamaz(cls, deger: str) -> str:
        {strip}
        if not deger.strip():
            raise ValueError("boş olamaz")
        return deger


GelenMesaj = TypeAdapter(Annotated[Katil | Ayril | OdaMesaji, Field(discriminator="type")])
"""


def _models(**changes: object) -> str:
    fields = {
        "join_min": 1,
        "leave_max": 50,
        "message_min": 1,
        "message_max": 200,
        "message_base": "IstemciModeli",
        "strip": "deger = deger.strip()",
    }
    fields.update(changes)
    return _MODELS.format(**fields)


_HISTORY = """
class Gecmis:
    def __init__(self, kapasite):
        self.mesajlar = {store}
        self.kapasite = kapasite
        self.son_sira = 0

    def ekle(self, ad, mesaj):
        self.son_sira += 1
        kayit = {{"sequence": self.son_sira, "username": ad, "message": mesaj}}
        self.mesajlar.append(kayit)
        return kayit

    def sonrakiler(self, son):
        yeni = [kayit for kayit in self.mesajlar if kayit["sequence"] > son]
        en_eski = self.mesajlar[0]["sequence"] if self.mesajlar else self.son_sira + 1
        return {{"type": "history", "messages": yeni, "eksik": {missing}}}
"""

# 6.5: hata yanıtının gövdesi; ``{field}`` ``hata`` adlı pydantic hatasından `field` değerini üretir.
_ERRORS = """
await websocket.accept()
while True:
    olay = await websocket.receive()
    if olay["type"] == "websocket.disconnect":
        break
    if olay.get("text") is None:
        hatalar = [{{"field": "frame", "problem": "ikili mesaj kabul edilmiyor"}}]
    else:
        try:
            hamle = hamle_adapter.validate_json(olay["text"])
        except ValidationError as exc:
            hatalar = [{{"field": {field}, "problem": {problem}}} for hata in exc.errors()]
        else:
            await websocket.send_text(json.dumps({{"type": "ok", "x": hamle.x, "y": hamle.y}}))
            continue
    await websocket.send_text(json.dumps({{"type": "error", "errors": hatalar}}, ensure_ascii=False))
"""

MUTANTS = {
    "6.1": [
        # Bölümün okuma döngüsü gibi bozuk JSON'u yakalayıp yanıtlıyor (doğru), ama temizlik yalnızca
        # `except WebSocketDisconnect` içinde: ikili mesajda `receive_text()`'in hatası hayalet üye bırakır.
        """
        await websocket.accept()
        katilim_odalari.setdefault(oda, set()).add(websocket)
        try:
            while True:
                try:
                    mesaj = json.loads(await websocket.receive_text())
                except json.JSONDecodeError:
                    await websocket.send_text(json.dumps({"type": "error", "problem": "geçersiz JSON"}))
                    continue
                if mesaj.get("type") == "ping":
                    uye_sayisi = len(katilim_odalari[oda])
                    await websocket.send_text(json.dumps({"type": "pong", "members": uye_sayisi}))
        except WebSocketDisconnect:
            katilim_odalari[oda].discard(websocket)
            if not katilim_odalari[oda]:
                del katilim_odalari[oda]
        """,
    ],
    "6.4": [
        # Bilinen açık: `min_length=2` — tek harfli bir oda adı reddedilir.
        _models(join_min=2),
        # Yalnızca bir modelde üst sınır bir eksik: 50 karakterlik oda adı `leave_room`'da reddedilir.
        _models(leave_max=49),
        # `room_message`'da oda adı boş olabiliyor (kısıt unutulmuş).
        _models(message_min=0),
        # Mesaj üst sınırı bir eksik: 200 karakterlik mesaj reddedilir.
        _models(message_max=199),
        # Boşluklar atılmıyor: "  selam  " olduğu gibi kalıyor.
        _models(strip="pass"),
    ],
    "6.5": [
        # İkili mesaj `if olay.get("bytes"):` ile ayırt ediliyor: boş ikili mesaj metin sanılır.
        """
        await websocket.accept()
        while True:
            olay = await websocket.receive()
            if olay["type"] == "websocket.disconnect":
                break
            if olay.get("bytes"):
                hatalar = [{"field": "frame", "problem": "ikili mesaj kabul edilmiyor"}]
            else:
                try:
                    hamle = hamle_adapter.validate_json(olay.get("text") or "")
                except ValidationError as exc:
                    hatalar = [
                        {"field": ".".join(str(p) for p in hata["loc"]) or "json", "problem": hata["msg"]}
                        for hata in exc.errors()
                    ]
                else:
                    await websocket.send_text(json.dumps({"type": "ok", "x": hamle.x, "y": hamle.y}))
                    continue
            await websocket.send_text(json.dumps({"type": "error", "errors": hatalar}, ensure_ascii=False))
        """,
        # En doğal cevap: `field` pydantic'in `loc`'u (tuple → JSON listesi). Alanlar için doğru, ama JSON
        # hiç çözülemeyince `loc` boş: "json" yerine `[]` gider.
        _ERRORS.format(field='hata["loc"]', problem='hata["msg"]'),
        # `field` yok, yalnızca sorun: kontrol biçimi söylemeli (çökmemeli).
        _ERRORS.format(field="None", problem='hata["msg"]'),
        # `problem` boş metin.
        _ERRORS.format(field='".".join(map(str, hata["loc"])) or "json"', problem='""'),
    ],
    "6.6": [
        # `eksik` bir eksik hesaplanmış: en eski tutulan mesajın hemen öncesinden isteyen de "eksik" sanılır.
        _HISTORY.format(store="deque(maxlen=kapasite)", missing="son < en_eski"),
        # `eksik` bir fazla: tek bir mesajın atıldığı durum gözden kaçıyor.
        _HISTORY.format(store="deque(maxlen=kapasite)", missing="son < en_eski - 2"),
        # Hiçbir şey atılmıyor (düz liste): geçmiş sınırsız büyür.
        _HISTORY.format(store="[]", missing="son < en_eski - 1"),
    ],
    "6.7": [
        # Görev iptal ediliyor ama beklenmiyor: lifespan, görevin temizliği bitmeden döner.
        """
        gorev = asyncio.create_task(duyur())
        yield
        gorev.cancel()
        """,
    ],
}

PROBLEMS = {
    # Alıştırma → {MUTANTS'taki sıra: geri bildirimin "Sorun:" satırında geçmesi gereken metin}
    # (``tests/test_checks_late.py``).
    "6.1": {0: "hayalet üye"},
    "6.5": {1: "alanları doğru söylemiyor", 2: "beklenen biçimde değil", 3: "beklenen biçimde değil"},
    "6.7": {0: "beklemeden döndü"},
}

# Toplu notlandırmada denenen sınır mutantları (her biri yalnızca kendi alıştırmasında kalmalı).
EDGES = {
    "6.4": MUTANTS["6.4"][0],
    "6.5": MUTANTS["6.5"][0],
    "6.6": MUTANTS["6.6"][0],
}
