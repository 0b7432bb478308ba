"""Yargıç ile çekirdekteki aracı arasındaki dar kanal: WebSocket üzerinde JSON mesajları.

Yargıç sorar, aracı yalnızca düz JSON verisiyle yanıtlar; nesne hiçbir zaman geçmez.
Mesajlar::

    aracı → yargıç   {"type": "check", "token": "...", "exercise": "2.1"}
    yargıç → aracı   {"type": "request", "id": 7, "op": "call", "args": {...}}
    aracı → yargıç   {"type": "reply", "id": 7, "ok": true, "value": ...}
    aracı → yargıç   {"type": "reply", "id": 7, "ok": false, "kind": "error", "error": "TypeError: …", "line": 3}
    yargıç → aracı   {"type": "verdict", "exercise": "2.1", "passed": false, "feedback": "❌ …"}

Değerler ``encode``/``decode`` ile taşınır: ``bytes`` → ``{"$bytes": base64}``, küme →
``{"$set": [...sıralı...], "len": n}``, pydantic modeli → ``{"$model": ad, "value": {...}}``,
başka her şey → yalnızca tür adı ``{"$type": ad}``.
"""

from __future__ import annotations

import base64
import json
import math
from typing import Any

__all__ = [
    "ENV",
    "MAX_MESSAGE",
    "Opaque",
    "ProtocolError",
    "RemoteTuple",
    "Snapshot",
    "decode",
    "dumps",
    "encode",
    "judge_address",
    "loads",
    "parse_address",
]

ENV = "WSKURS_JUDGE"
"""Yargıcın adresi ve token'ı: ``ws://127.0.0.1:PORT#TOKEN``."""

MAX_MESSAGE = 8 * 1024 * 1024
"""Kanalda bir mesajın en büyük boyu (bayt)."""

MAX_ITEMS = 20_000
MAX_DEPTH = 24
MAX_TEXT = 4 * 1024 * 1024


class ProtocolError(ValueError):
    """Kanaldan beklenmeyen biçimde bir mesaj geldi."""


class Opaque:
    """JSON'a çevrilemeyen bir değerin yerine geçen tür adı (``{"$type": ad}``)."""

    def __init__(self, type_name: str) -> None:
        self.type_name = type_name

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Opaque) and other.type_name == self.type_name

    def __hash__(self) -> int:
        return hash(("Opaque", self.type_name))

    def __repr__(self) -> str:
        return f"<{self.type_name} nesnesi>"


class Snapshot(dict[str, Any]):
    """Bir pydantic modelinin JSON görüntüsü; alanlarına öznitelik gibi de erişilir."""

    def __init__(self, type_name: str, value: dict[str, Any]) -> None:
        super().__init__(value)
        self.type_name = type_name

    def __getattr__(self, name: str) -> Any:
        try:
            return self[name]
        except KeyError:
            raise AttributeError(name) from None

    def __repr__(self) -> str:
        fields = ", ".join(f"{key}={value!r}" for key, value in self.items())
        return f"{self.type_name}({fields})"


class RemoteTuple(list[Any]):
    """Öğrencinin döndürdüğü bir demet (tuple). Liste gibi karşılaştırılır (``[400, {}]``'a eşittir),
    ama geri bildirimde öğrencinin yazdığı gibi görünür: ``(400, {})``."""

    def __repr__(self) -> str:
        items = ", ".join(repr(item) for item in self)
        return f"({items},)" if len(self) == 1 else f"({items})"


def _type_name(value: Any) -> str:
    kind = type(value)
    return kind.__qualname__ if kind.__module__ == "builtins" else f"{kind.__module__}.{kind.__qualname__}"


def encode(value: Any, depth: int = 0) -> Any:
    """Bir Python değerini kanalda taşınabilen JSON verisine çevirir (hiç istisna fırlatmaz)."""
    if depth > MAX_DEPTH:
        return {"$type": "çok derin"}
    if value is None or isinstance(value, bool | int | str):
        if isinstance(value, str) and len(value) > MAX_TEXT:
            return {"$type": f"str ({len(value)} karakter, çok uzun)"}
        if isinstance(value, int) and not isinstance(value, bool) and abs(value) > 2**63:
            return {"$int": str(value)}
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else {"$float": repr(value)}
    if isinstance(value, bytes | bytearray | memoryview):
        data = bytes(value)
        if len(data) > MAX_TEXT:
            return {"$type": f"bytes ({len(data)} bayt, çok uzun)"}
        return {"$bytes": base64.b64encode(data).decode("ascii")}
    if isinstance(value, list | tuple):
        if len(value) > MAX_ITEMS:
            return {"$type": f"{_type_name(value)} ({len(value)} öğe, çok uzun)"}
        items = [encode(item, depth + 1) for item in value]
        return {"$tuple": items} if isinstance(value, tuple | RemoteTuple) else items
    if isinstance(value, set | frozenset):
        if len(value) > MAX_ITEMS:
            return {"$type": f"{_type_name(value)} ({len(value)} öğe, çok uzun)"}
        items = [encode(item, depth + 1) for item in value]
        items.sort(key=lambda item: json.dumps(item, sort_keys=True, ensure_ascii=False))
        return {"$set": items, "len": len(value)}
    if isinstance(value, dict):
        if len(value) > MAX_ITEMS or not all(isinstance(key, str) for key in value):
            return {"$type": _type_name(value)}
        return {"$dict": {key: encode(item, depth + 1) for key, item in value.items()}}
    dump = getattr(value, "model_dump", None)
    if callable(dump) and hasattr(type(value), "model_fields"):
        try:
            data = dump(mode="json")
        except Exception:
            return {"$type": _type_name(value)}
        return {"$model": type(value).__name__, "value": encode(data, depth + 1)}
    return {"$type": _type_name(value)}


def decode(data: Any) -> Any:
    """``encode``'un tersi; tanımadığı biçimde ``ProtocolError``."""
    if data is None or isinstance(data, bool | int | float | str):
        return data
    if isinstance(data, list):
        return [decode(item) for item in data]
    if not isinstance(data, dict) or len(data) not in (1, 2):
        raise ProtocolError(f"tanınmayan değer biçimi: {str(data)[:80]}")
    if "$dict" in data and isinstance(data["$dict"], dict):
        return {str(key): decode(item) for key, item in data["$dict"].items()}
    if "$tuple" in data and isinstance(data["$tuple"], list):
        return RemoteTuple(decode(item) for item in data["$tuple"])
    if "$bytes" in data and isinstance(data["$bytes"], str):
        return base64.b64decode(data["$bytes"], validate=True)
    if "$set" in data and isinstance(data["$set"], list):
        return {_hashable(decode(item)) for item in data["$set"]}
    if "$model" in data:
        value = decode(data.get("value"))
        if not isinstance(value, dict):
            raise ProtocolError("model değeri bir sözlük değil")
        return Snapshot(str(data["$model"]), value)
    if "$type" in data:
        return Opaque(str(data["$type"]))
    if "$int" in data:
        return int(str(data["$int"]))
    if "$float" in data:
        return float(str(data["$float"]))
    raise ProtocolError(f"tanınmayan değer biçimi: {str(data)[:80]}")


def _hashable(value: Any) -> Any:
    if isinstance(value, list):
        return tuple(_hashable(item) for item in value)
    if isinstance(value, dict):
        return tuple(sorted((key, _hashable(item)) for key, item in value.items()))
    return value


def dumps(message: dict[str, Any]) -> str:
    """Bir kanal mesajını metne çevirir."""
    return json.dumps(message, ensure_ascii=False, allow_nan=False)


def loads(text: str | bytes) -> dict[str, Any]:
    """Kanaldan gelen metni bir mesaja çevirir.

    Raises:
        ProtocolError: Metin bir JSON nesnesi değilse ya da ``type`` alanı yoksa.
    """
    try:
        message = json.loads(text)
    except (ValueError, UnicodeDecodeError) as exc:
        raise ProtocolError(f"JSON değil: {exc}") from None
    if not isinstance(message, dict) or not isinstance(message.get("type"), str):
        raise ProtocolError("mesaj 'type' alanı olan bir JSON nesnesi değil")
    return message


def judge_address(port: int, token: str, host: str = "127.0.0.1") -> str:
    """``WSKURS_JUDGE`` değeri: ``ws://host:port#token``."""
    return f"ws://{host}:{port}#{token}"


def parse_address(value: str) -> tuple[str, str]:
    """``WSKURS_JUDGE`` değerini (adres, token) olarak ayırır.

    Raises:
        ProtocolError: Değer ``ws://…#token`` biçiminde değilse.
    """
    url, sep, token = value.partition("#")
    if not sep or not token or not url.startswith("ws://"):
        raise ProtocolError(f"{ENV} 'ws://127.0.0.1:PORT#TOKEN' biçiminde olmalı")
    return url, token
