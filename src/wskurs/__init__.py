"""FastAPI WebSocket Kursu'nun yardımcı paketi.

Derslerin *kullandığı* (öğretmediği) kod burada durur: ``engine`` (çekirdek içi sunucular ve
süreçler), ``lessons`` (bölüm yardımcıları), ``checks`` (lab kontrolleri), ``grading`` (lab
üretimi, yargıç, notlandırma) ve ``labformat`` (lab biçimi ve not türleri). Katmanlar ve
içe aktarmaların yönü: ``ARCHITECTURE.md``.
"""

from __future__ import annotations

from wskurs.engine.server import (
    RunningServer,
    ServerStartError,
    running_servers,
    serve,
    serve_in_thread,
    start_server,
    stop_all,
)
from wskurs.engine.timing import scaled

__all__ = [
    "RunningServer",
    "ServerStartError",
    "running_servers",
    "scaled",
    "serve",
    "serve_in_thread",
    "start_server",
    "stop_all",
]

__version__ = "0.1.0"
