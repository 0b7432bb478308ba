"""Çekirdekteki bir sunucunun sayfasını defterin içinde göstermek."""

from __future__ import annotations

import html
from collections.abc import Sequence

from wskurs.engine.server import RunningServer

__all__ = ["page_html", "show_page"]


def page_html(server: RunningServer, path: str | Sequence[str] = "/", *, height: int = 500) -> str:
    """``show_page``'in gösterdiği HTML: her yol için bir çerçeve ve "yeni sekmede aç" bağlantısı.

    Birden çok yol verilirse çerçeveler yan yana durur (ör. iki kullanıcının sohbet sayfası).
    """
    paths = [path] if isinstance(path, str) else list(path)
    if not paths:
        raise ValueError("show_page: en az bir yol verin, ör. show_page(sunucu, '/').")
    width = f"{100 / len(paths) - (1 if len(paths) > 1 else 0):g}%"
    boxes = []
    for one in paths:
        src = html.escape(server.browser_url(one), quote=True)
        boxes.append(
            f'<div style="width:{width}">'
            f'<iframe src="{src}" width="100%" height="{int(height)}" style="border:1px solid #ccc"></iframe>'
            f'<div style="font-size:85%"><a href="{src}" target="_blank" rel="noopener">'
            "Sayfa görünmüyorsa yeni sekmede açın</a></div></div>"
        )
    return f'<div class="wskurs-sayfa" style="display:flex;gap:1%">{"".join(boxes)}</div>'


def show_page(server: RunningServer, path: str | Sequence[str] = "/", *, height: int = 500) -> None:
    """Sunucudaki bir sayfayı hücrenin çıktısında bir çerçeve (iframe) olarak gösterir.

    Çerçevenin adresi ``server.browser_url(path)``'tir: çekirdek bir Jupyter sunucusunun
    altındaysa (JupyterHub, Binder, uzak bir JupyterLab) sayfa jupyter-server-proxy'nin
    ``…/proxy/<port>/`` yolundan açılır, yoksa doğrudan ``127.0.0.1``'den. Düz metin çıktısı
    yalnızca kısa bir etikettir (nesne gösterimi yok, port yok: kayıtlı çıktı her çalıştırmada aynı).

    Args:
        server: Sayfayı sunan çalışan sunucu.
        path: Sayfanın yolu (sorgu kısmı olabilir) ya da yan yana gösterilecek yolların listesi.
        height: Çerçevenin yüksekliği (piksel).
    """
    from IPython.display import display

    paths = [path] if isinstance(path, str) else list(path)
    label = "[sayfa: " + ", ".join(paths) + "]"
    display({"text/html": page_html(server, paths, height=height), "text/plain": label}, raw=True)
