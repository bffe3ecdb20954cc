"""The blocked words through the evasions readers type, and the ordinary sentences that must still appear.

Every row posts a real comment through the public URL against one newsroom's lists (below) and reads back
its status and, when held, what the queue will show as the matched text, as the reader wrote it.
"""

import importlib

import pytest
from django.apps import apps

from articles.models import AllowedPhrase, Article, BlockedPhrase, Comment
from tests.conftest import make_article

pytestmark = pytest.mark.django_db

ANYWHERE, WORD = BlockedPhrase.Match.ANYWHERE, BlockedPhrase.Match.WORD
BLOCKED = [("시발", ANYWHERE), ("씨발", ANYWHERE), ("병신", ANYWHERE), ("ㅅㅂ", ANYWHERE), ("shit", WORD),
           ("ass", WORD), ("fuck", ANYWHERE)]  # fmt: skip
#: What the migration seeds; made again here, as a test that flushed the database may have removed them.
ALLOWED = ["시발점", "시발역"]

#: (comment, the matched text the queue shows)
EVASIONS = [
    ("시발", "시발"),
    ("you are a 시발 idiot", "시발"),
    ("\u3145\u3163\u3142\u314f\u3139", "\u3145\u3163\u3142\u314f\u3139"),  # compatibility jamo typed apart
    ("\u1109\u1175\u1107\u1161\u11af 진짜", "시발"),  # conjoining jamo, which the comment keeps composed (NFC)
    ("ㅅ ㅣ ㅂ ㅏ ㄹ 진짜", "ㅅ ㅣ ㅂ ㅏ ㄹ"),  # and one by one, spaced
    ("ㅅ.ㅣ.ㅂ.ㅏ.ㄹ", "ㅅ.ㅣ.ㅂ.ㅏ.ㄹ"),
    ("시바ㄹ 뭐하냐", "시바ㄹ"),
    ("시ㅂㅏㄹ", "시ㅂㅏㄹ"),
    ("시1발", "시1발"),
    ("시.발", "시.발"),
    ("시 발", "시 발"),
    ("시_발!!", "시_발"),
    ("시~발 진짜", "시~발"),
    ("시!!!발", "시!!!발"),
    ("시\u200b발", "시발"),  # an invisible space, which the comment form removes
    ("이 시발놈아", "시발"),
    ("시발아 꺼져", "시발"),
    ("개시발", "시발"),
    ("씨발", "씨발"),
    ("씨1발 뭐래", "씨1발"),
    ("tlqkf", "tlqkf"),  # 시발 with the keyboard left in English
    ("Tlqkf 뭐야", "Tlqkf"),  # shifted: 씨발
    ("TLQKF", "TLQKF"),  # Caps Lock, not Shift
    ("아 tlqkf놈", "tlqkf"),
    ("\uff54\uff4c\uff51\uff4b\uff46", "\uff54\uff4c\uff51\uff4b\uff46"),  # full-width keys
    ("qudtls", "qudtls"),  # 병신
    ("병1신", "병1신"),
    ("병 신 같은", "병 신"),
    ("ㅅㅂ", "ㅅㅂ"),
    ("아 ㅅㅂ 진짜", "ㅅㅂ"),
    ("ㅅ.ㅂ", "ㅅ.ㅂ"),
    ("sh1t", "sh1t"),
    ("\u0455hit happens", "\u0455hit"),  # Cyrillic dze
    ("sh\u0456t", "sh\u0456t"),  # Cyrillic i
    ("\uff33\uff28\uff29\uff34", "\uff33\uff28\uff29\uff34"),  # full-width
    ("S H I T happens", "S H I T"),
    ("sh*it", "sh*it"),
    ("$hit", "$hit"),
    ("sh!t show", "sh!t"),
    ("what a 5hit", "5hit"),
    ("f u c k", "f u c k"),
    ("fucking hell", "fuck"),
    ("kiss my @ss", "@ss"),
]

INNOCENT = [
    "시발점",
    "시발역",
    "시발점에서 다시 시작하자",
    "시발역에서 만나요",
    "수시 발표",
    "서울시 발표",
    "내일 시 발표가 있습니다",
    "시간이 발표보다 중요하다는 말",
    "9시 발 부산행 열차",
    "교시 발견",
    "시민 발언대",
    "해시 발생기",
    "다시 발행된 기사",
    "시 발표회",
    "수시 모집 발표",
    "병원 신관 개원",
    "병 신고 접수",
    "신병 훈련소",
    "ㅅㅂㅅ",
    "ㅋㅋㅋ 좋네요",
    "ㄱ ㄴ ㄷ 순서로 적어 주세요",
    "ㅠ ㅠ 슬퍼요",
    "ㅇㅋ ㅂㅂ",
    "tlqk",
    "class assessment",
    "passage",
    "assistant coach",
    "assume nothing",
    "Mishit",
    "this hit song",
    "the shift starts",
    "he is hitting",
    "Massachusetts",
    "A perfectly fine comment",
    "선거 결과 발표는 9시",
]


@pytest.fixture
def story(section, reporter):
    return make_article(section, reporter, status=Article.Status.PUBLISHED, title_en="Night buses return")


@pytest.fixture
def newsroom_lists(db):
    BlockedPhrase.objects.bulk_create(BlockedPhrase(phrase=phrase, match=match) for phrase, match in BLOCKED)
    for phrase in ALLOWED:
        AllowedPhrase.objects.get_or_create(phrase=phrase)


def posted(client, story, body) -> Comment:
    assert client.post(f"/comments/story/{story.pk}/new/", {"body": body}).status_code == 302
    return Comment.objects.get()


@pytest.mark.parametrize(("body", "matched"), EVASIONS)
def test_an_evasion_is_held_with_what_it_matched(commenter_client, story, newsroom_lists, body, matched):
    comment = posted(commenter_client, story, body)

    assert comment.status == Comment.Status.HELD
    assert (comment.held_rule, comment.held_text) == (Comment.HeldRule.BLOCKED_WORD, matched)


@pytest.mark.parametrize("body", INNOCENT)
def test_an_ordinary_sentence_appears_at_once(commenter_client, story, newsroom_lists, body):
    comment = posted(commenter_client, story, body)

    assert comment.status == Comment.Status.PUBLISHED
    assert (comment.held_rule, comment.held_text) == ("", "")


def test_the_table_is_as_long_as_the_issue_asks():
    assert len(EVASIONS) >= 30
    assert len(INNOCENT) >= 30


def test_an_allowed_word_is_held_again_once_editors_take_it_off_the_list(commenter_client, story, newsroom_lists):
    AllowedPhrase.objects.filter(phrase="시발점").delete()

    assert posted(commenter_client, story, "시발점").held_text == "시발"


def test_a_whole_word_entry_leaves_longer_words_alone_and_an_anywhere_entry_does_not(commenter_client, story):
    BlockedPhrase.objects.create(phrase="shit", match=WORD)
    assert posted(commenter_client, story, "bullshit").status == Comment.Status.PUBLISHED

    Comment.objects.all().delete()
    BlockedPhrase.objects.filter(phrase="shit").update(match=ANYWHERE)
    assert posted(commenter_client, story, "bullshit").held_text == "shit"


def test_a_new_entry_holds_the_next_comment_at_once(commenter_client, story):
    """The compiled list is keyed by the rows themselves, so an entry added a moment ago already counts."""
    BlockedPhrase.objects.create(phrase="광고")
    posted(commenter_client, story, "무료 광고 문의")
    assert Comment.objects.get().status == Comment.Status.HELD

    Comment.objects.all().delete()
    BlockedPhrase.objects.all().delete()
    assert posted(commenter_client, story, "무료 광고 문의").status == Comment.Status.PUBLISHED


def test_the_migration_allows_the_innocent_words_that_contain_the_first_blocked_one():
    AllowedPhrase.objects.all().delete()
    migration = importlib.import_module("articles.migrations.0016_hold_reasons_and_allowed_words")

    migration.allow_innocent_words(apps, None)
    migration.allow_innocent_words(apps, None)  # migrating again adds nothing twice
    assert set(AllowedPhrase.objects.values_list("phrase", flat=True)) == {"시발점", "시발역", "시발택시"}
