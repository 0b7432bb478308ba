// Kaynak metnin (6.1.4) RoomChatClient sınıfı. Değişen satırlar "DÜZELTME" diye işaretli:
// 1) Kullanıcı disconnect() dediyse yeniden bağlanmaz (kaynak metinde onclose her seferinde bağlanıyordu).
// 2) Yeniden bağlanınca katıldığı odalara yeniden katılır: sunucu yeniden başlayınca üyelikleri unutur.
// Sunucu adresi sınıfa dışarıdan verilir; sayfa onu kendi adresinden (location) kurar: bkz. sohbet.js.

class RoomChatClient {
    constructor(serverUrl) {
        this.serverUrl = serverUrl;
        this.clientId = localStorage.getItem('clientId') || crypto.randomUUID();
        this.username = localStorage.getItem('username') || `User-${this.clientId.slice(0, 8)}`;
        this.ws = null;
        this.closedByUser = false; // DÜZELTME 1
        this.rooms = new Set(); // Katıldığım odalar
        this.onMessageCallbacks = [];
        this.onStatusChangeCallbacks = [];
        
        // İstemci ID'yi kaydet
        localStorage.setItem('clientId', this.clientId);
    }
    
    connect() {
        this.closedByUser = false; // DÜZELTME 1
        // WebSocket bağlantısı oluştur
        const url = `${this.serverUrl}/ws/${this.clientId}?username=${encodeURIComponent(this.username)}`;
        this.ws = new WebSocket(url);
        
        // Bağlantı açıldığında
        this.ws.onopen = () => {
            this._notifyStatusChange('connected');
            // DÜZELTME 2: sunucu yeniden başladıysa odaları hatırlamaz; yeniden katıl.
            for (const roomId of this.rooms) {
                this.ws.send(JSON.stringify({ type: 'join_room', room_id: roomId }));
            }
            this._getRoomList(); // Oda listesini al
        };
        
        // Mesaj alındığında
        this.ws.onmessage = (event) => {
            try {
                const data = JSON.parse(event.data);
                this._handleMessage(data);
            } catch (error) {
                console.error('Mesaj işleme hatası:', error);
            }
        };
        
        // Bağlantı kapandığında
        this.ws.onclose = () => {
            this._notifyStatusChange('disconnected');
            if (this.closedByUser) return; // DÜZELTME 1
            // 3 saniye sonra yeniden bağlan
            setTimeout(() => this.connect(), 3000);
        };
        
        // Hata oluştuğunda
        this.ws.onerror = (error) => {
            console.error('WebSocket hatası:', error);
            this._notifyStatusChange('error');
        };
    }
    
    joinRoom(roomId) {
        if (this.ws && this.ws.readyState === WebSocket.OPEN) {
            this.ws.send(JSON.stringify({
                type: 'join_room',
                room_id: roomId
            }));
            this.rooms.add(roomId);
            return true;
        }
        return false;
    }
    
    leaveRoom(roomId) {
        if (this.ws && this.ws.readyState === WebSocket.OPEN) {
            this.ws.send(JSON.stringify({
                type: 'leave_room',
                room_id: roomId
            }));
            this.rooms.delete(roomId);
            return true;
        }
        return false;
    }
    
    sendRoomMessage(roomId, message) {
        if (this.ws && this.ws.readyState === WebSocket.OPEN) {
            this.ws.send(JSON.stringify({
                type: 'room_message',
                room_id: roomId,
                message: message
            }));
            return true;
        }
        return false;
    }
    
    getRoomMembers(roomId) {
        if (this.ws && this.ws.readyState === WebSocket.OPEN) {
            this.ws.send(JSON.stringify({
                type: 'get_room_members',
                room_id: roomId
            }));
            return true;
        }
        return false;
    }
    
    _getRoomList() {
        if (this.ws && this.ws.readyState === WebSocket.OPEN) {
            this.ws.send(JSON.stringify({
                type: 'get_rooms'
            }));
            return true;
        }
        return false;
    }
    
    // Mesaj olayı için callback ekle
    onMessage(callback) {
        if (typeof callback === 'function') {
            this.onMessageCallbacks.push(callback);
        }
        return this;
    }
    
    // Durum değişikliği olayı için callback ekle
    onStatusChange(callback) {
        if (typeof callback === 'function') {
            this.onStatusChangeCallbacks.push(callback);
        }
        return this;
    }
    
    // Mesajları işle
    _handleMessage(data) {
        // Callbacks'leri çağır
        for (const callback of this.onMessageCallbacks) {
            callback(data);
        }
    }
    
    // Durum değişikliklerini bildir
    _notifyStatusChange(status) {
        for (const callback of this.onStatusChangeCallbacks) {
            callback(status);
        }
    }
    
    // Bağlantıyı kapat
    disconnect() {
        this.closedByUser = true; // DÜZELTME 1
        if (this.ws && this.ws.readyState === WebSocket.OPEN) {
            this.ws.close(1000, 'İstemci tarafından kapatıldı');
        }
    }
}
