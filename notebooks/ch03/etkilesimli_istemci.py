"""Etkileşimli WebSocket istemcisi (3. bölüm, 3.2): bir terminalde çalıştırın.

Defterdeki sunucunun adresini defter size yazdırır; şöyle başlatın::

    python ch03/etkilesimli_istemci.py ws://127.0.0.1:PORT/ws

Yazdığınız her satır sunucuya gider; sunucudan gelen her mesaj, siz yazarken bile hemen
ekrana düşer. Çıkmak için ``exit`` yazın ya da Ctrl-D'ye basın. Sunucu kapanırsa istemci de
kendiliğinden biter.

Kaynak metindeki istemciden farkları:

- ``input()`` event loop'u dondururdu (dinleyici görevi de durur, gelen mesajlar ekrana
  düşmezdi). Burada stdin ayrı bir iş parçacığında okunur ve satırlar bir
  ``asyncio.Queue``'ya konur; gönderici görevi kuyruğu ``await`` ile bekler.
- Dinleyici ``async for message in websocket`` ile okur: bağlantı kapanınca döngü biter.
- Görevlerden biri bitince öteki iptal edilir **ve beklenir**; böylece sunucu kapanınca
  istemci de kapanır, kimsenin beklemediği bir görevde hata kalmaz.
"""

from __future__ import annotations

import asyncio
import sys
import threading

from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed, ConnectionClosedError

EXIT_WORDS = {"exit", "çıkış"}


# region okuyucu
def start_stdin_reader(loop: asyncio.AbstractEventLoop, lines: asyncio.Queue[str | None]) -> None:
    """stdin'i ayrı bir iş parçacığında okur, her satırı event loop'taki kuyruğa koyar.

    Bekleyen yalnızca bu iş parçacığıdır; event loop serbest kalır. ``daemon=True``: program
    biterken yazılmamış bir satırı beklemez (``asyncio.to_thread(input)`` ise çıkışta son
    ``input()``'un dönmesini beklerdi).
    """

    def read() -> None:
        for line in sys.stdin:
            loop.call_soon_threadsafe(lines.put_nowait, line.rstrip("\n"))
        loop.call_soon_threadsafe(lines.put_nowait, None)  # EOF (Ctrl-D)

    threading.Thread(target=read, name="stdin-okuyucu", daemon=True).start()


# endregion


# region gorevler
async def listen_for_messages(websocket) -> None:
    """Sunucudan gelen mesajları bağlantı kapanana dek yazdırır."""
    try:
        async for message in websocket:
            print(f"< {message}")
    except ConnectionClosedError:
        pass  # anormal kapanış (1006, 1011, 1012 ...): döngü yine biter
    reason = f", {websocket.close_reason}" if websocket.close_reason else ""
    print(f"Bağlantı kapandı (kod {websocket.close_code}{reason})")


async def send_messages(websocket, lines: asyncio.Queue[str | None]) -> None:
    """Kuyruktan gelen satırları gönderir; ``exit`` ya da EOF gelince biter."""
    while True:
        line = await lines.get()
        if line is None or line.strip().lower() in EXIT_WORDS:
            return
        if line.strip():
            try:
                await websocket.send(line)
            except ConnectionClosed:
                return


# endregion


# region istemci
async def websocket_client(uri: str) -> None:
    lines: asyncio.Queue[str | None] = asyncio.Queue()
    start_stdin_reader(asyncio.get_running_loop(), lines)
    async with connect(uri, proxy=None) as websocket:  # yerel sunucu: ortamdaki proxy atlanır (3.2)
        print(f"Bağlandı: {uri}")
        print("Yazın ve Enter'a basın; çıkmak için 'exit' ya da Ctrl-D.")
        listener_task = asyncio.create_task(listen_for_messages(websocket))
        sender_task = asyncio.create_task(send_messages(websocket, lines))
        done, pending = await asyncio.wait([listener_task, sender_task], return_when=asyncio.FIRST_COMPLETED)
        for task in pending:
            task.cancel()
        await asyncio.gather(*pending, return_exceptions=True)  # iptalin bitmesini bekle
        for task in done:
            task.result()  # bir görev hata verdiyse burada görünsün
    print("Çıkılıyor.")


# endregion


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1 or not args[0].startswith(("ws://", "wss://")):
        print("Kullanım: python etkilesimli_istemci.py ws://127.0.0.1:PORT/ws", file=sys.stderr)
        return 2
    sys.stdout.reconfigure(line_buffering=True)  # type: ignore[union-attr]
    try:
        asyncio.run(websocket_client(args[0]))
    except OSError as exc:
        print(f"Sunucuya bağlanılamadı: {exc.strerror or exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("\nÇıkılıyor (Ctrl-C).")
        return 130
    return 0


if __name__ == "__main__":
    sys.exit(main())
