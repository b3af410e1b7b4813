"""Search engine units: normalisation, transliteration, Kazakh stemming, typos, ranking, confidence, helpers, CLI."""

from __future__ import annotations

import io
import itertools
import json
import subprocess
import sys
import time
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.search import Hit, SearchDoc, SearchIndex, looks_like_question, normalize_query
from bot.search.analysis import doc_terms, doc_terms_of, is_stopword, query_forms, tokens
from bot.search.cli import MAX_LINE, guide_titles, run_search_cli
from bot.search.fuzzy import FuzzyIndex, distance
from bot.search.kazakh import fold_kazakh, stem_kazakh
from bot.search.synonyms import EXTRA_KEYWORDS, SYNONYMS
from bot.search.translit import transliterations

REPO = Path(__file__).resolve().parent.parent
LANGS = ("ru", "kk", "en")


@pytest.fixture(scope="module")
def titles(catalogue) -> dict[str, str]:
    return {
        slug: versions.get("ru", next(iter(versions.values()))).title for slug, versions in catalogue.guides.items()
    }


def doc(slug: str, lang: str, title: str, body: str, keywords: tuple[str, ...] = (), summary: str = "") -> SearchDoc:
    return SearchDoc(slug=slug, lang=lang, title=title, summary=summary, keywords=keywords, body=body)


SMALL = [
    doc("iin", "ru", "Как получить ИИН", "ИИН выдают в ЦОН бесплатно за один день.", ("иин", "инн", "цон")),
    doc("iin", "kk", "ЖСН қалай алуға болады", "ЖСН-ді ХҚКО-да тегін береді.", ("жсн", "хқко")),
    doc("iin", "en", "How to get an IIN", "The IIN is issued at a public service centre.", ("iin", "psc")),
    doc(
        "housing", "ru", "Аренда жилья", "Как снять квартиру: договор аренды, депозит, хозяин.", ("аренда", "квартира")
    ),
    doc("housing", "kk", "Баспана жалдау", "Пәтерді жалдау шарты, кепілақы, үй иесі.", ("пәтер", "жалдау")),
    doc(
        "housing",
        "en",
        "Renting a home",
        "How to rent a flat: a written lease, the deposit.",
        ("rent", "flat", "lease"),
    ),
]


@pytest.fixture(scope="module")
def small() -> SearchIndex:
    return SearchIndex.build(SMALL)


# --------------------------------------------------------------------------------------------------------------
# Normalisation and analysis


def test_case_yo_and_lookalike_letters_give_the_same_terms() -> None:
    plain = doc_terms("Регистрация ёлки", "ru")
    assert doc_terms("РЕГИСТРАЦИЯ елки", "ru") == plain
    # Latin "e", "p", "a" hidden inside a Cyrillic word
    assert doc_terms("Peгиcтpaция ёлки", "ru") == plain


def test_inflected_russian_forms_share_a_stem() -> None:
    assert doc_terms("регистрации", "ru") == doc_terms("регистрацию", "ru") == doc_terms("регистрация", "ru")
    assert doc_terms("дня", "ru") == doc_terms("дней", "ru") == doc_terms("день", "ru")


def test_stopwords_in_three_languages() -> None:
    for word in ("как", "где", "можно", "қалай", "қайда", "керек", "how", "where", "the", "kak", "gde"):
        assert is_stopword(word), word
    for word in ("иин", "жсн", "iin", "прописка", "rent"):
        assert not is_stopword(word), word


def test_question_word_gets_russian_kazakh_and_transliterated_readings() -> None:
    forms = query_forms("poluchit")
    assert forms is not None
    terms = {term for term, _ in forms.stems}
    assert "poluchit" in terms  # the Latin word itself, for English and Latin keywords
    assert "получ" in terms  # Russian stem of the transliteration
    assert query_forms("как") is None
    assert query_forms("5") is None  # a single digit says nothing


# --------------------------------------------------------------------------------------------------------------
# Transliteration


@pytest.mark.parametrize(
    ("latin", "cyrillic"),
    [
        ("kak", "как"),
        ("poluchit", "получит"),
        ("propiska", "прописка"),
        ("vnzh", "внж"),
        ("vnj", "внж"),
        ("zhsn", "жсн"),
        ("shchet", "щет"),
        ("schet", "счет"),
        ("yazyk", "язык"),
        ("jazyk", "язык"),
        ("yurist", "юрист"),
        ("kharkov", "харков"),
        ("hochu", "хочу"),
        ("tson", "цон"),
        ("registraciya", "регистрация"),
        ("kakoy", "какой"),
        ("qalay", "калай"),
    ],
)
def test_transliteration_schemes(latin: str, cyrillic: str) -> None:
    assert cyrillic in transliterations(latin)


def test_transliteration_of_non_latin_is_empty() -> None:
    assert transliterations("иин") == ()
    assert transliterations("a1") == ()


def test_russian_in_latin_letters_finds_the_guide(index: SearchIndex) -> None:
    for question, slug in [
        ("kak poluchit iin", "iin"),
        ("propiska nuzhna?", "registration"),
        ("vnzh kak poluchit", "residence-permit"),
        ("gde kupit simku", "sim-and-phone"),
        ("chto delat esli zaderzhali", "detention"),
    ]:
        hits = index.search(question)
        assert hits and hits[0].slug == slug, question


# --------------------------------------------------------------------------------------------------------------
# Kazakh stemming


def test_kazakh_forms_of_a_word_share_a_stem() -> None:
    for forms in (
        ("карта", "картасы", "картаны", "картаға", "карталар"),
        ("салық", "салықтар", "салығы"),
        ("тіл", "тілі", "тілін"),
        ("банк", "банкке", "банкте"),
        ("алу", "алуға"),
    ):
        stems = {stem_kazakh(word) for word in forms}
        assert len(stems) == 1, (forms, stems)


def test_kazakh_stem_keeps_at_least_three_letters() -> None:
    for word in ("ала", "жсн", "ата", "дана", "бала", "тілдерініңде"):
        assert len(stem_kazakh(word)) >= min(3, len(word))
    assert stem_kazakh("жсн") == "жсн"


def test_kazakh_typed_on_a_russian_keyboard_meets_the_real_spelling() -> None:
    assert stem_kazakh("алуга") == stem_kazakh("алуға")
    assert stem_kazakh("калай") == fold_kazakh("қалай")


def test_kazakh_questions_find_the_guide(small: SearchIndex, index: SearchIndex) -> None:
    assert small.search("ЖСН қалай алуға болады?")[0].slug == "iin"
    assert small.search("жсн калай алуга болады")[0].slug == "iin"  # no Kazakh letters
    assert index.search("пәтерді қалай жалдауға болады")[0].slug == "housing"


# --------------------------------------------------------------------------------------------------------------
# Typos


def test_distance() -> None:
    assert distance("регистрац", "регистрац", 2) == 0
    assert distance("регистарц", "регистрац", 2) == 1  # swapped neighbours count once
    assert distance("поликлиник", "поликлинник", 2) == 1
    assert distance("abc", "xyz", 1) == 2  # beyond the limit: limit + 1


def test_fuzzy_lookup() -> None:
    fuzzy = FuzzyIndex(["регистрац", "поликлиник", "иин", "каспи"])
    assert fuzzy.lookup("регистарц") == [("регистрац", 1)]
    assert fuzzy.lookup("поликлинникк") == [("поликлиник", 2)]
    assert fuzzy.lookup("иим") == []  # short words are not corrected
    assert fuzzy.lookup("zzzzzz") == []


@pytest.mark.parametrize(
    ("question", "slug"),
    [
        ("как палучить иин", "iin"),
        ("регистарция иностранца", "registration"),
        ("поликлинника для иностранцев", "healthcare"),
        ("экстрадицыя в россию", "legal-risks"),
        ("how to rent an apartmnet", "housing"),
        ("asylum aplication", "asylum"),
    ],
)
def test_typos_still_find_the_guide(index: SearchIndex, question: str, slug: str) -> None:
    hits = index.search(question)
    assert hits and hits[0].slug == slug


# --------------------------------------------------------------------------------------------------------------
# Ranking and confidence


def test_any_language_finds_the_guide(small: SearchIndex) -> None:
    for question in ("как снять квартиру", "пәтер жалдау", "how to rent a flat"):
        assert small.search(question)[0].slug == "housing", question


def test_one_hit_per_slug_best_first(index: SearchIndex) -> None:
    hits = index.search("регистрация иин банк карта аренда", limit=15)
    slugs = [hit.slug for hit in hits]
    assert len(slugs) == len(set(slugs))
    assert [hit.score for hit in hits] == sorted((hit.score for hit in hits), reverse=True)
    assert len(index.search("регистрация иин банк карта аренда", limit=2)) == 2
    assert index.search("регистрация", limit=0) == []


def test_confidence_is_a_probability(index: SearchIndex) -> None:
    for question in ("как получить иин", "где купить велосипед", "регистрация", "кз", "налоги ип рвп внж"):
        hits = index.search(question, limit=10)
        assert all(0.0 <= hit.confidence <= 1.0 for hit in hits)
        assert sum(hit.confidence for hit in hits) <= 1.0 + 1e-6
        assert all(a.confidence >= b.confidence for a, b in itertools.pairwise(hits))


def test_clear_question_is_answered_and_off_topic_is_not(index: SearchIndex) -> None:
    assert index.answer("как получить ИИН?") == "iin"
    assert index.answer("ЖСН қалай алуға болады?") == "iin"
    assert index.answer("how long can I stay without registration?") == "registration"
    for question in ("какая погода в Алматы", "где купить велосипед", "посоветуйте стоматолога", "привет всем"):
        assert index.answer(question) is None, question


def test_is_confident_is_the_rule_answer_uses(index: SearchIndex) -> None:
    for question in ("как получить иин", "где купить велосипед", "регистрация", "рвп"):
        hits = index.search(question)
        expected = hits[0].slug if index.is_confident(hits) else None
        assert index.answer(question) == expected
    assert not index.is_confident([])
    assert index.is_confident([Hit("iin", 9.0, 0.99)])
    assert not index.is_confident([Hit("iin", 9.0, 0.2)])


@pytest.mark.parametrize(
    "garbage", ["", "   ", "???", "!!! ... ,,,", "🙂🙂🙂", "12345678", "a", "\u200b\u200b", "5 2 7"]
)
def test_empty_and_garbage_input(index: SearchIndex, garbage: str) -> None:
    assert index.search(garbage) == []
    assert index.answer(garbage) is None


def test_unknown_words_find_nothing(index: SearchIndex) -> None:
    assert index.search("qwzxv plorbnik") == [] or index.answer("qwzxv plorbnik") is None


def test_huge_input_is_cut_not_slow(index: SearchIndex) -> None:
    start = time.perf_counter()
    hits = index.search("как получить иин " * 20_000)
    assert time.perf_counter() - start < 0.5
    assert hits[0].slug == "iin"


@pytest.mark.parametrize("word", ["a" * 1000, "регистрация" * 90, "ab" * 500, "регистрациия" * 2])
def test_long_words_are_cheap(index: SearchIndex, word: str) -> None:
    start = time.perf_counter()
    index.search(word)
    assert time.perf_counter() - start < 0.2


def test_build_from_no_documents() -> None:
    empty = SearchIndex.build([])
    assert empty.search("иин") == []
    assert empty.answer("иин") is None


@settings(max_examples=150, deadline=None)
@given(st.text(max_size=200))
def test_any_text_is_searchable(small: SearchIndex, text: str) -> None:
    hits = small.search(text)
    assert len({hit.slug for hit in hits}) == len(hits)
    assert all(0.0 <= hit.confidence <= 1.0 for hit in hits)
    assert small.answer(text) in (None, *(hit.slug for hit in hits))
    assert isinstance(normalize_query(text), str)
    assert isinstance(looks_like_question(text), bool)


# --------------------------------------------------------------------------------------------------------------
# Group-chat helpers


@pytest.mark.parametrize(
    "text",
    [
        "как получить ИИН?",
        "ИИН где получают",
        "Ребят, подскажите, нужна ли регистрация",
        "можно ли открыть карту без иин",
        "сколько можно находиться без выезда",
        "ЖСН қалай алуға болады",
        "ЖСН алуға бола ма",
        "how long can I stay without registration",
        "Can I open a Kaspi card",
        "anyone know where to buy a sim",
        "kak poluchit iin",
        "?",
    ][:-1],
)
def test_looks_like_question(text: str) -> None:
    assert looks_like_question(text)


@pytest.mark.parametrize(
    "text",
    ["", "   ", "Всем привет!", "спасибо большое", "Я получил ИИН вчера", "👍", "???", "ок", "как " + "слово " * 60],
)
def test_does_not_look_like_question(text: str) -> None:
    assert not looks_like_question(text)


def test_long_message_is_not_a_question() -> None:
    assert looks_like_question("где ЦОН?")
    assert not looks_like_question("где ЦОН? " + "текст " * 60)


def test_normalize_query_is_canonical() -> None:
    key = normalize_query("Как получить ИИН?")
    assert key == normalize_query("ИИН — как получить!!!") == normalize_query("как ПОЛУЧИТЬ иин")
    assert key == key.lower()
    assert all(char.isalnum() or char == " " for char in key)
    assert "иин" in key.split()
    assert normalize_query("") == ""
    assert normalize_query("как где можно?") == ""


def test_normalize_query_keeps_no_personal_details() -> None:
    text = (
        "Меня зовут Иван Петров, @ivan_p, ivan@mail.ru, +7 701 123 45 67, паспорт 4512345678, "
        "https://t.me/ivan — как получить ИИН?"
    )
    key = normalize_query(text)
    for fragment in ("иван", "петров", "ivan", "mail", "701", "4512345678", "t.me", "@"):
        assert fragment not in key, fragment
    assert "иин" in key.split()


def test_names_never_reach_the_word_caches(monkeypatch: pytest.MonkeyPatch) -> None:
    # The normal forms of words are cached in memory; a name left out of the key must not be kept there either.
    from bot.search import question

    seen: list[str] = []
    original = question._normalized

    def recording(raw: str) -> tuple[str, ...]:
        seen.append(raw)
        return original(raw)

    monkeypatch.setattr(question, "_normalized", recording)
    assert "иин" in normalize_query("Мы с Асель Нурлановой ищем, где получить ИИН. Петров знает?").split()
    assert "Асель" not in seen and "Нурлановой" not in seen
    assert "ИИН" in seen and "Петров" in seen  # a sentence's first word is not taken for a name (as in the key)


# --------------------------------------------------------------------------------------------------------------
# CLI


def test_cli_with_a_question(index: SearchIndex, titles: dict[str, str]) -> None:
    out = io.StringIO()
    assert run_search_cli(index, titles, "как получить ИИН?", io.StringIO(), out) == 0
    lines = out.getvalue().splitlines()
    assert lines[0].split()[:2] == ["1.", "iin"]
    assert titles["iin"] in lines[0]
    float(lines[0].split()[2])  # the score
    assert lines[-1].endswith("iin")


def test_cli_with_a_question_that_matches_nothing(index: SearchIndex, titles: dict[str, str]) -> None:
    out = io.StringIO()
    assert run_search_cli(index, titles, "qwzxv", io.StringIO(), out) == 0
    assert out.getvalue() == "no matching guides\n"


def test_cli_json_lines(index: SearchIndex, titles: dict[str, str]) -> None:
    long_line = "как получить иин " + "х" * 5000
    stdin = io.StringIO(f"как получить ИИН?\n\nгде купить велосипед\r\n{long_line}\nЖСН қалай алуға болады")
    out = io.StringIO()
    assert run_search_cli(index, titles, None, stdin, out) == 0
    records = [json.loads(line) for line in out.getvalue().splitlines()]
    assert len(records) == 5  # one per input line, blank ones included, last line without a newline too
    assert records[0]["query"] == "как получить ИИН?"
    assert records[0]["answer"] == "iin"
    assert records[0]["results"][0]["slug"] == "iin"
    assert set(records[0]["results"][0]) == {"slug", "score"}
    assert records[1] == {"query": "", "results": [], "answer": None}
    assert records[2]["query"] == "где купить велосипед"
    assert records[2]["answer"] is None
    assert len(records[3]["query"]) == MAX_LINE
    assert records[3]["results"][0]["slug"] == "iin"
    assert records[4]["answer"] == "iin"


def test_cli_json_lines_from_bytes(index: SearchIndex, titles: dict[str, str]) -> None:
    raw = b"kak poluchit iin\n" + b"\xff\xfe broken \xd0\n" + b"y" * 100_000 + b"\nrvp\n"
    stdin = io.TextIOWrapper(io.BytesIO(raw), encoding="utf-8")
    out = io.StringIO()
    assert run_search_cli(index, titles, None, stdin, out) == 0
    records = [json.loads(line) for line in out.getvalue().splitlines()]
    assert [len(r["query"]) for r in records][2] == MAX_LINE
    assert records[0]["results"][0]["slug"] == "iin"
    assert "\ufffd" in records[1]["query"]
    assert records[3]["query"] == "rvp"


def test_cli_is_fast_for_hundreds_of_questions(index: SearchIndex, titles: dict[str, str]) -> None:
    questions = "\n".join(f"вопрос {i}: как получить иин или рвп и где снять квартиру" for i in range(300))
    start = time.perf_counter()
    out = io.StringIO()
    run_search_cli(index, titles, None, io.StringIO(questions), out)
    assert time.perf_counter() - start < 1.0
    assert len(out.getvalue().splitlines()) == 300


def test_guide_titles(catalogue) -> None:
    titles = guide_titles(catalogue, "en")
    assert set(titles) == set(catalogue.slugs())
    assert titles["iin"] == catalogue.get("iin", "en")[0].title


# --------------------------------------------------------------------------------------------------------------
# Tables and purity


def test_every_synonym_and_extra_keyword_reaches_the_guides(index: SearchIndex, catalogue) -> None:
    vocabulary = index._postings.keys()
    for source, targets in SYNONYMS.items():
        terms = {t for target in targets for w in tokens(target) for lang in LANGS for t in doc_terms_of(w, lang)}
        assert terms & vocabulary, (source, targets)
    assert set(EXTRA_KEYWORDS) <= set(catalogue.slugs())


def test_search_package_is_pure() -> None:
    code = "import sys, bot.search, bot.search.cli; assert 'aiogram' not in sys.modules, 'aiogram imported'"
    subprocess.run([sys.executable, "-c", code], check=True, cwd=REPO)
