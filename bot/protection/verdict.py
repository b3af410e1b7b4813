"""One verdict per message: ok, spam, review or pii, with short reason codes and what the chat should do.

How a verdict is reached (priority pii > spam > review > ok):
1. Personal data (pii.py) → "pii", delete: the author gets their text back privately.
2. Rules that decide alone → "spam": look-alike domains of state and bank sites (phishing), emoji floods,
   the chat's own spam phrases, trolling (by level), and, for members on probation, links outside the allowlist,
   invite links, channel/bot mentions, forwards from channels and media.
3. Evidence that adds up (phrases.py, obfuscation, shorteners, cheap TLDs, money per day, shouting): each kind of
   evidence counts at most 1.0; a sum of SPAM_SCORE is spam, REVIEW_SCORE is held for an admin. Newcomers get lower
   thresholds, because a scam almost always comes from an account that just joined, and an honest newcomer's
   question seldom carries two kinds of bait. Evidence without any sign of intent (no call to action, contact,
   recruitment, offer, disguise) is people talking about money and counts for less; see _score().
4. Night mode: a newcomer's otherwise-ok message at night is held for the morning (or deleted in read-only mode).

Troll levels map to verdicts through their configured action: "hold" is a review, any removal is "spam"
(the verdict names what happens to the message: spam = removed automatically).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import Literal

from bot.protection import links as linkmod
from bot.protection.config import DEFAULT, ProtectionConfig
from bot.protection.deobfuscate import Prepared, prepare
from bot.protection.matcher import Phrase, PhraseSet
from bot.protection.phrases import CAUTION_PHRASES, SPAM_PHRASES, TROLL_LEVELS, TROLL_PHRASES
from bot.protection.pii import PiiMatch, find_pii

VerdictKind = Literal["ok", "spam", "review", "pii"]
Action = Literal["none", "delete", "delete_warn", "mute", "hold"]

# Thresholds on the evidence sum (see module doc). Tuned on the labelled fixtures in tests/ and the reference
# samples (benchmarks/spam.py): regular members must almost never be flagged, newcomers seldom.
SPAM_SCORE = 1.0
REVIEW_SCORE = 0.9
NEW_SPAM_SCORE = 0.8
NEW_REVIEW_SCORE = 0.6

# Evidence that a message asks something of the reader, and evidence of offers no honest member makes.
_CALL_TO_ACTION = ("phrase:dm_offer", "phrase:promo", "phrase:giveaway", "phrase:job_bait")
_INTENT = ("phrase:adult", "phrase:illegal", "phrase:betting", "obfuscation")

# Codes whose phrases are ways of saying one thing ("пишите в лс", "пиши +", "жду в личке" are one call to
# action): the strongest counts, they do not add up.
_ONE_OF_A_KIND = frozenset({"dm_offer"})

# Severity of actions, to pick one when several rules fire.
_SEVERITY: dict[str, int] = {"none": 0, "hold": 1, "delete": 2, "delete_warn": 3, "mute": 4}

_EMOJI = re.compile(
    "[\U0001f000-\U0001faff\u2600-\u27bf\u2b00-\u2bff\u2300-\u23ff\u203c\u2049\u3030\u303d\u3297\u3299]"
)
_LETTER = re.compile(r"[^\W\d_]")
_UPPER = re.compile("[A-ZА-ЯЁӘҒҚҢӨҰҮҺІ]")
_ARROW_TO_CONTACT = re.compile(r"[👉➡⬇👇🔜⤵→⏩▶]\ufe0f?\s*(?:@[A-Za-z]|https?://|t\.me/|www\.)")
_QUESTION_START = re.compile(
    r"(?:^|[.!?\n]\s*)(?:как|где|можно ли|можно|подскажите|скажите|кто знает|кто-нибудь|кто нибудь|что|сколько|"
    r"есть ли|нужно ли|нужен ли|how|where|can i|can you|is it|does|do i|what|қалай|қайда|бола ма|ким биледи)\b"
)
# Channel- or bot-like usernames: a newcomer linking a person is fine, advertising a channel or a bot is not.
_CHANNELISH = re.compile(
    r"bot$|channel|chat|news|official|group|kanal|shop|store|club|crypto|invest|trade|trading|rabota|work|job|bet|"
    r"sale|promo|market|money|cash|earn|profit|signal|vip|support|admin|manager|hr_|_hr|agent"
)


_CONTACT_CUE = re.compile(
    r"(?:пиш\w*|напиш\w*|связь|связ\w+|контакт\w*|заказ\w*|обращ\w*|канал\w*|чат\w*|групп\w*|бот\w*|подпис\w*|"
    r"заход\w*|переход\w*|реклам\w*|отзыв\w*|жаз\w*|хабарлас\w*|байланыс\w*|contact|write|dm|message|channel|chat|group|join|follow|"
    r"[➡👉⬇👇→:])(?:\W+(?:мне|нам|me|us))?\W{0,6}$"
)


@dataclass(frozen=True, slots=True)
class Verdict:
    """What the filter decided about one message."""

    verdict: VerdictKind
    reasons: tuple[str, ...]
    action: Action
    score: float = 0.0  # the spam evidence sum, for tuning and logs
    pii: tuple[PiiMatch, ...] = ()  # spans of personal data, for the private explanation


OK = Verdict("ok", (), "none")


@cache
def _spam_phrases() -> PhraseSet:
    return PhraseSet(SPAM_PHRASES + CAUTION_PHRASES)


@cache
def _troll_phrases() -> PhraseSet:
    return PhraseSet(TROLL_PHRASES)


@lru_cache(maxsize=256)
def _chat_phrases(spam: tuple[str, ...], insult: tuple[str, ...], hate: tuple[str, ...], threat: tuple[str, ...]):
    """Compiled per-chat phrases (cached: chats keep their settings for long)."""
    spam_set = PhraseSet(Phrase("chat", 1.0, p) for p in spam) if spam else None
    troll = [Phrase(level, 1.0, p) for level, ps in zip(TROLL_LEVELS, (insult, hate, threat), strict=True) for p in ps]
    return spam_set, (PhraseSet(troll) if troll else None)


class _Evidence:
    """Spam evidence by kind; each kind counts at most 1.0."""

    __slots__ = ("by_code", "caution")

    def __init__(self) -> None:
        self.by_code: dict[str, float] = {}
        self.caution = 0.0

    def add(self, code: str, weight: float) -> None:
        self.by_code[code] = min(1.0, self.by_code.get(code, 0.0) + weight)

    def at_least(self, code: str, weight: float) -> None:
        """Evidence that does not grow with repetition (ten ordinary links are no worse than one)."""
        self.by_code[code] = max(self.by_code.get(code, 0.0), weight)

    def total(self) -> float:
        return max(0.0, sum(self.by_code.values()) + self.caution)


def count_emoji(text: str) -> int:
    return len(_EMOJI.findall(text))


def _is_question(key: str) -> bool:
    return "?" in key or _QUESTION_START.search(key) is not None


def _promo_mentions(text: str, mentions: list[str]) -> bool:
    """Whether a newcomer's @mentions advertise rather than address. Telegram does not say whether @name is a person
    or a channel without an API call, so the text decides: a channel- or bot-like name, a mention right after a
    contact cue ("пишите", "➡️", "канал", "contact"), or several different mentions in one message. Naming a person
    in a reply or a sentence ("@anna спасибо", "как говорил @ivan") is fine."""
    if len(set(mentions)) >= 2:
        return True
    lowered = text.lower()
    for name in mentions:
        if _CHANNELISH.search(name):
            return True
        at = lowered.find("@" + name)
        if at > 0 and _CONTACT_CUE.search(lowered, max(0, at - 40), at):
            return True
    return False


def _link_evidence(
    found: list[linkmod.Link], mentions: list[str], ev: _Evidence, rules: list[str], config: ProtectionConfig
) -> None:
    for link in found:
        domain = link.domain
        if link.is_invite:
            ev.at_least("link:invite", 0.3)
            continue
        if link.is_telegram:
            name = link.telegram_name
            ev.at_least("link:telegram", 0.15)
            if name.endswith("bot") or "start=" in link.path:
                ev.at_least("link:bot", 0.3)
            continue
        if not domain or linkmod.is_allowed(domain, config.allowed_domains):
            continue
        brand = linkmod.lookalike(domain)
        if brand:
            rules.append(f"link:lookalike:{linkmod.ascii_domain(domain)}")
            continue
        if linkmod.is_shortener(domain):
            ev.add(f"link:shortener:{linkmod.ascii_domain(domain)}", 0.5)
        elif linkmod.tld(domain) in linkmod.SUSPICIOUS_TLDS:
            ev.add(f"link:suspicious_tld:{linkmod.ascii_domain(domain)}", 0.3)
        elif domain in ("wa.me", "api.whatsapp.com", "chat.whatsapp.com"):
            ev.at_least("link:messenger", 0.3)
        else:
            ev.at_least("link:external", 0.1)
    if any(m.endswith("bot") for m in mentions):
        ev.at_least("link:bot", 0.3)


def _score(text: str, prep: Prepared, emoji: int, ev: _Evidence, has_contact: bool) -> None:
    for phrase in _spam_phrases().find(prep):
        if phrase.weight < 0:
            ev.caution = max(-1.0, ev.caution + phrase.weight)
        elif phrase.code in _ONE_OF_A_KIND:
            ev.at_least("phrase:" + phrase.code, phrase.weight)
        else:
            ev.add("phrase:" + phrase.code, phrase.weight)
    if prep.obfuscated_words >= 2 or prep.exotic_letters >= 3 or prep.spaced_runs:
        weight = 0.0
        if prep.obfuscated_words >= 5 or prep.exotic_letters >= 8:
            weight = 0.8
        elif prep.obfuscated_words >= 3 or prep.exotic_letters >= 3:
            weight = 0.6
        elif prep.obfuscated_words >= 2:
            weight = 0.35
        weight += 0.3 * min(prep.spaced_runs, 2)
        ev.add("obfuscation", weight)
    if emoji >= 6:
        ev.add("style:emoji", 0.2 if emoji < 15 else 0.35)
    if len(text) >= 30:
        upper = len(_UPPER.findall(text))
        if upper >= 18 and upper >= 0.6 * len(_LETTER.findall(text)):
            ev.add("style:caps", 0.25)
    if _ARROW_TO_CONTACT.search(text):
        ev.add("phrase:promo", 0.3)
    # Scams ask something of the reader (write me, follow the link, join the team) or give themselves away
    # (disguised letters, illicit offers). A question about getting an IIN fast, with no call to action, is someone
    # asking, not selling: its document evidence counts for little. Evidence with no sign of intent at all is
    # people talking about income, crypto or prices ("для визы нужен доход от 3000$ в месяц"): it counts for less,
    # and in questions for less again.
    call_to_action = has_contact or any(code in ev.by_code for code in _CALL_TO_ACTION)
    question = _is_question(prep.key)
    asking_about_documents = False
    if question and not call_to_action and "phrase:documents" in ev.by_code and "phrase:money" not in ev.by_code:
        ev.by_code["phrase:documents"] *= 0.3
        asking_about_documents = True
    offers_documents = "phrase:documents" in ev.by_code and not asking_about_documents
    if not (call_to_action or offers_documents or any(code in ev.by_code for code in _INTENT)):
        factor = 0.5 if question else 0.7
        for code in ev.by_code:
            ev.by_code[code] *= factor


def _emoji_flood(text: str, emoji: int) -> bool:
    """Mostly emoji (a wall of them), or so many that the text is a billboard."""
    if emoji >= 30:
        return True
    if emoji < 10:
        return False
    visible = len(text) - sum(map(text.count, (" ", "\n", "\t", "\ufe0f", "\u200d")))
    return emoji >= 0.5 * visible


def _troll(prep: Prepared, config: ProtectionConfig, chat_troll: PhraseSet | None) -> tuple[list[str], str]:
    levels = {p.code for p in _troll_phrases().find(prep)}
    if chat_troll is not None:
        levels |= {p.code for p in chat_troll.find(prep)}
    if not levels:
        return [], "none"
    actions = {"insult": config.insult_action, "hate": config.hate_action, "threat": config.threat_action}
    # A level the chat set to "none" is ignored altogether.
    ordered = [level for level in TROLL_LEVELS if level in levels and actions[level] != "none"]
    if not ordered:
        return [], "none"
    action = max((actions[level] for level in ordered), key=_SEVERITY.__getitem__)
    return [f"troll:{level}" for level in ordered], action


def check_message(
    text: str,
    *,
    new_member: bool,
    config: ProtectionConfig = DEFAULT,
    is_forward_from_channel: bool = False,
    has_media: bool = False,
    night: bool = False,
    flooding: bool = False,
    repeated_across_chats: bool = False,
    prepared: Prepared | None = None,
) -> Verdict:
    """Judge one group message (text or caption).

    new_member: the author is on probation (ProtectionConfig.on_probation). night: the chat is in its night window
    (ProtectionConfig.is_night). flooding / repeated_across_chats: what FloodTracker and RepeatTracker said about
    this message; they are passed in so that one verdict carries every reason. prepared: `prepare(text)`, if the
    caller already has it (the repeat tracker needs it too).
    """
    text = text or ""
    pii = find_pii(text)
    if pii:
        kinds = tuple(dict.fromkeys(f"pii:{m.kind}" for m in pii))
        return Verdict("pii", kinds, "delete", 0.0, tuple(pii))

    prep = prepared or prepare(text)
    found_links = linkmod.extract_links(text)
    mentions = linkmod.extract_mentions(text)
    ev = _Evidence()
    rules: list[str] = []  # reasons that decide alone (spam)
    action: str = "none"

    _link_evidence(found_links, mentions, ev, rules, config)
    emoji = count_emoji(text)
    _score(text, prep, emoji, ev, bool(found_links or mentions))
    chat_spam, chat_troll = _chat_phrases(
        config.extra_spam_phrases, config.extra_insult_phrases, config.extra_hate_phrases, config.extra_threat_phrases
    )
    if chat_spam is not None and chat_spam.find(prep):
        rules.append("phrase:chat")
    if _emoji_flood(text, emoji):
        rules.append("emoji_flood")
    if rules:
        # Phishing and the chat's own blocklist are deliberate: silence the sender, whoever it is.
        only_emoji = rules == ["emoji_flood"]
        action = "delete" if only_emoji else "mute"

    probation: list[str] = []
    if new_member:
        for link in found_links:
            if link.is_invite:
                probation.append("probation:invite")
            elif not (link.domain and linkmod.is_allowed(link.domain, config.allowed_domains)):
                probation.append("probation:link")
        if mentions and _promo_mentions(text, mentions):
            probation.append("probation:mention")
        if is_forward_from_channel:
            probation.append("probation:forward")
        if has_media:
            probation.append("probation:media")
        probation = list(dict.fromkeys(probation))
        if probation and _SEVERITY[action] < _SEVERITY["delete"]:
            action = "delete"

    score = round(ev.total(), 3)
    spam_at, review_at = (NEW_SPAM_SCORE, NEW_REVIEW_SCORE) if new_member else (SPAM_SCORE, REVIEW_SCORE)
    scored: list[str] = []
    verdict: VerdictKind = "ok"
    if score >= spam_at:
        scored = sorted(ev.by_code)
        action = max(action, "mute" if new_member else "delete_warn", key=_SEVERITY.__getitem__)
    elif score >= review_at:
        scored = sorted(ev.by_code)

    troll_reasons, troll_action = _troll(prep, config, chat_troll)
    if troll_reasons and troll_action != "hold":
        action = max(action, troll_action, key=_SEVERITY.__getitem__)

    extra: list[str] = []
    if flooding:
        extra.append("flood")
        action = max(action, "mute", key=_SEVERITY.__getitem__)
    if repeated_across_chats:
        extra.append("repeat")
        if new_member:
            action = max(action, "delete", key=_SEVERITY.__getitem__)

    removed = _SEVERITY[action] >= _SEVERITY["delete"]
    reasons = [*probation, *rules, *scored, *troll_reasons, *extra]
    if removed:
        verdict = "spam"
    elif scored or troll_reasons or extra:
        verdict = "review"
        action = "hold"
    elif new_member and night and config.night_mode:
        verdict = "review"
        reasons.append(f"night:{config.night_action}")
        action = "hold" if config.night_action == "hold" else "delete"
    if verdict == "ok":
        return Verdict("ok", (), "none", score)
    return Verdict(verdict, tuple(dict.fromkeys(reasons)), action, score)  # type: ignore[arg-type]
