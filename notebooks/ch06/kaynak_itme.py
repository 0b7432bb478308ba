# Kaynak metin, 6.3: sunucudan periyodik mesaj — olduğu gibi.
# Kaynak metin bu parçada önceki bölümlerin `app` ve `connected_clients` adlarını kullanıyor.
# Tek başına içe aktarılabilsin diye yalnızca `app` eklendi; `connected_clients` bilerek eksik.
from fastapi import FastAPI
app = FastAPI()

import asyncio
import random
import datetime

# Rastgele mesajlar listesi
random_messages = [
    "Sunucudan otomatik mesaj: Merhaba!",
    "Sunucudan bilgi: Sistem çalışıyor.",
    "Sunucudan uyarı: Bakım zamanı yaklaşıyor.",
    "Sunucudan duyuru: Yeni özellikler eklendi!",
    "Sunucudan bildirim: Şu an aktif kullanıcı sayısı artıyor."
]

# Periyodik olarak rastgele mesaj gönderen fonksiyon
async def send_random_messages():
    while True:
        if connected_clients:  # Bağlı istemci varsa
            # Rastgele bir mesaj seç
            message = random.choice(random_messages)
            # Zaman bilgisi ekle
            timed_message = f"{message} [{datetime.datetime.now().strftime('%H:%M:%S')}]"
            
            print(f"Rastgele mesaj gönderiliyor: {timed_message}")
            
            # Tüm bağlı istemcilere gönder
            for client in connected_clients:
                try:
                    await client.send_text(f"SUNUCU: {timed_message}")
                except Exception as e:
                    print(f"Mesaj gönderme hatası: {e}")
        
        # 5 saniye bekle
        await asyncio.sleep(5)

# Uygulama başladığında periyodik mesaj gönderme görevini başlat
@app.on_event("startup")
async def startup():
    # Arka planda çalışacak bir görev olarak başlat
    asyncio.create_task(send_random_messages())
    print("Periyodik mesaj gönderme görevi başlatıldı")
