"""How the automatic protection explains itself: short labels of reason codes for admins, and sentences for the
author of a removed message (why, and what they can do)."""

from __future__ import annotations

from collections.abc import Iterable

from aiogram.utils.i18n import gettext as _

from bot.translatable import N_

# Reason codes of bot.protection.verdict, as admins see them in the log chat.
REASON_LABELS: dict[str, str] = {
    "pii:iin": N_("IIN"),
    "pii:passport": N_("passport number"),
    "pii:card": N_("bank card number"),
    "pii:phone": N_("phone number with a name"),
    "probation:link": N_("newcomer: link to another site"),
    "probation:invite": N_("newcomer: invite link"),
    "probation:mention": N_("newcomer: channel or bot mention"),
    "probation:forward": N_("newcomer: forward from a channel"),
    "probation:media": N_("newcomer: media"),
    "link:lookalike": N_("look-alike of an official or bank site"),
    "link:shortener": N_("shortened link"),
    "link:suspicious_tld": N_("link to a throwaway domain"),
    "link:invite": N_("invite link"),
    "link:telegram": N_("Telegram link"),
    "link:bot": N_("link to a bot"),
    "link:messenger": N_("link to a messenger"),
    "link:external": N_("link"),
    "phrase:dm_offer": N_("“write me in DM” offer"),
    "phrase:promo": N_("advertising"),
    "phrase:giveaway": N_("giveaway bait"),
    "phrase:job_bait": N_("job bait"),
    "phrase:money": N_("money offer"),
    "phrase:earnings": N_("easy earnings"),
    "phrase:crypto": N_("crypto bait"),
    "phrase:documents": N_("selling documents"),
    "phrase:adult": N_("adult content"),
    "phrase:illegal": N_("illegal offer"),
    "phrase:betting": N_("betting"),
    "phrase:chat": N_("this chat's blocked phrase"),
    "obfuscation": N_("disguised letters"),
    "style:emoji": N_("many emoji"),
    "style:caps": N_("shouting"),
    "emoji_flood": N_("emoji flood"),
    "troll:insult": N_("insult"),
    "troll:hate": N_("hate speech"),
    "troll:threat": N_("threat"),
    "flood": N_("flood"),
    "repeat": N_("same message in several chats"),
    "night:hold": N_("newcomer at night"),
    "night:read_only": N_("newcomer at night"),
    "join:pending": N_("has not passed the join check"),
}


def reason_labels(reasons: Iterable[str]) -> str:
    """Reason codes as one line in the current locale; an unknown code is shown as it is."""
    return ", ".join(dict.fromkeys(map(reason_label, reasons)))


def reason_label(code: str) -> str:
    """One reason code in words; codes that carry a domain ("link:lookalike:egov-kz.online") keep it."""
    if code in REASON_LABELS:
        return _(REASON_LABELS[code])
    kind, _sep, detail = code.rpartition(":")
    if kind in REASON_LABELS:
        return _("{label} ({detail})").format(label=_(REASON_LABELS[kind]), detail=detail)
    return code


def why_removed(reasons: tuple[str, ...]) -> str:
    """The sentence that tells the author why their message was removed or held (current locale)."""
    kinds = {r.split(":", 1)[0] for r in reasons}
    if "pii" in kinds:
        return _(
            "It contained personal data ({what}). Never post your IIN, passport or card number in a group: anyone "
            "can copy it. Here is your text, so nothing is lost — remove the data and send it again:"
        ).format(what=reason_labels(r for r in reasons if r.startswith("pii:")))
    if "night" in kinds and len(kinds) == 1:
        if "night:hold" in reasons:
            return _(
                "At night, messages from new members wait for the admins' review; they will see it in the morning."
            )
        return _("At night, new members can only read this chat. Please write again in the morning.")
    lines: list[str] = []
    if "probation:link" in reasons:
        lines.append(_("During the first day new members cannot post links, except to official sites such as egov.kz."))
    if "probation:invite" in reasons or "probation:mention" in reasons:
        lines.append(_("New members cannot post invite links or mention channels, groups and bots."))
    if "probation:forward" in reasons:
        lines.append(_("New members cannot forward posts from channels."))
    if "probation:media" in reasons:
        lines.append(_("During the first day new members can send text only, without photos, videos or files."))
    if "flood" in reasons:
        lines.append(_("Too many messages too fast. Please wait a little."))
    if "troll" in kinds:
        lines.append(_("Insults, hate and threats are not allowed in this chat."))
    if not lines or kinds - {"probation", "flood", "troll"}:
        lines.append(_("It looks like spam or a scam ({what}).").format(what=reason_labels(reasons)))
    return " ".join(lines)
