"""What a search result shows of a story: the passage holding the reader's words, with those words marked.

A story's body is HTML. Its paragraphs, headings, list items and line breaks become lines of their own, so
an excerpt never glues the end of one paragraph to the start of the next ("발표했다.도서관 별관"). Everything
is escaped before the <mark>s are added: nothing of the story's markup or of the query comes through.

A story found only through the text of its other language gets an excerpt of that text, marked with its
language and a note saying so: otherwise a reader sees a result that seems to lack the words asked for.
"""

import re
from dataclasses import dataclass
from functools import lru_cache
from html import unescape

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

LANGUAGES = ("ko", "en")
EXCERPT_LENGTH = 240
#: How much of its paragraph an excerpt shows before the first match, at most.
LEAD_IN = EXCERPT_LENGTH // 3
#: A line that would be cut shorter than this is left out rather than shown as a stub.
SHORTEST_PIECE = 24

#: Elements that make a line of their own: the story editor's (articles/richtext.py) and the other usual blocks.
BLOCKS = frozenset({
    "address", "article", "aside", "blockquote", "br", "dd", "div", "dl", "dt", "figcaption", "figure", "footer",
    "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "li", "main", "nav", "ol", "p", "pre", "section", "table",
    "tr", "ul",
})  # fmt: skip
CELLS = frozenset({"td", "th"})
UNREAD = frozenset({"script", "style", "template"})
#: A tag, its quoted attribute values allowed to hold ">".
_TAG_BODY = r"""(?:[^>"']|"[^"]*"|'[^']*')*"""
_BLOCK_TAG = re.compile(rf"</?(?:{'|'.join(sorted(BLOCKS))})\b{_TAG_BODY}>", re.IGNORECASE)
_CELL_TAG = re.compile(rf"</?(?:{'|'.join(sorted(CELLS))})\b{_TAG_BODY}>", re.IGNORECASE)
_UNREAD_ELEMENT = re.compile(rf"<({'|'.join(sorted(UNREAD))})\b{_TAG_BODY}>.*?</\1\s*>", re.IGNORECASE | re.DOTALL)
_ANY_TAG = re.compile(rf"</?[a-zA-Z!][^\s/>]*{_TAG_BODY}>")

#: English endings dropped to find a word's obvious stem, so that "libraries" marks "library" and back: a
#: stemming search finds both. Korean words are marked as typed (particles follow them: 도서관이).
ENDINGS = ("ies", "ied", "ing", "es", "ed", "s", "y")
SHORTEST_STEM = 3
#: Shorter English terms are marked only at the start of a word: "a" must not mark every "a" in a story.
SHORTEST_INSIDE_WORDS = 3

NOTES = {
    # (the excerpt's language, whether the story exists in the page's language too)
    ("en", True): _("Found in the English version"),
    ("ko", True): _("Found in the Korean version"),
    ("en", False): _("Only in English"),
    ("ko", False): _("Only in Korean"),
}


@dataclass(frozen=True)
class Excerpt:
    html: SafeString
    #: The language of the excerpt's text, and of the story's title as the page shows it.
    language: str
    title_language: str
    #: Why the excerpt is not in the page's language, or "".
    note: str = ""


def story_excerpt(story, terms: list[str], language: str | None = None) -> Excerpt:
    """The excerpt of ``story`` for a results page in ``language`` (the active one by default).

    The page's language comes first; the other one only when the words are found in it alone, or when the
    story exists only in it.
    """
    language = language if language in LANGUAGES else _page_language()
    other = next(code for code in LANGUAGES if code != language)
    pattern = terms_pattern(tuple(terms))
    translated = bool(getattr(story, f"title_{language}", ""))
    title_language = language if translated else other
    for code in (language, other) if translated else (other,):
        texts = _texts(story, code)
        if pattern and any(pattern.search(text) for lines in texts for text in lines):
            return Excerpt(_excerpt(texts, pattern), code, title_language, _note(code, language, translated))
    code = title_language
    return Excerpt(_excerpt(_texts(story, code), pattern), code, title_language, _note(code, language, translated))


def highlight(text: str, terms: list[str]) -> SafeString:
    """``text`` (plain, a headline) escaped, with the terms marked."""
    return _marked(text or "", terms_pattern(tuple(terms)))


def text_lines(html: str) -> list[str]:
    """The text of ``html``, a line for each block (paragraph, heading, list item) and each <br>.

    Read with regular expressions rather than a parser: a results page reads twenty stories in two languages,
    and the stories' HTML is the sanitizer's (articles/richtext.py), well formed, its attributes quoted."""
    text = _UNREAD_ELEMENT.sub(" ", html or "")
    text = _CELL_TAG.sub(" ", text)
    lines = (" ".join(unescape(_ANY_TAG.sub("", piece)).split()) for piece in _BLOCK_TAG.split(text))
    return [line for line in lines if line]


@lru_cache(maxsize=256)
def terms_pattern(terms: tuple[str, ...]) -> re.Pattern | None:
    """One expression that finds any of ``terms``: English words from their stem on, the rest as typed."""
    if not terms:
        return None
    alternatives = []
    for term in sorted(terms, key=len, reverse=True):
        if term.isascii() and term.isalpha():
            alternatives.append(rf"(?<![a-z]){re.escape(_stem(term))}[a-z]*")
            if len(term) >= SHORTEST_INSIDE_WORDS:
                alternatives.append(re.escape(term))  # found inside a word, as substring matching finds it
        else:
            alternatives.append(re.escape(term))
    return re.compile("|".join(alternatives), re.IGNORECASE)


def _stem(term: str) -> str:
    lowered = term.lower()
    for ending in ENDINGS:
        if lowered.endswith(ending) and len(term) - len(ending) >= SHORTEST_STEM:
            return term[: -len(ending)]
    return term


def _page_language() -> str:
    code = (get_language() or LANGUAGES[0]).split("-")[0]
    return code if code in LANGUAGES else LANGUAGES[0]


def _note(code: str, language: str, translated: bool) -> str:
    return "" if code == language else NOTES[code, translated]


def _texts(story, code: str) -> list[list[str]]:
    """The story's texts in ``code``, where an excerpt may come from, in order: body, summary, subtitle, title."""
    single = [" ".join((getattr(story, f"{field}_{code}", "") or "").split()) for field in ("summary", "subtitle")]
    title = [" ".join((getattr(story, f"title_{code}", "") or "").split())]
    return [text_lines(getattr(story, f"body_{code}", "")), *([text] if text else [] for text in single), title]


def _excerpt(texts: list[list[str]], pattern: re.Pattern | None) -> SafeString:
    """About EXCERPT_LENGTH characters from the first text with a match (the body unless only the headline
    matched: then the summary, or the body's start), its lines kept apart by <br>."""
    body, summary, _subtitle, _title = texts
    found = next((lines for lines in texts[:3] if pattern and any(pattern.search(line) for line in lines)), None)
    lines = found or summary or body
    return mark_safe("<br>".join(_marked(piece, pattern) for piece in _passage(lines, pattern)))  # noqa: S308


def _passage(lines: list[str], pattern: re.Pattern | None) -> list[str]:
    """The lines of an excerpt: from the first match's line (cut before it when it comes late in a long
    paragraph), then the next lines while they fit; "…" where a line is cut."""
    index, start = 0, 0
    for number, line in enumerate(lines):
        if pattern and (match := pattern.search(line)):
            index, start = number, _cut_before(line, match.start())
            break
    pieces, room = [], EXCERPT_LENGTH
    for number, line in enumerate(lines[index:]):
        text = line[start:] if number == 0 else line
        if len(text) > room:
            if pieces and room < SHORTEST_PIECE:
                break
            text = _cut_after(text, room) + " …"
        pieces.append(text)
        room -= len(text) + 1
        if room <= 0:
            break
    if start and pieces:
        pieces[0] = "… " + pieces[0]
    return pieces


def _cut_before(line: str, position: int) -> int:
    """Where to start ``line`` so that ``position`` is at most LEAD_IN characters in: at a word's start."""
    if position <= LEAD_IN:
        return 0
    start = position - LEAD_IN
    space = line.find(" ", start, position)
    return space + 1 if space != -1 else start


def _cut_after(text: str, length: int) -> str:
    """``text`` cut to ``length`` characters, at the last space when one is near enough."""
    cut = text[:length]
    space = cut.rfind(" ")
    return cut[:space] if space > length * 2 // 3 else cut


def _marked(text: str, pattern: re.Pattern | None) -> SafeString:
    if pattern is None:
        return escape(text)
    pieces, position = [], 0
    for match in pattern.finditer(text):
        pieces.append(escape(text[position : match.start()]))
        pieces.append(f"<mark>{escape(match.group())}</mark>")
        position = match.end()
    pieces.append(escape(text[position:]))
    return mark_safe("".join(pieces))  # noqa: S308 -- every piece is escaped above
