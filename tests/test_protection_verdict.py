"""check_message: priorities, newcomer rules, night mode, troll levels, chat phrases, stateful flags."""

from __future__ import annotations

import re
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.protection.config import DEFAULT
from bot.protection.verdict import OK, Verdict, check_message

# Every reason code the filters emit, as documented in the report and translated by the handlers.
REASON = re.compile(
    r"^(?:pii:(?:iin|passport|card|phone_name)"
    r"|probation:(?:link|invite|mention|forward|media)"
    r"|link:(?:lookalike|shortener|suspicious_tld):[a-z0-9.-]+"
    r"|link:(?:invite|telegram|bot|messenger|external)"
    r"|phrase:(?:dm_offer|promo|earnings|job_bait|crypto|documents|adult|illegal|betting|giveaway|money|chat)"
    r"|obfuscation|style:(?:emoji|caps)|emoji_flood"
    r"|troll:(?:insult|hate|threat)"
    r"|night:(?:hold|read_only)|flood|repeat)$"
)

CASES: list[tuple[str, dict[str, Any], str, str, set[str]]] = [
    # text, keyword arguments, verdict, action, reasons that must be present
    ("Привет! Где получить ИИН?", {"new_member": True}, "ok", "none", set()),
    # newcomer links: allowlisted ok, others deleted and explained
    ("Вот инструкция https://egov.kz/cms/ru/articles/iin", {"new_member": True}, "ok", "none", set()),
    ("Вот инструкция https://example.org/iin", {"new_member": True}, "spam", "delete", {"probation:link"}),
    ("Вот инструкция https://example.org/iin", {"new_member": False}, "ok", "none", set()),
    ("Наш чат: https://t.me/+AbCdEf123", {"new_member": True}, "spam", "delete", {"probation:invite"}),
    ("Наш чат: https://t.me/+AbCdEf123", {"new_member": False}, "ok", "none", set()),
    ("Лучший канал про Алматы: @almaty_kz", {"new_member": True}, "spam", "delete", {"probation:mention"}),
    ("Отзывы тут @otzyvy_kz, @another_one", {"new_member": True}, "spam", "delete", {"probation:mention"}),
    ("@anna_petrova спасибо, помогло!", {"new_member": True}, "ok", "none", set()),
    ("Как говорил @ivan_petrov, лучше идти утром", {"new_member": True}, "ok", "none", set()),
    ("Смотрите", {"new_member": True, "is_forward_from_channel": True}, "spam", "delete", {"probation:forward"}),
    ("", {"new_member": True, "has_media": True}, "spam", "delete", {"probation:media"}),
    ("", {"new_member": False, "has_media": True}, "ok", "none", set()),
    # phishing and shorteners
    ("Бонус от Kaspi: kaspi-bonus.site", {"new_member": False}, "spam", "mute", {"link:lookalike:kaspi-bonus.site"}),
    ("Подробнее https://bit.ly/abc", {"new_member": True}, "spam", "delete", {"probation:link"}),
    # scored spam: newcomers are muted, regular members warned
    ("Работа на дому, от 3000$ в неделю, пиши в лс", {"new_member": True}, "spam", "mute", {"phrase:earnings"}),
    ("Работа на дому, от 3000$ в неделю, пиши в лс", {"new_member": False}, "spam", "delete_warn", {"phrase:money"}),
    ("где найти работу в Алматы?", {"new_member": True}, "ok", "none", set()),
    # personal data wins over everything
    ("Заработок от 500$ в день! Мой ИИН 900101300126", {"new_member": True}, "pii", "delete", {"pii:iin"}),
    # trolls, by level
    ("ты дебил", {"new_member": False}, "spam", "delete_warn", {"troll:insult"}),
    ("Понаехали тут, валите в свою Россию", {"new_member": False}, "spam", "mute", {"troll:hate"}),
    ("Знаю, где ты живешь, найду тебя", {"new_member": False}, "review", "hold", {"troll:threat"}),
    ("ркн идёт нахуй и навсегда", {"new_member": False}, "ok", "none", set()),
    ("какие тупые правила в этом ЦОНе", {"new_member": False}, "ok", "none", set()),
    # emoji walls
    ("😂" * 15, {"new_member": False}, "spam", "delete", {"emoji_flood"}),
    ("Поздравляю! 🎉🎉🎉", {"new_member": False}, "ok", "none", set()),
    # what the trackers found
    ("ок", {"new_member": False, "flooding": True}, "spam", "mute", {"flood"}),
    ("Текст, который уже был в трёх чатах", {"new_member": True, "repeated_across_chats": True}, "spam", "delete",
     {"repeat"}),
    ("Текст, который уже был в трёх чатах", {"new_member": False, "repeated_across_chats": True}, "review", "hold",
     {"repeat"}),
    # night mode: newcomers only
    ("Подскажите про ИИН", {"new_member": True, "night": True}, "review", "hold", {"night:hold"}),
    ("Подскажите про ИИН", {"new_member": False, "night": True}, "ok", "none", set()),
    ("Работа на дому, от 3000$ в неделю, пиши в лс", {"new_member": True, "night": True}, "spam", "mute",
     {"phrase:earnings"}),
]  # fmt: skip


@pytest.mark.parametrize(("text", "kwargs", "verdict", "action", "reasons"), CASES, ids=[c[0][:40] for c in CASES])
def test_check_message(text: str, kwargs: dict[str, Any], verdict: str, action: str, reasons: set[str]) -> None:
    v = check_message(text, **kwargs)
    assert (v.verdict, v.action) == (verdict, action), v
    assert reasons <= set(v.reasons), v.reasons
    assert all(REASON.match(r) for r in v.reasons), v.reasons
    if verdict == "ok":
        assert v.reasons == ()


def test_ok_is_the_plain_verdict() -> None:
    assert check_message("Спасибо!", new_member=False) == Verdict("ok", (), "none", 0.0)
    assert OK.verdict == "ok"


def test_night_read_only_deletes() -> None:
    config = DEFAULT.with_changes(night_action="read_only")
    v = check_message("Подскажите про ИИН", new_member=True, night=True, config=config)
    assert (v.verdict, v.action, v.reasons) == ("review", "delete", ("night:read_only",))
    off = DEFAULT.with_changes(night_mode=False)
    assert check_message("Подскажите про ИИН", new_member=True, night=True, config=off).verdict == "ok"


def test_troll_actions_follow_the_config() -> None:
    config = DEFAULT.with_changes(insult_action="hold", hate_action="delete_warn", threat_action="mute")
    v = check_message("ты дебил", new_member=False, config=config)
    assert (v.verdict, v.reasons, v.action) == ("review", ("troll:insult",), "hold")
    assert check_message("Понаехали тут", new_member=False, config=config).action == "delete_warn"
    assert check_message("найду тебя, знаю где ты живешь", new_member=False, config=config).action == "mute"
    quiet = DEFAULT.with_changes(insult_action="none")
    assert check_message("ты дебил", new_member=False, config=quiet).verdict == "ok"


def test_chat_phrases() -> None:
    config = DEFAULT.with_changes(
        extra_spam_phrases=["обмен валют*", "крипт* сигнал*"], extra_insult_phrases=["редиска"]
    )
    v = check_message("Обмен валюты у метро Абая", new_member=False, config=config)
    assert (v.verdict, v.action, v.reasons) == ("spam", "mute", ("phrase:chat",))
    assert check_message("Лучшие КРИПТО-сигналы", new_member=False, config=config).reasons == ("phrase:chat",)
    assert check_message("ты редиска", new_member=False, config=config).reasons == ("troll:insult",)
    assert check_message("Обмен валюты у метро Абая", new_member=False).verdict == "ok"


def test_allowlist_is_per_chat() -> None:
    config = DEFAULT.with_changes(allowed_domains=["example.org"])
    assert check_message("https://example.org/x", new_member=True, config=config).verdict == "ok"
    assert check_message("https://egov.kz/x", new_member=True, config=config).reasons == ("probation:link",)


def test_documents_question_is_not_an_offer() -> None:
    assert check_message("Можно ли получить ИИН без очереди?", new_member=True).verdict == "ok"
    offer = check_message("ИИН без очереди за 1 день, пишите в лс", new_member=True)
    assert offer.verdict == "spam" and "phrase:documents" in offer.reasons


def test_warnings_about_scams_are_not_scams() -> None:
    assert check_message("Не ведитесь на «доход 500$ в день, пишите в лс», это развод", new_member=True).verdict == "ok"
    assert check_message("Доход 500$ в день, это не развод! Пишите + в лс", new_member=True).verdict == "spam"


def test_obfuscation_counts_as_evidence() -> None:
    plain = check_message("Нужен человек, пиши в лс", new_member=True)
    tricked = check_message("Нужeн чeлoвeк, пиши в ЛC", new_member=True)
    assert tricked.score > plain.score
    assert "obfuscation" in check_message("Нужeн чeлoвeк для yдaлённoгo зaрaбoткa, пиши в ЛC", new_member=True).reasons


@given(st.text(max_size=400), st.booleans(), st.booleans())
@settings(max_examples=150, deadline=None)
def test_never_fails_on_any_text(text: str, new_member: bool, night: bool) -> None:
    v = check_message(text, new_member=new_member, night=night)
    assert v.verdict in ("ok", "spam", "review", "pii")
    assert v.action in ("none", "delete", "delete_warn", "mute", "hold")
    assert (v.verdict == "ok") == (v.action == "none")
    assert all(r.isascii() and REASON.match(r) for r in v.reasons), v.reasons


def test_a_text_prepared_by_the_caller_gives_the_same_verdict_and_digest() -> None:
    from bot.protection import RepeatTracker
    from bot.protection.deobfuscate import prepare

    tracker = RepeatTracker(secret=b"k" * 32)
    texts = (
        "Подскажите про ИИН",
        "💰 Заработок от 5000$ в неделю! Пиши в личку",
        "ты дебил",
        "ok",
        "З.а.р.а.б.о.т.о.к",
    )
    for text in texts:
        prepared = prepare(text)
        assert check_message(text, new_member=True, prepared=prepared) == check_message(text, new_member=True)
        assert tracker.digest(text, prepared) == tracker.digest(text)
