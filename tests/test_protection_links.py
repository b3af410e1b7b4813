"""Links, mentions, shorteners and look-alike domains."""

from __future__ import annotations

import pytest

from bot.protection.config import DEFAULT_ALLOWED_DOMAINS
from bot.protection.links import (
    ascii_domain,
    extract_links,
    extract_mentions,
    is_allowed,
    is_shortener,
    lookalike,
)


@pytest.mark.parametrize(
    ("text", "domains"),
    [
        ("Инструкция: https://egov.kz/cms/ru/articles/iin.", ["egov.kz"]),
        ("см. www.gov.kz/memleket, там всё есть", ["gov.kz"]),
        ("бонус на kaspi-bonus.site!", ["kaspi-bonus.site"]),
        ("Проверьте egov.kz.something.com/login", ["egov.kz.something.com"]),
        ("HTTPS://EGOV-KZ.ONLINE/Login", ["egov-kz.online"]),
        ("ссылка (https://bit.ly/3abc)", ["bit.ly"]),
        ("https://user@evil.example.com:8080/path", ["evil.example.com"]),
        ("https://xn--kspi-53d.kz/x", ["kаspi.kz"]),
        ("Пишите на info@ovdinfo.org", []),
        ("файлы main.py, README.md и config.sh, т.е. всё", []),
        ("Привет. Как дела?", []),
        ("Версия 3.11 вышла", []),
    ],
)
def test_extract_links(text: str, domains: list[str]) -> None:
    assert [link.domain for link in extract_links(text)] == domains


@pytest.mark.parametrize(
    ("url", "invite", "name"),
    [
        ("https://t.me/+AbCdEf123", True, ""),
        ("t.me/joinchat/AbCdEf", True, ""),
        ("https://t.me/addlist/xyz", True, ""),
        ("tg://join?invite=abc", True, ""),
        ("https://t.me/almaty_news/1234", False, "almaty_news"),
        ("https://telegram.me/some_bot?start=42", False, "some_bot"),
    ],
)
def test_telegram_links(url: str, invite: bool, name: str) -> None:
    (link,) = extract_links(f"смотри {url} тут")
    assert link.is_telegram
    assert link.is_invite is invite
    assert link.telegram_name == name


def test_mentions() -> None:
    assert extract_mentions("Пишите @Ivan_Petrov или @kz_news, почта a@b.kz, @abc") == ["ivan_petrov", "kz_news"]


@pytest.mark.parametrize(
    ("domain", "brand"),
    [
        ("egov-kz.online", "egov"),
        ("gov-kz.info", "egov"),
        ("egov.kz.something.com", "egov"),
        ("gov.kz.secure-login.net", "egov"),
        ("kaspi-bonus.site", "kaspi"),
        ("kaspi.kz.bonus.top", "kaspi"),
        ("kаspi.kz", "kaspi"),  # Cyrillic а
        ("xn--kspi-53d.kz", "kaspi"),  # the same, as punycode
        ("аррӏе.com", "homoglyph"),  # all-Cyrillic imitation of a Latin name
        ("kasp1.kz", "kaspi"),
        ("kaspii.kz", "kaspi"),
        ("eg0v.kz", "egov"),
        ("halyk-bank-support.top", "halyk"),
        ("halykbnak.kz", "halyk"),
        ("homebаnk.kz", "halyk"),
        ("sberbank-online.info", "sberbank"),
        ("gosuslugi-pay.ru", "gosuslugi"),
        ("olx-delivery.site", "olx"),
        ("telegram-premium.gift", "telegram"),
        ("beelin.kz", "beeline"),
        # real sites and their subdomains, and honest look-alike words
        ("egov.kz", None),
        ("idp.egov.kz", None),
        ("www.gov.kz", None),
        ("kgd.gov.kz", None),
        ("kaspi.kz", None),
        ("guide.kaspi.kz", None),
        ("homebank.kz", None),
        ("halykbank.kz", None),
        ("olx.kz", None),
        ("gosuslugi.ru", None),
        ("t.me", None),
        ("telegra.ph", None),
        ("www.gov.uk", None),
        ("usa.gov", None),
        ("kaspa.org", None),
        ("koleso.ru", None),
        ("egor.com", None),
        ("govtech.com", None),
        ("госуслуги.рф", None),
        ("miro.com", None),
        ("", None),
    ],
)
def test_lookalike(domain: str, brand: str | None) -> None:
    assert lookalike(domain) == brand


def test_allowlist_and_shorteners() -> None:
    assert is_allowed("www.gov.kz", DEFAULT_ALLOWED_DOMAINS)
    assert is_allowed("adilet.zan.kz", DEFAULT_ALLOWED_DOMAINS)
    assert not is_allowed("zan.kz", DEFAULT_ALLOWED_DOMAINS)
    assert not is_allowed("notgov.kz", DEFAULT_ALLOWED_DOMAINS)
    assert not is_allowed("gov.kz.evil.com", DEFAULT_ALLOWED_DOMAINS)
    for domain in ("bit.ly", "tinyurl.com", "clck.ru", "madrunning.page.link"):
        assert is_shortener(domain), domain
    assert not is_shortener("egov.kz")
    # every default allowed domain is itself not a look-alike
    assert [d for d in DEFAULT_ALLOWED_DOMAINS if lookalike(d)] == []


def test_ascii_domain() -> None:
    assert ascii_domain("egov.kz") == "egov.kz"
    assert ascii_domain("kаspi.kz") == "xn--kspi-53d.kz"
