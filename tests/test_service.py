"""`wskurs.engine.service`: sunucuların ve süreçlerin ortak kaydı, günlüğü ve durdurma düzeni."""

from __future__ import annotations

import asyncio

from wskurs.engine.service import LogBuffer, Registry, Service, WebAddresses


class _Fake(WebAddresses, Service):
    registry: Registry[_Fake] = Registry()

    def __init__(self, name: str, port: int) -> None:
        self.name = name
        self.port = port
        self.stops = 0
        self._log = LogBuffer(limit=3)

    @property
    def log(self) -> list[str]:
        return self._log.lines()

    async def _shutdown(self) -> None:
        self.stops += 1


def test_log_buffer_joins_partial_writes_and_keeps_the_last_lines():
    """Parça parça yazılan metin satırlara bölünür, yarım satır da görünür; sınırdan eski satırlar düşer."""
    log = LogBuffer(limit=3)
    log.write("bir\niki", prefix="[stderr] ")
    assert log.lines() == ["[stderr] bir", "iki"]
    log.write(" devam\nüç\ndört\n")
    assert log.lines() == ["iki devam", "üç", "dört"]
    log.clear()
    assert log.lines() == []


def test_show_log_filters_and_says_when_empty(capsys):
    """`show_log` son satırları yazar, `contains` ile süzer; boşsa bunu Türkçe söyler."""
    fake = _Fake("a", 1)
    fake.show_log()
    assert capsys.readouterr().out == "(günlük boş)\n"
    fake._log.write("GET /\nWS /ws\nGET /x\n")
    fake.show_log(last=1, contains="GET")
    assert capsys.readouterr().out == "GET /x\n"


def test_stop_unregisters_only_itself_and_can_repeat():
    """`stop` kaydı yalnızca kendisi o adın kaydıysa siler, birden çok kez çağrılabilir; `async with` durdurur."""

    async def scenario() -> None:
        old, new = _Fake("ad", 1), _Fake("ad", 2)
        _Fake.registry.add(old)
        assert _Fake.registry.pop("ad") is old
        _Fake.registry.add(new)
        await old.stop()
        assert _Fake.registry.snapshot() == {"ad": new}
        async with new:
            pass
        await new.stop()
        assert new.stops == 2 and _Fake.registry.snapshot() == {}

    asyncio.run(scenario())


def test_addresses_add_the_leading_slash():
    """`url` ve `ws_url` 127.0.0.1 ve portla tam adres verir; yolun başındaki `/` eksikse eklenir."""
    fake = _Fake("a", 8123)
    assert fake.url("sayfa") == "http://127.0.0.1:8123/sayfa"
    assert fake.ws_url() == "ws://127.0.0.1:8123/ws"
    assert fake.base_ws_url == "ws://127.0.0.1:8123"
