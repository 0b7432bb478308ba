# Kaynak metin, 6.1.2: oda tabanlı WebSocket yöneticisi — olduğu gibi (6. bölüm defteri bu dosyayı içe aktarır).
from fastapi import FastAPI, WebSocket, WebSocketDisconnect, Path, Query, Depends, HTTPException
from typing import Dict, List, Set, Optional
import asyncio
import json
import uuid

app = FastAPI()

# WebSocket bağlantı yöneticisi
class ConnectionManager:
    def __init__(self):
        # Tüm bağlantılar: {client_id: websocket}
        self.active_connections: Dict[str, WebSocket] = {}
        
        # Oda başına bağlantılar: {room_id: {client_id, client_id, ...}}
        self.rooms: Dict[str, Set[str]] = {}
        
        # İstemci bilgileri: {client_id: {"username": username, "rooms": [room_id, room_id, ...]}}
        self.client_info: Dict[str, Dict] = {}
    
    async def connect(self, websocket: WebSocket, client_id: str, username: str) -> None:
        """Yeni bir WebSocket bağlantısı kabul eder"""
        await websocket.accept()
        self.active_connections[client_id] = websocket
        self.client_info[client_id] = {"username": username, "rooms": set()}
    
    def disconnect(self, client_id: str) -> None:
        """Bir bağlantıyı kaldırır ve temizlik yapar"""
        if client_id in self.active_connections:
            # Bağlantıyı sil
            del self.active_connections[client_id]
            
            # İstemci bilgilerinden odaları al
            if client_id in self.client_info:
                client_rooms = list(self.client_info[client_id]["rooms"])
                
                # Her odadan istemciyi kaldır
                for room_id in client_rooms:
                    self.leave_room(client_id, room_id)
                
                # İstemci bilgilerini sil
                del self.client_info[client_id]
    
    async def join_room(self, client_id: str, room_id: str) -> None:
        """Bir istemciyi bir odaya ekler"""
        # Oda yoksa oluştur
        if room_id not in self.rooms:
            self.rooms[room_id] = set()
        
        # İstemciyi odaya ekle
        self.rooms[room_id].add(client_id)
        
        # İstemcinin oda listesini güncelle
        if client_id in self.client_info:
            self.client_info[client_id]["rooms"].add(room_id)
            
            # İstemciye katılma onayı gönder
            await self.send_personal_message(
                client_id,
                {"type": "system", "message": f"'{room_id}' odasına katıldınız"}
            )
            
            # Odadaki diğer üyelere bildirim gönder
            username = self.client_info[client_id]["username"]
            await self.broadcast_to_room(
                room_id,
                {"type": "system", "message": f"{username} odaya katıldı"},
                exclude_client=client_id
            )
    
    def leave_room(self, client_id: str, room_id: str) -> bool:
        """Bir istemciyi bir odadan çıkarır"""
        if room_id in self.rooms and client_id in self.rooms[room_id]:
            # İstemciyi odadan kaldır
            self.rooms[room_id].remove(client_id)
            
            # Oda boşsa odayı sil
            if not self.rooms[room_id]:
                del self.rooms[room_id]
            
            # İstemcinin oda listesinden odayı kaldır
            if client_id in self.client_info and room_id in self.client_info[client_id]["rooms"]:
                self.client_info[client_id]["rooms"].remove(room_id)
            
            return True
        return False
    
    async def broadcast_to_room(self, room_id: str, message: dict, exclude_client: Optional[str] = None) -> int:
        """Bir odadaki tüm istemcilere mesaj gönderir, exclude_client hariç"""
        message_count = 0
        
        if room_id in self.rooms:
            message_json = json.dumps(message)
            send_tasks = []
            
            for client_id in self.rooms[room_id]:
                if client_id != exclude_client and client_id in self.active_connections:
                    websocket = self.active_connections[client_id]
                    send_tasks.append(websocket.send_text(message_json))
                    message_count += 1
            
            if send_tasks:
                # Tüm gönderme işlemlerini paralel olarak çalıştır
                await asyncio.gather(*send_tasks)
        
        return message_count
    
    async def send_personal_message(self, client_id: str, message: dict) -> bool:
        """Belirli bir istemciye mesaj gönderir"""
        if client_id in self.active_connections:
            websocket = self.active_connections[client_id]
            await websocket.send_text(json.dumps(message))
            return True
        return False
    
    def get_room_members(self, room_id: str) -> List[Dict]:
        """Bir odadaki tüm üyelerin listesini döndürür"""
        members = []
        
        if room_id in self.rooms:
            for client_id in self.rooms[room_id]:
                if client_id in self.client_info:
                    members.append({
                        "client_id": client_id,
                        "username": self.client_info[client_id]["username"]
                    })
        
        return members

# Bağlantı yöneticisi örneği
manager = ConnectionManager()

# Oda listesini döndüren HTTP endpoint
@app.get("/rooms")
async def get_rooms():
    rooms_info = []
    
    for room_id, clients in manager.rooms.items():
        rooms_info.append({
            "room_id": room_id,
            "member_count": len(clients),
            "members": manager.get_room_members(room_id)
        })
    
    return {"rooms": rooms_info}

# WebSocket endpoint'i
@app.websocket("/ws/{client_id}")
async def websocket_endpoint(
    websocket: WebSocket,
    client_id: str = Path(...),
    username: str = Query(None)
):
    # İstemci ID boşsa rastgele oluştur
    if not client_id or client_id == "undefined":
        client_id = str(uuid.uuid4())
    
    # Kullanıcı adı boşsa varsayılan oluştur
    if not username:
        username = f"User-{client_id[:8]}"
    
    # Bağlantıyı kabul et
    await manager.connect(websocket, client_id, username)
    
    try:
        while True:
            # İstemciden mesaj bekle
            data = await websocket.receive_text()
            
            try:
                # JSON mesajı ayrıştır
                message_data = json.loads(data)
                message_type = message_data.get("type", "message")
                
                # Mesaj tipine göre işlem yap
                if message_type == "join_room":
                    # Odaya katılma işlemi
                    room_id = message_data.get("room_id")
                    if room_id:
                        await manager.join_room(client_id, room_id)
                
                elif message_type == "leave_room":
                    # Odadan ayrılma işlemi
                    room_id = message_data.get("room_id")
                    if room_id:
                        success = manager.leave_room(client_id, room_id)
                        if success:
                            await manager.send_personal_message(
                                client_id,
                                {"type": "system", "message": f"'{room_id}' odasından ayrıldınız"}
                            )
                
                elif message_type == "room_message":
                    # Odaya mesaj gönderme işlemi
                    room_id = message_data.get("room_id")
                    content = message_data.get("message", "")
                    
                    if room_id and client_id in manager.client_info and room_id in manager.client_info[client_id]["rooms"]:
                        username = manager.client_info[client_id]["username"]
                        
                        # Mesajı odaya yayınla
                        await manager.broadcast_to_room(
                            room_id,
                            {
                                "type": "chat",
                                "room_id": room_id,
                                "client_id": client_id,
                                "username": username,
                                "message": content,
                                "timestamp": datetime.datetime.now().isoformat()
                            }
                        )
                
                elif message_type == "get_rooms":
                    # İstemciye oda listesini gönder
                    rooms_info = []
                    for room_id, clients in manager.rooms.items():
                        rooms_info.append({
                            "room_id": room_id,
                            "member_count": len(clients)
                        })
                    
                    await manager.send_personal_message(
                        client_id,
                        {"type": "room_list", "rooms": rooms_info}
                    )
                
                elif message_type == "get_room_members":
                    # Oda üyelerini gönder
                    room_id = message_data.get("room_id")
                    if room_id:
                        members = manager.get_room_members(room_id)
                        await manager.send_personal_message(
                            client_id,
                            {"type": "room_members", "room_id": room_id, "members": members}
                        )
            
            except json.JSONDecodeError:
                # Düz metin mesajlarını kişisel mesaj olarak ele al
                await manager.send_personal_message(
                    client_id,
                    {"type": "error", "message": "JSON formatında mesaj göndermelisiniz"}
                )
    
    except WebSocketDisconnect:
        # Bağlantı kesilirse temizlik yap
        manager.disconnect(client_id)

if __name__ == "__main__":
    import uvicorn
    import datetime
    uvicorn.run(app, host="0.0.0.0", port=8000)
