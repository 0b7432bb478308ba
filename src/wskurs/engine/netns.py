"""Gönderim başına kapalı bir ağ: yalnızca geri döngü arayüzü (``lo``) olan bir Linux ağ ad alanı.

Bir gönderimin çekirdeği, öğrencinin başlattığı sunucular ve o gönderimin yargıcı aynı ad alanında
yaşar; yargıç öğrencinin uygulamasına yine gerçek bir HTTP/WebSocket istemcisi olarak
``127.0.0.1`` üzerinden bağlanır. İçeriden başka hiçbir şeye ulaşılamaz: aynı anda notlandırılan
sınıf arkadaşı ve onun yargıcı, Dask planlayıcısı ve işçileri, başka bir lab'ın Redis'i,
öğretmenin Jupyter'i, dış ağ. ``/proc/net/tcp`` de yalnızca bu ad alanının soketlerini gösterir.

Ad alanı notlandırıcının bir iş parçacığında ``unshare(CLONE_NEWNET)`` ile kurulur (yalnızca o
iş parçacığı girer; süreç yerinde kalır); ``lo`` açılır, yargıcın dinleyeceği soket orada açılır ve
ad alanı bir dosya tanıtıcısıyla tutulur. Süreçler ona ``nsenter --net=/proc/self/fd/N`` ile girer.
Son tanıtıcı ve son süreç kapanınca çekirdek ad alanını kendisi siler: geride dosya kalmaz.

``CAP_SYS_ADMIN`` gerekir (notlandırıcı root). Olmazsa ``open_namespace`` ``None`` döndürür ve
notlandırma bunu başta yazar.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import shutil
import socket
import struct
import threading
from dataclasses import dataclass

__all__ = ["NetNamespace", "open_namespace"]

_CLONE_NEWNET = 0x40000000
_SIOCGIFFLAGS = 0x8913
_SIOCSIFFLAGS = 0x8914
_IFF_UP = 0x1


@dataclass
class NetNamespace:
    """Açık bir ağ ad alanı: ``fd`` onu canlı tutar, ``listener`` yargıcın içeride açılmış soketidir."""

    fd: int
    listener: socket.socket
    nsenter: str

    def enter(self, command: list[str]) -> list[str]:
        """``command``'ı bu ad alanında çalıştıran komut satırı (``pass_fds``'e ``self.fd`` eklenmeli)."""
        return [self.nsenter, f"--net=/proc/self/fd/{self.fd}", "--", *command]

    def close(self) -> None:
        with contextlib.suppress(OSError):
            self.listener.close()
        with contextlib.suppress(OSError):
            os.close(self.fd)


def _bring_loopback_up() -> None:
    import fcntl  # yalnızca Linux: modül Windows'ta da içe aktarılabilsin

    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as handle:
        request = struct.pack("16sh", b"lo", 0)
        flags = struct.unpack("16sh", fcntl.ioctl(handle, _SIOCGIFFLAGS, request))[1]
        fcntl.ioctl(handle, _SIOCSIFFLAGS, struct.pack("16sh", b"lo", flags | _IFF_UP))


def open_namespace() -> NetNamespace | None:
    """Yeni, yalnızca ``lo``'su olan bir ağ ad alanı açar; içinde yargıç için bir dinleyici kurar.

    Returns:
        Ad alanı ya da bu makinede kurulamıyorsa (root değil, ``nsenter`` yok, çekirdek izin vermiyor)
        ``None``.
    """
    nsenter = shutil.which("nsenter")
    if nsenter is None or not hasattr(os, "geteuid") or os.geteuid() != 0:
        return None
    nsenter = os.path.realpath(nsenter)
    result: dict[str, object] = {}

    def inside() -> None:
        # Bu iş parçacığı yeni ad alanına geçer ve sonra biter; sürecin öteki iş parçacıkları yerinde kalır.
        try:
            libc = ctypes.CDLL(None, use_errno=True)
            if libc.unshare(_CLONE_NEWNET) != 0:
                result["error"] = os.strerror(ctypes.get_errno())
                return
            fd = os.open("/proc/thread-self/ns/net", os.O_RDONLY | os.O_CLOEXEC)
            try:
                _bring_loopback_up()
                listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
                listener.bind(("127.0.0.1", 0))
                listener.listen(64)
            except OSError as exc:
                os.close(fd)
                result["error"] = str(exc)
                return
            result["namespace"] = NetNamespace(fd, listener, nsenter)
        except Exception as exc:  # ctypes/ad alanı hatası: kapalı ağ yok, notlandırma bunu söyler
            result["error"] = f"{type(exc).__name__}: {exc}"

    thread = threading.Thread(target=inside, name="wskurs-ag-ad-alani")
    thread.start()
    thread.join()
    namespace = result.get("namespace")
    return namespace if isinstance(namespace, NetNamespace) else None
