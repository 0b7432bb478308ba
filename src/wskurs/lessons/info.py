"""Ders defterlerinin ilk hücresi için: kullanılan kütüphanelerin sürümleri."""

from __future__ import annotations

import platform
from importlib.metadata import PackageNotFoundError, version

__all__ = ["PACKAGES", "show_versions"]

PACKAGES = ("fastapi", "starlette", "uvicorn", "websockets", "pydantic", "httpx", "ipykernel", "nest-asyncio", "redis")


def show_versions() -> None:
    """Python'un ve kursun kullandığı kütüphanelerin sürümlerini yazdırır."""
    print(f"{'python':<12} {platform.python_version()}")
    for name in PACKAGES:
        try:
            found = version(name)
        except PackageNotFoundError:
            found = "(kurulu değil)"
        print(f"{name:<12} {found}")
