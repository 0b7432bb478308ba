"""Geç teslim cezası ve Moodle tarih biçimi (saf fonksiyonlar; çekirdek başlatmaz)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from wskurs.grading.lms import LatePolicy, LmsError, late_penalty, parse_moodle_date

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
