"""Reading the old site's saved story pages: the text a browser saves, and the article page's HTML.

Both shapes come from the old site's CMS, an ndsoft-style article view: the headline (twice, once in the
sticky status bar), an optional subtitle, a list with the reporter, 승인 (the approval time) and the
comment count, share buttons, the reporter's position ("KT Reporter"), the story, then the comment widget.
Only the story is kept; everything else is page furniture.
"""

import re
import unicodedata
from codecs import BOM_UTF16_BE, BOM_UTF16_LE
from dataclasses import dataclass
from datetime import datetime
from html import escape
from html.parser import HTMLParser
from pathlib import Path
from zoneinfo import ZoneInfo

from django.utils.translation import gettext as _

SEOUL = ZoneInfo("Asia/Seoul")
#: The largest number an old story can have (the database column's limit).
MAX_LEGACY_ID = 2_147_483_647

STATUS_BAR = "상태바"
#: Lines of the share buttons, the font size buttons and their prompts.
SHARE_FURNITURE = {
    "이 기사를 공유합니다", "기사공유하기", "공유하기", "SNS 기사보내기", "페이스북", "트위터", "카카오톡",
    "카카오스토리", "네이버밴드", "URL복사", "URL 복사", "스크랩", "기사스크랩", "프린트", "인쇄", "이메일",
    "메일보내기", "글씨키우기", "글씨줄이기", "본문 글씨 키우기", "본문 글씨 줄이기", "바로가기", "닫기",
}  # fmt: skip
#: The comment widget and what follows the story: the first of these ends the story's text.
END_OF_STORY = {
    "댓글삭제", "삭제한 댓글은 다시 복구할 수 없습니다.", "그래도 삭제하시겠습니까?", "댓글쓰기",
    "계정을 선택하시면 로그인·계정인증을 통해", "댓글을 남기실 수 있습니다.", "로그인", "댓글 정렬", "BEST댓글",
    "관련기사", "기사 댓글", "내 댓글 모음", "이 기자의 다른기사 보기",
}  # fmt: skip
COUNTER = re.compile(r"^(댓글|조회수?|공감|추천)\s*\d[\d,]*$|^\d+\s*/\s*\d+$")  # 댓글 0, 0 / 400
COPYRIGHT = re.compile(r"^(저작권자|Copyright)\s*[©ⓒ(]|무단\s*전재")
LOGIN_SENTENCE = re.compile(r"로그인.*(댓글|계정)|(댓글|계정).*로그인")
ADDRESS_ONLY = re.compile(r"^\S*idxno=(\d+)\S*$")

BULLETS = "•·∙◦▪*-"
APPROVAL = re.compile(r"^승인\s*(.+)$")
REVISION = re.compile(r"^수정\s*(.+)$")
OTHER_INFO = re.compile(r"^(입력|기사입력|등록|댓글|조회수?|공감|추천)\b")
TIME = re.compile(r"(\d{4})\s*[.\-/]\s*(\d{1,2})\s*[.\-/]\s*(\d{1,2})\.?\s+(\d{1,2}):(\d{2})(?::(\d{2}))?")
POSITION = re.compile(
    r"^(KT\s+)?((Cub|Senior|Junior|Staff|Chief|Assistant|Managing|Associate|Student|Guest|Copy|Photo)\s+)*"
    r"(Reporter|Editor|Editor-in-Chief|Correspondent|Columnist|Writer|Photographer|Intern)s?$"
    r"|^(KT\s*)?(수습|정|학생|객원|선임|취재)?\s*(기자|편집장|편집국장|부장|차장)$",
    re.IGNORECASE,
)
FILE_IDXNO = re.compile(r"idxno\D{0,3}?(\d+)", re.IGNORECASE)
PAGE_IDXNO = re.compile(r"idxno=(\d+)", re.IGNORECASE)
EMAIL = re.compile(r"\S+@\S+")
#: The last character of a paragraph the old editor cut in two: a word or a comma, not a sentence's end.
CUT_ENDING = re.compile(r"[\w,\-\u2013]$")  # or an en dash


class UnreadablePage(Exception):
    """A file that is not a story page the importer understands; the message says why, in a sentence."""


@dataclass(frozen=True)
class ArchivedStory:
    """What the importer keeps of one saved page."""

    headline: str
    subtitle: str
    reporters: tuple[str, ...]
    position: str
    approved_at: datetime
    revised_at: datetime | None
    paragraphs: tuple[str, ...]
    legacy_id: int | None

    @property
    def body_html(self) -> str:
        return "".join(f"<p>{escape(paragraph)}</p>" for paragraph in self.paragraphs)


@dataclass
class _Page:
    """A page taken apart, before its parts are read: the same for both shapes."""

    headline: str
    subtitle: str
    info: list[str]
    position: str
    body: list[str]
    legacy_id: int | None


def read_story_page(path: Path) -> ArchivedStory:
    """The story on a saved page, plain text or HTML; raises UnreadablePage with the reason."""
    try:
        raw = path.read_bytes()
    except OSError as error:
        raise UnreadablePage(_("The file cannot be read (%(error)s).") % {"error": error.strerror or error}) from None
    text = _decode(raw)
    page = _html_page(text) if _looks_like_html(text) else _text_page(text)
    return _story(page, _legacy_id_in_name(path.name))


def clean_line(text: str) -> str:
    """One line as compared and kept: NFC, no invisible spaces, single spaces."""
    text = text.replace("\xa0", " ").replace("\u200b", "").replace("\ufeff", "")
    return " ".join(unicodedata.normalize("NFC", text).split())


def _decode(raw: bytes) -> str:
    if not raw.strip():
        raise UnreadablePage(_("The file is empty."))
    if raw.startswith((BOM_UTF16_LE, BOM_UTF16_BE)):
        encodings = ["utf-16"]  # Windows' "Unicode" text
    elif b"\x00" in raw[:8192]:
        raise UnreadablePage(_("It is not a text file."))
    else:
        encodings = ["utf-8-sig", "cp949"]  # the old site's pages were UTF-8; older saves may be EUC-KR
    for encoding in encodings:
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise UnreadablePage(_("It is not UTF-8, UTF-16 or EUC-KR text."))


def _looks_like_html(text: str) -> bool:
    return text.lstrip().startswith("<") or bool(re.search(r"<(html|body|article)\b", text[:4000], re.IGNORECASE))


def _legacy_id_in_name(name: str) -> int | None:
    """articleView.html?idxno=4211.html, idxno_4211.txt or 4211.txt carry the old number; 000_e5a1….txt does not."""
    if match := FILE_IDXNO.search(name):
        return _legacy_id(match.group(1))
    stem = name.split(".")[0]
    return _legacy_id(stem) if stem.isdigit() else None


def _legacy_id(digits: str) -> int | None:
    number = int(digits)
    return number if 0 < number <= MAX_LEGACY_ID else None


# The plain-text shape


def _text_page(text: str) -> _Page:
    lines = [clean_line(line) for line in text.splitlines()]
    legacy_id = None
    for line in lines:
        if match := ADDRESS_ONLY.match(line):
            legacy_id = _legacy_id(match.group(1))
            break
    lines = [line for line in lines if line and not ADDRESS_ONLY.match(line)]
    if not lines:
        raise UnreadablePage(_("The file is empty."))
    headline, rest = lines[0], lines[1:]
    subtitle = []
    while rest and not _is_bullet(rest[0]):
        line = rest.pop(0)
        if line != headline and line != STATUS_BAR and line not in SHARE_FURNITURE:
            subtitle.append(line)
        if len(subtitle) > 3:
            raise UnreadablePage(
                _("It has no list with the reporter and the approval time (• 승인 …) under the headline.")
            )
    info = []
    while rest and _is_bullet(rest[0]):
        info.append(rest.pop(0).lstrip(BULLETS).strip())
    return _Page(headline, " ".join(subtitle), info, "", rest, legacy_id)


def _is_bullet(line: str) -> bool:
    return line[0] in "•·∙◦▪" or (line[0] in "*-" and line[1:2] == " ")


# The HTML shape

VOID_TAGS = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
#: Never text of the story: code, forms, and photos (the importer brings no photo, so no caption either).
SKIPPED_TAGS = {
    "script", "style", "noscript", "template", "svg", "iframe", "button", "form", "select", "textarea",
    "figure", "figcaption", "ins",
}  # fmt: skip
BLOCK_TAGS = {
    "p", "div", "br", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "tr", "table",
    "section", "article", "header", "footer", "aside", "dl", "dt", "dd", "pre", "hr",
}  # fmt: skip
#: An open <p> ends where one of these begins, as browsers read it.
CLOSES_PARAGRAPH = BLOCK_TAGS - {"br"}


class _Element:
    __slots__ = ("attrs", "children", "parent", "tag")

    def __init__(self, tag: str, attrs: dict[str, str], parent: "_Element | None"):
        self.tag, self.attrs, self.parent, self.children = tag, attrs, parent, []

    def has_class(self, name: str) -> bool:
        return name in self.attrs.get("class", "").split()

    def descendants(self):
        for child in self.children:
            if isinstance(child, _Element):
                yield child
                yield from child.descendants()

    def find(self, test) -> "_Element | None":
        return next((element for element in self.descendants() if test(element)), None)

    def lines(self) -> list[str]:
        """The element's text, a line per block (paragraph, list item, line break), furniture tags left out."""
        pieces = []
        self._collect(pieces)
        return [line for line in (clean_line(text) for text in "".join(pieces).split("\n")) if line]

    def _collect(self, pieces: list[str]) -> None:
        for child in self.children:
            if isinstance(child, str):
                pieces.append(child.replace("\n", " "))
            elif child.tag not in SKIPPED_TAGS:
                if child.tag in BLOCK_TAGS:
                    pieces.append("\n")
                child._collect(pieces)
                if child.tag in BLOCK_TAGS:
                    pieces.append("\n")

    def text(self) -> str:
        return " ".join(self.lines())


class _TreeBuilder(HTMLParser):
    """A forgiving element tree from the standard library's parser: the old pages are not valid HTML."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.root = self.current = _Element("#document", {}, None)

    def handle_starttag(self, tag, attrs):
        if (tag in CLOSES_PARAGRAPH and self.current.tag == "p") or (tag == "li" and self.current.tag == "li"):
            self.current = self.current.parent
        element = _Element(tag, {name: value or "" for name, value in attrs}, self.current)
        self.current.children.append(element)
        if tag not in VOID_TAGS:
            self.current = element

    def handle_startendtag(self, tag, attrs):
        self.current.children.append(_Element(tag, {name: value or "" for name, value in attrs}, self.current))

    def handle_endtag(self, tag):
        element = self.current
        while element is not self.root and element.tag != tag:
            element = element.parent
        if element is not self.root:  # a stray end tag closes nothing
            self.current = element.parent

    def handle_data(self, data):
        self.current.children.append(data)


def _html_page(text: str) -> _Page:
    builder = _TreeBuilder()
    builder.feed(text)
    builder.close()
    root = builder.root
    body = root.find(
        lambda e: e.attrs.get("id") == "article-view-content-div" or e.attrs.get("itemprop") == "articleBody"
    )
    if body is None:
        raise UnreadablePage(_('It has no story body (<article id="article-view-content-div">).'))
    header = root.find(lambda e: e.has_class("article-view-header") or e.has_class("article-head-title")) or root
    heading = header.find(lambda e: e.has_class("heading"))
    headline = heading.text() if heading else _meta(root, "og:title")
    subheading = root.find(lambda e: e.has_class("subheading"))
    info = root.find(lambda e: e.tag == "ul" and (e.has_class("infomation") or e.has_class("information")))
    position = root.find(lambda e: e.has_class("position"))
    return _Page(
        headline=headline,
        subtitle=subheading.text() if subheading else "",
        info=[item.text() for item in info.descendants() if item.tag == "li"] if info else [],
        position=position.text() if position else "",
        body=body.lines(),
        legacy_id=_legacy_id_in_html(root),
    )


def _meta(root: _Element, name: str) -> str:
    meta = root.find(lambda e: e.tag == "meta" and name in (e.attrs.get("property"), e.attrs.get("name")))
    return clean_line(meta.attrs.get("content", "")) if meta else ""


def _legacy_id_in_html(root: _Element) -> int | None:
    """The page's own address (canonical, og:url) or its comment form's idxno; never the links to other stories."""
    canonical = root.find(lambda e: e.tag == "link" and "canonical" in e.attrs.get("rel", "").split())
    for address in (canonical.attrs.get("href", "") if canonical else "", _meta(root, "og:url")):
        if match := PAGE_IDXNO.search(address):
            return _legacy_id(match.group(1))
    field = root.find(lambda e: e.tag == "input" and e.attrs.get("name") == "idxno")
    value = field.attrs.get("value", "").strip() if field else ""
    return _legacy_id(value) if value.isdigit() else None


# Reading the parts, the same for both shapes


def _story(page: _Page, legacy_id_in_name: int | None) -> ArchivedStory:
    if not page.headline:
        raise UnreadablePage(_("It has no headline."))
    reporters, approved_at, revised_at = _read_info(page.info)
    if approved_at is None:
        raise UnreadablePage(_("It has no approval time (승인 YYYY.MM.DD HH:MM)."))
    position, paragraphs = _story_text(page.body, page.headline)
    if not paragraphs:
        raise UnreadablePage(_("It has no story text."))
    if legacy_id_in_name and page.legacy_id and legacy_id_in_name != page.legacy_id:
        raise UnreadablePage(
            _("It is named for old story %(in_name)d but is the page of old story %(on_page)d.")
            % {"in_name": legacy_id_in_name, "on_page": page.legacy_id}
        )
    return ArchivedStory(
        headline=page.headline,
        subtitle=page.subtitle if page.subtitle != page.headline else "",
        reporters=reporters,
        position=clean_line(page.position) or position,
        approved_at=approved_at,
        revised_at=revised_at,
        paragraphs=tuple(paragraphs),
        legacy_id=page.legacy_id or legacy_id_in_name,
    )


def _read_info(items: list[str]) -> tuple[tuple[str, ...], datetime | None, datetime | None]:
    """The reporters' names, the approval time (승인) and the revision time (수정) from the list under the headline."""
    reporters, approved_at, revised_at = (), None, None
    for item in items:
        if match := APPROVAL.match(item):
            approved_at = _seoul_time(match.group(1))
        elif match := REVISION.match(item):
            revised_at = _seoul_time(match.group(1))
        elif not OTHER_INFO.match(item) and not reporters:
            reporters = _reporter_names(item)
    return reporters, approved_at, revised_at


def _seoul_time(text: str) -> datetime:
    match = TIME.search(text)
    if not match:
        raise UnreadablePage(_("It has a time that is not YYYY.MM.DD HH:MM: %(time)s.") % {"time": text})
    year, month, day, hour, minute, second = (int(part or 0) for part in match.groups())
    try:
        return datetime(year, month, day, hour, minute, second, tzinfo=SEOUL)
    except ValueError:
        raise UnreadablePage(_("It has an impossible date or time: %(time)s.") % {"time": match.group()}) from None


def _reporter_names(item: str) -> tuple[str, ...]:
    """The names in a byline item: "황예준", "황예준 기자", "기자명 Hwang Ye-jun", "박지우, 최하은 기자 jiwoo@…"."""
    item = EMAIL.sub("", item)
    item = re.sub(r"^(기자명|By)\s+", "", item.strip(), flags=re.IGNORECASE)
    names = []
    for part in item.split(","):
        name = clean_line(re.sub(r"\s*(기자|記者)$", "", part.strip()))
        if name and name not in names:
            names.append(name)
    return tuple(names)


def _story_text(lines: list[str], headline: str) -> tuple[str, list[str]]:
    """The position line ("KT Reporter") if the story opens with one, and the paragraphs without furniture."""
    paragraphs = []
    for line in lines:
        if line in END_OF_STORY or LOGIN_SENTENCE.search(line) or COPYRIGHT.search(line):
            break
        if line in SHARE_FURNITURE or line in (STATUS_BAR, headline) or COUNTER.match(line):
            continue
        paragraphs.append(line)
    position = ""
    if paragraphs and POSITION.match(paragraphs[0]):
        position = paragraphs.pop(0)
    return position, _mend_cut_paragraphs(paragraphs)


def _mend_cut_paragraphs(paragraphs: list[str]) -> list[str]:
    """Join a paragraph that stops mid-sentence ("…tried his best to") to the next when it goes on in lower case."""
    mended = []
    for paragraph in paragraphs:
        if mended and CUT_ENDING.search(mended[-1]) and paragraph[0].isascii() and paragraph[0].islower():
            mended[-1] = f"{mended[-1]} {paragraph}"
        else:
            mended.append(paragraph)
    return mended
