"""7.6 Birden çok işçi süreçte yayın.

Terminalde (notebooks/ klasöründe, önce bir Redis sunucusu başlatıp):

    REDIS_URL=redis://127.0.0.1:6379/0 uvicorn ch07.yayin:app --host 127.0.0.1 --port 8000 --workers 2

İki endpoint:

- /yerel  yayını bu sürecin kümesindeki bağlantılara gönderir; süreçler arasında paylaşılan
          bir durum yoktur (5. ve 6. bölümdeki sunucular gibi).
- /ortak  her mesajı Redis'teki "sohbet" kanalına yayımlar. Her işçi süreç o kanala abonedir
          ve kanaldan gelen her mesajı kendi bağlantılarına iletir; böylece mesaj hangi
          süreçte doğarsa doğsun herkese ulaşır.

Bağlanan her istemciye ilk mesaj olarak bu işçinin pid'i gönderilir: hangi sürece
düştüğünü görebilsin diye.
"""

import asyncio
import contextlib
import json
import os
from contextlib import asynccontextmanager

import redis.asyncio as redis
from fastapi import FastAPI, WebSocket, WebSocketDisconnect

KANAL = "sohbet"
yerel_baglantilar: set[WebSocket] = set()   # yalnızca bu süreçtekiler
ortak_baglantilar: set[WebSocket] = set()   # yalnızca bu süreçtekiler; mesajlar Redis'ten gelir


async def bu_surece_yay(baglantilar: set[WebSocket], mesaj: str) -> None:
    for baglanti in list(baglantilar):
        try:
            await asyncio.wait_for(baglanti.send_text(mesaj), timeout=1)
        except Exception:
            baglantilar.discard(baglanti)   # gönderilemeyen (kopmuş, okumayan) bağlantıyı bırak


async def redis_dinle(pubsub) -> None:
    # Kanaldan gelen her mesaj bu sürecin bağlantılarına gider (kendi yayımladıklarımız dahil).
    async for olay in pubsub.listen():
        if olay["type"] == "message":
            await bu_surece_yay(ortak_baglantilar, olay["data"])


@asynccontextmanager
async def lifespan(app: FastAPI):
    istemci = redis.from_url(os.environ["REDIS_URL"], decode_responses=True)
    pubsub = istemci.pubsub()
    await pubsub.subscribe(KANAL)           # abonelik, ilk bağlantıdan önce hazır
    dinleyici = asyncio.create_task(redis_dinle(pubsub))
    app.state.redis = istemci
    try:
        yield
    finally:
        dinleyici.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await dinleyici
        await pubsub.aclose()
        await istemci.aclose()


app = FastAPI(lifespan=lifespan)


async def kabul_et(websocket: WebSocket) -> None:
    await websocket.accept()
    await websocket.send_text(json.dumps({"pid": os.getpid()}))


@app.websocket("/yerel")
async def yerel(websocket: WebSocket):
    await kabul_et(websocket)
    yerel_baglantilar.add(websocket)
    try:
        while True:
            mesaj = await websocket.receive_text()
            await bu_surece_yay(yerel_baglantilar, mesaj)
    except WebSocketDisconnect:
        pass
    finally:
        yerel_baglantilar.discard(websocket)


@app.websocket("/ortak")
async def ortak(websocket: WebSocket):
    await kabul_et(websocket)
    ortak_baglantilar.add(websocket)
    try:
        while True:
            mesaj = await websocket.receive_text()
            await websocket.app.state.redis.publish(KANAL, mesaj)   # doğrudan değil, Redis üzerinden
    except WebSocketDisconnect:
        pass
    finally:
        ortak_baglantilar.discard(websocket)
