# Kaynak metin, 6.2.2: Pydantic ile mesaj doğrulama — olduğu gibi.
# Kaynak metin bu parçada önceki bölümün `app`'ini kullanıyor; tek başına çalışsın diye yalnızca şu iki satır eklendi:
from fastapi import FastAPI, WebSocket
app = FastAPI()

from pydantic import BaseModel, Field, validator
from typing import Optional, List, Union, Literal
from datetime import datetime
import json

# Temel mesaj modeli
class BaseMessage(BaseModel):
    type: str
    timestamp: datetime = Field(default_factory=datetime.now)

# Sohbet mesaj modeli
class ChatMessage(BaseModel):
    type: Literal["chat"] = "chat"
    room_id: str
    user_id: str
    username: str
    message: str
    timestamp: datetime = Field(default_factory=datetime.now)
    
    @validator('message')
    def message_not_empty(cls, v):
        if not v or not v.strip():
            raise ValueError('Mesaj boş olamaz')
        return v

# Oda işlemleri mesaj modeli
class RoomActionMessage(BaseModel):
    type: Literal["join_room", "leave_room"]
    room_id: str

# Sistem mesajı modeli
class SystemMessage(BaseModel):
    type: Literal["system"] = "system"
    message: str
    level: Literal["info", "warning", "error"] = "info"

# Mesaj türlerini birleştiren Union tipi
MessageType = Union[ChatMessage, RoomActionMessage, SystemMessage]

# Gelen JSON mesajını doğrulama
def validate_message(message_json: str) -> Optional[MessageType]:
    try:
        # JSON'ı dict'e dönüştür
        data = json.loads(message_json)
        
        # Mesaj türünü kontrol et
        message_type = data.get("type", "")
        
        if message_type == "chat":
            return ChatMessage(**data)
        elif message_type in ["join_room", "leave_room"]:
            return RoomActionMessage(**data)
        elif message_type == "system":
            return SystemMessage(**data)
        else:
            return None
    except json.JSONDecodeError:
        return None
    except Exception as e:
        print(f"Doğrulama hatası: {e}")
        return None

# WebSocket endpoint'inde kullanımı
@app.websocket("/ws")
async def websocket_endpoint(websocket: WebSocket):
    await websocket.accept()
    
    try:
        while True:
            data = await websocket.receive_text()
            
            # Mesajı doğrula
            valid_message = validate_message(data)
            
            if valid_message:
                if isinstance(valid_message, ChatMessage):
                    # Sohbet mesajı işleme
                    print(f"Sohbet mesajı: {valid_message.message}")
                    await websocket.send_text(valid_message.json())
                
                elif isinstance(valid_message, RoomActionMessage):
                    # Oda işlemi
                    action = "katılma" if valid_message.type == "join_room" else "ayrılma"
                    print(f"Oda {action} işlemi: {valid_message.room_id}")
                    
                    # Yanıt mesajı
                    response = SystemMessage(
                        message=f"{valid_message.room_id} odasına {action} işlemi başarılı"
                    )
                    await websocket.send_text(response.json())
                
                elif isinstance(valid_message, SystemMessage):
                    # Sistem mesajı
                    print(f"Sistem mesajı: {valid_message.message}")
                    await websocket.send_text(valid_message.json())
            else:
                # Geçersiz mesaj
                error_msg = SystemMessage(
                    message="Geçersiz mesaj formatı",
                    level="error"
                )
                await websocket.send_text(error_msg.json())
    
    except Exception as e:
        print(f"Hata: {e}")
