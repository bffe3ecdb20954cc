"""The rules for a comment's text, shared by the form, the model and the live counter.

articles/static/articles/comment-text.js mirrors ``normalize_comment`` line
for line, so the counter under the box and the server count the same thing;
tests/e2e/test_commenting.py checks that they agree.
"""

import re
import unicodedata

MAX_COMMENT_LENGTH = 400

# Invisible or direction-changing characters that never belong in a comment:
# C0/C1 controls (not tab or newline), bidi embeddings, overrides and isolates,
# zero-width space and no-break marks, and the Hangul fillers used for "blank" text.
_STRIPPED = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200b\u200e\u200f\u202a-\u202e\u2060\u2066-\u2069\ufeff"
    "\u115f\u1160\u3164\uffa0]"
)
# Whitespace as both Python and JavaScript see it, spelled out so they agree.
_EDGE_SPACE = re.compile("^[ \t\n\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+|"
                         "[ \t\n\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+$")  # fmt: skip
# Joiners carry no text of their own: a comment of only these is empty.
_INVISIBLE_ONLY = re.compile("^[ \t\n\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\u200c\u200d]*$")
#: Combining marks kept on one character. Two cover Vietnamese (ệ, ở), Thai's vowel and tone marks, Arabic's
#: shadda with a vowel; a third leaves room for an emoji keycap's and for rarer scripts. "Zalgo" text stacks
#: dozens, which draw far above and below their line, over the comments around it. Hangul needs none:
#: syllables and conjoining jamo are letters, not marks.
MAX_MARKS_PER_CHARACTER = 3
#: Nonspacing and enclosing marks: the ones that stack. (Spacing marks take room of their own on the line.)
_STACKING_MARKS = ("Mn", "Me")
#: Format characters (joiners) sit between marks without giving them a new character to stack on.
_FORMAT = "Cf"


def normalize_comment(text: str | None) -> str:
    """The text as stored and counted: NFC, one character per line break, no invisible tricks, trimmed, at
    most a few combining marks on any one character."""
    text = unicodedata.normalize("NFC", text or "")
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = _STRIPPED.sub("", text)
    text = _EDGE_SPACE.sub("", text)
    text = cap_marks(text)
    return "" if _INVISIBLE_ONLY.match(text) else text


def cap_marks(text: str) -> str:
    """The text with at most MAX_MARKS_PER_CHARACTER combining marks on each character (the first ones kept)."""
    kept, marks = [], 0
    for character in text:
        category = unicodedata.category(character)
        if category in _STACKING_MARKS:
            marks += 1
            if marks > MAX_MARKS_PER_CHARACTER:
                continue
        elif category != _FORMAT:
            marks = 0
        kept.append(character)
    return "".join(kept)


def comment_length(text: str | None) -> int:
    """Characters as readers count them: Unicode code points of the normalized text."""
    return len(normalize_comment(text))
