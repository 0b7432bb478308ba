"""7.7 Ters proxy arkasındaki arka uç.

Terminalde (notebooks/ klasöründe):

    uvicorn ch07.arka_uc:app --host 127.0.0.1 --port 8000

``/kim`` bağlanan istemciye uvicorn'un onu nasıl gördüğünü söyler (tek bir JSON mesajı): eşin
adresi (``websocket.client``), el sıkışmada gelen ``Upgrade``, ``Connection`` ve
``X-Forwarded-For`` başlıkları. Sonra gelen her mesajı geri yollar.
"""

from fastapi import FastAPI, WebSocket, WebSocketDisconnect

app = FastAPI()


@app.websocket("/kim")
async def kim(websocket: WebSocket):
    await websocket.accept()
    await websocket.send_json(
        {
            "istemci": list(websocket.client or ()),
            "upgrade": websocket.headers.get("upgrade"),
            "connection": websocket.headers.get("connection"),
            "x-forwarded-for": websocket.headers.get("x-forwarded-for"),
        }
    )
    try:
        while True:
            await websocket.send_text(await websocket.receive_text())
    except WebSocketDisconnect:
        pass
