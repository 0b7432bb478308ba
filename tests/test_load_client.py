"""`wskurs.lessons.load_client`: bölüm 5'in ayrı süreçteki yük istemcisi."""

from __future__ import annotations

import asyncio
import resource
import sys

from fastapi import FastAPI, WebSocket, WebSocketDisconnect

from wskurs import serve
from wskurs.engine.clients import wait_until
from wskurs.engine.timing import scaled
from wskurs.lessons.load_client import raise_fd_limit


def broadcast_app() -> tuple[FastAPI, set]:
    app = FastAPI()
    clients: set = set()

    @app.websocket("/ws")
    async def endpoint(websocket: WebSocket):
        await websocket.accept()
        clients.add(websocket)
        try:
            while True:
                await websocket.receive_text()
        except WebSocketDisconnect:
            pass
        finally:
            clients.discard(websocket)

    return app, clients


async def read_line(process: asyncio.subprocess.Process) -> str:
    assert process.stdout is not None
    return (await asyncio.wait_for(process.stdout.readline(), scaled(20))).decode().strip()


def test_fd_limit_is_raised_but_never_above_the_hard_limit():
    """Yumuşak sınır istenene yükselir ama sert sınırı asla aşmaz; küçük bir istek sınırı düşürmez."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    assert raise_fd_limit(1) == (soft, hard)
    new_soft, new_hard = raise_fd_limit(soft + 10)
    assert new_hard == hard
    assert new_soft == soft + 10 if hard == resource.RLIM_INFINITY or soft + 10 <= hard else new_soft == hard


def test_load_client_reports_ready_broadcasts_and_close_codes():
    """Süreç bağlantıları açınca HAZIR, her yayın herkese ulaşınca ALDI, hepsi kapanınca kodlarıyla
    KAPANDI yazar ve çıkar."""

    async def scenario() -> list[str]:
        app, clients = broadcast_app()
        async with serve(app) as server:
            process = await asyncio.create_subprocess_exec(
                sys.executable,
                "-m",
                "wskurs.lessons.load_client",
                server.ws_url("/ws"),
                "20",
                stdout=asyncio.subprocess.PIPE,
            )
            try:
                lines = [await read_line(process)]
                assert await wait_until(lambda: len(clients) == 20, timeout=10)
                for number in (1, 2):
                    for client in list(clients):
                        await client.send_text(f"yayın {number}")
                    lines.append(await read_line(process))
                await asyncio.gather(*(client.close(code=1001) for client in list(clients)))
                lines.append(await read_line(process))
                assert await asyncio.wait_for(process.wait(), scaled(10)) == 0
            finally:
                if process.returncode is None:
                    process.kill()
                    await process.wait()
        return lines

    assert asyncio.run(scenario()) == ["HAZIR 20", "ALDI 1 20", "ALDI 2 20", "KAPANDI 1001:20"]


def test_load_client_gives_up_after_its_time_limit():
    """Bağlantılar hiç kapanmasa da süreç `--sure` saniye sonra ZAMAN_ASIMI yazıp çıkar."""

    async def scenario() -> tuple[list[str], int]:
        app, _ = broadcast_app()
        async with serve(app) as server:
            process = await asyncio.create_subprocess_exec(
                sys.executable,
                "-m",
                "wskurs.lessons.load_client",
                server.ws_url("/ws"),
                "3",
                "--sure",
                "1.5",
                stdout=asyncio.subprocess.PIPE,
            )
            try:
                lines = [await read_line(process), await read_line(process)]
                code = await asyncio.wait_for(process.wait(), scaled(10))
            finally:
                if process.returncode is None:
                    process.kill()
                    await process.wait()
        return lines, code

    lines, code = asyncio.run(scenario())
    assert lines == ["HAZIR 3", "ZAMAN_ASIMI 1.5"]
    assert code == 1


def test_unreachable_server_is_reported_not_hung():
    """Sunucu yoksa açılamayan bağlantılar HATA satırıyla bildirilir, süreç asılı kalmaz."""

    async def scenario() -> list[str]:
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "wskurs.lessons.load_client",
            "ws://127.0.0.1:9/ws",
            "2",
            stdout=asyncio.subprocess.PIPE,
        )
        try:
            lines = [await read_line(process), await read_line(process), await read_line(process)]
            await asyncio.wait_for(process.wait(), scaled(10))
        finally:
            if process.returncode is None:
                process.kill()
                await process.wait()
        return lines

    lines = asyncio.run(scenario())
    assert lines[0].startswith("HATA 2 ")
    assert lines[1:] == ["HAZIR 0", "KAPANDI"]
