"""Kontrollerin kullandığı WebSocket istemci adımları: her bekleme sınırlı, her hata Türkçe."""

from __future__ import annotations

import asyncio
from typing import Any, Literal, overload

from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed, InvalidStatus

from wskurs.checks.errors import Mismatch
from wskurs.engine.proxy import proxy_hint
from wskurs.engine.timing import scaled

__all__ = ["STEP", "close_all", "close_code", "open_ws", "receive", "send", "short", "wait_closed"]

STEP = 2.0
"""Tek bir adımı (bağlanma, bir mesaj) beklerken tanınan süre (saniye, ölçeklenir)."""


async def open_ws(url: str, **options: Any) -> ClientConnection:
    """Bir WebSocket bağlantısı açar; kapanışta da en fazla bir saniye bekler.

    Raises:
        Mismatch: El sıkışma reddedildiyse (HTTP durumu ile) ya da zamanında bitmediyse.
    """
    options.setdefault("close_timeout", scaled(1))
    options.setdefault("open_timeout", None)
    options.setdefault("proxy", None)
    try:
        return await asyncio.wait_for(connect(url, **options), timeout=scaled(STEP))
    except InvalidStatus as exc:
        raise Mismatch(
            "WebSocket bağlantısı kurulamadı.",
            expected="101 Switching Protocols",
            got=f"HTTP {exc.response.status_code}",
            hint="Yol doğru mu (`@app.websocket(...)`), ve handler `await websocket.accept()` çağırıyor mu?",
        ) from None
    except (TimeoutError, OSError) as exc:
        raise Mismatch(
            "WebSocket bağlantısı kurulamadı.",
            expected="el sıkışmanın bitmesi",
            got="yanıt gelmedi" if isinstance(exc, TimeoutError) else f"{type(exc).__name__}: {exc}",
            hint=" ".join(filter(None, ["Handler `await websocket.accept()` çağırıyor mu?", proxy_hint(url)])),
        ) from None


def close_code(exc: ConnectionClosed) -> int:
    """Kapanış kodu; kapanış çerçevesi hiç gelmediyse 1006."""
    return exc.rcvd.code if exc.rcvd is not None else 1006


@overload
async def receive(
    ws: ClientConnection,
    what: str,
    *,
    text: Literal[True] = True,
    timeout: float | None = None,
    hint: str | None = None,
) -> str: ...


@overload
async def receive(
    ws: ClientConnection, what: str, *, text: bool, timeout: float | None = None, hint: str | None = None
) -> str | bytes: ...


async def receive(
    ws: ClientConnection, what: str, *, text: bool = True, timeout: float | None = None, hint: str | None = None
) -> str | bytes:
    """Bir mesaj bekler.

    Args:
        ws: Açık bağlantı.
        what: Beklenen mesajın insanca adı (geri bildirimde görünür).
        text: ``True`` ise mesajın metin olması beklenir.
        timeout: En fazla beklenecek saniye; verilmezse ``scaled(STEP)``.
        hint: Mesaj zamanında gelmezse gösterilecek ipucu.

    Raises:
        Mismatch: Mesaj zamanında gelmezse, bağlantı kapanırsa ya da türü yanlışsa.
    """
    limit = scaled(STEP) if timeout is None else timeout
    try:
        message = await asyncio.wait_for(ws.recv(), timeout=limit)
    except TimeoutError:
        raise Mismatch(
            f"{what} gelmedi.",
            expected=what,
            got=f"{limit:g} saniyede hiçbir mesaj gelmedi",
            hint=hint or "Sunucu mesajı `await websocket.send_text(...)` ile gönderiyor mu?",
        ) from None
    except ConnectionClosed as exc:
        raise Mismatch(
            f"{what} beklenirken bağlantı kapandı.",
            expected=what,
            got=f"bağlantı kapandı (kod {close_code(exc)})",
            hint="Handler döngüden erken mi çıkıyor ya da hata mı veriyor?",
        ) from None
    if text and not isinstance(message, str):
        raise Mismatch(
            f"{what} metin olmalı.",
            expected="metin (str)",
            got=f"ikili veri: {short(message)}",
            hint="`send_text` kullanın, `send_bytes` değil.",
        )
    return message


async def send(ws: ClientConnection, message: str | bytes, *, hint: str) -> None:
    """Bir mesaj gönderir; bağlantı kapanmışsa bunu ``hint`` ile açıklar."""
    try:
        await ws.send(message)
    except ConnectionClosed as exc:
        raise Mismatch(
            f"{short(message)} gönderilemedi: bağlantı kapanmıştı.",
            expected="bağlantının açık kalması",
            got=f"bağlantı kapandı (kod {close_code(exc)})",
            hint=hint,
        ) from None


def short(value: Any, limit: int = 100) -> str:
    """Geri bildirimde gösterilecek kısa bir ``repr`` (``repr`` hata verirse türün adı)."""
    try:
        text = repr(value)
    except Exception:
        text = f"<{type(value).__name__}>"
    return text if len(text) <= limit else text[: limit - 1] + "…"


async def wait_closed(ws: ClientConnection, what: str, limit: int = 5) -> tuple[int, str, list[Any]]:
    """Bağlantı kapanana dek okur.

    Returns:
        Kapanış kodu, gerekçesi ve kapanıştan önce gelen (en fazla ``limit``) mesaj.

    Raises:
        Mismatch: Bağlantı ``STEP`` saniyede kapanmazsa.
    """
    before: list[Any] = []
    try:
        async with asyncio.timeout(scaled(STEP)):
            while len(before) < limit:
                before.append(await ws.recv())
    except ConnectionClosed as exc:
        return close_code(exc), exc.rcvd.reason if exc.rcvd is not None else "", before
    except TimeoutError:
        pass
    raise Mismatch(
        f"{what} bağlantı kapanmadı.",
        expected="sunucunun bağlantıyı kapatması",
        got="bağlantı açık kaldı" + (f"; gelenler: {short(before)}" if before else ""),
        hint="Handler `await websocket.close(...)` çağırıyor mu?",
    )


async def close_all(*clients: ClientConnection) -> None:
    """İstemcileri kapatır; bir saniyede kapanmayanın bağlantısını keser."""
    for ws in clients:
        try:
            await asyncio.wait_for(ws.close(), timeout=scaled(1))
        except (TimeoutError, OSError):
            ws.transport.abort()
