"""Finding the editors' blocked words in a comment, through the evasions readers type, and only there.

A comment is read the way an editor reads it. Both the comment and every entry are folded into the same
letters: NFKC and case folding (full-width and other compatibility forms), Cyrillic and Greek look-alikes
as the Latin letters they imitate, conjoining or compatibility jamo typed apart composed into syllables
as a Korean keyboard would compose them (ㅅㅣㅂㅏㄹ and ㅅ ㅣ ㅂ ㅏ ㄹ are 시발), and, in a second reading,
Latin letters as the 두벌식 keys they share (tlqkf is 시발 typed with the keyboard left in English).

An entry's letters may be split by separators (spaces, punctuation, digits: 시 발, 시.발, 시1발), but such a
split match must begin and end on a word's edges in the comment, so 수시 발표 and 내일 시 발표가 stay innocent.
A "word" entry always needs those edges; an "anywhere" entry, written without separators, may sit inside
a longer word (시발놈, 시발아: Korean attaches particles and suffixes to the word). Words the newsroom
allows (시발점, 시발역) are never a match, whatever they contain. An entry of initial consonants alone (ㅅㅂ)
always matches as a whole word: inside words of jamo such letters are too common.
"""

import re
import unicodedata
from collections import defaultdict
from contextlib import suppress
from dataclasses import dataclass
from functools import lru_cache

SYLLABLES = range(0xAC00, 0xD7A4)
LEADS = "ㄱㄲㄴㄷㄸㄹㅁㅂㅃㅅㅆㅇㅈㅉㅊㅋㅌㅍㅎ"
VOWELS = "ㅏㅐㅑㅒㅓㅔㅕㅖㅗㅘㅙㅚㅛㅜㅝㅞㅟㅠㅡㅢㅣ"
TAILS = ["", *"ㄱㄲㄳㄴㄵㄶㄷㄹㄺㄻㄼㄽㄾㄿㅀㅁㅂㅄㅅㅆㅇㅈㅊㅋㅌㅍㅎ"]
#: Two jamo a keyboard joins into one as they are typed after each other.
DOUBLE_TAILS = {"ㄱㅅ": "ㄳ", "ㄴㅈ": "ㄵ", "ㄴㅎ": "ㄶ", "ㄹㄱ": "ㄺ", "ㄹㅁ": "ㄻ", "ㄹㅂ": "ㄼ", "ㄹㅅ": "ㄽ",
                "ㄹㅌ": "ㄾ", "ㄹㅍ": "ㄿ", "ㄹㅎ": "ㅀ", "ㅂㅅ": "ㅄ"}  # fmt: skip
DOUBLE_VOWELS = {"ㅗㅏ": "ㅘ", "ㅗㅐ": "ㅙ", "ㅗㅣ": "ㅚ", "ㅜㅓ": "ㅝ", "ㅜㅔ": "ㅞ", "ㅜㅣ": "ㅟ", "ㅡㅣ": "ㅢ"}
#: The 두벌식 layout: which jamo each key of an English keyboard types (shifted keys where they differ).
KEYBOARD = dict(zip("qwertyuiopasdfghjklzxcvbnm", "ㅂㅈㄷㄱㅅㅛㅕㅑㅐㅔㅁㄴㅇㄹㅎㅗㅓㅏㅣㅋㅌㅊㅍㅠㅜㅡ", strict=True))
KEYBOARD |= {key.upper(): jamo for key, jamo in KEYBOARD.items()} | dict(zip("QWERTOP", "ㅃㅉㄸㄲㅆㅒㅖ", strict=True))
#: Cyrillic and Greek letters that look like Latin ones (after case folding).
LOOK_ALIKES = str.maketrans(dict(zip("асеһіјӏорѕухԁкмтвнαβεικνορτυχ", "acehijlopsyxdkmtbhabeikvoptux", strict=True)))
#: What readers type for a Latin letter, and the letter both stand for in a Latin entry (l and i share one,
#: since 1 stands for either).
SUBSTITUTES = str.maketrans({"@": "a", "4": "a", "3": "e", "1": "i", "!": "i", "|": "i", "l": "i", "0": "o",
                             "5": "s", "$": "s", "7": "t"})  # fmt: skip
#: Substitutes that are no letter or digit: they stand for one only when a letter or digit follows ($hit,
#: sh!t), not as the punctuation after a word (shit!).
SYMBOL_SUBSTITUTES = "@!|$"


def _conjoining_to_compatibility() -> dict[str, str]:
    """U+1100 to U+11FF jamo (what NFKC makes of the compatibility ones) by the compatibility letter of that name."""
    table = {}
    for code in range(0x1100, 0x1200):
        name = unicodedata.name(chr(code), "")
        for position in ("HANGUL CHOSEONG ", "HANGUL JUNGSEONG ", "HANGUL JONGSEONG "):
            if name.startswith(position):
                # An archaic jamo with no compatibility letter is kept as it is.
                with suppress(KeyError):
                    table[chr(code)] = unicodedata.lookup("HANGUL LETTER " + name.removeprefix(position))
    return table


COMPATIBILITY_JAMO = _conjoining_to_compatibility()


JAMO = frozenset(LEADS + VOWELS + "".join(TAILS))


def is_hangul(character: str) -> bool:
    return character in JAMO or 0xAC00 <= ord(character) <= 0xD7A3


class Reading:
    """A comment folded into letters, each letter knowing which characters of the original it came from."""

    def __init__(self, letters: str, starts: list[int], ends: list[int]):
        self.letters, self.starts, self.ends = letters, starts, ends
        self._spelled = {}

    def original(self, start: int, end: int, text: str) -> str:
        return text[self.starts[start] : self.ends[end - 1]]

    def spelled(self, spelling: str) -> tuple[str, list[int]]:
        """The letters without what separates them in an entry of that ``spelling``, and where each one is."""
        if spelling not in self._spelled:
            kept = [(letter, at) for at, letter in enumerate(self.letters) if _is_part(self.letters, at, spelling)]
            letters = "".join(letter for letter, _at in kept)
            if spelling == LATIN:
                letters = letters.translate(SUBSTITUTES)
            self._spelled[spelling] = (letters, [at for _letter, at in kept])
        return self._spelled[spelling]


#: How an entry is spelled, which says what may separate its letters: in Korean digits do (시1발), in a
#: Korean entry with digits (18놈) and in Latin ones (sh1t) they are letters.
KOREAN, WITH_DIGITS, LATIN = "korean", "with digits", "latin"


def _is_part(letters: str, at: int, spelling: str) -> bool:
    letter = letters[at]
    if spelling == KOREAN:
        return letter.isalnum() and not letter.isdigit()
    if spelling == LATIN and letter in SYMBOL_SUBSTITUTES:
        return at + 1 < len(letters) and letters[at + 1].isalnum()
    return letter.isalnum()


def read(text: str, *, keyboard: bool = False) -> Reading:
    """Fold ``text`` into its letters; with ``keyboard``, ASCII letters are read as the 두벌식 keys they are."""
    if keyboard:
        # A word all in capitals was typed with Caps Lock on, not with Shift held: TLQKF is tlqkf.
        text = _CAPS_LOCKED.sub(lambda word: word[0].lower(), text)
    units = []
    for index, character in enumerate(text):
        for folded in unicodedata.normalize("NFKC", character):
            if keyboard and folded in KEYBOARD:
                folded = KEYBOARD[folded]
            folded = COMPATIBILITY_JAMO.get(folded, folded)
            if not is_hangul(folded):
                folded = folded.casefold().translate(LOOK_ALIKES)
            units.extend((letter, index, index + 1) for letter in folded)
    units = _compose_jamo(_join_spaced_jamo(units))
    return Reading("".join(unit[0] for unit in units), [unit[1] for unit in units], [unit[2] for unit in units])


def _join_spaced_jamo(units: list[tuple[str, int, int]]) -> list[tuple[str, int, int]]:
    """Jamo typed one by one with a space or a dot between (ㅅ ㅣ ㅂ ㅏ ㄹ) are read as typed together. Only
    single jamo standing alone are joined: between ㅇㅋ and ㅅㅂ the space still parts two words."""
    letters = [unit[0] for unit in units]

    def alone(at: int) -> bool:
        return (
            letters[at] in JAMO
            and (at == 0 or not letters[at - 1].isalnum())
            and (at + 1 == len(letters) or not letters[at + 1].isalnum())
        )

    parting = {at for at in range(1, len(letters) - 1) if not letters[at].isalnum() and alone(at - 1) and alone(at + 1)}
    return [unit for at, unit in enumerate(units) if at not in parting]


_CAPS_LOCKED = re.compile(r"(?<![A-Za-z])[A-Z]{2,}(?![A-Za-z])")


def _compose_jamo(units: list[tuple[str, int, int]]) -> list[tuple[str, int, int]]:
    """Compose each run of Hangul that has loose jamo in it; runs of whole syllables are left as written."""
    composed, run = [], []
    for unit in [*units, ("", 0, 0)]:
        if unit[0] and is_hangul(unit[0]):
            run.append(unit)
            continue
        if any(ord(letter) not in SYLLABLES for letter, _start, _end in run):
            run = Composer().compose(run)
        composed.extend(run)
        run = []
        if unit[0]:
            composed.append(unit)
    return composed


class Composer:
    """Jamo into syllables, as a 두벌식 keyboard composes them: a consonant after a vowel waits as the
    syllable's final one and moves on to the next syllable when a vowel follows it."""

    def __init__(self):
        self.done = []
        self.lead = self.vowel = None  # (jamo, start, end)
        self.tail = []  # one or two (jamo, start, end)

    def compose(self, run):
        for letter, start, end in run:
            if ord(letter) in SYLLABLES:
                self._syllable(letter, start, end)
            elif letter in VOWELS:
                self._vowel((letter, start, end))
            else:
                self._consonant((letter, start, end))
        self._finish()
        return self.done

    def _syllable(self, letter, start, end):
        lead, rest = divmod(ord(letter) - SYLLABLES.start, 588)
        vowel, tail = divmod(rest, 28)
        self._consonant((LEADS[lead], start, end))
        self._vowel((VOWELS[vowel], start, end))
        for part in _split_tail(TAILS[tail]):
            self._consonant((part, start, end))

    def _consonant(self, unit):
        tail = "".join(part[0] for part in self.tail)
        if self.lead and self.vowel and not tail and unit[0] in TAILS:
            self.tail = [unit]
        elif self.lead and self.vowel and tail + unit[0] in DOUBLE_TAILS:
            self.tail.append(unit)
        else:
            self._finish()
            self.lead = unit

    def _vowel(self, unit):
        if self.tail:
            moving = self.tail.pop()  # the last final consonant begins the next syllable
            self._finish()
            self.lead = moving
            self.vowel = unit
        elif self.vowel and self.vowel[0] + unit[0] in DOUBLE_VOWELS:
            self.vowel = (DOUBLE_VOWELS[self.vowel[0] + unit[0]], self.vowel[1], unit[2])
        elif self.lead and not self.vowel:
            self.vowel = unit
        else:
            self._finish()
            self.vowel = unit

    def _finish(self):
        if self.lead and self.vowel:
            tail = "".join(part[0] for part in self.tail)
            code = SYLLABLES.start + (LEADS.index(self.lead[0]) * 21 + VOWELS.index(self.vowel[0])) * 28
            code += TAILS.index(DOUBLE_TAILS.get(tail, tail))
            parts = [self.lead, self.vowel, *self.tail]
            self.done.append((chr(code), min(part[1] for part in parts), max(part[2] for part in parts)))
        else:
            self.done.extend(part for part in (self.lead, self.vowel, *self.tail) if part)
        self.lead = self.vowel = None
        self.tail = []


def _split_tail(tail: str) -> list[str]:
    doubles = {double: pair for pair, double in DOUBLE_TAILS.items()}
    return list(doubles.get(tail, tail))


@dataclass(frozen=True)
class Match:
    entry: str
    text: str  # as the comment has it


def letters_of(phrase: str) -> str:
    """What is looked for of an entry: its folded letters and digits, without spaces or symbols."""
    return "".join(letter for letter in read(phrase).letters if letter.isalnum())


class Entry:
    """One blocked word, compiled: its letters as they are spelled in a comment with separators taken out."""

    def __init__(self, phrase: str, whole_word: bool):
        self.phrase = phrase
        letters = letters_of(phrase)
        self.korean = any(is_hangul(letter) for letter in letters)
        if self.korean:
            self.spelling = WITH_DIGITS if any(letter.isdigit() for letter in letters) else KOREAN
        else:
            self.spelling = LATIN
        self.letters = letters.translate(SUBSTITUTES) if self.spelling == LATIN else letters
        self.whole_word = whole_word or all(letter in LEADS for letter in letters)

    def find(self, reading: Reading, allowed: list[tuple[int, int]]) -> tuple[int, int] | None:
        """Where in ``reading`` the entry is, as a span of its letters, or None."""
        spelled, positions = reading.spelled(self.spelling)
        found = spelled.find(self.letters) if self.letters else -1
        while found != -1:
            start, end = positions[found], positions[found + len(self.letters) - 1] + 1
            if self._counts(reading.letters, start, end) and not _inside(start, end, allowed):
                return start, end
            found = spelled.find(self.letters, found + 1)
        return None

    def _counts(self, letters: str, start: int, end: int) -> bool:
        """Written as one word, an "anywhere" entry counts inside a longer one; split up (시 발), any entry
        must begin and end on a word's edges (not 수시 발표)."""
        if not self.whole_word and end - start == len(self.letters):
            return True
        begins_word = start == 0 or not letters[start - 1].isalnum()
        ends_word = end == len(letters) or not letters[end].isalnum()
        return begins_word and ends_word


def _inside(start: int, end: int, spans: list[tuple[int, int]]) -> bool:
    return any(allowed_start <= start and end <= allowed_end for allowed_start, allowed_end in spans)


class BlockedWords:
    """The newsroom's blocked and allowed words, compiled once for as many comments as they check.

    Entries are filed by their first two letters, so a comment is checked against the few entries that
    could begin somewhere in it, not against every entry of a long list."""

    def __init__(self, blocked: tuple[tuple[str, bool], ...], allowed: tuple[str, ...]):
        self.entries = [entry for phrase, whole_word in blocked if (entry := Entry(phrase, whole_word)).letters]
        self.allowed = [letters for phrase in allowed if (letters := read(phrase).letters)]
        self.by_beginning = defaultdict(list)
        for order, entry in enumerate(self.entries):
            self.by_beginning[entry.spelling, entry.letters[:2]].append((order, entry))
        self.spellings = {entry.spelling for entry in self.entries}
        self.any_korean = any(entry.korean for entry in self.entries)

    def first_match(self, text: str) -> Match | None:
        readings = [read(text)]
        if self.any_korean and any(key in KEYBOARD for key in unicodedata.normalize("NFKC", text)):
            readings.append(read(text, keyboard=True))
        for reading in readings:
            allowed = self._allowed_spans(reading.letters)
            keyboard = reading is not readings[0]
            for _order, entry in sorted(self._candidates(reading), key=lambda candidate: candidate[0]):
                if keyboard and not entry.korean:
                    continue
                if found := entry.find(reading, allowed):
                    return Match(entry.phrase, reading.original(*found, text))
        return None

    def _candidates(self, reading: Reading) -> list[tuple[int, Entry]]:
        candidates = []
        for spelling in self.spellings:
            spelled, _positions = reading.spelled(spelling)
            beginnings = {spelled[at : at + 2] for at in range(len(spelled))} | set(spelled)
            for beginning in beginnings:
                candidates.extend(self.by_beginning.get((spelling, beginning), ()))
        return candidates

    def _allowed_spans(self, letters: str) -> list[tuple[int, int]]:
        spans = []
        for word in self.allowed:
            start = letters.find(word)
            while start != -1:
                spans.append((start, start + len(word)))
                start = letters.find(word, start + 1)
        return spans


@lru_cache(maxsize=8)
def compiled(blocked: tuple[tuple[str, bool], ...], allowed: tuple[str, ...]) -> BlockedWords:
    """Keyed by the rows themselves, so an edited list is compiled afresh in every process, never served stale."""
    return BlockedWords(blocked, allowed)
