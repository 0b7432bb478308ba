"""Yerel bağlantılar proxy'ye gitmesin.

Okul ve şirket ağlarında ortamda çoğu zaman bir proxy tanımlıdır (``HTTP_PROXY``, ``HTTPS_PROXY``,
``ALL_PROXY``; büyük ya da küçük harfle). websockets 15'ten beri ``connect()`` ``ws://127.0.0.1``
adresine bile bu proxy üzerinden gider; httpx de (``trust_env``) öyle. Proxy ``127.0.0.1``'e
ulaşamayacağı için bağlantı reddedilir. Bu modülün iki işi vardır:

- ``bypass_loopback``: ``NO_PROXY``/``no_proxy``'ye ``127.0.0.1,localhost,::1`` ekler (öğrencinin
  yazdığı değerler kalır). ``wskurs``'u içe aktarmak bunu yapar: defterin ve lab'ın çekirdeğinde
  öğrencinin kendi ``connect(url)``'i de yerel sunucuya doğrudan gider.
- ``proxy_hint``: "bağlanılamadı" geri bildirimine, ortamda bir proxy varsa hangi değişkenin
  tanımlı olduğunu ve nasıl düzeltileceğini ekler.

Kursun kendi istemcileri bunlara güvenmez: yerel adrese giden her ``connect`` ``proxy=None``, her
httpx istemcisi ``trust_env=False`` ile açılır.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, MutableMapping
from urllib.parse import urlsplit

__all__ = ["LOOPBACK", "PROXY_VARIABLES", "bypass_loopback", "proxy_hint", "proxy_settings"]

LOOPBACK = ("127.0.0.1", "localhost", "::1")
"""``NO_PROXY``'ye eklenen yerel adresler."""

PROXY_VARIABLES = tuple(
    name
    for base in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "WS_PROXY", "WSS_PROXY", "SOCKS_PROXY")
    for name in (base, base.lower())
)
"""websockets'in ve httpx'in proxy olarak okuduğu ortam değişkenleri."""

_NO_PROXY = ("NO_PROXY", "no_proxy")


def _entries(value: str) -> list[str]:
    return [item.strip() for item in value.split(",") if item.strip()]


def bypass_loopback(environ: MutableMapping[str, str] | None = None) -> None:
    """``NO_PROXY`` ve ``no_proxy``'ye ``LOOPBACK`` adreslerini ekler; var olanlar yerinde kalır.

    İkisinden yalnızca biri tanımlıysa öteki onun değeriyle başlar (küçük harfli olan öncelikli
    okunur; yalnızca yerel adreslerle başlasaydı kullanıcının değerini gölgelerdi). ``*`` (hiçbir
    adres proxy'ye gitmez) olduğu gibi kalır. Aynı çağrı ikinci kez hiçbir şeyi değiştirmez.
    """
    env = os.environ if environ is None else environ
    values = {name: env[name] for name in _NO_PROXY if name in env}
    for name in _NO_PROXY:
        current = values.get(name, next(iter(values.values()), ""))
        if current.strip() == "*":
            env[name] = current
            continue
        entries = _entries(current)
        entries += [host for host in LOOPBACK if host not in entries]
        env[name] = ",".join(entries)


def proxy_settings(environ: Mapping[str, str] | None = None) -> list[tuple[str, str]]:
    """Ortamda tanımlı proxy değişkenleri (ad, değer); değerdeki kullanıcı adı ve parola gizlenir."""
    env = os.environ if environ is None else environ
    return [(name, _redact(env[name])) for name in PROXY_VARIABLES if env.get(name, "").strip()]


def _redact(value: str) -> str:
    scheme, separator, rest = value.partition("://")
    if not separator:
        scheme, rest = "", value
    userinfo, at, host = rest.rpartition("@")
    if not at:
        return value
    return f"{scheme}{separator}***@{host}" if userinfo else value


def _bypassed(host: str, environ: Mapping[str, str]) -> bool:
    """``NO_PROXY`` ``host``'u kapsıyor mu (urllib'in kuralı: küçük harfli değişken öncelikli, ``*``
    her şey, ``example.com`` alt alan adlarını da kapsar)."""
    value = next((environ[name] for name in _NO_PROXY[::-1] if name in environ), "")
    if value.strip() == "*":
        return True
    host = host.lower()
    for entry in _entries(value):
        entry = entry.lstrip(".").lower()
        if host == entry or host.endswith("." + entry):
            return True
    return False


def proxy_hint(url: str, environ: Mapping[str, str] | None = None) -> str:
    """Bağlanılamayan ``url`` için proxy açıklaması; ortamda proxy yoksa boş metin.

    Proxy tanımlıysa hangi değişkenin tanımlı olduğunu söyler ve ``NO_PROXY`` adresi kapsamıyorsa
    nasıl düzeltileceğini, kapsıyorsa bağlantının proxy'ye gitmediğini ekler.
    """
    env = os.environ if environ is None else environ
    settings = proxy_settings(env)
    if not settings:
        return ""
    named = ", ".join(f"{name}={value}" for name, value in settings)
    parts = urlsplit(url)
    host = parts.hostname or url
    if _bypassed(host, env):
        return f"Ortamda proxy tanımlı ({named}), ama NO_PROXY {host} adresini kapsıyor: bağlantı proxy'ye gitmedi."
    return (
        f"Ortamda proxy tanımlı ({named}); {host} adresine giden bağlantı da proxy'ye gidebilir. "
        "Yerel adresleri proxy'nin dışında bırakın: NO_PROXY=127.0.0.1,localhost,::1 "
        "(istemcide de `connect(url, proxy=None)`)."
    )
