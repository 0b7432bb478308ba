// Kaynak metnin (6.2.4) mesaj türleri ve MessageHandler sınıfı, olduğu gibi.
// Sayfa (sohbet.js) MESSAGE_TYPES'ı sunucunun JSON Schema'sından gelen türlerle tamamlar.

// Mesaj tipleri
const MESSAGE_TYPES = {
    CHAT: 'chat',
    SYSTEM: 'system',
    JOIN_ROOM: 'join_room',
    LEAVE_ROOM: 'leave_room',
    USER_LIST: 'user_list',
    ERROR: 'error'
};

// Mesaj işleyici sınıfı
class MessageHandler {
    constructor() {
        this.handlers = {};
        
        // Her mesaj tipi için varsayılan boş işleyici
        Object.values(MESSAGE_TYPES).forEach(type => {
            this.handlers[type] = () => {};
        });
    }
    
    // Bir mesaj tipi için işleyici kaydet
    registerHandler(type, handler) {
        if (typeof handler === 'function') {
            this.handlers[type] = handler;
        }
        return this;
    }
    
    // Gelen mesajı işle
    handleMessage(messageData) {
        try {
            // String ise JSON olarak ayrıştır
            const data = typeof messageData === 'string' 
                ? JSON.parse(messageData) 
                : messageData;
            
            const type = data.type || 'unknown';
            
            // Bu tip için bir işleyici var mı?
            if (this.handlers[type]) {
                this.handlers[type](data);
            } else {
                console.warn(`'${type}' tipi için işleyici bulunamadı:`, data);
            }
        } catch (error) {
            console.error('Mesaj işleme hatası:', error);
        }
    }
}
