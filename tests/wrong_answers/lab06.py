"""Lab 6 için makul yanlış cevaplar: çoğu, kaynak metnin kendi kusurları."""

WRONG = {
    # Kaynak metin gibi: temizlik yalnız `except WebSocketDisconnect` içinde; bozuk JSON hayalet üye bırakır.
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
    # Hata yanıtları doğru ama `receive_text()`: ikili çerçeve bağlantıyı koparır.
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
    # Toplam sayfa aşağı yuvarlanmış: 45 mesaj / 20 → 2 sayfa (son 5 mesaj kayboluyor).
    "6.6": """
        class Gecmis:
            def __init__(self):
                self.mesajlar = []
                self.son_sira = 0

            def ekle(self, ad, mesaj):
                self.son_sira += 1
                kayit = {"sequence": self.son_sira, "username": ad, "message": mesaj}
                self.mesajlar.append(kayit)
                return kayit

            def sayfa(self, page, page_size):
                toplam = len(self.mesajlar)
                bitis = toplam - (page - 1) * page_size
                return {
                    "type": "message_history",
                    "page": page,
                    "page_size": page_size,
                    "total": toplam,
                    "total_pages": toplam // page_size,
                    "messages": self.mesajlar[max(bitis - page_size, 0) : max(bitis, 0)],
                }
    """,
    # Kaynak metnin `on_event("startup")`'ı gibi: görev başlatılıyor ama hiç durdurulmuyor.
    "6.7": """
        asyncio.create_task(duyur())
        yield
    """,
}
