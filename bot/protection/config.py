"""Per-chat protection settings: the defaults a new chat gets, and their plain-dict form for storage.

A chat's settings are stored as JSON; from_dict() accepts a partial dict (missing keys keep their defaults) and
rejects unknown keys and bad values with a ValueError that names the field, so an admin's typo is reported instead
of silently ignored.
"""

from __future__ import annotations

import dataclasses
import datetime
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from bot.protection.matcher import compile_pattern

# Official and well-known domains a newcomer may link to. State portals first, then banks, mobile operators and
# services the relocation guides point to. Subdomains are allowed too ("www.gov.kz", "idp.egov.kz", "kgd.gov.kz").
# eqonaq.kz (the foreigners' registration system named in FACTS.md) and the bank domains are the organisations' own
# sites as of 2026; a chat can add or remove entries with /protection allow|disallow.
DEFAULT_ALLOWED_DOMAINS: tuple[str, ...] = (
    # state
    "egov.kz",
    "gov.kz",
    "adilet.zan.kz",
    "elicense.kz",
    "enbek.kz",
    "nationalbank.kz",
    "akorda.kz",
    "primeminister.kz",
    "eqonaq.kz",
    "post.kz",
    # international organisations, and the human-rights bureau and legal news the guides cite
    "unhcr.org",
    "iom.int",
    "bureau.kz",
    "zakon.kz",
    # banks
    "kaspi.kz",
    "halykbank.kz",
    "homebank.kz",
    "bcc.kz",
    "jusan.kz",
    "forte.kz",
    "berekebank.kz",
    "eubank.kz",
    "homecredit.kz",
    "vtb.kz",
    "alfabank.kz",
    # mobile operators
    "kcell.kz",
    "activ.kz",
    "beeline.kz",
    "tele2.kz",
    "altel.kz",
    # services the guides cite
    "kurs.kz",
    "krisha.kz",
    "olx.kz",
    "kolesa.kz",
    "2gis.kz",
    "hh.kz",
)

ACTIONS = ("none", "delete", "delete_warn", "mute", "hold")
NIGHT_ACTIONS = ("read_only", "hold")
JOIN_FAIL_ACTIONS = ("remove", "read_only")
_DOMAIN = re.compile(r"^(?=.{1,253}$)(?:[^\W_](?:[\w-]{0,61}[^\W_])?\.)+[^\W\d_]{2,63}$")
_CLOCK = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)$")
_MAX_PHRASES = 500
_MAX_PHRASE_LEN = 200


@dataclass(frozen=True, slots=True)
class FloodLimit:
    """At most `messages` messages in any `seconds` seconds; the next one is a flood."""

    messages: int
    seconds: float


@dataclass(frozen=True)
class ProtectionConfig:
    """What a chat's protection does. Immutable and hashable, so compiled per-chat phrase lists can be cached."""

    allowed_domains: tuple[str, ...] = DEFAULT_ALLOWED_DOMAINS
    # The chat's own phrases, in the pattern language of bot.protection.matcher without "re:" (plain words and
    # stems: "обмен валют*", "крипт* сигнал*"). A spam phrase is decisive; troll phrases get their level's action.
    extra_spam_phrases: tuple[str, ...] = ()
    extra_insult_phrases: tuple[str, ...] = ()
    extra_hate_phrases: tuple[str, ...] = ()
    extra_threat_phrases: tuple[str, ...] = ()
    # Probation: a member's messages are checked with the newcomer rules during the first `probation_hours` after
    # joining and until they have sent `probation_messages` messages (both must be over for probation to end).
    probation_hours: float = 24.0
    probation_messages: int = 5
    flood_day: FloodLimit = field(default_factory=lambda: FloodLimit(5, 10.0))
    flood_night: FloodLimit = field(default_factory=lambda: FloodLimit(3, 10.0))
    # The same message in this many different chats within `repeat_window_seconds` is a spam wave.
    repeat_chats: int = 3
    repeat_window_seconds: float = 3600.0
    night_mode: bool = True
    night_start: str = "00:00"
    night_end: str = "07:00"
    timezone: str = "Asia/Almaty"
    night_action: str = "hold"
    insult_action: str = "delete_warn"
    hate_action: str = "mute"
    threat_action: str = "hold"
    # Dry run: verdicts are computed and logged, but handlers take no action.
    dry_run: bool = False
    # The whole automatic protection of a chat (filters and join check) can be switched off by its admins.
    enabled: bool = True
    # Join check: a new member is restricted until they answer a short challenge within `join_timeout_seconds`;
    # then they are removed (they may rejoin and try again) or kept read-only until an admin lets them in.
    join_check: bool = True
    join_timeout_seconds: int = 180
    join_fail_action: str = "remove"

    def __post_init__(self) -> None:
        _validate(self)

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready dict (tuples become lists, flood limits small dicts)."""
        out: dict[str, Any] = {}
        for f in dataclasses.fields(self):
            value = getattr(self, f.name)
            if isinstance(value, tuple):
                value = list(value)
            elif isinstance(value, FloodLimit):
                value = {"messages": value.messages, "seconds": value.seconds}
            out[f.name] = value
        return out

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> ProtectionConfig:
        """Build from a (possibly partial) dict; ValueError names the first bad field."""
        if not isinstance(data, Mapping):
            raise ValueError("protection config must be a JSON object")
        names = {f.name: f for f in dataclasses.fields(cls)}
        unknown = sorted(set(data) - set(names))
        if unknown:
            raise ValueError(f"unknown protection setting(s): {', '.join(map(str, unknown))}")
        kwargs: dict[str, Any] = {}
        for name, value in data.items():
            kwargs[name] = _coerce(name, value, getattr(DEFAULT, name))
        return cls(**kwargs)

    def with_changes(self, **changes: Any) -> ProtectionConfig:
        """A copy with some settings changed (validated like from_dict)."""
        return ProtectionConfig.from_dict({**self.to_dict(), **changes})

    def flood_limit(self, night: bool) -> FloodLimit:
        return self.flood_night if night and self.night_mode else self.flood_day

    def is_night(self, when: datetime.datetime) -> bool:
        """Whether `when` falls in the chat's night window (in the chat's time zone). A naive datetime is taken
        as already local. The window may cross midnight (23:00–06:00)."""
        if not self.night_mode:
            return False
        if when.tzinfo is not None:
            when = when.astimezone(_zone(self.timezone))
        minute = when.hour * 60 + when.minute
        start, end = _minutes(self.night_start), _minutes(self.night_end)
        if start == end:
            return False
        if start < end:
            return start <= minute < end
        return minute >= start or minute < end

    def on_probation(self, *, joined_at: float, now: float, messages_sent: int) -> bool:
        """A member is on probation until both the probation time has passed and they have sent enough messages
        (times in seconds since the epoch). Waiting out the hours does not let a silent spam account skip it."""
        return (now - joined_at) < self.probation_hours * 3600 or messages_sent < self.probation_messages


# Cached: every group message asks whether it is night in its chat.
@lru_cache(maxsize=64)
def _zone(name: str) -> datetime.tzinfo:
    from zoneinfo import ZoneInfo

    return ZoneInfo(name)


@lru_cache(maxsize=256)
def _minutes(clock: str) -> int:
    m = _CLOCK.match(clock)
    assert m is not None  # validated
    return int(m.group(1)) * 60 + int(m.group(2))


def _coerce(name: str, value: Any, default: Any) -> Any:
    """Turn a JSON value into the field's type, or raise ValueError naming the field."""
    if isinstance(default, bool):
        if not isinstance(value, bool):
            raise ValueError(f"{name}: expected true or false, got {value!r}")
        return value
    if isinstance(default, int):
        if isinstance(value, bool) or not isinstance(value, int):
            raise ValueError(f"{name}: expected a whole number, got {value!r}")
        return value
    if isinstance(default, float):
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise ValueError(f"{name}: expected a number, got {value!r}")
        return float(value)
    if isinstance(default, str):
        if not isinstance(value, str):
            raise ValueError(f"{name}: expected a string, got {value!r}")
        return value
    if isinstance(default, tuple):
        if not isinstance(value, (list, tuple)) or not all(isinstance(v, str) for v in value):
            raise ValueError(f"{name}: expected a list of strings")
        return tuple(value)
    if isinstance(default, FloodLimit):
        if not isinstance(value, Mapping) or set(value) != {"messages", "seconds"}:
            raise ValueError(f"{name}: expected {{'messages': N, 'seconds': T}}")
        return FloodLimit(
            _coerce(f"{name}.messages", value["messages"], 0),
            _coerce(f"{name}.seconds", value["seconds"], 0.0),
        )
    raise ValueError(f"{name}: unsupported setting")  # pragma: no cover


def _validate(c: ProtectionConfig) -> None:
    for d in c.allowed_domains:
        if not isinstance(d, str) or d != d.lower() or not _DOMAIN.match(d):
            raise ValueError(f"allowed_domains: {d!r} is not a lower-case domain name like 'egov.kz'")
    for name in ("extra_spam_phrases", "extra_insult_phrases", "extra_hate_phrases", "extra_threat_phrases"):
        phrases = getattr(c, name)
        if len(phrases) > _MAX_PHRASES:
            raise ValueError(f"{name}: at most {_MAX_PHRASES} phrases")
        for p in phrases:
            if not isinstance(p, str) or not p.strip() or len(p) > _MAX_PHRASE_LEN:
                raise ValueError(f"{name}: {p!r} must be a non-empty phrase of at most {_MAX_PHRASE_LEN} characters")
            if p.startswith("re:"):
                raise ValueError(f"{name}: {p!r}: regular expressions are not allowed in chat phrases")
            try:
                compile_pattern(p)
            except (ValueError, re.error) as exc:
                raise ValueError(f"{name}: {p!r}: {exc}") from exc
    if not 0 <= c.probation_hours <= 24 * 365:
        raise ValueError(f"probation_hours: {c.probation_hours!r} must be between 0 and 8760")
    if not 0 <= c.probation_messages <= 1000:
        raise ValueError(f"probation_messages: {c.probation_messages!r} must be between 0 and 1000")
    for name in ("flood_day", "flood_night"):
        limit = getattr(c, name)
        if not isinstance(limit, FloodLimit):
            raise ValueError(f"{name}: expected a FloodLimit")
        if not 1 <= limit.messages <= 1000 or isinstance(limit.messages, bool):
            raise ValueError(f"{name}.messages: {limit.messages!r} must be between 1 and 1000")
        if not 0 < limit.seconds <= 3600:
            raise ValueError(f"{name}.seconds: {limit.seconds!r} must be more than 0 and at most 3600")
    if not 2 <= c.repeat_chats <= 1000:
        raise ValueError(f"repeat_chats: {c.repeat_chats!r} must be between 2 and 1000")
    if not 0 < c.repeat_window_seconds <= 7 * 24 * 3600:
        raise ValueError(f"repeat_window_seconds: {c.repeat_window_seconds!r} must be more than 0 and at most a week")
    for name in ("night_start", "night_end"):
        if not isinstance(getattr(c, name), str) or not _CLOCK.match(getattr(c, name)):
            raise ValueError(f"{name}: {getattr(c, name)!r} must be a time like '00:00' or '07:30'")
    try:
        _zone(c.timezone)
    except Exception as exc:  # ZoneInfoNotFoundError, ValueError for malformed keys
        raise ValueError(f"timezone: {c.timezone!r} is not a known time zone") from exc
    if not 30 <= c.join_timeout_seconds <= 3600:
        raise ValueError(f"join_timeout_seconds: {c.join_timeout_seconds!r} must be between 30 and 3600")
    if c.join_fail_action not in JOIN_FAIL_ACTIONS:
        raise ValueError(f"join_fail_action: {c.join_fail_action!r} must be one of {', '.join(JOIN_FAIL_ACTIONS)}")
    if c.night_action not in NIGHT_ACTIONS:
        raise ValueError(f"night_action: {c.night_action!r} must be one of {', '.join(NIGHT_ACTIONS)}")
    for name in ("insult_action", "hate_action", "threat_action"):
        if getattr(c, name) not in ACTIONS:
            raise ValueError(f"{name}: {getattr(c, name)!r} must be one of {', '.join(ACTIONS)}")


DEFAULT = ProtectionConfig()
