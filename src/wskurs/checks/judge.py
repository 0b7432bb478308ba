"""Yargıç: kontrolleri öğrencinin çekirdeğinin dışında çalıştıran ve kararları kendisi kaydeden süreç.

::

    python -m wskurs.checks.judge [--gizli] [--ilk] [--kayit] [--kapali] [--tohum N]

- Standart girdinin ilk satırı token'dır (komut satırında görünmesin diye); girdi kapanınca
  yargıç durur (onu başlatan süreç ölünce de).
- Standart çıktının ilk satırı ``{"port": N}``: yargıç 127.0.0.1:N'de dinler.
- ``--kayit``: sonraki her satır bir kayıttır (``started``, ``verdict``, ``died``, ``violation``,
  ``repeat``, ``note``). Toplu notlandırmada not yalnızca buradan, notlandırıcıya giden borudan okunur.
- ``--kapali``: yargıç gönderimin kapalı ağındadır; ona bağlanabilen tek şey o gönderimdir. Yalnızca
  o zaman token'sız ya da yanlış token'lı bir bağlantı gönderimin ``violation`` kaydı olur; ağ
  paylaşılıyorsa bağlanan başkası olabilir ve kimsenin durumu değişmez (``intruder`` kaydı).
- ``--ilk``: bir alıştırmanın yalnızca ilk kararı sayılır; yeniden soran aynı kararı alır.
- ``--gizli``: öğretmenin gizli durumları da denenir (``ns.hidden``).
- ``--tohum``: girdileri seçen rastgele üretecin tohumu (verilmezse her çalışmada başka).

Çekirdekteki aracı bağlanır, ``{"type": "check", "token": …, "exercise": "2.1"}`` der;
pytest eklentisi ``{"type": "note", "token": …, "kind": "timeout"|"dead", "exercise": "2.1"}`` ile
hangi alıştırmanın hücresinin zaman aşımına uğradığını ya da çekirdeğin nerede öldüğünü bildirir
(puansız: yalnızca durumu adlandırır);
yargıç kontrolü çalıştırır, aracıdan yalnızca düz JSON yanıtlar alır ve sonunda kararı hem
aracıya gönderir (öğrenci görsün diye) hem de kendi kaydına yazar.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import hmac
import os
import random
import secrets
import socket
import subprocess
import sys
import threading
import time
from typing import TYPE_CHECKING, Any, TextIO

from websockets.asyncio.server import ServerConnection, serve
from websockets.exceptions import ConnectionClosed

from wskurs.checks import protocol
from wskurs.checks.core import Exercise, exercises_of, find_exercise, format_feedback, run_exercise
from wskurs.checks.errors import AgentGone
from wskurs.checks.remote import Channel, RemoteNamespace
from wskurs.engine.timing import scaled

if TYPE_CHECKING:
    # Yalnızca tür: ad alanı Linux'a özgüdür, yargıç Windows'ta da içe aktarılabilsin.
    from wskurs.engine.netns import NetNamespace

__all__ = ["Judge", "JudgeProcess", "main"]


MAX_CONNECTIONS = 16
"""Yargıca aynı anda açık olabilecek en çok bağlantı (aracı her kontrolde bir tane açar)."""


class Judge:
    """Bir yargıç: bağlanan aracıların kontrollerini sırayla çalıştırır ve kaydeder.

    Args:
        token: Aracının göstermesi gereken gizli değer.
        hidden: Gizli durumlar denensin mi (öğretmen notlandırması).
        first_only: Bir alıştırmanın yalnızca ilk kararı mı sayılsın (toplu notlandırma).
        seed: Girdileri seçen üretecin tohumu.
        record: Kayıtların yazılacağı akış (``None``: kayıt yok).
    """

    def __init__(
        self,
        token: str,
        *,
        hidden: bool = False,
        first_only: bool = False,
        seed: int | None = None,
        record: TextIO | None = None,
        sealed: bool = False,
    ) -> None:
        self.token = token
        self.sealed = sealed
        self.hidden = hidden
        self.first_only = first_only
        self.seed = seed if seed is not None else secrets.randbits(32)
        self.record = record
        self.verdicts: dict[str, dict[str, Any]] = {}
        self._lock = asyncio.Lock()
        self._open = 0

    def write(self, **entry: Any) -> None:
        if self.record is None:
            return
        entry.setdefault("t", round(time.time(), 3))
        self.record.write(protocol.dumps(entry) + "\n")
        self.record.flush()

    async def handle(self, ws: ServerConnection) -> None:
        # Yargıç gönderimin bütçesinin dışındadır: açık bağlantı sayısı sınırlı, bir gönderim binlerce
        # bağlantıyla (her biri 8 MB'a dek mesaj) yargıcın belleğini dolduramaz.
        if self._open >= MAX_CONNECTIONS:
            self._stranger(f"aynı anda {MAX_CONNECTIONS}'dan fazla bağlantı")
            await ws.close(code=1013, reason="çok fazla bağlantı")
            return
        self._open += 1
        try:
            await self._handle(ws)
        finally:
            self._open -= 1

    async def _handle(self, ws: ServerConnection) -> None:
        try:
            first = protocol.loads(await asyncio.wait_for(ws.recv(), timeout=scaled(10)))
        except (TimeoutError, ConnectionClosed, protocol.ProtocolError) as exc:
            self._stranger(f"bağlantı bir kontrol isteğiyle başlamadı ({type(exc).__name__})")
            return
        token = first.get("token")
        if first["type"] not in ("check", "note") or not isinstance(token, str):
            self._stranger("yanlış token ya da istek türü")
            await ws.close(code=1008, reason="yetkisiz")
            return
        if not hmac.compare_digest(token.encode("utf-8", "replace"), self.token.encode()):
            self._stranger("yanlış token ya da istek türü")
            await ws.close(code=1008, reason="yetkisiz")
            return
        if first["type"] == "note":
            kind = str(first.get("kind", ""))[:20]
            if kind in ("timeout", "dead", "ready"):
                self.write(type="note", kind=kind, exercise=str(first.get("exercise", ""))[:20])
            await ws.close()
            return
        exercise_id = str(first.get("exercise", ""))[:20]
        try:
            ex = find_exercise(exercise_id)
        except (LookupError, ValueError) as exc:
            await self._send_verdict(ws, exercise_id, False, f"❌ {exc}", 0)
            return
        async with self._lock:
            if self.first_only and ex.id in self.verdicts:
                self.write(type="repeat", exercise=ex.id)
                earlier = self.verdicts[ex.id]
                note = "\n(Notlandırmada bu alıştırmanın yalnızca ilk kontrolü sayılır.)"
                await self._send_verdict(ws, ex.id, earlier["passed"], earlier["feedback"] + note, ex.points)
                return
            await self._check(ws, ex)

    def _stranger(self, what: str) -> None:
        """Kimliğini kanıtlamayan ya da kural dışı bir bağlantı. Kapalı ağda bu yalnızca gönderimin kendisi
        olabilir (``violation``); ağ paylaşılıyorsa başkası da olabilir (``intruder``: kimsenin durumu
        değişmez)."""
        self.write(type="violation" if self.sealed else "intruder", what=what)

    async def _check(self, ws: ServerConnection, ex: Exercise) -> None:
        self.write(type="started", exercise=ex.id)
        channel = Channel(ws)
        ns = RemoteNamespace(channel, rng=random.Random(f"{self.seed}:{ex.id}"), hidden=self.hidden)
        try:
            mismatch = await run_exercise(ex, ns)
        except AgentGone:
            self.write(type="died", exercise=ex.id)
            await channel.close()
            return
        finally:
            for violation in channel.violations[:5]:
                self.write(type="violation", what=violation, exercise=ex.id)
        passed = mismatch is None
        feedback = format_feedback(ex, passed, mismatch)
        entry = {
            "exercise": ex.id,
            "title": ex.title,
            "points": ex.points,
            "earned": ex.points if passed else 0,
            "passed": passed,
            "feedback": feedback,
        }
        self.verdicts.setdefault(ex.id, entry)
        self.write(type="verdict", **entry)
        await self._send_verdict(ws, ex.id, passed, feedback, ex.points)
        await channel.close()

    @staticmethod
    async def _send_verdict(ws: ServerConnection, exercise_id: str, passed: bool, feedback: str, points: int) -> None:
        message = {"type": "verdict", "exercise": exercise_id, "passed": passed, "feedback": feedback, "points": points}
        with contextlib.suppress(ConnectionClosed):
            await ws.send(protocol.dumps(message))
            await asyncio.wait_for(ws.close(), timeout=scaled(2))


class JudgeProcess:
    """Yargıcın tek başlatıcısı: bir yargıç alt süreci; kaydını arka planda okur.

    Notlandırma (``graded=True``, eklenti ve toplu notlandırma) ``--kayit --ilk`` ile başlatır: her
    alıştırmanın yalnızca ilk kararı sayılır. Çekirdeğin JupyterLab'daki yerel yargıcı
    (``wskurs.checks.agent.local_judge``) ``graded=False`` ile: öğrenci istediği kadar yeniden dener.

    ``address`` çekirdeğe ``WSKURS_JUDGE`` olarak verilir; ``stop()`` yargıcı durdurup kaydı döndürür.
    ``netns`` verilirse yargıç o kapalı ağda çalışır ve ad alanının içinde açılmış soketi dinler
    (toplu notlandırma); verilmezse 127.0.0.1'de yeni bir soket açılır (öğrencinin ``make grade``'i).
    Soket burada açılıp yargıca devredilir: adres hemen bilinir, yargıç yüklenirken gelen bağlantılar
    kuyrukta bekler (çekirdek yargıçla aynı anda başlayabilir).
    """

    def __init__(
        self,
        *,
        hidden: bool = False,
        seed: int | None = None,
        lab: str | None = None,
        max_records: int = 10_000,
        netns: NetNamespace | None = None,
        graded: bool = True,
    ) -> None:
        token = secrets.token_urlsafe(24)
        command = [sys.executable, "-m", "wskurs.checks.judge"]
        command += (["--kayit", "--ilk"] if graded else []) + (["--gizli"] if hidden else [])
        if seed is not None:
            command.append(f"--tohum={seed}")
        if lab is not None:
            command.append(f"--lab={lab}")
        listener: socket.socket | None = None
        if netns is not None:
            listener = netns.listener.dup()
            command.append("--kapali")
        elif os.name != "nt":
            listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            listener.bind(("127.0.0.1", 0))
            listener.listen(16)
        # Windows'ta dosya tanıtıcısı devredilemez (pass_fds): yargıç kendi soketini açar, kapısını hazır
        # satırında bildirir.
        fds = [] if listener is None else [listener.fileno()]
        if listener is not None:
            command.append(f"--soket={listener.fileno()}")
        if netns is not None:
            command = netns.enter(command)
            fds.append(netns.fd)
        self.max_records = max_records
        self.records: list[dict[str, Any]] = []
        self.ready = False
        """Yargıç dinlemeye başladığını bildirdi mi (başlamadıysa notlandırıcının hatasıdır)."""
        try:
            self.process = subprocess.Popen(
                command,
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.DEVNULL,
                text=True,
                encoding="utf-8",
                start_new_session=os.name != "nt",
                pass_fds=tuple(fds),
            )
            port = listener.getsockname()[1] if listener is not None else 0
        finally:
            if listener is not None:
                listener.close()
        assert self.process.stdin is not None and self.process.stdout is not None
        self.process.stdin.write(token + "\n")
        self.process.stdin.flush()
        if listener is None:
            port = self._ready_port()
        self.address = protocol.judge_address(port, token)
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _ready_port(self) -> int:
        """Yargıcın hazır satırındaki kapı (soketi kendisi açtığında)."""
        assert self.process.stdout is not None
        try:
            port = int(protocol.loads(self.process.stdout.readline())["port"])
        except (protocol.ProtocolError, KeyError, TypeError, ValueError):
            self.process.kill()
            raise RuntimeError("Yargıç başlatılamadı (kapısını bildirmedi).") from None
        self.ready = True
        return port

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            if '"type": "ready"' in line[:40]:
                self.ready = True
                continue
            if len(self.records) < self.max_records:
                with contextlib.suppress(protocol.ProtocolError):
                    self.records.append(protocol.loads(line))

    def stop(self) -> list[dict[str, Any]]:
        """Yargıcı durdurur ve kaydını döndürür."""
        assert self.process.stdin is not None
        with contextlib.suppress(OSError):
            self.process.stdin.close()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self._reader.join(timeout=5)
        return self.records


def _watch_stdin(loop: asyncio.AbstractEventLoop, stop: asyncio.Event) -> None:
    def read() -> None:
        with contextlib.suppress(Exception):
            while sys.stdin.readline():
                pass
        loop.call_soon_threadsafe(stop.set)

    threading.Thread(target=read, name="wskurs-yargic-girdi", daemon=True).start()


async def _serve(args: argparse.Namespace, token: str, out: TextIO) -> None:
    record = out if args.kayit else None
    judge = Judge(token, hidden=args.gizli, first_only=args.ilk, seed=args.tohum, record=record, sealed=args.kapali)
    stop = asyncio.Event()
    where: dict[str, Any] = {"host": "127.0.0.1", "port": 0}
    if args.soket is not None:
        where = {"sock": socket.socket(fileno=args.soket)}
    async with serve(judge.handle, **where, max_size=protocol.MAX_MESSAGE, ping_interval=None) as server:
        port = next(iter(server.sockets)).getsockname()[1]
        out.write(protocol.dumps({"type": "ready", "port": port, "seed": judge.seed}) + "\n")
        out.flush()
        _watch_stdin(asyncio.get_running_loop(), stop)
        await stop.wait()
        # Girdi kapandı: yürüyen bir kontrol varsa (ör. çekirdek az önce öldü) kaydı bitsin.
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(scaled(5)):
                async with judge._lock:
                    pass


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m wskurs.checks.judge", description="Lab kontrollerinin yargıcı")
    parser.add_argument("--gizli", action="store_true", help="öğretmenin gizli durumlarını da dene")
    parser.add_argument("--ilk", action="store_true", help="her alıştırmanın yalnızca ilk kararı sayılsın")
    parser.add_argument("--kayit", action="store_true", help="kararları standart çıktıya JSON satırları olarak yaz")
    parser.add_argument("--tohum", type=int, default=None, help="rastgele girdilerin tohumu")
    parser.add_argument("--lab", default=None, help="kontrolleri önceden yüklenecek lab (ör. lab01)")
    parser.add_argument("--kapali", action="store_true", help="yargıç gönderimin kapalı ağında (ağ ad alanı)")
    parser.add_argument("--soket", type=int, default=None, help="dinlenecek, önceden açılmış soketin dosya tanıtıcısı")
    args = parser.parse_args(argv)
    token = sys.stdin.readline().strip()
    if not token:
        print("Hata: token standart girdinin ilk satırında verilmeli.", file=sys.stderr)
        return 2
    if args.lab:
        # Kontrol modülünü (FastAPI, httpx, uvicorn…) çekirdek başlarken yükle, ilk kontrolde değil.
        with contextlib.suppress(LookupError, ValueError):
            exercises_of(args.lab)
    # Kayıt yalnızca asıl standart çıktıya gider; kontrollerin ya da sunucuların yazdıkları stderr'e.
    out = os.fdopen(os.dup(1), "w", encoding="utf-8")
    os.dup2(2, 1)
    sys.stdout = sys.stderr
    asyncio.run(_serve(args, token, out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
