import re
import time
from html.parser import HTMLParser

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.limits import MESSAGE_MAX_ENTITIES, MESSAGE_MAX_UTF16
from bot.render import (
    MarkdownIssue,
    find_markdown_issues,
    guide_links,
    html_to_text,
    markdown_to_html,
    markdown_to_plain,
    split_html,
    utf16_len,
)

ALLOWED_TAGS = {"b", "i", "u", "s", "code", "pre", "a", "blockquote"}
# A subset of what Telegram detects by itself; split_html must count at least these.
AUTO_ENTITY_RE = re.compile(r"https?://\S+|[\w.+-]+@[\w-]+(?:\.[\w-]+)+|@\w{5,}|#\w+")


def resolver(slug: str) -> str | None:
    return f"https://t.me/relocation_bot?start=g_{slug}" if slug != "missing" else None


class _Checker(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.text: list[str] = []
        self.opened = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        assert tag in ALLOWED_TAGS, tag
        assert tag == "a" or not attrs, attrs
        self.stack.append(tag)
        self.opened += 1

    def handle_endtag(self, tag: str) -> None:
        assert self.stack, f"</{tag}> without an opening tag"
        assert self.stack[-1] == tag, (self.stack, tag)
        self.stack.pop()

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def check_html(html: str) -> tuple[str, int]:
    """Assert `html` is well-formed Telegram HTML with allowed tags; return (visible text, tag entities)."""
    checker = _Checker()
    checker.feed(html)
    checker.close()
    assert not checker.stack, f"unclosed {checker.stack} in {html!r}"
    text = "".join(checker.text)
    assert text == html_to_text(html)
    return text, checker.opened


def check_split(html: str, parts: list[str], *, max_len: int, max_entities: int) -> None:
    """All split_html invariants: limits, well-formedness, nothing lost, no word cut unless it must be."""
    original = html_to_text(html)
    assert all(parts), parts
    pos = 0
    for index, part in enumerate(parts):
        text, tags = check_html(part)
        assert text == text.strip()
        assert utf16_len(text) <= max_len, (utf16_len(text), part)
        assert tags + len(AUTO_ENTITY_RE.findall(text)) <= max_entities, part
        gap_start = pos
        while pos < len(original) and original[pos].isspace():
            pos += 1
        assert original.startswith(text, pos), (text, original[pos : pos + len(text) + 10])
        if index and gap_start == pos:  # a hard cut: only inside a word that alone is longer than the limit
            word_start = pos
            while word_start > 0 and not original[word_start - 1].isspace():
                word_start -= 1
            word_end = pos
            while word_end < len(original) and not original[word_end].isspace():
                word_end += 1
            assert utf16_len(original[word_start:word_end]) > max_len, original[word_start:word_end]
        pos += len(text)
    assert not original[pos:].strip()


# --------------------------------------------------------------------------------------------------------------
# utf16_len


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", 0),
        ("hello", 5),
        ("Казахстан", 9),
        ("Қазақстан", 9),
        ("😀", 2),
        ("👍🏽", 4),
        ("🇰🇿", 4),
        ("a👍🏽b", 6),
        ("👨‍👩‍👧", 8),
    ],
)
def test_utf16_len(text: str, expected: int) -> None:
    assert utf16_len(text) == expected


def test_utf16_len_counts_more_than_len_for_emoji() -> None:
    assert utf16_len("👍🏽🇰🇿") > len("👍🏽🇰🇿")


# --------------------------------------------------------------------------------------------------------------
# markdown_to_html


@pytest.mark.parametrize(
    ("md", "expected"),
    [
        ("plain text", "plain text"),
        ("**b** *i* `c`", "<b>b</b> <i>i</i> <code>c</code>"),
        ("~~gone~~", "<s>gone</s>"),
        ("line one\nline two", "line one line two"),
        ("line one  \nline two", "line one\nline two"),
        ("line one\\\nline two", "line one\nline two"),
        ("first\n\n\n\nsecond", "first\n\nsecond"),
        ("## Heading\ntext", "<b>Heading</b>\n\ntext"),
        ("# Title", "<b>Title</b>"),
        ("### Sub", "<b><i>Sub</i></b>"),
        ("---", "———"),
        ("a\n\n***\n\nb", "a\n\n———\n\nb"),
        ("```\ncode <x> & y\n```", "<pre>code &lt;x&gt; &amp; y</pre>"),
        ("    indented code", "<pre>indented code</pre>"),
        ("> quoted", "<blockquote>quoted</blockquote>"),
        ("![a map](https://example.com/m.png)", "a map"),
        ("[site](https://egov.kz/)", '<a href="https://egov.kz/">site</a>'),
        ("<https://egov.kz>", '<a href="https://egov.kz">https://egov.kz</a>'),
    ],
)
def test_markdown_basics(md: str, expected: str) -> None:
    assert markdown_to_html(md) == expected


@pytest.mark.parametrize(
    ("md", "expected"),
    [
        ("<script>alert(1)</script>", "&lt;script&gt;alert(1)&lt;/script&gt;"),
        ("a < b && c > d", "a &lt; b &amp;&amp; c &gt; d"),
        ("<b>fake</b>", "&lt;b&gt;fake&lt;/b&gt;"),
        ("<div>\nblock\n</div>", "&lt;div&gt; block &lt;/div&gt;"),
        ("`<b>`", "<code>&lt;b&gt;</code>"),
        ("AT&amp;T &copy;", "AT&amp;T ©"),
    ],
)
def test_html_in_markdown_is_escaped(md: str, expected: str) -> None:
    out = markdown_to_html(md)
    assert out == expected
    check_html(out)


def test_quotes_and_ampersands_in_href_are_escaped() -> None:
    out = markdown_to_html('[q](https://example.com/?a=1&b="x"<y>)')
    check_html(out)
    href = re.fullmatch(r'<a href="([^"]*)">q</a>', out)
    assert href, out
    assert "&amp;" in href.group(1)
    assert '"' not in href.group(1) and "<" not in href.group(1)


def test_quotes_in_resolved_guide_url_are_escaped() -> None:
    out = markdown_to_html("[g](guide:iin)", guide_link=lambda slug: f'https://x.kz/?s="{slug}"&a<b>')
    assert out == '<a href="https://x.kz/?s=&quot;iin&quot;&amp;a&lt;b&gt;">g</a>'


def test_nested_formatting() -> None:
    out = markdown_to_html("> - [**bold** text](https://example.com/a)\n> - *two*")
    assert out == ('<blockquote>• <a href="https://example.com/a"><b>bold</b> text</a>\n• <i>two</i></blockquote>')
    check_html(out)


def test_code_inside_link_is_plain_and_quotes_do_not_nest() -> None:
    # Telegram rejects code inside a text link and blockquote inside blockquote.
    assert markdown_to_html("[`cmd`](https://x.kz)") == '<a href="https://x.kz">cmd</a>'
    out = markdown_to_html("> outer\n>\n> > inner")
    assert out == "<blockquote>outer\n\ninner</blockquote>"


@pytest.mark.parametrize(
    ("md", "link", "expected"),
    [
        ("[ИИН](guide:iin)", resolver, '<a href="https://t.me/relocation_bot?start=g_iin">ИИН</a>'),
        ("[ИИН](guide:iin)", None, "ИИН"),
        ("[gone](guide:missing)", resolver, "gone"),
        ("[**b**](guide:iin)", None, "<b>b</b>"),
    ],
)
def test_guide_link_rendering(md: str, link, expected: str) -> None:
    assert markdown_to_html(md, guide_link=link) == expected


@pytest.mark.parametrize(
    ("md", "expected"),
    [
        ("[click](javascript:alert(1))", "click"),
        ("[click](JavaScript:alert(1))", "click"),
        ("[click](http://example.com)", "click"),
        ("[click](mailto:a@b.kz)", "click"),
        ("[click](/relative/path)", "click"),
        ("[click](data:text/html,hi)", "click"),
        ("[click](tg://resolve?domain=x)", "click"),
        ("[click](https://)", "click"),
        ("<http://example.com>", "http://example.com"),
    ],
)
def test_unsafe_links_do_not_become_anchors(md: str, expected: str) -> None:
    assert markdown_to_html(md) == expected


def test_tables_render_without_pipes() -> None:
    md = "| Документ | Где |\n|---|---|\n| ИИН | **ЦОН** |\n| ВНЖ | МВД |\n|  |  |"
    out = markdown_to_html(md)
    assert "|" not in out
    assert out == "<b>Документ — Где</b>\n• ИИН — <b>ЦОН</b>\n• ВНЖ — МВД"
    check_html(out)


def test_lists() -> None:
    md = "Intro\n- one\n- two\n  - nested\n- three\n\n3. c\n4. d\n\nAfter"
    assert markdown_to_html(md) == "Intro\n\n• one\n• two\n    ◦ nested\n• three\n\n3. c\n4. d\n\nAfter"


def test_loose_list_items_stay_on_consecutive_lines() -> None:
    md = "- one\n\n- two\n\n  more about two\n\n1. x"
    assert markdown_to_html(md) == "• one\n• two\n  more about two\n\n1. x"


def test_output_has_no_trailing_whitespace_or_triple_newlines() -> None:
    md = "## A\n\n\n\n- x\n\n\n\n```\na\n\n\n\nb\n```\n\n> q\n\n\n"
    out = markdown_to_html(md)
    assert out == out.rstrip()
    assert "\n\n\n" not in out
    check_html(out)


def test_markdown_to_plain() -> None:
    md = "## Head\n\nSee [the portal](https://egov.kz/x) and [ИИН](guide:iin).\n\n- **one**\n- `two`\n\n> ⚠️ note"
    plain = markdown_to_plain(md)
    assert plain == "Head\n\nSee the portal and ИИН.\n\none\ntwo\n\n⚠️ note"
    assert "egov.kz" not in plain and "<" not in plain


def test_html_to_text() -> None:
    assert html_to_text('<b>a</b> &lt;x&gt; &amp; &quot;q&quot; <a href="https://x">l</a> &#128077;') == (
        'a <x> & "q" l 👍'
    )


# --------------------------------------------------------------------------------------------------------------
# split_html


def _long_guide(chars: int) -> str:
    sections = []
    n = 0
    while sum(map(len, sections)) < chars:
        n += 1
        sections.append(
            f"## Раздел {n}\n\n"
            f"Чтобы получить **ИИН**, обратитесь в [ЦОН](https://egov.kz/cms/ru/{n}) или см. "
            f"[гайд](guide:iin). Срок — *до 5 рабочих дней*, иногда дольше 👍🏽.\n\n"
            "- паспорт и нотариальный перевод\n- миграционная карточка\n  - копия\n\n"
            "> ⚠️ Не подтверждено: правила меняются, уточняйте в `1414`.\n\n"
            + " ".join(["Длинный абзац с обычными словами и ссылками https://gov.kz/situations."] * 12)
        )
    return "\n\n".join(sections)


def test_long_guide_splits_within_limits() -> None:
    md = _long_guide(20_000)
    assert len(md) >= 20_000
    html = markdown_to_html(md, guide_link=resolver)
    parts = split_html(html)
    assert len(parts) > 1
    check_split(html, parts, max_len=MESSAGE_MAX_UTF16, max_entities=MESSAGE_MAX_ENTITIES - 1)


def test_small_input_is_one_stripped_part() -> None:
    assert split_html("  <b> hi </b>\n") == ["<b>hi</b>"]
    assert split_html("") == []
    assert split_html(" \n <b> </b> ") == []


def test_split_prefers_blank_line_then_newline_then_space() -> None:
    html = "aaaa bbbb\ncccc dddd\n\neeee ffff gggg"
    assert split_html(html, max_len=30) == ["aaaa bbbb\ncccc dddd", "eeee ffff gggg"]
    assert split_html("aaaa bbbb\ncccc dddd eeee", max_len=20) == ["aaaa bbbb", "cccc dddd eeee"]
    assert split_html("aaaa bbbb cccc dddd", max_len=12) == ["aaaa bbbb", "cccc dddd"]


def test_split_reopens_tags_with_attributes() -> None:
    html = '<blockquote><a href="https://x.kz/?a=1&amp;b=2">' + "слово " * 40 + "</a></blockquote>"
    parts = split_html(html, max_len=60)
    assert len(parts) > 1
    for part in parts:
        assert part.startswith('<blockquote><a href="https://x.kz/?a=1&amp;b=2">')
        assert part.endswith("</a></blockquote>")
    check_split(html, parts, max_len=60, max_entities=99)


def test_split_does_not_leave_empty_elements_at_the_cut() -> None:
    parts = split_html("first paragraph\n\n<b>second</b> paragraph", max_len=20)
    assert parts == ["first paragraph", "<b>second</b> paragraph"]


def test_long_word_is_cut_but_not_inside_an_entity() -> None:
    html = "short " + "&amp;" * 30 + "x" * 30
    parts = split_html(html, max_len=25)
    check_split(html, parts, max_len=25, max_entities=99)
    assert parts[0] == "short"
    assert all("&am" not in part.replace("&amp;", "") for part in parts)


def test_entity_limit_with_bold_words() -> None:
    html = " ".join(f"<b>w{i}</b>" for i in range(300))
    parts = split_html(html)
    assert len(parts) == 4
    for part in parts:
        assert part.count("<b>") <= MESSAGE_MAX_ENTITIES - 1
    check_split(html, parts, max_len=MESSAGE_MAX_UTF16, max_entities=MESSAGE_MAX_ENTITIES - 1)


@pytest.mark.parametrize(
    "word",
    ["https://egov.kz/page", "@relocation_help", "#ИИН", "someone@mail.kz"],
)
def test_auto_detected_entities_count(word: str) -> None:
    html = " ".join([word] * 300)
    parts = split_html(html)
    assert len(parts) >= 4
    assert all(len(part.split()) <= MESSAGE_MAX_ENTITIES - 1 for part in parts)


def test_reopened_tags_count_as_entities() -> None:
    html = "<b><i>" + " ".join(f"<u>{i}</u>" for i in range(20)) + "</i></b>"
    parts = split_html(html, max_entities=5)
    for part in parts:
        assert check_html(part)[1] <= 5
    assert " ".join(html_to_text(p) for p in parts).split() == [str(i) for i in range(20)]


@pytest.mark.parametrize(("emoji", "max_len"), [("👍🏽", 4095), ("👍🏽", 9), ("🇰🇿", 4095), ("🇰🇿", 7), ("😀", 5)])
def test_emoji_not_split_at_boundary(emoji: str, max_len: int) -> None:
    html = emoji * 3000
    parts = split_html(html, max_len=max_len)
    for part in parts:
        assert utf16_len(part) <= max_len
        assert part.startswith(emoji) and part.endswith(emoji)
        assert part == emoji * (len(part) // len(emoji))
    assert "".join(parts) == html


def test_hand_written_html_with_pre() -> None:
    html = "<pre>" + "\n".join(f"line {i} " + "x" * 20 for i in range(50)) + "</pre>"
    parts = split_html(html, max_len=100)
    for part in parts:
        assert part.startswith("<pre>") and part.endswith("</pre>")
    check_split(html, parts, max_len=100, max_entities=99)


def test_split_is_fast_on_200_kb() -> None:
    md = _long_guide(200_000)
    html = markdown_to_html(md, guide_link=resolver)
    pathological = "a" * 200_000
    started = time.perf_counter()
    parts = split_html(html)
    split_html(pathological)
    elapsed = time.perf_counter() - started
    assert elapsed < 3, elapsed
    assert len(parts) > 40


_WORDS = st.sampled_from(
    [
        "слово",
        "word",
        "Қазақстан",
        "a&b",
        "x<y",
        "👍🏽",
        "🇰🇿",
        "**жирный**",
        "*курсив*",
        "`код`",
        "~~s~~",
        "[ссылка](https://egov.kz/a?b=1&c=2)",
        "[гайд](guide:iin)",
        "[bad](javascript:x)",
        "https://gov.kz/x",
        "@username",
        "#хэштег",
        "mail@mail.kz",
        "**[жирная ссылка](https://x.kz)**",
    ]
)
_LONG_WORDS = st.text(alphabet="абвxyz👍🏽-", min_size=40, max_size=400)
_PREFIXES = st.sampled_from(["", "", "", "- ", "  - ", "1. ", "> ", "## ", "### ", "| "])
_SEPARATORS = st.sampled_from([" ", " ", " ", "\n", "\n\n", " | "])


@st.composite
def markdownish(draw: st.DrawFn) -> str:
    out = []
    for _ in range(draw(st.integers(1, 60))):
        if draw(st.integers(0, 9)) == 0:
            out.append(draw(_LONG_WORDS))
        else:
            out.append(draw(_PREFIXES) + draw(_WORDS))
        out.append(draw(_SEPARATORS))
    return "".join(out)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(md=markdownish(), max_len=st.integers(50, 300), max_entities=st.integers(8, 99))
def test_split_properties(md: str, max_len: int, max_entities: int) -> None:
    html = markdown_to_html(md, guide_link=resolver)
    check_html(html)
    assert "\n\n\n" not in html and html == html.strip()
    parts = split_html(html, max_len=max_len, max_entities=max_entities)
    check_split(html, parts, max_len=max_len, max_entities=max_entities)


# --------------------------------------------------------------------------------------------------------------
# find_markdown_issues / guide_links


@pytest.mark.parametrize(
    ("md", "expected"),
    [
        ("text\n\n| a | b |\n|---|---|\n| 1 | 2 |", [MarkdownIssue(3, "table")]),
        ("one\n\n<div>\nx\n</div>", [MarkdownIssue(3, "raw_html", "<div>")]),
        ("one\ntwo <b>bold</b> three", [MarkdownIssue(2, "raw_html", "<b>")]),
        ("x\n\n![map](https://x.kz/m.png)", [MarkdownIssue(3, "image", "https://x.kz/m.png")]),
        ("# Title\n\n## ok", [MarkdownIssue(1, "heading_h1", "Title")]),
        ("a\nb [x](http://x.kz)", [MarkdownIssue(2, "insecure_link", "http://x.kz")]),
        ("a\n\n<http://x.kz>", [MarkdownIssue(3, "insecure_link", "http://x.kz")]),
        ("see http://x.kz/page", [MarkdownIssue(1, "insecure_link", "http://x.kz/page")]),
        ("a\n[x](javascript:alert(1))", [MarkdownIssue(2, "bad_link", "javascript:alert(1)")]),
        ("[x](mailto:a@b.kz)", [MarkdownIssue(1, "bad_link", "mailto:a@b.kz")]),
        ("\n\n[x](other.md)", [MarkdownIssue(3, "bad_link", "other.md")]),
        ("[x](guide:Bad_Slug)", [MarkdownIssue(1, "bad_link", "guide:Bad_Slug")]),
        ("- a\n  - b\n    - c\n      - d", [MarkdownIssue(3, "deep_nesting", "3")]),
        ("- a\n  - b", []),
        ("## ok\n\n[x](https://x.kz) [g](guide:iin) `http://in.code`\n\n> ⚠️ note", []),
    ],
)
def test_find_markdown_issues(md: str, expected: list[MarkdownIssue]) -> None:
    assert find_markdown_issues(md) == expected


def test_find_markdown_issues_lines_in_long_paragraph() -> None:
    md = "## H\n\nfirst line\nsecond [a](http://a.kz)\nthird [b](javascript:b) and [c](http://a.kz)\nfourth"
    assert find_markdown_issues(md) == [
        MarkdownIssue(4, "insecure_link", "http://a.kz"),
        MarkdownIssue(5, "bad_link", "javascript:b"),
        MarkdownIssue(5, "insecure_link", "http://a.kz"),
    ]


def test_find_markdown_issues_reports_every_code() -> None:
    md = (
        "# H1\n\n| a |\n|---|\n| b |\n\n<p>x</p>\n\n![i](https://x.kz/i.png)\n\n"
        "[h](http://x.kz) [j](javascript:x)\n\n- a\n  - b\n    - c"
    )
    codes = {issue.code for issue in find_markdown_issues(md)}
    assert codes == {"table", "raw_html", "image", "heading_h1", "insecure_link", "bad_link", "deep_nesting"}


def test_guide_links_lists_slugs_with_lines() -> None:
    md = "Intro [a](guide:iin)\n\n- [b](guide:bank-card)\n- [c](https://x.kz)\n\ntext\nmore [d](guide:iin)"
    assert guide_links(md) == [(1, "iin"), (3, "bank-card"), (7, "iin")]
