"""Öğrencinin tarayıcısı çekirdekteki bir sunucuya hangi adresten ulaşır?

Çekirdekteki istemciler sunucuya her zaman ``127.0.0.1:<port>`` üzerinden bağlanır. Tarayıcı
ise başka bir makinede olabilir (JupyterHub, Binder, Codespaces, sınıf sunucusu): o zaman
``127.0.0.1`` öğrencinin kendi bilgisayarıdır ve sayfa açılmaz. Bu yüzden çekirdek bir Jupyter
sunucusunun altında çalışıyorsa sayfalar o sunucunun ``jupyter-server-proxy`` yolundan,
``<base_url>proxy/<port>/`` adresinden açılır. Oturum çerezi JupyterLab'ınkidir; proxy kimlik
doğrulaması ister, JupyterLab'dan açılan çerçeve ve sekmeler bunu zaten taşır.

Sıra (ilk bulunan kazanır):

1. ``WSKURS_BROWSER_BASE`` ortam değişkeni (olağan dışı kurulumlar için):
   ``dogrudan`` → doğrudan adres; ``{port}`` içeren bir şablon (ör.
   ``https://ad-{port}.app.github.dev/``) → portun kendi yönlendirilmiş adresi; başka her
   değer Jupyter sunucusunun temel adresi sayılır (ör. ``/user/ogrenci/``) → ``proxy/<port>/``.
2. ``JUPYTERHUB_SERVICE_PREFIX`` (JupyterHub ve Binder bunu tek kullanıcılı sunucuya verir).
3. Bu çekirdeği başlatan Jupyter sunucusu: jupyter_client çekirdeğe ``JPY_PARENT_PID`` verir,
   jupyter_server çalışma dizinine ``jpserver-<pid>.json`` yazar ve içinde ``base_url`` vardır.
4. Hiçbiri yoksa (betik, pytest, nbval): doğrudan ``http://127.0.0.1:<port>``.
"""

from __future__ import annotations

import enum
import json
import os
from dataclasses import dataclass
from pathlib import Path

__all__ = ["OVERRIDE_ENV", "BrowserBase", "BrowserMode", "browser_base", "jupyter_server_info"]

OVERRIDE_ENV = "WSKURS_BROWSER_BASE"
DIRECT_WORDS = frozenset({"dogrudan", "doğrudan", "direct"})


class BrowserMode(enum.Enum):
    DIRECT = "doğrudan"
    PROXY = "jupyter-server-proxy"
    TEMPLATE = "şablon"


@dataclass(frozen=True)
class BrowserBase:
    """Tarayıcı adreslerinin nasıl kurulacağı ve bunun nereden anlaşıldığı."""

    mode: BrowserMode
    base: str = ""
    """``PROXY``: Jupyter sunucusunun temel adresi (``/`` ile biter); ``TEMPLATE``: ``{port}``'lu şablon."""
    source: str = "Jupyter sunucusu bulunamadı"
    """Bu ayarın nereden geldiği (ör. ``JUPYTERHUB_SERVICE_PREFIX``); hata ayıklarken okunur."""

    def url(self, direct_url: str, port: int, path: str) -> str:
        """Bir sunucunun ``path`` yolunun tarayıcıdaki adresi.

        Args:
            direct_url: Sunucunun doğrudan adresi (``http://127.0.0.1:<port>/yol``).
            port: Sunucunun portu.
            path: ``/`` ile başlayan yol (sorgu kısmı olabilir).
        """
        if self.mode is BrowserMode.PROXY:
            return f"{self.base}proxy/{port}{path}"
        if self.mode is BrowserMode.TEMPLATE:
            return self.base.replace("{port}", str(port)).rstrip("/") + path
        return direct_url


def _as_base(value: str) -> str:
    value = value.strip()
    if "://" not in value and not value.startswith("/"):
        value = "/" + value
    return value if value.endswith("/") else value + "/"


def jupyter_server_info(pid: int, runtime_dir: Path | None = None) -> dict[str, object] | None:
    """``pid`` süreci bir Jupyter sunucusuysa onun ``jpserver-<pid>.json`` bilgisi, değilse ``None``.

    Eski Notebook sunucusunun ``nbserver-<pid>.json`` dosyası da okunur.
    """
    if runtime_dir is None:
        from jupyter_core.paths import jupyter_runtime_dir

        runtime_dir = Path(jupyter_runtime_dir())
    for prefix in ("jpserver", "nbserver"):
        candidate = runtime_dir / f"{prefix}-{pid}.json"
        try:
            info = json.loads(candidate.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        if isinstance(info, dict) and isinstance(info.get("base_url"), str):
            return info
    return None


def _parent_pids() -> list[int]:
    pids = []
    for value in (os.environ.get("JPY_PARENT_PID"), str(os.getppid())):
        try:
            pid = int(value or "")
        except ValueError:
            continue
        if pid > 1 and pid not in pids:
            pids.append(pid)
    return pids


def browser_base(runtime_dir: Path | None = None) -> BrowserBase:
    """Şu anki ortamda tarayıcı adreslerinin nasıl kurulacağını bulur (her çağrıda yeniden bakar).

    Args:
        runtime_dir: ``jpserver-*.json`` dosyalarının dizini; ``None`` ise Jupyter'in çalışma
            dizini (``JUPYTER_RUNTIME_DIR`` ya da varsayılanı).
    """
    override = os.environ.get(OVERRIDE_ENV, "").strip()
    if override:
        if override.lower() in DIRECT_WORDS:
            return BrowserBase(BrowserMode.DIRECT, source=f"{OVERRIDE_ENV}={override}")
        if "{port}" in override:
            return BrowserBase(BrowserMode.TEMPLATE, override, source=OVERRIDE_ENV)
        return BrowserBase(BrowserMode.PROXY, _as_base(override), source=OVERRIDE_ENV)
    prefix = os.environ.get("JUPYTERHUB_SERVICE_PREFIX", "").strip()
    if prefix:
        return BrowserBase(BrowserMode.PROXY, _as_base(prefix), source="JUPYTERHUB_SERVICE_PREFIX")
    for pid in _parent_pids():
        info = jupyter_server_info(pid, runtime_dir)
        if info is not None:
            return BrowserBase(BrowserMode.PROXY, _as_base(str(info["base_url"])), source=f"jpserver-{pid}.json")
    return BrowserBase(BrowserMode.DIRECT)
