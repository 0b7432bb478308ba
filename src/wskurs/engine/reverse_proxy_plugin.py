"""proxy.py sürecinin içinde çalışan ters proxy eklentisi (``reverse_proxy`` onu ``--plugins`` ile yükler).

Her isteği olduğu gibi ``WSKURS_ARKA_UC`` ortam değişkenindeki adrese (``http://127.0.0.1:<port>``)
iletir ve bir ters proxy'nin olağan işini yapar: ``X-Forwarded-For`` başlığına istemcinin adresini,
``X-Forwarded-Proto``'ya şemayı ekler. El sıkışmanın ``Upgrade: websocket`` ve ``Connection: Upgrade``
başlıkları olduğu gibi geçer; el sıkışmadan sonra proxy.py iki soket arasında baytları taşır.
"""

from __future__ import annotations

import os
import re

from proxy.http import Url
from proxy.http.parser import HttpParser
from proxy.http.server import ReverseProxyBasePlugin

__all__ = ["ForwardToBackend"]


class ForwardToBackend(ReverseProxyBasePlugin):
    """Bütün yolları ``WSKURS_ARKA_UC``'ye iletir; istemcinin adresini ``X-Forwarded-For``'a yazar."""

    def routes(self) -> list[str | tuple[str, list[bytes]]]:
        return [r"/.*"]

    def before_routing(self, request: HttpParser) -> HttpParser | None:
        assert self.client is not None and self.client.addr is not None
        request.add_header(b"X-Forwarded-For", self.client.addr[0].encode())
        request.add_header(b"X-Forwarded-Proto", b"http")
        return request

    def handle_route(self, request: HttpParser, pattern: re.Pattern[str]) -> Url:
        choice = Url.from_bytes(os.environ["WSKURS_ARKA_UC"].encode())
        choice.remainder = request.path
        return choice
