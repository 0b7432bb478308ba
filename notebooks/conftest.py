"""Ders defterleri nbval'de okul ağındaki, sistemine hiçbir şey kurmamış öğrencinin ortamında sınanır.

``PATH`` yalnızca sanal ortamın ``bin`` klasörüdür: defterler sistemden hiçbir program (``redis-server``,
``nginx``, ``curl``…) istemez; 7. bölümün Redis'i ve ters proxy'si pip'in kurduklarıdır.

Okul ya da şirket ağında proxy değişkenleri (``HTTP_PROXY``, ``HTTPS_PROXY``, ``ALL_PROXY``…; büyük ve
küçük harfle) tanımlıdır ve ``NO_PROXY`` çoğu zaman yoktur. nbval'in her defter için başlattığı çekirdek
bu ortamı alır: websockets'in ve httpx'in okuduğu bütün proxy değişkenleri (``PROXY_VARIABLES``) her
şeyi reddeden bir portu gösterir, ``NO_PROXY`` silinir. Kursun yerel
bağlantılarının hiçbiri proxy'ye gitmediği için defterler kayıtlı çıktılarıyla yine aynı biter; biri
proxy'ye giderse bağlantı reddedilir ve nbval farkı gösterir.

Ortam yalnızca çekirdek başlarken değişir; pytest sürecinin kendisi (ve aynı süreçteki öteki testler)
kendi ortamıyla sürer.
"""

from __future__ import annotations

import os
import socket
import sys
from collections.abc import Callable, Generator
from pathlib import Path
from typing import Any

import pytest
from nbval.plugin import IPyNbFile

from wskurs.engine.proxy import PROXY_VARIABLES

NO_PROXY_NAMES = ("NO_PROXY", "no_proxy")

# Bağlanmış ama dinlemeyen soket: port oturum boyunca bizde kalır (başkası alamaz), bağlanan reddedilir.
_DEAD = socket.socket()
_DEAD.bind(("127.0.0.1", 0))
DEAD_PROXY = f"http://127.0.0.1:{_DEAD.getsockname()[1]}"
VENV_BIN = str(Path(sys.executable).parent)


def _learners_environment(setup: Callable[[], None]) -> Callable[[], None]:
    """``setup``'ı (nbval'in çekirdeği başlattığı yer) ölü proxy'li, ``PATH``'i yalnızca sanal ortam olan
    ortamda çalıştıran sarmalayıcı."""

    def wrapped() -> None:
        names = (*PROXY_VARIABLES, *NO_PROXY_NAMES, "PATH")
        saved = {name: os.environ.get(name) for name in names}
        for name in NO_PROXY_NAMES:
            os.environ.pop(name, None)
        os.environ.update(dict.fromkeys(PROXY_VARIABLES, DEAD_PROXY))
        os.environ["PATH"] = VENV_BIN
        try:
            setup()
        finally:
            for name, value in saved.items():
                if value is None:
                    os.environ.pop(name, None)
                else:
                    os.environ[name] = value

    return wrapped


@pytest.hookimpl(wrapper=True)
def pytest_collect_file(file_path: Path, parent: pytest.Collector) -> Generator[None, Any, Any]:
    """nbval'in bu klasörde topladığı defterlerin çekirdeği öğrencinin ortamında başlar."""
    collected = yield
    for node in collected:
        if isinstance(node, IPyNbFile):
            node.setup = _learners_environment(node.setup)  # type: ignore[method-assign]
    return collected
