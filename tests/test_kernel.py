"""Çekirdek içi sunucunun gerçek bir Jupyter çekirdeğindeki davranışı."""

from __future__ import annotations

import socket
import time

import pytest

from wskurs.engine.timing import scaled

from kernel import kernel_session

pytestmark = pytest.mark.kernel

START = """
from fastapi import FastAPI
from wskurs import start_server

app = FastAPI()

@app.get("/")
async def root():
    print("SUNUCU-YAZDI")
    return {"ok": True}

sunucu = await start_server(app)
print("başladı")
"""

GET = """
import httpx
async with httpx.AsyncClient() as client:
    response = await client.get(sunucu.url("/"), timeout=5)
print(response.json())
"""


@pytest.fixture(scope="module")
def kernel(tmp_path_factory):
    with kernel_session(tmp_path_factory.mktemp("cekirdek")) as k:
        yield k


def test_start_cell_twice_replaces_server(kernel):
    """Başlatma hücresini iki kez çalıştırmak sunucuyu aynı portta değiştirir; "address in use" yok."""
    first = kernel.run(START)
    assert first.error is None, first.evalue
    port = int(kernel.value("sunucu.port"))
    second = kernel.run(START)
    assert second.error is None, second.evalue
    assert int(kernel.value("sunucu.port")) == port
    assert kernel.value("len(__import__('wskurs').running_servers())") == "1"
    assert kernel.run(GET).stdout.strip() == "{'ok': True}"


def test_interrupt_stops_the_cell_and_server_survives(kernel):
    """Kesme, sonraki hücredeki `await asyncio.sleep(60)`'ı durdurur; sunucu yanıt vermeye devam eder."""
    kernel.run(START)
    started = time.monotonic()
    run = kernel.run("import asyncio\nawait asyncio.sleep(60)", interrupt_after=1.0, timeout=scaled(30))
    assert run.idle, "hücre kesmeyle durmadı"
    assert time.monotonic() - started < scaled(15)
    # ipykernel async hücrelerde kesmeyi CancelledError olarak bildirir (senkron hücrede KeyboardInterrupt).
    assert run.error in {"KeyboardInterrupt", "CancelledError"}
    assert kernel.run(GET).stdout.strip() == "{'ok': True}"


def test_blocking_cell_is_interrupted_with_keyboardinterrupt(kernel):
    """Senkron, kilitleyen bir hücre kesmeyle KeyboardInterrupt verir; sunucu sonra yine yanıt verir."""
    kernel.run(START)
    run = kernel.run(
        "import time\nt = time.time()\nwhile time.time() - t < 60: pass", interrupt_after=1.0, timeout=scaled(30)
    )
    assert run.error == "KeyboardInterrupt"
    assert kernel.run(GET).stdout.strip() == "{'ok': True}"


def test_server_output_never_lands_in_an_unrelated_cell(kernel):
    """Sunucunun yazdıkları hiçbir hücrenin çıktısına düşmez; sunucu günlüğünde durur."""
    kernel.run(START)
    run = kernel.run(GET)
    assert "SUNUCU-YAZDI" not in run.stdout + run.stderr
    assert not [m for m in run.foreign if "SUNUCU-YAZDI" in str(m["content"])]
    later = kernel.run("x = 1")
    assert later.stdout == "" and later.stderr == "" and later.foreign == []
    shown = kernel.run("sunucu.show_log(contains='SUNUCU-YAZDI')")
    assert "SUNUCU-YAZDI" in shown.stdout


def test_restart_leaves_no_listening_socket(tmp_path):
    """Çekirdek yeniden başlatılınca dinleyen soket kalmaz."""
    with kernel_session(tmp_path) as k:
        assert k.run(START).error is None
        port = int(k.value("sunucu.port"))
        with socket.create_connection(("127.0.0.1", port), timeout=2):
            pass
        k.restart()
        with pytest.raises(OSError), socket.create_connection(("127.0.0.1", port), timeout=2):
            pass
