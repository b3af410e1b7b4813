"""Personal data: IIN check digit and date, passports, Luhn card numbers, phone numbers next to names."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.protection.pii import find_pii, iin_check_digit, is_card_number, is_valid_iin, luhn_ok


def make_iin(first11: str) -> str:
    check = iin_check_digit(first11)
    assert check is not None
    return first11 + str(check)


def test_iin_check_digit_by_hand() -> None:
    # 9·1 + 0·2 + 0·3 + 1·4 + 0·5 + 1·6 + 3·7 + 0·8 + 0·9 + 1·10 + 2·11 = 72; 72 mod 11 = 6.
    assert iin_check_digit("90010130012") == 6
    # First pass: 8·1 + 5·2 + 0 + 3·4 + 1·5 + 5·6 + 3·7 + 0 + 1·9 + 8·10 + 0 = 175; 175 mod 11 = 10, so the second
    # pass (weights 3..11, 1, 2): 24 + 20 + 0 + 18 + 7 + 40 + 27 + 0 + 11 + 8 + 0 = 155; 155 mod 11 = 1.
    assert iin_check_digit("85031530180") == 1
    # Both passes give 10: no IIN is issued with these first digits.
    assert iin_check_digit("85031530260") is None


@pytest.mark.parametrize(
    ("number", "valid"),
    [
        ("900101300126", True),  # man born 1 Jan 1990
        ("850315301801", True),  # second-pass check digit
        (make_iin("02030550123"), True),  # 7th digit 5: born 2002
        (make_iin("75122040077"), True),  # 7th digit 4: woman born 1975
        (make_iin("96022900011"), True),  # 29 Feb 1996, a leap year
        (make_iin("88010100321"), True),  # 7th digit 0 (some foreigners): century unknown
        ("900101300127", False),  # wrong check digit
        ("900101300120", False),
        (make_iin("90130130012")[:11] + "0", False),
        (make_iin("90130130012"), False),  # month 13
        (make_iin("90023030012"), False),  # 30 February
        (make_iin("97022930012"), False),  # 29 Feb 1997, not a leap year
        (make_iin("90010170012"), False),  # 7th digit 7 is not a century
        (make_iin("99010160012"), False),  # born 2099: in the future
        (make_iin("15044001234"), False),  # a BIN (company number): "day" 40
        ("90010130012", False),  # 11 digits
        ("9001013001266", False),  # 13 digits
        ("90010130012a", False),
    ],
)
def test_is_valid_iin(number: str, valid: bool) -> None:
    assert is_valid_iin(number) is valid


@pytest.mark.parametrize(
    ("number", "ok"),
    [
        ("4111111111111111", True),
        ("5555555555554444", True),
        ("2200000000000004", True),  # Mir-style prefix
        ("378282246310005", True),  # Amex, 15 digits
        ("4111111111111112", False),
        ("1234567812345678", False),
        ("9111111111111111", False),  # does not start like a card
        ("411111111111", False),  # too short
    ],
)
def test_card_numbers(number: str, ok: bool) -> None:
    assert is_card_number(number) is ok


@given(st.text(alphabet="0123456789", min_size=12, max_size=18))
@settings(max_examples=200, deadline=None)
def test_luhn_catches_every_single_digit_change(body: str) -> None:
    check = next(d for d in "0123456789" if luhn_ok(body + d))
    for d in "0123456789":
        assert luhn_ok(body + d) is (d == check)


IIN = "900101300126"


@pytest.mark.parametrize(
    ("text", "kinds"),
    [
        (f"Мой ИИН {IIN}, подскажите, где его проверить?", ["iin"]),
        (f"ИИН: {IIN[:6]} {IIN[6:]}", ["iin"]),
        (f"ЖСН {IIN}", ["iin"]),
        ("Номер заказа 900101300120", []),
        ("Переведите на карту 4111 1111 1111 1111, пожалуйста", ["card"]),
        ("карта 5555-5555-5555-4444", ["card"]),
        ("Трек-номер 1234567812345678", []),
        ("Паспорт N12345678 выдан МВД РК", ["passport"]),
        ("номер удостоверения 012345678", ["passport"]),
        ("загранпаспорт 75 1234567, срок до 2030", ["passport"]),
        ("паспорт РФ 45 12 345678", ["passport"]),
        ("Passport no. 751234567", ["passport"]),
        ("Артикул 751234567", []),
        ("Звоните +7 701 234 56 78, Алия", ["phone_name"]),
        ("Андрей Петров 8 (777) 123-45-67", ["phone_name"]),
        ("Меня зовут Оразбек, мой номер +77011234567", ["phone_name"]),
        ("Оразбек Нурпеисов +7 747 111 22 33", ["phone_name"]),
        ("My name is Anna, call +7 705 555 12 34", ["phone_name"]),
        ("Телефон горячей линии +7 727 258 45 98, UNHCR", []),
        ("Готов помочь с переездом, +77011234567", []),
        ("Скорая — 103, единый номер 112, контакт-центр 1414", []),
        ("Цена 250 000 тг в месяц", []),
        (f"ИИН {IIN}, карта 4111111111111111, Алия +77011234567", ["iin", "card", "phone_name"]),
    ],
)
def test_find_pii(text: str, kinds: list[str]) -> None:
    assert [m.kind for m in find_pii(text)] == kinds


def test_spans_point_at_the_numbers() -> None:
    text = f"Привет! ИИН {IIN}, тел. +7 701 234 56 78 (Алия)"
    spans = {m.kind: text[m.start : m.end] for m in find_pii(text)}
    assert spans["iin"] == IIN
    assert spans["phone_name"].replace(" ", "") == "+77012345678"


@given(st.text(max_size=300))
@settings(max_examples=200, deadline=None)
def test_find_pii_never_fails_and_spans_are_inside(text: str) -> None:
    for m in find_pii(text):
        assert 0 <= m.start < m.end <= len(text)
