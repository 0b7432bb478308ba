"""Çekirdekteki bir sunucunun sayfasını defterin içinde göstermek."""

from __future__ import annotations

import html

from .server import RunningServer

__all__ = ["show_page"]


def show_page(server: RunningServer, path: str = "/", *, height: int = 500) -> None:
    """Sunucudaki bir sayfayı hücrenin çıktısında bir çerçeve (iframe) olarak gösterir.

    Çerçevenin adresi ``server.browser_url(path)``'tir: tarayıcı nerede olursa olsun sayfaya
    oradan ulaşır. Düz metin çıktısı yalnızca yolu söyler (nesne gösterimi yok).
    """
    from IPython.display import display

    src = html.escape(server.browser_url(path), quote=True)
    frame = f'<iframe src="{src}" width="100%" height="{int(height)}" style="border:1px solid #ccc"></iframe>'
    display({"text/html": frame, "text/plain": f"[sayfa: {path}]"}, raw=True)
