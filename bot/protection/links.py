"""Links, domains and @mentions in a message, and what they say about it.

Works on the raw text, not on the matching key: the key folds look-alike letters, which would turn the phishing
domain "kаspi.kz" (Cyrillic а) into the real "kaspi.kz". Here a domain keeps every letter it was written with.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache


# Top-level domains recognised without "http://" or "www.". A curated list, not every TLD: ".py", ".md", ".sh",
# ".rs", ".pl", ".js" are also file extensions and people name files in chats.
def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


_BARE_TLDS = _words(
    "com net org info biz io co cc me app dev ai xyz top site online store shop ltd club live pro link click fun "
    "space website tech icu vip ws gg ly tk ml ga cf gq buzz cfd sbs bond pw win bet casino money finance cloud "
    "kz ru su uz kg by ua am ge az tj tm tr de uk us eu fr es it nl pl lt lv ee fi se cz ch at ca in cn "
    "рф қаз бел укр"
)
# Cheap or throwaway TLDs that honest links seldom use; phishing and scam landing pages often do.
SUSPICIOUS_TLDS = frozenset(
    _words(
        "xyz top site online store shop ltd club click fun space website icu vip buzz cfd sbs bond pw win bet "
        "casino money finance tk ml ga cf gq rest cyou monster quest"
    )
)
# URL shorteners and link-in-bio pages hide where a link goes.
SHORTENERS = frozenset(
    _words(
        "bit.ly bitly.com tinyurl.com goo.gl t.co ow.ly is.gd v.gd cutt.ly clck.ru urlz.fr rb.gy shorturl.at tiny.cc "
        "s.id bit.do rebrand.ly qps.ru vk.cc u.to t.ly surl.li shorturl.asia lnkd.in buff.ly adf.ly shrtco.de "
        "kutt.it tiny.one rotf.lol linktr.ee taplink.cc page.link app.link onelink.me link.ru goo.su"
    )
)
# Brands people are phished with, and the domains that really are theirs. A domain naming the brand (or a near
# miss of it) that is not one of these, nor under one of them, is a look-alike: "kaspi-bonus.site", "egov-kz.online".
BRANDS: dict[str, tuple[str, ...]] = {
    "egov": ("egov.kz",),
    "kaspi": ("kaspi.kz",),
    "halyk": ("halykbank.kz", "homebank.kz", "halykmarket.kz"),
    "halykbank": ("halykbank.kz",),
    "homebank": ("homebank.kz",),
    "jusan": ("jusan.kz",),
    "fortebank": ("forte.kz",),
    "berekebank": ("berekebank.kz",),
    "homecredit": ("homecredit.kz", "homecredit.ru"),
    "nationalbank": ("nationalbank.kz",),
    "kcell": ("kcell.kz",),
    "beeline": ("beeline.kz", "beeline.ru"),
    "tele2": ("tele2.kz", "tele2.ru"),
    "altel": ("altel.kz",),
    "enbek": ("enbek.kz",),
    "elicense": ("elicense.kz",),
    "adilet": ("adilet.zan.kz",),
    "kazpost": ("post.kz",),
    "krisha": ("krisha.kz",),
    "kolesa": ("kolesa.kz",),
    "olx": ("olx.kz", "olx.uz", "olx.ua", "olx.pl", "olx.ro", "olx.pt", "olx.bg", "olx.in"),
    "unhcr": ("unhcr.org",),
    "gosuslugi": ("gosuslugi.ru",),
    "sberbank": ("sberbank.ru", "sberbank.com", "sber.ru"),
    "tinkoff": ("tinkoff.ru", "tbank.ru"),
    "telegram": ("telegram.org", "telegram.me", "telegram.dog", "t.me"),
}
# Brands long enough that one typo still names them ("kaspl", "halyq", "sberbnak"); short ones would hit real words.
_FUZZY_BRANDS = tuple(b for b in BRANDS if len(b) >= 7 and b != "telegram")
_SQUEEZE = re.compile(r"(.)\1+")
# Tokens that tie a domain to Kazakhstan's state, for the "gov" look-alikes ("gov-kz.info", "egov.kz.site.com").
_KZ_TOKENS = frozenset({"kz", "kaz", "kazakhstan", "qazaqstan", "qaz", "egov", "govkz", "kzgov", "kgd"})
# Letters of other scripts that pass for Latin in a domain (a strict list: only true look-alikes).
_CONFUSABLE = str.maketrans(
    {
        "а": "a", "в": "b", "е": "e", "к": "k", "м": "m", "н": "h", "о": "o", "р": "p", "с": "c", "т": "t",
        "у": "y", "х": "x", "і": "i", "ј": "j", "ѕ": "s", "һ": "h", "ӏ": "l", "ԁ": "d", "ԛ": "q", "ԝ": "w",
        "α": "a", "ο": "o", "ε": "e", "ρ": "p", "τ": "t", "κ": "k", "ν": "v", "ι": "i", "ϲ": "c", "υ": "u",
        "ı": "i", "ɑ": "a", "ɡ": "g", "օ": "o", "ս": "u", "ո": "n",
    }
)  # fmt: skip
# Digits and letter pairs typed for letters in typosquats ("kasp1", "eg0v", "rn" for "m").
_TYPO_DIGITS = str.maketrans({"0": "o", "1": "l", "3": "e", "4": "a", "5": "s", "7": "t", "8": "b"})
_TYPO_DIGITS_I = str.maketrans({"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t", "8": "b"})

_TLD_ALT = "|".join(sorted((re.escape(t) for t in _BARE_TLDS), key=len, reverse=True))
_URL = re.compile(
    r"(?i)(?<![\w@/.])(?:(?:https?|tg)://|www\.)[^\s<>\"'«»()\[\]{}]+"
    r"|(?<![\w@/.-])(?:[^\W_](?:[\w-]{0,61}[^\W_])?\.)+(?:" + _TLD_ALT + r")(?![\w-])(?::\d{1,5})?(?:/[^\s<>\"'«»]*)?"
)
# A dot between a letter or digit and a letter, or a scheme: without one there is no link to look for.
_MAYBE_LINK = re.compile(r"[^\W_]\.[^\W\d_]|://")
_MENTION = re.compile(r"(?<![\w@/.])@([A-Za-z][A-Za-z0-9_]{3,31})(?![\w@])")
_SCHEME = re.compile(r"(?i)^(?:https?|tg)://")
_TRAILING = ".,;:!?)»\"'…"
_TELEGRAM_HOSTS = frozenset({"t.me", "telegram.me", "telegram.dog"})


@dataclass(frozen=True, slots=True)
class Link:
    """A link as found in the text, with its host folded for comparison."""

    text: str  # as written (trailing punctuation trimmed)
    domain: str  # lower case, IDNA decoded, without "www." and port; "" for tg:// links
    path: str  # the part after the host, "" if none

    @property
    def is_telegram(self) -> bool:
        return self.domain in _TELEGRAM_HOSTS or self.text.lower().startswith("tg://")

    @property
    def is_invite(self) -> bool:
        """A Telegram invite to a group or channel: t.me/+…, t.me/joinchat/…, t.me/addlist/…, tg://join."""
        if self.text.lower().startswith("tg://join"):
            return True
        if self.domain not in _TELEGRAM_HOSTS:
            return False
        p = self.path.lstrip("/").lower()
        return p.startswith(("+", "%2b", "joinchat", "addlist"))

    @property
    def telegram_name(self) -> str:
        """The username a t.me link points to ("" for invites and other links)."""
        if self.domain not in _TELEGRAM_HOSTS or self.is_invite:
            return ""
        return re.split(r"[/?#]", self.path.lstrip("/"), maxsplit=1)[0].lower()


def _decode_host(host: str) -> str:
    host = host.lower().rstrip(".")
    if "xn--" in host:
        labels = []
        for label in host.split("."):
            if label.startswith("xn--"):
                try:
                    label = label.encode("ascii").decode("idna")
                except (UnicodeError, ValueError):
                    pass
            labels.append(label)
        host = ".".join(labels)
    return host.removeprefix("www.")


def extract_links(text: str) -> list[Link]:
    """Every link in the text: full URLs, www. addresses, bare domains ("kaspi-bonus.site") and tg:// links."""
    if not _MAYBE_LINK.search(text):
        return []
    links = []
    for m in _URL.finditer(text):
        raw = m.group(0).rstrip(_TRAILING)
        rest = _SCHEME.sub("", raw)
        if raw.lower().startswith("tg://"):
            links.append(Link(raw, "", rest))
            continue
        host, sep, path = rest.partition("/")
        host = host.split("@")[-1].split(":")[0]
        for cut in "?#":
            if cut in host:
                host, _, tail = host.partition(cut)
                path = cut + tail + sep + path
                sep = ""
        if not host or "." not in host:
            continue
        links.append(Link(raw, _decode_host(host), (sep + path) if path else ""))
    return links


def extract_mentions(text: str) -> list[str]:
    """@usernames (lower case), in order of appearance, without e-mail addresses."""
    if "@" not in text:
        return []
    return [m.group(1).lower() for m in _MENTION.finditer(text)]


def is_allowed(domain: str, allowed: tuple[str, ...] | frozenset[str]) -> bool:
    """The domain is one of the allowed ones or a subdomain of one ("www.gov.kz", "idp.egov.kz")."""
    allowed_set = allowed if isinstance(allowed, frozenset) else _as_set(allowed)
    if domain in allowed_set:
        return True
    dot = domain.find(".")
    while dot != -1:
        if domain[dot + 1 :] in allowed_set:
            return True
        dot = domain.find(".", dot + 1)
    return False


@lru_cache(maxsize=256)
def _as_set(domains: tuple[str, ...]) -> frozenset[str]:
    return frozenset(domains)


def is_shortener(domain: str) -> bool:
    return is_allowed(domain, SHORTENERS)


def ascii_domain(domain: str) -> str:
    """The domain in ASCII (punycode labels), for reason codes and logs: "kаspi.kz" → "xn--kspi-53d.kz"."""
    if domain.isascii():
        return domain
    return ".".join(
        label if label.isascii() else "xn--" + label.encode("punycode").decode("ascii") for label in domain.split(".")
    )


def tld(domain: str) -> str:
    return domain.rsplit(".", 1)[-1]


def _distance_at_most_one(a: str, b: str) -> bool:
    """Damerau–Levenshtein distance of a and b is 0 or 1 (one typo, or two letters swapped)."""
    if a == b:
        return True
    la, lb = len(a), len(b)
    if abs(la - lb) > 1:
        return False
    if la == lb:
        diff = [i for i in range(la) if a[i] != b[i]]
        if len(diff) == 1:
            return True
        return len(diff) == 2 and diff[1] == diff[0] + 1 and a[diff[0]] == b[diff[1]] and a[diff[1]] == b[diff[0]]
    if la > lb:
        a, b = b, a
    i = 0
    while i < len(a) and a[i] == b[i]:
        i += 1
    return a[i:] == b[i + 1 :]


def _official(domain: str, brand: str) -> bool:
    return is_allowed(domain, BRANDS[brand])


@lru_cache(maxsize=4096)
def lookalike(domain: str) -> str | None:
    """The brand a domain imitates, or None. Catches brand names in foreign domains ("kaspi-bonus.site"),
    state-portal imitations ("gov-kz.info", "egov.kz.something.com"), homoglyphs and punycode ("kаspi.kz",
    "xn--…"), and one-letter typos ("kaspl.kz", "eg0v.kz"). Real domains and their subdomains are not look-alikes."""
    if not domain:
        return None
    if "xn--" in domain:
        domain = _decode_host(domain)
    ascii_domain = domain.translate(_CONFUSABLE)
    homoglyph = ascii_domain != domain and ascii_domain.isascii()
    if homoglyph:
        # Every foreign letter had a Latin twin: an IDN homograph, whatever it imitates.
        for brand, officials in BRANDS.items():
            if is_allowed(ascii_domain, officials) or brand in ascii_domain:
                return brand
        return "homoglyph"
    if not domain.isascii():
        return None  # a real Cyrillic domain ("госуслуги.рф")
    labels = domain.split(".")
    tokens = [t for label in labels for t in label.split("-") if t]
    joined = [label.replace("-", "") for label in labels]
    for brand in BRANDS:
        if any(brand in j for j in joined) and not _official(domain, brand):
            return brand
    if ("gov" in tokens or "egov" in tokens) and not is_allowed(domain, ("gov.kz", "egov.kz")):
        # "www.gov.uk", "usa.gov": another country's state domain ends in gov plus at most a country code.
        gov_at = tokens.index("gov") if "gov" in tokens else -1
        foreign_state = gov_at >= 0 and len(tokens) - gov_at <= 2 and not (_KZ_TOKENS & set(tokens))
        if not foreign_state and (_KZ_TOKENS & set(tokens) or any("govkz" in j or "kzgov" in j for j in joined)):
            return "egov"
    # Typos: digits for letters, a doubled letter, "rn" for "m" ("kasp1", "kaspii", "halykbamk") match any brand;
    # one free edit only for long brands, where it cannot be an honest word ("kaspa" and "koleso" exist).
    for t in tokens:
        typed = t.replace("rn", "m").replace("vv", "w")
        variants = {typed.translate(table) for table in (_TYPO_DIGITS, _TYPO_DIGITS_I)}
        squeezed = {_SQUEEZE.sub(r"\1", v) for v in variants}
        for brand in BRANDS:
            if t != brand and _SQUEEZE.sub(r"\1", brand) in squeezed and not _official(domain, brand):
                return brand
        if len(t) >= 6:
            for brand in _FUZZY_BRANDS:
                if (
                    t != brand
                    and not _official(domain, brand)
                    and any(_distance_at_most_one(v, brand) for v in variants)
                ):
                    return brand
    return None
