// Sayfayı kaynak metnin iki sınıfına bağlayan kod: RoomChatClient (bağlantı) + MessageHandler (türe göre işleme).

// Sunucunun adresi sayfanın kendi adresine göre (göreli) kurulur: port ya da makine adı sabit
// yazılmaz. Sayfa sunucunun /sayfa/ yolundadır; ".." sunucunun köküdür: doğrudan açılınca
// ws://127.0.0.1:<port>, bir proxy'nin altından açılınca wss://…/proxy/<port>.
const serverRoot = new URL('..', location.href);
serverRoot.protocol = location.protocol === 'https:' ? 'wss:' : 'ws:';
const serverUrl = serverRoot.href.replace(/\/$/, '');

// ?username=Ayşe ile açılırsa o ad kullanılır (RoomChatClient adı localStorage'dan okur).
const params = new URLSearchParams(location.search);
if (params.get('username')) {
    localStorage.setItem('username', params.get('username'));
}

const $ = (id) => document.getElementById(id);

// Kullanıcıdan gelen metin textContent ile yazılır, asla innerHTML ile değil (XSS).
function addLine(kind, text, sequence) {
    const li = document.createElement('li');
    li.className = kind;
    if (sequence !== undefined) {
        const seq = document.createElement('span');
        seq.className = 'seq';
        seq.textContent = `#${sequence} `;
        li.appendChild(seq);
    }
    li.appendChild(document.createTextNode(text));
    $('messages').appendChild(li);
    $('messages').scrollTop = $('messages').scrollHeight;
    return li;
}

function fillList(id, items) {
    const ul = $(id);
    ul.replaceChildren(...items.map((text) => {
        const li = document.createElement('li');
        li.textContent = text;
        return li;
    }));
}

function refreshActiveRooms() {
    const select = $('activeRoom');
    const current = select.value;
    select.replaceChildren(...[...chatClient.rooms].map((roomId) => new Option(roomId, roomId)));
    if (chatClient.rooms.has(current)) select.value = current;
}

function chatLine(data) {
    const time = data.timestamp ? new Date(data.timestamp).toLocaleTimeString('tr-TR') : '';
    return `${time} ${data.username}: ${data.message}`.trim();
}

const chatClient = new RoomChatClient(serverUrl);
const messageHandler = new MessageHandler();
$('me').textContent = chatClient.username;

messageHandler
    .registerHandler(MESSAGE_TYPES.CHAT, (data) => {
        addLine('chat', chatLine(data), data.sequence);
    })
    .registerHandler(MESSAGE_TYPES.SYSTEM, (data) => {
        addLine('system', data.message);
        const room = $('activeRoom').value;
        if (room) chatClient.getRoomMembers(room);
        chatClient._getRoomList();
    })
    .registerHandler(MESSAGE_TYPES.ERROR, (data) => {
        addLine('error', `Hata: ${data.message}`);
    });

// Kaynak metinde olmayan (sunucunun şemasından gelen) türler için işleyiciler.
const extraHandlers = {
    room_list: (data) => fillList('rooms', data.rooms.map((r) => `${r.room_id} (${r.member_count})`)),
    room_members: (data) => {
        if (data.room_id === $('activeRoom').value) fillList('members', data.members.map((m) => m.username));
    },
    message_history: (data) => {
        $('messages').querySelectorAll('li.history').forEach((li) => li.remove());
        const first = $('messages').firstChild;
        const title = `— ${data.room_id} geçmişi: sayfa ${data.page}/${data.total_pages}, toplam ${data.total} mesaj —`;
        $('messages').insertBefore(addLine('system history', title), first);
        for (const message of data.messages) {
            $('messages').insertBefore(addLine('chat history', chatLine(message), message.sequence), first);
        }
    },
};

// MESSAGE_TYPES'ı sunucunun JSON Schema'sından tamamla: şema ne diyorsa sayfa onu tanır.
async function loadProtocol() {
    try {
        const response = await fetch(new URL('../protokol.json', location.href));
        if (!response.ok) throw new Error(`HTTP ${response.status}`);
        const schema = await response.json();
        const types = Object.keys(schema.server.discriminator.mapping);
        for (const type of types) {
            MESSAGE_TYPES[type.toUpperCase()] = type;
            if (extraHandlers[type]) messageHandler.registerHandler(type, extraHandlers[type]);
        }
        $('types').textContent = types.join(', ');
    } catch (error) {
        // Şema yoksa (ör. 6.1'in sunucusu) kaynak metnin listesiyle devam edilir.
        for (const [type, handler] of Object.entries(extraHandlers)) messageHandler.registerHandler(type, handler);
        $('types').textContent = `${Object.values(MESSAGE_TYPES).join(', ')} (şema yok: ${error.message})`;
    }
}

chatClient
    .onStatusChange((status) => {
        $('status').dataset.status = status;
        $('status').textContent = { connected: 'bağlı', disconnected: 'bağlantı yok', error: 'hata' }[status] || status;
    })
    .onMessage((data) => messageHandler.handleMessage(data));

$('joinBtn').onclick = () => {
    const roomId = $('roomId').value.trim();
    if (roomId && chatClient.joinRoom(roomId)) {
        refreshActiveRooms();
        $('activeRoom').value = roomId;
    }
};
$('leaveBtn').onclick = () => {
    const roomId = $('activeRoom').value;
    if (roomId && chatClient.leaveRoom(roomId)) {
        refreshActiveRooms();
        fillList('members', []);
    }
};
$('activeRoom').onchange = () => chatClient.getRoomMembers($('activeRoom').value);
$('historyBtn').onclick = () => {
    const roomId = $('activeRoom').value;
    if (roomId && chatClient.ws && chatClient.ws.readyState === WebSocket.OPEN) {
        chatClient.ws.send(JSON.stringify({ type: 'get_history', room_id: roomId, page: 1, page_size: 20 }));
    }
};
function sendMessage() {
    const roomId = $('activeRoom').value;
    const message = $('messageInput').value;
    if (roomId && message) {
        chatClient.sendRoomMessage(roomId, message);
        $('messageInput').value = '';
    }
}
$('sendBtn').onclick = sendMessage;
$('messageInput').onkeydown = (event) => {
    if (event.key === 'Enter') sendMessage();
};

loadProtocol().then(() => chatClient.connect());
