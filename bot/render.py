"""Guide bodies: Markdown → Telegram HTML, splitting into messages, and checks for the content validator.

Pure functions only (no aiogram, no I/O). Telegram counts lengths in UTF-16 code units and caps the number of
entities per message; both limits come from ``bot.limits``.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_right
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from html.parser import HTMLParser
from itertools import accumulate

from markdown_it import MarkdownIt
from markdown_it.token import Token
from markdown_it.tree import SyntaxTreeNode

from bot.limits import MESSAGE_MAX_ENTITIES, MESSAGE_MAX_UTF16

__all__ = [
    "MarkdownIssue",
    "find_markdown_issues",
    "guide_links",
    "html_to_text",
    "markdown_to_html",
    "markdown_to_plain",
    "split_html",
    "utf16_len",
]

GuideLinkResolver = Callable[[str], str | None]

GUIDE_SCHEME = "guide:"
_HTTPS = "https://"
_HTTP = "http://"
_SLUG_RE = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")

_BULLETS = ("•", "◦")
_INDENT = "    "
# Continuation blocks of a list item line up roughly under the item's text.
_ITEM_CONTINUATION = "  "
_HR = "———"
_CELL_SEP = " — "
_MAX_LIST_DEPTH = 2
_ISSUE_DETAIL_MAX = 80


def utf16_len(text: str) -> int:
    """Length in UTF-16 code units, the unit Telegram measures message limits in."""
    # surrogatepass: a lone surrogate (possible after bad decoding) still counts as one unit instead of raising.
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


# --------------------------------------------------------------------------------------------------------------
# Markdown parsing


def _parser(*, html: bool) -> MarkdownIt:
    # A fresh parser per call (≈0.1 ms) keeps the module free of shared mutable state.
    md = MarkdownIt("commonmark", {"html": html, "linkify": False}).enable(["table", "strikethrough"])
    # markdown-it silently turns javascript:/data: links into literal text; we want the link token so that the
    # renderer drops the URL but keeps the text, and the validator can report the scheme.
    md.validateLink = lambda url: True  # type: ignore[method-assign]
    return md


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _escape_attr(text: str) -> str:
    return _escape(text).replace('"', "&quot;")


def _scheme_kind(href: str) -> str:
    """'https', 'guide', 'http' or 'other' (relative paths, mailto:, javascript:, …)."""
    low = href.strip().lower()
    if low.startswith(_HTTPS):
        return "https" if len(low) > len(_HTTPS) else "other"
    if low.startswith(GUIDE_SCHEME):
        return "guide"
    if low.startswith(_HTTP):
        return "http"
    return "other"


def _node_text(node: SyntaxTreeNode) -> str:
    """Unformatted text of an inline subtree (image alt text, search index)."""
    if node.type in ("text", "code_inline", "html_inline"):
        return node.content
    if node.type == "softbreak":
        return " "
    if node.type == "hardbreak":
        return "\n"
    return "".join(_node_text(child) for child in node.children)


class _Renderer:
    """Walks markdown-it's syntax tree; ``plain`` drops all markup (search index) instead of emitting HTML."""

    def __init__(self, *, plain: bool, guide_link: GuideLinkResolver | None) -> None:
        self.plain = plain
        self.guide_link = guide_link

    # -- helpers ------------------------------------------------------------------------------------------------

    def esc(self, text: str) -> str:
        return text if self.plain else _escape(text)

    def wrap(self, tag: str, inner: str) -> str:
        # Empty entities are pointless and some clients render them oddly.
        if self.plain or not inner.strip():
            return inner
        return f"<{tag}>{inner}</{tag}>"

    def link_target(self, href: str) -> str | None:
        kind = _scheme_kind(href)
        if kind == "https":
            return href.strip()
        if kind == "guide" and self.guide_link is not None:
            slug = href.strip()[len(GUIDE_SCHEME) :]
            return self.guide_link(slug) if slug else None
        return None

    # -- inline -------------------------------------------------------------------------------------------------

    def inline(self, nodes: Iterable[SyntaxTreeNode], *, in_link: bool = False) -> str:
        return "".join(self.inline_node(node, in_link=in_link) for node in nodes)

    def inline_node(self, node: SyntaxTreeNode, *, in_link: bool) -> str:
        kind = node.type
        if kind == "text":
            return self.esc(node.content)
        if kind == "softbreak":
            return " "
        if kind == "hardbreak":
            return "\n"
        if kind == "strong":
            return self.wrap("b", self.inline(node.children, in_link=in_link))
        if kind == "em":
            return self.wrap("i", self.inline(node.children, in_link=in_link))
        if kind == "s":
            return self.wrap("s", self.inline(node.children, in_link=in_link))
        if kind == "code_inline":
            # Telegram forbids code inside a text link ("all other entities can't contain each other").
            return self.esc(node.content) if in_link else self.wrap("code", self.esc(node.content))
        if kind == "link":
            return self.link(node, in_link=in_link)
        if kind == "image":
            return self.esc(_node_text(node))
        if kind in ("html_inline", "html_block"):
            return self.esc(node.content)
        if node.children:
            return self.inline(node.children, in_link=in_link)
        return self.esc(node.content)

    def link(self, node: SyntaxTreeNode, *, in_link: bool) -> str:
        href = str(node.attrs.get("href", ""))
        target = None if in_link else self.link_target(href)
        inner = self.inline(node.children, in_link=in_link or bool(target))
        if not target or self.plain:
            return inner
        if not inner.strip():
            inner = _escape(target)
        return f'<a href="{_escape_attr(target)}">{inner}</a>'

    # -- blocks -------------------------------------------------------------------------------------------------

    def blocks(self, nodes: Iterable[SyntaxTreeNode], *, in_quote: bool = False) -> list[str]:
        out = []
        for node in nodes:
            text = self.block(node, in_quote=in_quote)
            if text and text.strip():
                out.append(text)
        return out

    def block(self, node: SyntaxTreeNode, *, in_quote: bool) -> str | None:
        kind = node.type
        if kind == "paragraph":
            return self.inline_children(node).strip()
        if kind == "heading":
            text = self.inline_children(node).strip()
            if node.tag in ("h1", "h2"):
                return self.wrap("b", text)
            return self.wrap("b", self.wrap("i", text))
        if kind in ("bullet_list", "ordered_list"):
            return "\n".join(self.list_lines(node, level=0))
        if kind == "blockquote":
            inner = "\n\n".join(self.blocks(node.children, in_quote=True))
            # Telegram does not allow a blockquote inside a blockquote: inner quotes merge into the outer one.
            return inner if in_quote else self.wrap("blockquote", inner)
        if kind in ("fence", "code_block"):
            code = node.content.strip("\n")
            return self.wrap("pre", self.esc(code)) if code.strip() else None
        if kind == "hr":
            return None if self.plain else _HR
        if kind == "table":
            return "\n".join(self.table_lines(node))
        if kind == "html_block":
            return self.esc(node.content.strip("\n"))
        if kind == "inline":
            return self.inline(node.children).strip()
        return "\n\n".join(self.blocks(node.children, in_quote=in_quote))

    def inline_children(self, node: SyntaxTreeNode) -> str:
        return "".join(self.inline(child.children) for child in node.children if child.type == "inline")

    def list_lines(self, node: SyntaxTreeNode, *, level: int) -> list[str]:
        ordered = node.type == "ordered_list"
        number = int(node.attrs.get("start", 1)) if ordered else 1
        indent = "" if self.plain else _INDENT * level
        continuation = "" if self.plain else indent + _ITEM_CONTINUATION
        lines: list[str] = []
        for offset, item in enumerate(node.children):
            if self.plain:
                marker = ""
            elif ordered:
                marker = f"{number + offset}."
            else:
                marker = _BULLETS[min(level, len(_BULLETS) - 1)]
            first = True
            for child in item.children:
                if child.type in ("bullet_list", "ordered_list"):
                    if first:
                        lines.append((indent + marker).rstrip())
                        first = False
                    lines.extend(self.list_lines(child, level=level + 1))
                    continue
                text = self.block(child, in_quote=False)
                if not text or not text.strip():
                    continue
                if first:
                    lines.append(f"{indent}{marker} {text}".strip() if self.plain else f"{indent}{marker} {text}")
                    first = False
                elif text.startswith(("<blockquote>", "<pre>")):
                    # A quote or code block is its own block in Telegram; indenting it would add a blank-ish line.
                    lines.append(text)
                else:
                    lines.append("\n".join(continuation + line for line in text.split("\n")))
            if first and marker:
                lines.append(indent + marker)
        return lines

    def table_lines(self, node: SyntaxTreeNode) -> list[str]:
        lines: list[str] = []
        for section in node.children:
            header = section.type == "thead"
            for row in section.children:
                cells = [self.inline_children(cell).strip() for cell in row.children]
                cells = [cell for cell in cells if cell]
                if not cells:
                    continue
                text = _CELL_SEP.join(cells)
                if self.plain:
                    lines.append(text)
                elif header:
                    lines.append(self.wrap("b", text))
                else:
                    lines.append(f"{_BULLETS[0]} {text}")
        return lines


_MANY_NEWLINES_RE = re.compile(r"\n{3,}")


def _render(md: str, *, plain: bool, guide_link: GuideLinkResolver | None) -> str:
    tree = SyntaxTreeNode(_parser(html=False).parse(md))
    renderer = _Renderer(plain=plain, guide_link=guide_link)
    text = "\n\n".join(renderer.blocks(tree.children))
    return _MANY_NEWLINES_RE.sub("\n\n", text).strip()


def markdown_to_html(md: str, *, guide_link: GuideLinkResolver | None = None) -> str:
    """Telegram HTML (parse_mode=HTML) for a guide body; see docs/content-format.md for the accepted subset.

    ``guide_link(slug)`` turns ``guide:<slug>`` links into URLs (e.g. a deep link); without it, or when it returns
    None, such links become plain text. Only ``https://`` links become ``<a>``; other schemes keep their text.
    """
    return _render(md, plain=False, guide_link=guide_link)


def markdown_to_plain(md: str) -> str:
    """Visible plain text of a guide body for the search index: no markup, link texts kept, URLs dropped."""
    return _render(md, plain=True, guide_link=None)


# --------------------------------------------------------------------------------------------------------------
# Telegram HTML scanning

_HTML_TOKEN_RE = re.compile(
    r"<(/?)([A-Za-z][A-Za-z0-9-]*)((?:\s[^<>]*)?)>"
    r"|&(#[0-9]{1,7}|#[xX][0-9A-Fa-f]{1,6}|lt|gt|amp|quot);"
)
_NAMED_ENTITIES = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}


def _decode_entity(name: str) -> str | None:
    if name[0] != "#":
        return _NAMED_ENTITIES[name]
    code = int(name[2:], 16) if name[1] in "xX" else int(name[1:])
    if code == 0 or code > 0x10FFFF or 0xD800 <= code <= 0xDFFF:
        return None
    return chr(code)


@dataclass(frozen=True, slots=True)
class _Tag:
    pos: int  # index of the visible character the tag precedes
    closing: bool
    name: str
    raw: str


@dataclass(slots=True)
class _Scan:
    text: str  # visible text
    starts: list[int]  # source offset where each visible character starts
    ends: list[int]  # source offset just after each visible character
    tags: list[_Tag]


def _scan(html: str) -> _Scan:
    chunks: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    tags: list[_Tag] = []
    count = 0
    last = 0

    def plain(begin: int, end: int) -> None:
        nonlocal count
        if end > begin:
            chunks.append(html[begin:end])
            starts.extend(range(begin, end))
            ends.extend(range(begin + 1, end + 1))
            count += end - begin

    for match in _HTML_TOKEN_RE.finditer(html):
        plain(last, match.start())
        last = match.end()
        entity = match.group(4)
        if entity is None:
            raw = match.group(0)
            closing = bool(match.group(1))
            if not closing and raw.endswith("/>"):
                continue  # Telegram has no void tags; a self-closed one carries no text and no entity
            tags.append(_Tag(count, closing, match.group(2).lower(), raw))
            continue
        char = _decode_entity(entity)
        if char is None:
            plain(match.start(), match.end())
            continue
        chunks.append(char)
        starts.append(match.start())
        ends.append(match.end())
        count += 1
    plain(last, len(html))
    return _Scan("".join(chunks), starts, ends, tags)


def html_to_text(html: str) -> str:
    """Visible text of Telegram HTML: tags removed, entities decoded."""
    return _scan(html).text


# --------------------------------------------------------------------------------------------------------------
# Splitting

# What Telegram may turn into entities on its own. Deliberately generous: counting too many only makes parts a
# little shorter, counting too few makes Telegram cut formatting. Lookbehinds keep the run-based alternatives from
# restarting inside every character of a long word (quadratic on 200 KB of unbroken text).
_AUTO_ENTITY_RE = re.compile(
    r"""
      (?:https?://|www\.)\S+                                   # URLs with a scheme or www.
    | (?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)+                 # e-mail addresses
    | (?<![\w.-])[\w-]+(?:\.[\w-]+)*\.[^\W\d_]{2,}             # bare domains: egov.kz, gov.kz/…
    | @\w{3,}                                                  # @usernames (Telegram needs 5+, we count 3+)
    | [#$]\w+                                                  # #hashtags, $CASHTAGS
    | (?<![\w/])/\w+                                           # /bot_commands
    | \+?\d[\d ().-]{6,}\d                                     # phone and card numbers
    """,
    re.VERBOSE,
)

_WHITESPACE_RUN_RE = re.compile(r"[ \t\r\n\f\v]+")
_REGIONAL_INDICATOR = range(0x1F1E6, 0x1F200)


def _extends_grapheme(char: str) -> bool:
    code = ord(char)
    return (
        code in (0x200D, 0xFE0E, 0xFE0F, 0x20E3)
        or 0x1F3FB <= code <= 0x1F3FF  # skin tones
        or 0xE0020 <= code <= 0xE007F  # tag sequences (subdivision flags)
        or unicodedata.category(char).startswith("M")
    )


def _grapheme_boundary(text: str, cut: int, lo: int) -> bool:
    """Whether cutting between text[cut - 1] and text[cut] keeps emoji and combining sequences whole.

    ``lo`` is a known boundary at or before the cut; flag parity is counted from there, which keeps the check
    linear in the part length on long runs of flags.
    """
    if cut <= lo or cut >= len(text):
        return True
    before, after = text[cut - 1], text[cut]
    if _extends_grapheme(after) or before == "\u200d":
        return False
    if ord(before) in _REGIONAL_INDICATOR and ord(after) in _REGIONAL_INDICATOR:
        run = 0
        while cut - 1 - run >= lo and ord(text[cut - 1 - run]) in _REGIONAL_INDICATOR:
            run += 1
        return run % 2 == 0  # flags are pairs of indicators: cut only between pairs
    return True


class _TagStack:
    """Open tags at a position, advanced monotonically through the tag list."""

    def __init__(self, tags: list[_Tag]) -> None:
        self.tags = tags
        self.next = 0
        self.open: list[_Tag] = []

    def advance_to(self, pos: int) -> list[_Tag]:
        """Apply every tag placed before visible character ``pos`` (inclusive of tags right before it)."""
        tags, stack = self.tags, self.open
        while self.next < len(tags) and tags[self.next].pos <= pos:
            tag = tags[self.next]
            self.next += 1
            if not tag.closing:
                stack.append(tag)
                continue
            for depth in range(len(stack) - 1, -1, -1):
                if stack[depth].name == tag.name:
                    del stack[depth:]
                    break
        return list(stack)


def split_html(
    html: str, *, max_len: int = MESSAGE_MAX_UTF16, max_entities: int = MESSAGE_MAX_ENTITIES - 1
) -> list[str]:
    """Split Telegram HTML into messages that each fit ``max_len`` UTF-16 units and ``max_entities`` entities.

    Parts break at a blank line if the window has one, else at a newline, else at a space; a word is cut only
    when it alone exceeds the window. Tags open at a cut are closed and reopened in the next part, so every part
    is well-formed on its own. If a single character cannot fit (limits smaller than one character or than the
    tags open around it), it still gets its own part rather than looping forever.
    """
    scan = _scan(html)
    text = scan.text
    size = len(text)
    if not text.strip():
        return []

    # widths[i] = UTF-16 units before visible char i.
    widths = list(accumulate(((char > "\uffff") + 1 for char in text), initial=0))

    opens_at = [0] * (size + 1)
    for tag in scan.tags:
        if not tag.closing:
            opens_at[min(tag.pos, size)] += 1
    auto_starts_at = [0] * (size + 1)
    auto_ends: list[int] = []
    for match in _AUTO_ENTITY_RE.finditer(text):
        auto_starts_at[match.start()] += 1
        auto_ends.append(match.end())
    opens_upto = list(accumulate(opens_at))  # opening tags placed before or right before char p
    # Entities a part [a, b] may contain = tags open at a + opens_upto[b] - opens_upto[a]
    # + auto matches starting at or before b - auto matches ending at or before a. Only the b-terms vary with b.
    entity_key = list(accumulate(o + s for o, s in zip(opens_at, auto_starts_at, strict=True)))

    breaks: list[list[int]] = [[], [], []]  # gap after char i: [space or better, newline or better, blank line]
    for run in _WHITESPACE_RUN_RE.finditer(text):
        if run.start() == 0 or run.end() == size:
            continue
        newlines = run.group().count("\n")
        strength = 2 if newlines >= 2 else 1 if newlines == 1 else 0
        for level in range(strength + 1):
            breaks[level].append(run.start() - 1)

    # Parts are trimmed of any whitespace, but only ASCII whitespace is a break point: a no-break space is there
    # precisely to keep its neighbours together.
    last_visible = size - 1
    while text[last_visible].isspace():
        last_visible -= 1

    stack = _TagStack(scan.tags)
    parts: list[str] = []
    start = 0
    while start <= last_visible and text[start].isspace():
        start += 1

    while start <= last_visible:
        reopen = stack.advance_to(start)
        by_len = bisect_right(widths, widths[start] + max_len) - 2
        budget = max_entities - len(reopen) + opens_upto[start] + bisect_right(auto_ends, start)
        by_entities = bisect_right(entity_key, budget, lo=start) - 1
        limit = max(min(by_len, by_entities), start)

        if limit >= last_visible:
            end = last_visible
        else:
            for candidates in reversed(breaks):
                k = bisect_right(candidates, limit) - 1
                if k >= 0 and candidates[k] >= start:
                    end = candidates[k]
                    break
            else:
                end = limit
                while end > start and not _grapheme_boundary(text, end + 1, start):
                    end -= 1
                if end == start and not _grapheme_boundary(text, start + 1, start):
                    end = limit

        close = stack.advance_to(end)
        parts.append(
            "".join(tag.raw for tag in reopen)
            + html[scan.starts[start] : scan.ends[end]]
            + "".join(f"</{tag.name}>" for tag in reversed(close))
        )
        start = end + 1
        while start <= last_visible and text[start].isspace():
            start += 1
    return parts


# --------------------------------------------------------------------------------------------------------------
# Validation helpers


@dataclass(frozen=True)
class MarkdownIssue:
    line: int  # 1-based line within the Markdown body
    code: str  # "table", "raw_html", "image", "heading_h1", "insecure_link", "bad_link", "deep_nesting"
    detail: str = ""  # the offending URL, tag or heading; the caller phrases the message per language


_BARE_HTTP_RE = re.compile(r"http://[^\s<>()\[\]]+", re.IGNORECASE)


def _source_lines(md: str) -> list[str]:
    # markdown-it numbers lines after normalising line endings the same way.
    return md.replace("\r\n", "\n").replace("\r", "\n").split("\n")


class _LineFinder:
    """Refines an inline token's line within its block by searching the block's source lines in order."""

    def __init__(self, lines: list[str], block_map: list[int] | None, md: MarkdownIt) -> None:
        self.lines = lines
        self.first, self.stop = (block_map[0], block_map[1]) if block_map else (0, 0)
        self.cursor = self.first
        self.md = md

    def find(self, *needles: str) -> int:
        """1-based line of the first needle found at or after the previous hit, else the cursor line."""
        candidates = [needle for needle in needles if needle]
        for index in range(self.cursor, min(self.stop, len(self.lines))):
            if any(needle in self.lines[index] for needle in candidates):
                self.cursor = index
                break
        return self.cursor + 1

    def find_url(self, url: str) -> int:
        return self.find(url, self.md.normalizeLinkText(url))


def _truncate(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= _ISSUE_DETAIL_MAX else text[: _ISSUE_DETAIL_MAX - 1] + "…"


def _link_issue(href: str) -> tuple[str, str] | None:
    kind = _scheme_kind(href)
    if kind == "https":
        return None
    if kind == "http":
        return "insecure_link", href
    if kind == "guide":
        slug = href.strip()[len(GUIDE_SCHEME) :]
        return None if _SLUG_RE.fullmatch(slug) else ("bad_link", href)
    return "bad_link", href


def _inline_issues(token: Token, finder: _LineFinder, issues: list[MarkdownIssue]) -> None:
    link_depth = 0
    for child in token.children or []:
        if child.type == "link_open":
            href = str(child.attrs.get("href", ""))
            found = _link_issue(href)
            line = finder.find_url(href)
            if found:
                issues.append(MarkdownIssue(line, found[0], found[1]))
            link_depth += 1
        elif child.type == "link_close":
            link_depth -= 1
        elif child.type == "image":
            src = str(child.attrs.get("src", ""))
            issues.append(MarkdownIssue(finder.find_url(src), "image", src))
        elif child.type == "html_inline":
            issues.append(MarkdownIssue(finder.find(child.content), "raw_html", _truncate(child.content)))
        elif child.type == "text" and not link_depth:
            # Telegram links bare URLs itself, so a plain-text http:// address is as insecure as a link.
            for match in _BARE_HTTP_RE.finditer(child.content):
                issues.append(MarkdownIssue(finder.find(match.group()), "insecure_link", match.group()))


def find_markdown_issues(md: str) -> list[MarkdownIssue]:
    """Constructs docs/content-format.md does not allow in a guide body, in source order."""
    parser = _parser(html=True)
    tokens = parser.parse(md)
    lines = _source_lines(md)
    issues: list[MarkdownIssue] = []
    list_depth = 0
    block_map: list[int] | None = None
    for index, token in enumerate(tokens):
        if token.map:
            block_map = token.map
        line = block_map[0] + 1 if block_map else 1
        kind = token.type
        if kind in ("bullet_list_open", "ordered_list_open"):
            list_depth += 1
            if list_depth == _MAX_LIST_DEPTH + 1:
                issues.append(MarkdownIssue(line, "deep_nesting", str(list_depth)))
        elif kind in ("bullet_list_close", "ordered_list_close"):
            list_depth -= 1
        elif kind == "table_open":
            issues.append(MarkdownIssue(line, "table"))
        elif kind == "html_block":
            first = token.content.strip().split("\n", 1)[0]
            issues.append(MarkdownIssue(line, "raw_html", _truncate(first)))
        elif kind == "heading_open" and token.tag == "h1":
            title = tokens[index + 1].content if index + 1 < len(tokens) else ""
            issues.append(MarkdownIssue(line, "heading_h1", _truncate(title)))
        elif kind == "inline":
            _inline_issues(token, _LineFinder(lines, block_map, parser), issues)
    # One report per line is enough for raw HTML: "<b>x</b>" would otherwise be reported twice.
    seen: set[tuple[int, str]] = set()
    unique: list[MarkdownIssue] = []
    for issue in issues:
        key = (issue.line, issue.code)
        if issue.code == "raw_html" and key in seen:
            continue
        seen.add(key)
        unique.append(issue)
    return unique


def guide_links(md: str) -> list[tuple[int, str]]:
    """(1-based line, slug) of every ``[text](guide:<slug>)`` link, for checking that the guides exist."""
    parser = _parser(html=False)
    lines = _source_lines(md)
    found: list[tuple[int, str]] = []
    block_map: list[int] | None = None
    for token in parser.parse(md):
        if token.map:
            block_map = token.map
        if token.type != "inline":
            continue
        finder = _LineFinder(lines, block_map, parser)
        for child in token.children or []:
            if child.type != "link_open":
                continue
            href = str(child.attrs.get("href", "")).strip()
            if _scheme_kind(href) == "guide" and len(href) > len(GUIDE_SCHEME):
                found.append((finder.find_url(href), href[len(GUIDE_SCHEME) :]))
    return found


# Tags Telegram's HTML parse mode accepts.
TELEGRAM_TAGS = frozenset(
    {"b", "strong", "i", "em", "u", "ins", "s", "strike", "del", "a", "code", "pre", "blockquote", "tg-spoiler",
     "span", "tg-emoji"}
)  # fmt: skip


class _MessageChecker(HTMLParser):
    """Counts entities and checks nesting the way Telegram's HTML parser would reject a message."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.entities = 0
        self.error: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in TELEGRAM_TAGS:
            self.error = self.error or f'can\'t parse entities: unsupported start tag "{tag}"'
        self.stack.append(tag)
        self.entities += 1

    def handle_endtag(self, tag: str) -> None:
        if not self.stack or self.stack[-1] != tag:
            self.error = self.error or f'can\'t parse entities: unexpected end tag "{tag}"'
        else:
            self.stack.pop()


def message_problem(html: str) -> str | None:
    """Why Telegram would refuse this text as one HTML message, or None if it would accept it."""
    checker = _MessageChecker()
    checker.feed(html)
    checker.close()
    if checker.error:
        return checker.error
    if checker.stack:
        return f'can\'t parse entities: unclosed tag "{checker.stack[-1]}"'
    visible = html_to_text(html)
    if not visible.strip():
        return "message text is empty"
    if utf16_len(visible) > MESSAGE_MAX_UTF16:
        return "message is too long"
    if checker.entities >= MESSAGE_MAX_ENTITIES:
        return "too many entities"
    return None
