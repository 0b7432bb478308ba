"""Süreç testlerinin küçük ortak araçları."""

from __future__ import annotations

import asyncio
import os
from collections.abc import Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

T = TypeVar("T")


def run(coro_fn: Callable[[], Awaitable[T]]) -> T:
    """``asyncio.run`` ayrı bir iş parçacığında: oturumda çalışan başka bir loop varken de çalışır."""
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(lambda: asyncio.run(coro_fn())).result()


def alive(pid: int) -> bool:
    """Bu pid'e sahip bir süreç hâlâ var mı?"""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True
