"""Personal data that must not sit in a group chat: IIN, passport and ID numbers, bank cards, a phone next to a name.

Each detector checks the number itself (IIN check digit and date, card Luhn sum) or asks for context (passport
words, a name), so that order numbers and prices do not trip it. find_pii() returns kinds and spans: the caller can
tell the author what was found and where, without repeating the number in the group.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass

# IIN (ЖСН): YYMMDD, a century-and-sex digit, four serial digits, a check digit.
_IIN_WEIGHTS_1 = (1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11)
_IIN_WEIGHTS_2 = (3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2)
# 7th digit → century of birth (1–2: 1800s, 3–4: 1900s, 5–6: 2000s; odd men, even women). 0 appears in numbers
# issued to some foreigners; the century is then unknown.
_IIN_CENTURY = {"1": 1800, "2": 1800, "3": 1900, "4": 1900, "5": 2000, "6": 2000, "0": None}

_IIN = re.compile(r"(?<![\d+])\d{12}(?!\d)")
_IIN_SPACED = re.compile(r"(?i)(?:иин|жсн|iin)\D{0,12}?(\d{6}[ -]?\d{6})(?!\d)")
# Kazakh passport: N and eight digits (people type Cyrillic Н too).
_KZ_PASSPORT = re.compile(r"(?<![^\W\d_])[NnНн] ?\d{8}(?!\d)")
# Numbers that are passports only when the text says so: Russian foreign passport (2+7), internal (4+6),
# Kazakh ID card (9).
_DOC_NUMBER = re.compile(r"(?<![\d+])(?:\d{2} ?\d{7}|\d{2} ?\d{2} ?\d{6})(?!\d)")
_DOC_CONTEXT = re.compile(
    r"(?i)паспорт|загран|passport|төлқұжат|удостоверени|уд\. ?личн|жеке куәлік|куәлік|id card|серия"
)
_CARD = re.compile(r"(?<![\d+])\d(?:[ -]?\d){12,18}(?!\d)")
_PHONE = re.compile(r"(?<![\d+])(?:\+ ?7|8|7)[ \-(]*[3-9]\d{2}[ \-)]*\d{3}[ -]*\d{2}[ -]*\d{2}(?!\d)")
_NAME_MARKER = re.compile(
    r"(?i)меня зовут|зовут|my name is|менің атым|атым|\bимя\b|\bфио\b|\bname\b|\bаты-жөні\b|контактное лицо"
)
_CAPITALISED = re.compile(r"(?<![^\W_])[A-ZА-ЯЁӘҒҚҢӨҰҮҺІ][a-zа-яёәғқңөұүһі]{2,}(?![^\W_])")
_SURNAME = re.compile(
    r"(?:ов|ова|ев|ева|ёв|ёва|ин|ина|ын|ына|ский|ская|цкий|цкая|енко|ук|юк|ич|вна|ична|ұлы|улы|қызы|кызы|"
    r"baev|baeva|ov|ova|ev|eva|in|ina|sky|skaya|enko)$"
)
_CONTEXT_CHARS = 40
# Every kind below has at least eight digits close together; most messages have none and skip the rest.
_DIGIT_RUN = re.compile(r"\d(?:[ ()+-]{0,2}\d){7}")

# Common first names people sign with (Russian, Kazakh, English spellings). Words that are also ordinary nouns
# ("Вера", "Надежда", "Любовь", "Роза") are left out: a capitalised noun at a sentence start next to a phone
# number is not a name.
FIRST_NAMES = frozenset(
    str.split(
        """
    александр алексей анатолий андрей антон аркадий артём артем арсений борис вадим валентин валерий василий
    виктор виталий владимир владислав всеволод вячеслав геннадий георгий глеб григорий даниил денис дмитрий
    евгений егор иван игорь илья кирилл константин леонид максим марк матвей михаил никита николай олег павел
    пётр петр роман семён семен сергей станислав степан тимофей фёдор федор юрий ярослав эдуард саша дима женя
    миша паша коля вася петя серёжа сережа лёша леша ваня макс
    александра алёна алена алина алиса алла анастасия ангелина анна антонина валентина валерия варвара вероника
    виктория галина дарья диана ева евгения екатерина елена елизавета жанна зоя инна ирина карина кира кристина
    ксения лариса лидия людмила маргарита марина мария милана наталья наталия нина оксана ольга полина светлана
    софья софия тамара татьяна ульяна юлия яна таня оля лена катя маша даша настя света юля аня наташа
    айгерим айдана айжан аружан асель алия динара гульнара жанар мадина сауле салтанат камила дана томирис
    аяулым жансая меруерт назерке ботагоз гульмира айнур акмарал индира карлыгаш бибигуль асем айым нургуль
    нурлан ерлан ержан серик бауыржан асхат арман азамат айдар данияр дамир ерболат ерик жандос канат марат
    мурат нуржан руслан самат тимур талгат асет алмас берик галым дархан еркебулан жанболат кайрат мухтар
    нурсултан олжас рустем санжар ернар аскар бекзат рахат диас ильяс алихан адиль арсен аслан бахыт ринат
    alexander alexey andrey anton artem boris denis dmitry egor ivan igor ilya kirill maxim mikhail nikita
    nikolay oleg pavel roman sergey timur ruslan nurlan yerlan arman azamat daniyar marat aidar
    anna anastasia alina daria ekaterina elena irina maria natalia olga svetlana tatiana yulia aigerim madina
    aliya dinara asel
    john james michael david daniel alex andrew peter paul mark kate julia helen emma sarah victoria tom mike
    """
    )
)


@dataclass(frozen=True, slots=True)
class PiiMatch:
    """One piece of personal data: its kind ("iin", "passport", "card", "phone_name") and where it is."""

    kind: str
    start: int
    end: int


def iin_check_digit(first11: str) -> int | None:
    """Check digit of an IIN from its first 11 digits (the official two-pass weighted sum mod 11); None if the
    second pass also gives 10 — such numbers are never issued."""
    digits = [int(c) for c in first11]
    total = sum(d * w for d, w in zip(digits, _IIN_WEIGHTS_1, strict=True)) % 11
    if total == 10:
        total = sum(d * w for d, w in zip(digits, _IIN_WEIGHTS_2, strict=True)) % 11
        if total == 10:
            return None
    return total


def _iin_date_ok(iin: str, today: datetime.date | None = None) -> bool:
    century_digit = iin[6]
    if century_digit not in _IIN_CENTURY:
        return False
    yy, mm, dd = int(iin[0:2]), int(iin[2:4]), int(iin[4:6])
    century = _IIN_CENTURY[century_digit]
    # Unknown century: 2000 is a leap year, so 29 February passes.
    year = (century if century is not None else 2000) + yy
    try:
        born = datetime.date(year, mm, dd)
    except ValueError:
        return False
    return century is None or born <= (today or datetime.date.today())


def is_valid_iin(number: str) -> bool:
    """12 digits, a real date of birth with a known century digit, and a matching check digit."""
    if len(number) != 12 or not number.isascii() or not number.isdigit():
        return False
    return _iin_date_ok(number) and iin_check_digit(number[:11]) == int(number[11])


def luhn_ok(number: str) -> bool:
    """The Luhn checksum every payment card number satisfies."""
    total = 0
    for i, ch in enumerate(reversed(number)):
        d = ord(ch) - 48
        if i % 2:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return total % 10 == 0


def is_card_number(number: str) -> bool:
    """13–19 digits starting like a payment card (2 Mir/Mastercard, 3 Amex/JCB, 4 Visa, 5 Mastercard, 6 UnionPay/
    Maestro) with a valid Luhn sum."""
    return 13 <= len(number) <= 19 and number[0] in "23456" and number.isdigit() and luhn_ok(number)


# Capitalised words near a phone number that are places, not people.
_PLACES = frozenset(
    str.split(
        "алматы астана шымкент караганда караганды актобе тараз павлодар семей атырау костанай кызылорда уральск "
        "усть-каменогорск петропавловск актау туркестан талдыкорган кокшетау экибастуз казахстан қазақстан россия "
        "москва бишкек ташкент almaty astana shymkent kazakhstan"
    )
)
# A surname-shaped word followed by one of these is a street or a place named after someone.
_ADDRESS_AFTER = re.compile(r"^\W*(?:көшесі|даңғылы|улиц|ул\b|ул\.|проспект|пр\.|бульвар|street|st\b|ave)", re.I)


def _has_name(text: str, start: int, end: int) -> bool:
    before = text[max(0, start - _CONTEXT_CHARS) : start]
    after = text[end : end + _CONTEXT_CHARS]
    if _NAME_MARKER.search(before) or _NAME_MARKER.search(after):
        return True
    for window in (before, after):
        caps = list(_CAPITALISED.finditer(window))
        for i, m in enumerate(caps):
            word = m.group(0).lower()
            if word in FIRST_NAMES:
                return True
            # "Оразбек Нурпеисов": two capitalised words in a row, the second shaped like a surname (and not
            # "Алматы Байзаков көшесі", a city and a street).
            if (
                i
                and _SURNAME.search(word)
                and window[caps[i - 1].end() : m.start()].strip() == ""
                and caps[i - 1].group(0).lower() not in _PLACES
                and not _ADDRESS_AFTER.match(window, m.end())
            ):
                return True
    return False


def find_pii(text: str) -> list[PiiMatch]:
    """Personal data in the text, in order, without overlaps."""
    found: list[PiiMatch] = []
    if not _DIGIT_RUN.search(text):
        return found

    def add(kind: str, start: int, end: int) -> None:
        if not any(start < m.end and m.start < end for m in found):
            found.append(PiiMatch(kind, start, end))

    for m in _IIN.finditer(text):
        if is_valid_iin(m.group(0)):
            add("iin", m.start(), m.end())
    for m in _IIN_SPACED.finditer(text):
        if is_valid_iin(re.sub(r"\D", "", m.group(1))):
            add("iin", m.start(1), m.end(1))
    for m in _CARD.finditer(text):
        if is_card_number(re.sub(r"\D", "", m.group(0))):
            add("card", m.start(), m.end())
    for m in _KZ_PASSPORT.finditer(text):
        add("passport", m.start(), m.end())
    for m in _DOC_NUMBER.finditer(text):
        if _DOC_CONTEXT.search(text, max(0, m.start() - _CONTEXT_CHARS), m.start()):
            add("passport", m.start(), m.end())
    for m in _PHONE.finditer(text):
        if _has_name(text, m.start(), m.end()):
            add("phone_name", m.start(), m.end())
    found.sort(key=lambda m: m.start)
    return found
