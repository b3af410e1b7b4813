"""ProtectionConfig: defaults, dict round trip, validation, night window, probation."""

from __future__ import annotations

import datetime
import json
from typing import Any

import pytest

from bot.protection.config import DEFAULT, FloodLimit, ProtectionConfig


def test_defaults_a_new_chat_gets() -> None:
    assert "egov.kz" in DEFAULT.allowed_domains
    assert "adilet.zan.kz" in DEFAULT.allowed_domains
    assert (DEFAULT.probation_hours, DEFAULT.probation_messages) == (24.0, 5)
    assert (DEFAULT.night_start, DEFAULT.night_end) == ("00:00", "07:00")
    assert DEFAULT.night_action in ("read_only", "hold")
    assert DEFAULT.flood_night.messages < DEFAULT.flood_day.messages  # stricter at night
    assert not DEFAULT.dry_run
    hash(DEFAULT)  # hashable: compiled chat phrases are cached per config


def test_round_trip_through_json() -> None:
    stored = json.dumps(DEFAULT.to_dict())
    assert ProtectionConfig.from_dict(json.loads(stored)) == DEFAULT
    custom = DEFAULT.with_changes(
        allowed_domains=["egov.kz", "example.org"],
        extra_spam_phrases=["обмен валют*"],
        extra_insult_phrases=["редиска"],
        flood_day={"messages": 7, "seconds": 12},
        night_action="read_only",
        dry_run=True,
    )
    again = ProtectionConfig.from_dict(json.loads(json.dumps(custom.to_dict())))
    assert again == custom
    assert again.flood_day == FloodLimit(7, 12.0)
    assert again.allowed_domains == ("egov.kz", "example.org")


def test_partial_dict_keeps_defaults() -> None:
    config = ProtectionConfig.from_dict({"night_mode": False})
    assert config.night_mode is False
    assert config.allowed_domains == DEFAULT.allowed_domains


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"nigth_mode": True}, "nigth_mode"),
        ({"night_mode": "yes"}, "night_mode"),
        ({"probation_messages": 5.5}, "probation_messages"),
        ({"probation_messages": True}, "probation_messages"),
        ({"probation_messages": -1}, "probation_messages"),
        ({"probation_hours": "24"}, "probation_hours"),
        ({"probation_hours": 100000}, "probation_hours"),
        ({"allowed_domains": "egov.kz"}, "allowed_domains"),
        ({"allowed_domains": ["EGOV.KZ"]}, "allowed_domains"),
        ({"allowed_domains": ["https://egov.kz"]}, "allowed_domains"),
        ({"allowed_domains": [5]}, "allowed_domains"),
        ({"extra_spam_phrases": [""]}, "extra_spam_phrases"),
        ({"extra_spam_phrases": ["re:.*"]}, "extra_spam_phrases"),
        ({"extra_hate_phrases": ["~ слово"]}, "extra_hate_phrases"),
        ({"flood_day": {"messages": 0, "seconds": 10}}, "flood_day.messages"),
        ({"flood_day": {"messages": 5, "seconds": 0}}, "flood_day.seconds"),
        ({"flood_night": {"messages": 5}}, "flood_night"),
        ({"flood_night": [5, 10]}, "flood_night"),
        ({"night_start": "24:00"}, "night_start"),
        ({"night_end": "7:00"}, "night_end"),
        ({"timezone": "Mars/Olympus"}, "timezone"),
        ({"night_action": "ban"}, "night_action"),
        ({"insult_action": "kick"}, "insult_action"),
        ({"threat_action": None}, "threat_action"),
        ({"repeat_chats": 1}, "repeat_chats"),
        ({"repeat_window_seconds": 0}, "repeat_window_seconds"),
    ],
)
def test_bad_values_name_the_field(data: dict[str, Any], field: str) -> None:
    with pytest.raises(ValueError, match=field.replace(".", r"\.")):
        ProtectionConfig.from_dict(data)


def test_not_a_mapping() -> None:
    with pytest.raises(ValueError, match="JSON object"):
        ProtectionConfig.from_dict([])  # type: ignore[arg-type]


@pytest.mark.parametrize("phrase", ["ab*", "~ слово", "# рублей", "!!!"])
def test_bad_chat_phrase_is_reported_with_its_field(phrase: str) -> None:
    with pytest.raises(ValueError, match="extra_spam_phrases"):
        DEFAULT.with_changes(extra_spam_phrases=[phrase])


@pytest.mark.parametrize(
    ("clock", "night"),
    [("23:59", False), ("00:00", True), ("03:30", True), ("06:59", True), ("07:00", False), ("12:00", False)],
)
def test_night_window(clock: str, night: bool) -> None:
    hour, minute = map(int, clock.split(":"))
    assert DEFAULT.is_night(datetime.datetime(2026, 3, 1, hour, minute)) is night


def test_night_window_across_midnight_and_off() -> None:
    late = DEFAULT.with_changes(night_start="23:00", night_end="06:00")
    assert late.is_night(datetime.datetime(2026, 3, 1, 23, 30))
    assert late.is_night(datetime.datetime(2026, 3, 1, 5, 0))
    assert not late.is_night(datetime.datetime(2026, 3, 1, 22, 0))
    off = DEFAULT.with_changes(night_mode=False)
    assert not off.is_night(datetime.datetime(2026, 3, 1, 3, 0))
    assert off.flood_limit(night=True) == off.flood_day
    assert DEFAULT.flood_limit(night=True) == DEFAULT.flood_night


def test_night_uses_the_chat_time_zone() -> None:
    utc = datetime.UTC
    # 21:00 UTC is 02:00 or 03:00 in Almaty (UTC+5 since 2024, +6 before): night either way.
    assert DEFAULT.is_night(datetime.datetime(2026, 3, 1, 21, 0, tzinfo=utc))
    # 05:00 UTC is 10:00 or 11:00 in Almaty.
    assert not DEFAULT.is_night(datetime.datetime(2026, 3, 1, 5, 0, tzinfo=utc))


@pytest.mark.parametrize(
    ("hours_ago", "messages", "probation"),
    [(1, 0, True), (1, 10, True), (30, 2, True), (30, 5, False), (30, 50, False)],
)
def test_probation_lasts_until_both_time_and_messages(hours_ago: float, messages: int, probation: bool) -> None:
    now = 1_800_000_000.0
    joined = now - hours_ago * 3600
    assert DEFAULT.on_probation(joined_at=joined, now=now, messages_sent=messages) is probation
