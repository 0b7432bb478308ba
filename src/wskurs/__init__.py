"""FastAPI WebSocket Kursu'nun yardımcı paketi.

Derslerin *kullandığı* (öğretmediği) kod burada durur: ``engine`` (çekirdek içi sunucular ve
süreçler), ``lessons`` (bölüm yardımcıları), ``checks`` (lab kontrolleri), ``grading`` (lab
üretimi, yargıç, notlandırma) ve ``labformat`` (lab biçimi ve not türleri). Katmanlar ve
içe aktarmaların yönü: ``ARCHITECTURE.md``.

İçe aktarılınca ``NO_PROXY``/``no_proxy``'ye yerel adresleri (``127.0.0.1,localhost,::1``) ekler:
ortamda bir proxy tanımlı olsa da (okul, şirket ağı) çekirdekteki ``connect(url)`` yerel sunucuya
doğrudan gider (``wskurs.engine.proxy``).
"""

from __future__ import annotations

from wskurs.engine.proxy import bypass_loopback
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

bypass_loopback()
