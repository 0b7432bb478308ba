"""Geç teslim cezası ve Moodle tarih biçimi (saf fonksiyonlar; çekirdek başlatmaz)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from wskurs.grading.lms import (
    LatePolicy,
    LmsError,
    LmsKind,
    SubmissionRecord,
    late_penalties,
    late_penalty,
    make_policy,
    parse_deadline,
    parse_moodle_date,
    time_zone,
)

IST = ZoneInfo("Europe/Istanbul")
DEADLINE = datetime(2026, 12, 1, 23, 59, tzinfo=IST)
DAILY = LatePolicy(DEADLINE, percent_per_day=10, cap=50, cutoff=datetime(2026, 12, 5, 23, 59, tzinfo=IST))


def test_exactly_at_deadline_is_not_late_and_one_second_later_is_one_day() -> None:
    """Tam son tarihte gönderim cezasızdır; bir saniye sonrası başlamış birinci gündür (%10)."""
    assert late_penalty(DEADLINE, DAILY).percent == 0
    one_second = late_penalty(DEADLINE + timedelta(seconds=1), DAILY)
    assert one_second.percent == 10
    assert "1 gün geç" in one_second.reason


def test_started_days_and_hours_are_counted() -> None:
    """24 saat geç bir gündür, 24 saat 1 saniye iki gün; saatlik kuralda 61 dakika iki saattir."""
    assert late_penalty(DEADLINE + timedelta(days=1), DAILY).percent == 10
    assert late_penalty(DEADLINE + timedelta(days=1, seconds=1), DAILY).percent == 20
    hourly = LatePolicy(DEADLINE, percent_per_hour=2)
    assert late_penalty(DEADLINE + timedelta(minutes=61), hourly).percent == 4


def test_cap_limits_the_penalty_but_not_the_cutoff() -> None:
    """Tavan cezayı sınırlar (%30 tavanla 4 gün geç %30'dur, "tavan" yazılır); tam kesim anı kesim
    değildir (4 gün: %40); kesimden bir saniye sonrası %100'dür ve ham not 0 olur."""
    capped = late_penalty(DEADLINE + timedelta(days=3, hours=1), LatePolicy(DEADLINE, percent_per_day=10, cap=30))
    assert capped.percent == 30 and "tavan" in capped.reason
    assert capped.apply(80) == 56
    assert DAILY.cutoff is not None
    assert late_penalty(DAILY.cutoff, DAILY).percent == 40
    after = late_penalty(DAILY.cutoff + timedelta(seconds=1), DAILY)
    assert after.percent == 100 and after.apply(80) == 0 and "Kesimden" in after.reason


def test_unknown_time_is_never_guessed() -> None:
    """Gönderim anı bilinmiyorsa ceza verilmez ve neden söylenir; Canvas'ın geç işareti yalnızca "geç"
    dediği için ne kadar geç olduğu bilinmediği yazılır."""
    unknown = late_penalty(None, DAILY)
    assert unknown.percent == 0 and "denetlenemedi" in unknown.reason
    canvas = late_penalty(None, DAILY, late_marker=True)
    assert canvas.percent == 0 and "ne kadar geç olduğu bilinmiyor" in canvas.reason


def test_time_zones_compare_as_instants() -> None:
    """Başka dilimde verilen an aynı anı gösterir: 20:59 UTC İstanbul'da 23:59'dur (geç değil), 21:00
    UTC bir dakika geçtir."""
    assert late_penalty(datetime(2026, 12, 1, 20, 59, tzinfo=UTC), DAILY).percent == 0
    assert late_penalty(datetime(2026, 12, 1, 21, 0, tzinfo=UTC), DAILY).percent == 10


def test_moodle_date_format_is_parsed_in_the_given_zone() -> None:
    """Moodle'ın "Monday, 1 December 2026, 11:59 PM" biçimi verilen saat diliminde okunur; 12 AM gece
    yarısı, 12 PM öğledir; boş ya da "-" gönderim anı yok demektir."""
    assert parse_moodle_date("Tuesday, 1 December 2026, 11:59 PM") == DEADLINE
    assert parse_moodle_date("Tuesday, 1 December 2026, 12:05 AM") == datetime(2026, 12, 1, 0, 5, tzinfo=IST)
    assert parse_moodle_date("1 December 2026, 12:05 PM", "UTC") == datetime(2026, 12, 1, 12, 5, tzinfo=ZoneInfo("UTC"))
    assert parse_moodle_date("") is None and parse_moodle_date("-") is None


def test_unknown_moodle_date_is_a_clear_error() -> None:
    """Tanınmayan (ör. Türkçe ay adlı) ya da geçersiz tarih Türkçe bir hatadır; tahmin edilmez."""
    with pytest.raises(LmsError, match="tanınmadı"):
        parse_moodle_date("Salı, 1 Aralık 2026, 23:59")
    with pytest.raises(LmsError, match="geçersiz"):
        parse_moodle_date("Monday, 31 February 2026, 10:00 AM")


# Komut satırının son tarihi ve kuralı ----------------------------------------------------------


def test_deadline_formats_are_read_in_the_given_zone() -> None:
    """``--son-tarih`` ISO biçiminde ya da gün.ay.yıl biçiminde, ``--saat-dilimi`` diliminde okunur;
    tarihe yazılmış dilim (``+00:00``) önceliklidir."""
    assert parse_deadline("2026-12-01 23:59") == DEADLINE
    assert parse_deadline("2026-12-01T23:59") == DEADLINE
    assert parse_deadline("01.12.2026 23:59") == DEADLINE
    assert parse_deadline("2026-12-01 20:59", "UTC") == DEADLINE
    assert parse_deadline("2026-12-01T20:59+00:00", "Asia/Tokyo") == DEADLINE


@pytest.mark.parametrize("text", ["yarın", "2026-12-01", "2026-13-01 10:00", "1 Aralık 2026 23:59"])
def test_bad_deadline_is_a_clear_error(text: str) -> None:
    """Tanınmayan ya da saati yazılmamış son tarih Türkçe bir hatadır (gün sonu tahmin edilmez)."""
    with pytest.raises(LmsError, match="Tarih tanınmadı"):
        parse_deadline(text)


def test_unknown_time_zone_is_a_clear_error() -> None:
    """Bilinmeyen saat dilimi (``Europe/Istanbull``) hem son tarihte hem Moodle tarihinde Türkçe hatadır."""
    with pytest.raises(LmsError, match="Bilinmeyen saat dilimi"):
        time_zone("Europe/Istanbull")
    with pytest.raises(LmsError, match="Bilinmeyen saat dilimi"):
        parse_deadline("2026-12-01 23:59", "Türkiye")
    with pytest.raises(LmsError, match="Bilinmeyen saat dilimi"):
        parse_moodle_date("Tuesday, 1 December 2026, 11:59 PM", "../../etc/passwd")


def test_policy_from_flags_and_its_errors() -> None:
    """Komut satırının kuralı: son tarih, günlük yüzde, tavan ve kesim; günlük ve saatlik ceza birlikte,
    0–100 dışı yüzde ve son tarihten önceki kesim Türkçe hatadır."""
    policy = make_policy("2026-12-01 23:59", per_day=10, cap=50, cutoff="2026-12-05 23:59")
    assert policy == DAILY
    assert make_policy("2026-12-01 23:59").cap == 100
    with pytest.raises(LmsError, match="birlikte verilmez"):
        make_policy("2026-12-01 23:59", per_day=10, per_hour=1)
    with pytest.raises(LmsError, match="0–100"):
        make_policy("2026-12-01 23:59", per_day=150)
    with pytest.raises(LmsError, match="0–100"):
        make_policy("2026-12-01 23:59", cap=-1)
    with pytest.raises(LmsError, match="önce olamaz"):
        make_policy("2026-12-01 23:59", cutoff="2026-11-30 23:59")


def test_penalties_come_from_the_lms_time_never_from_files() -> None:
    """Her defterin cezası LMS'in bildirdiği andandır: Moodle'da çalışma sayfasındaki an (iki gün geç:
    %20), anı bilinmeyen katılımcıda ceza yoktur ve neden söylenir; Canvas'ın geç işareti yalnızca
    "geç" der."""
    records = [
        SubmissionRecord("moodle_1.ipynb", "1", "Ayşe", "a.ipynb", LmsKind.MOODLE),
        SubmissionRecord("moodle_2.ipynb", "2", "Mert", "m.ipynb", LmsKind.MOODLE),
        SubmissionRecord("canvas_3.ipynb", "3", "cagla", "c.ipynb", LmsKind.CANVAS, late=True),
    ]
    times = {"1": DEADLINE + timedelta(days=1, hours=1)}
    found = late_penalties(records, DAILY, times.get)
    assert found["moodle_1.ipynb"].percent == 20 and found["moodle_1.ipynb"].known
    assert found["moodle_2.ipynb"].percent == 0 and not found["moodle_2.ipynb"].known
    assert "denetlenemedi" in found["moodle_2.ipynb"].reason
    assert found["canvas_3.ipynb"].percent == 0 and "ne kadar geç" in found["canvas_3.ipynb"].reason
