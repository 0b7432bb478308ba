"""Boş bir port: işletim sistemine 127.0.0.1'de port 0 ile sorulur."""

from __future__ import annotations

import socket

__all__ = ["free_port"]


def free_port() -> int:
    """127.0.0.1'de şu an boş olan bir TCP portu.

    Port bırakılıp sonra kullanıldığı için arada başka biri alabilir; bunu kaldırabilen yerler
    (``start_server`` gibi) portu kendisi bağlar, bu fonksiyonu ayrı bir sürece port vermek için
    kullanın.
    """
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])
