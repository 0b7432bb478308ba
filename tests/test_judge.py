"""Yargıç, aracı ve dar kanal: kodlama, RemoteNamespace hataları, kayıttan not, gerçek bir yargıç
sürecine bağlanan gerçek bir aracı."""

from __future__ import annotations

import asyncio
import io
import math
import time
from typing import Any

import pytest
from fastapi import FastAPI
from websockets.asyncio.client import connect

from wskurs.checks import CheckFailed, Mismatch, agent, check, hidden_case, protocol, specs_of
from wskurs.checks.agent import ask_judge
from wskurs.checks.errors import RemoteError
from wskurs.checks.judge import Judge, JudgeProcess
from wskurs.checks.judge import main as judge_main
from wskurs.checks.remote import RemoteNamespace
from wskurs.engine.netns import open_namespace
from wskurs.engine.timing import scaled
from wskurs.grading.batch import MAX_SUBMISSION_BYTES, grade_one
from wskurs.grading.decide import RunFacts, decide, parse_records
from wskurs.labformat import ExerciseOutcome, ExerciseResult, SubmissionGrade, SubmissionStatus

from helpers import run

# Kodlama ------------------------------------------------------------------------------


def test_values_round_trip_as_plain_json():
    """Metin, sayı, bytes, küme, iç içe sözlük ve liste kanaldan aynı değer olarak geçer; başka
    her şey yalnızca tür adıdır."""
    value = {"a": [1, 2.5, "çığ", None, True], "b": b"\x00\xff", "c": {3, 1, 2}, "d": {"iç": ("x", 1)}}
    encoded = protocol.encode(value)
    text = protocol.dumps({"type": "reply", "value": encoded})
    decoded = protocol.decode(protocol.loads(text)["value"])
    assert decoded == {"a": [1, 2.5, "çığ", None, True], "b": b"\x00\xff", "c": {1, 2, 3}, "d": {"iç": ["x", 1]}}
    assert protocol.encode({1, 2, 3}) == {"$set": [1, 2, 3], "len": 3}
    opaque = protocol.decode(protocol.encode(object()))
    assert isinstance(opaque, protocol.Opaque) and opaque.type_name == "object"
    assert math.isnan(protocol.decode(protocol.encode(float("nan"))))
    assert protocol.decode(protocol.encode(2**70)) == 2**70


def test_pydantic_model_arrives_as_a_snapshot():
    """Bir pydantic modeli ``mode="json"`` görüntüsüyle gelir; alanlarına öznitelikle de erişilir."""
    from pydantic import BaseModel

    class Mesaj(BaseModel):
        type: str
        room_id: str

    snapshot = protocol.decode(protocol.encode(Mesaj(type="join_room", room_id="genel")))
    assert snapshot == {"type": "join_room", "room_id": "genel"}
    assert snapshot.room_id == "genel" and snapshot.type_name == "Mesaj"


@pytest.mark.parametrize("text", ["", "[]", '{"id": 1}', "yarım {", '{"type": 3}'])
def test_malformed_messages_are_protocol_errors(text):
    """JSON olmayan ya da ``type`` alanı olmayan bir mesaj ``ProtocolError`` olur."""
    with pytest.raises(protocol.ProtocolError):
        protocol.loads(text)


def test_unknown_value_shapes_are_refused():
    """Tanınmayan bir değer biçimi sessizce kabul edilmez."""
    with pytest.raises(protocol.ProtocolError):
        protocol.decode({"$eval": "__import__('os')"})


def test_judge_address_carries_the_token():
    """``WSKURS_JUDGE`` adresi ve token'ı taşır; bozuk değer açık bir hatadır."""
    assert protocol.parse_address(protocol.judge_address(1234, "gizli")) == ("ws://127.0.0.1:1234", "gizli")
    with pytest.raises(protocol.ProtocolError):
        protocol.parse_address("http://127.0.0.1:1234")


# RemoteNamespace ------------------------------------------------------------------------


class FakeChannel:
    """``describe`` isteklerine sabit yanıt veren kanal (yalnızca ad/tür denetimleri için)."""

    def __init__(self, described: dict[str, dict[str, Any]]) -> None:
        self.described = described

    async def request(self, op: str, **args: Any) -> Any:
        assert op == "describe"
        return self.described.get(args["name"], {"exists": False})


def _ns(**described: dict[str, Any]) -> RemoteNamespace:
    return RemoteNamespace(FakeChannel(described))  # type: ignore[arg-type]


def test_missing_name_is_a_mismatch_that_names_it():
    """Tanımlı olmayan bir ad, hangi adın beklendiğini söyleyen bir ``Mismatch`` olur."""
    with pytest.raises(Mismatch, match="`yanki_app` adında bir tanım bulunamadı"):
        run(lambda: _ns().get("yanki_app", FastAPI, what="bir FastAPI uygulaması"))


def test_wrong_type_is_reported_with_the_type_name():
    """Yanlış türde bir değer, beklenen ve gelen türle bildirilir (türler MRO'daki adlarla karşılaştırılır)."""
    ns = _ns(yanki_app={"exists": True, "type": "int", "mro": ["builtins.int", "builtins.object"], "repr": "42"})
    with pytest.raises(Mismatch) as info:
        run(lambda: ns.get("yanki_app", FastAPI, what="bir FastAPI uygulaması"))
    assert info.value.expected == "bir FastAPI uygulaması" and info.value.got == "int: 42"


def test_function_checks_async_and_parameter_count():
    """``ns.function`` ``async def`` olmayanı ve parametre sayısı tutmayanı reddeder."""
    sync = {"exists": True, "type": "function", "callable": True, "is_async": False, "params": 2}
    with pytest.raises(Mismatch, match="async def"):
        run(lambda: _ns(collect=sync).function("collect", is_async=True, params=2))
    wrong_count = dict(sync, is_async=True, params=1)
    with pytest.raises(Mismatch, match="2 parametre"):
        run(lambda: _ns(collect=wrong_count).function("collect", is_async=True, params=2))
    not_callable = {"exists": True, "type": "int", "callable": False}
    with pytest.raises(Mismatch, match="fonksiyon değil"):
        run(lambda: _ns(collect=not_callable).function("collect", is_async=True))


def test_hidden_case_names_the_property_not_the_input():
    """Gizli bir durumda kalan kontrol, girdiyi ve beklenen değeri söylemez; yalnızca özelliği adlandırır."""
    with pytest.raises(Mismatch) as info, hidden_case("126 baytlık yükte uzunluk başlığı"):
        raise Mismatch("yanlış", expected="b'~\\x00~'", got="b'\\x7e'", hint="126 baytlık b'~\\x00~' gönderin")
    text = f"{info.value.problem} {info.value.expected} {info.value.got} {info.value.hint}"
    assert "126 baytlık" in text and "x00" not in text and "x7e" not in text


def test_hidden_case_hides_the_learners_error_text_too():
    """Gizli durumda öğrencinin kodu hata fırlatırsa hata metni (girdiyi içerebilir) gösterilmez."""
    with pytest.raises(Mismatch) as info, hidden_case("boş oda adı reddedilir"):
        raise RemoteError("call", "ValueError: oda adı 'gizli-oda-42' geçersiz", line=7)
    text = f"{info.value.problem} {info.value.expected} {info.value.got} {info.value.hint}"
    assert "boş oda adı" in text and "gizli-oda-42" not in text and "ValueError" not in text


# Kayıttan not -----------------------------------------------------------------------------


def _verdict(exercise: str, passed: bool, **extra: Any) -> dict[str, Any]:
    return {"type": "verdict", "exercise": exercise, "passed": passed, "feedback": "…", **extra}


def test_only_the_judges_first_verdict_counts():
    """Bir alıştırmanın yalnızca ilk kararı sayılır; kayıttaki puan ve başlık değil, kayıtlı
    alıştırmanın puanı kullanılır; kayıtlı olmayan alıştırma satır almaz."""
    specs = specs_of("lab01")
    records = [
        {"type": "started", "exercise": "1.1"},
        _verdict("1.1", False),
        _verdict("1.1", True),
        _verdict("1.2", True, earned=999, points=999, title="sahte"),
        _verdict("9.9", True),
        _verdict("1.3", True),
        _verdict("1.4", True),
    ]
    grade = decide("g.ipynb", "lab01", specs, parse_records(records))
    assert grade.scores == {"1.1": 0, "1.2": 3, "1.3": 2, "1.4": 2}
    assert grade.status is SubmissionStatus.GRADED and grade.total == 7 <= grade.maximum == 10


@pytest.mark.parametrize(
    ("records", "kwargs", "status", "words"),
    [
        ([{"type": "started", "exercise": "1.2"}, {"type": "died", "exercise": "1.2"}], {}, "KERNEL_DIED", "1.2"),
        ([{"type": "started", "exercise": "1.3"}], {"timed_out": 90.0}, "TIMED_OUT", "1.3"),
        ([_verdict("1.1", True), {"type": "note", "kind": "dead", "exercise": "1.2"}], {}, "KERNEL_DIED", "1.2"),
        ([_verdict("1.1", True), {"type": "note", "kind": "timeout", "exercise": "1.2"}], {}, "TIMED_OUT", "1.2"),
        ([_verdict("1.1", True)], {}, "SUSPICIOUS", "1.2, 1.3, 1.4"),
        ([{"type": "violation", "what": "yanlış token"}], {}, "SUSPICIOUS", "token"),
    ],
)
def test_status_mapping_names_the_exercise(records, kwargs, status, words):
    """Zaman aşımı, çekirdeğin ölümü, ulaşmayan kontroller ve kural dışı konuşma ayrı durumlardır ve
    neden hangi alıştırmada olduğunu söyler; puansız satırlar "çalışmadı" olur."""
    grade = decide("g.ipynb", "lab01", specs_of("lab01"), parse_records(records), RunFacts(**kwargs))
    assert grade.status is SubmissionStatus[status], grade
    assert words in grade.reason, grade.reason
    assert all(row.earned == 0 for row in grade.exercises if row.exercise != "1.1")


def test_ill_formed_grade_becomes_suspicious_zero():
    """Puanından fazla kazanılan bir satır notu 0 puanlı ve nedenli ``SUPHELI`` bir satıra çevirir."""
    specs = specs_of("lab01")
    bad = ExerciseResult("1.1", specs[0].title, specs[0].points, 99, ExerciseOutcome.PASSED)
    grade = SubmissionGrade("g.ipynb", "lab01", (bad,)).checked(specs)
    assert grade.status is SubmissionStatus.SUSPICIOUS and grade.total == 0 and "99/3" in grade.reason


# Yargıcın saf parçaları ------------------------------------------------------------------------


def test_judge_record_is_one_json_line_per_entry_with_a_time():
    """Yargıcın kaydı her giriş için bir JSON satırıdır, zamanı (``t``) kendisi ekler ama verileni
    ezmez; kayıt akışı yoksa hiçbir şey yazılmaz ve hata da olmaz."""
    record = io.StringIO()
    judge = Judge("gizli", record=record)
    before = time.time()
    judge.write(type="started", exercise="1.1")
    judge.write(type="verdict", exercise="1.1", passed=True, feedback="✅ çığ", t=5.0)
    lines = record.getvalue().splitlines()
    assert len(lines) == 2
    first, second = (protocol.loads(line) for line in lines)
    assert first["type"] == "started" and first["exercise"] == "1.1"
    assert before - 1 <= first["t"] <= time.time() + 1
    assert second == {"type": "verdict", "exercise": "1.1", "passed": True, "feedback": "✅ çığ", "t": 5.0}
    Judge("gizli").write(type="started", exercise="1.1")


def test_judge_seed_is_kept_or_drawn_fresh():
    """Verilen tohum aynen kullanılır (aynı girdiler yeniden üretilebilsin); verilmezse her yargıç
    32 bitlik başka bir tohum çeker; ayarlar varsayılan olarak kapalıdır."""
    assert Judge("t", seed=42).seed == 42
    seeds = {Judge("t").seed for _ in range(5)}
    assert len(seeds) > 1 and all(0 <= s < 2**32 for s in seeds)
    judge = Judge("t")
    assert (judge.hidden, judge.first_only, judge.record, judge.verdicts) == (False, False, None, {})


def test_judge_main_refuses_to_start_without_a_token(monkeypatch, capsys):
    """Standart girdinin ilk satırında token yoksa yargıç dinlemeye başlamaz, 2 ile çıkar ve nedenini
    Türkçe söyler."""
    monkeypatch.setattr("sys.stdin", io.StringIO("\n"))
    assert judge_main(["--kayit", "--ilk"]) == 2
    assert "token standart girdinin ilk satırında verilmeli" in capsys.readouterr().err


# Gerçek yargıç ve aracı ---------------------------------------------------------------------


async def _greet(url, ad, mesajlar):
    """1.4'ün doğru cevabı: tek bağlantı, ad bir kez, sonra mesajlar."""
    yanitlar = []
    async with connect(url) as websocket:
        await websocket.send(ad)
        for mesaj in mesajlar:
            await websocket.send(mesaj)
            yanitlar.append(await websocket.recv())
    return yanitlar


async def _no_greet(url, ad, mesajlar):
    return []


def test_judge_records_verdicts_and_repeats_count_once(monkeypatch):
    """Gerçek bir yargıç süreci kararı kendi kaydına yazar; aynı alıştırmayı yeniden sormak
    (--ilk) yeni bir kontrol değil, ilk kararın tekrarıdır."""
    judge = JudgeProcess()
    monkeypatch.setenv(protocol.ENV, judge.address)
    try:
        first = run(lambda: ask_judge("1.4", {"selamlas": _no_greet}))
        second = run(lambda: ask_judge("1.4", {"selamlas": _greet}))
    finally:
        records = judge.stop()
    assert not first.passed and not second.passed
    assert "yalnızca ilk kontrolü" in second.feedback
    kinds = [entry["type"] for entry in records]
    assert kinds == ["started", "verdict", "repeat"], records


@pytest.mark.parametrize("sealed", [False, True])
def test_wrong_token_is_refused_and_recorded(sealed):
    """Token'ı bilmeyen bir bağlantı kontrol başlatamaz. Yargıç gönderimin kapalı ağındaysa bağlanan
    yalnızca o gönderim olabilir: kural dışı konuşma (``violation``) kaydı. Ağ paylaşılıyorsa bağlanan
    başkası olabilir: yalnızca ``intruder`` kaydı, kimsenin durumu değişmez."""
    namespace = open_namespace() if sealed else None
    if sealed and namespace is None:
        pytest.skip("ağ ad alanı açılamıyor (root değil)")
    judge = JudgeProcess(netns=namespace)
    url, _ = protocol.parse_address(judge.address)

    async def intrude() -> None:
        async with connect(url) as ws:
            await ws.send(protocol.dumps({"type": "check", "token": "tahmin", "exercise": "1.1"}))
            with pytest.raises(Exception):  # noqa: B017 - bağlantı 1008 ile kapanır
                await asyncio.wait_for(ws.recv(), timeout=scaled(5))

    if namespace is not None:
        # Testin kendisi ad alanının dışında: kapalı yargıca bağlanamaz. İçeriden bağlanan gönderim gibi
        # davranmak için bağlantı ad alanında açılmış bir sokete yapılır.
        import threading

        def connect_inside() -> None:
            import ctypes

            libc = ctypes.CDLL(None, use_errno=True)
            assert libc.setns(namespace.fd, 0x40000000) == 0
            run(intrude)

        thread = threading.Thread(target=connect_inside)
        thread.start()
        thread.join()
    try:
        if namespace is None:
            run(intrude)
    finally:
        records = judge.stop()
        if namespace is not None:
            namespace.close()
    assert [entry["type"] for entry in records] == ["violation" if sealed else "intruder"], records


def test_learner_error_is_reported_with_its_line():
    """Öğrencinin fonksiyonu bir hata fırlatırsa geri bildirim hatanın türünü ve satırını söyler."""

    async def collect(url, n):
        raise TypeError("liste bekleniyordu")

    with pytest.raises(CheckFailed) as info:
        run(lambda: check("1.3", {"collect": collect}))
    assert "TypeError: liste bekleniyordu" in info.value.feedback and "satır" in info.value.feedback


def test_self_check_is_fast_once_the_judge_runs(monkeypatch):
    """Yerel yargıç çekirdek (burada: süreç) başına bir kez, yargıcın tek başlatıcısıyla başlar: ikinci
    kontrol aynı, hâlâ çalışan yargıç sürecine gider ve hızlıdır; kayıtsızdır, öğrenci yeniden denedikçe
    yeni bir karar alır (yalnızca ilk karar sayılmaz)."""
    monkeypatch.delenv(protocol.ENV, raising=False)
    with pytest.raises(CheckFailed):
        run(lambda: check("1.4", {"selamlas": _no_greet}))
    judge = agent._local["judge"]
    assert isinstance(judge, JudgeProcess)
    started = time.monotonic()
    run(lambda: check("1.4", {"selamlas": _greet}))
    assert time.monotonic() - started < scaled(5)
    assert agent._local["judge"] is judge and judge.process.poll() is None


def test_oversized_file_is_not_read_and_is_not_a_notebook(tmp_path):
    """Sınırdan büyük bir gönderim dosyası okunmadan 0 puanlı "defter değil" satırı alır (yerel ve Dask
    yolu aynı denetimi kullanır); sınırdaki dosya bu yüzden reddedilmez."""
    from labtools import LABS

    lab = str(LABS / "lab01_websocket_nedir.ipynb")
    huge = tmp_path / "dev.ipynb"
    with huge.open("wb") as handle:
        handle.truncate(MAX_SUBMISSION_BYTES + 1)  # seyrek dosya: diskte yer tutmaz
    grade = grade_one(str(huge), lab)
    assert grade.status is SubmissionStatus.NOT_A_NOTEBOOK and grade.total == 0
    assert "çok büyük" in grade.reason and grade.maximum == 10
    edge = tmp_path / "sinirda.ipynb"
    with edge.open("wb") as handle:
        handle.truncate(MAX_SUBMISSION_BYTES)
    grade = grade_one(str(edge), lab)
    assert grade.status is SubmissionStatus.NOT_A_NOTEBOOK and "okunamadı" in grade.reason


def test_judge_refuses_a_flood_of_connections():
    """Yargıç gönderimin bütçesinin dışındadır: aynı anda ``MAX_CONNECTIONS``'tan fazla bağlantı 1013 ile
    kapanır ve kayda geçer (ağ paylaşılıyorsa ``intruder``); bağlantılar kapanınca yeni bağlantı yine kabul
    edilir."""
    import io

    from websockets.asyncio.server import serve

    from wskurs.checks.judge import MAX_CONNECTIONS

    record = io.StringIO()

    async def flood() -> int | None:
        judge = Judge("belirtec", record=record)
        async with serve(judge.handle, "127.0.0.1", 0) as server:
            port = next(iter(server.sockets)).getsockname()[1]
            url = f"ws://127.0.0.1:{port}"
            idle = [await connect(url, proxy=None) for _ in range(MAX_CONNECTIONS)]
            extra = await connect(url, proxy=None)
            with pytest.raises(Exception):  # noqa: B017 - bağlantı 1013 ile kapanır
                await asyncio.wait_for(extra.recv(), timeout=scaled(5))
            code = extra.close_code
            for ws in idle:
                await ws.close()
            await asyncio.sleep(0.1)
            again = await connect(url, proxy=None)
            await again.send(protocol.dumps({"type": "check", "token": "yanlis", "exercise": "1.1"}))
            with pytest.raises(Exception):  # noqa: B017 - yanlış token: 1008
                await asyncio.wait_for(again.recv(), timeout=scaled(5))
            return code

    assert run(flood) == 1013
    kinds = [protocol.loads(line) for line in record.getvalue().splitlines()]
    assert kinds[0]["type"] == "intruder" and "16" in kinds[0]["what"], kinds
    assert any("token" in entry["what"] for entry in kinds[1:]), kinds
