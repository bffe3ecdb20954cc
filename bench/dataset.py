"""The benchmark's archive, built with bulk inserts: ten years of stories, reporters, tags, photos and comments.

Sizes (stories / comments): full 100,000 / 1,000,000; archive 40,000 / 400,000 (the SQLite copy);
medium 10,000 / 100,000 (bench/restore.py); small 1,000 / 10,000; smoke 200 / 3,000.
A few hot stories hold thousands of comments; two more hold 24 comments by as many readers and 500
comments; the rest are spread over the archive. Every 500th story mentions a rare word (RARE_WORDS), and
one story in ten has inflected English forms (libraries, students) beside the plain ones. A signed-in reader
(with a nickname, who has commented on the two stories and recommended comments there) and an editor
(staff, in the Editors group) are the accounts the benchmark signs in as.
"""

import random
from datetime import UTC, datetime, timedelta

SIZES = {
    "full": {"stories": 100_000, "comments": 1_000_000, "hot_comments": 3_000},
    "medium": {"stories": 10_000, "comments": 100_000, "hot_comments": 3_000},
    "archive": {"stories": 40_000, "comments": 400_000, "hot_comments": 3_000},
    "small": {"stories": 1_000, "comments": 10_000, "hot_comments": 1_000},
    "smoke": {"stories": 200, "comments": 3_000, "hot_comments": 300},
}
#: The two stories measured as signed-in readers see them: comments on each (by different readers on the first).
FEW_COMMENTS, MANY_COMMENTS = 24, 500
SECTIONS = [("news", "뉴스", "News"), ("campus", "캠퍼스", "Campus"), ("culture", "문화", "Culture"),
            ("sports", "스포츠", "Sports"), ("opinion", "오피니언", "Opinion")]  # fmt: skip
REPORTERS = 50
COMMENTERS = 2_000
TAGS = 200
HOT_STORIES = 5
PHOTO_SHARE = 0.3
BATCH = 5_000
KOREAN_WORDS = (
    "학생", "대학", "총학생회", "도서관", "기숙사", "등록금", "축제", "연구", "교수", "캠퍼스", "동아리", "선거",
    "장학금", "강의", "시험", "졸업", "취업", "교환학생", "식당", "버스", "공연", "경기", "환경", "예산",
)  # fmt: skip
ENGLISH_WORDS = ("student", "university", "council", "library", "dormitory", "tuition", "festival", "research",
                 "professor", "campus", "club", "election", "scholarship", "lecture", "exam", "graduation", "jobs",
                 "exchange", "canteen", "shuttle", "concert", "match", "environment", "budget")  # fmt: skip
#: Inflected forms, in one story's English of INFLECTED_EVERY: "libraries" finds the others only by stemming.
INFLECTED_WORDS = ("libraries", "students", "elections", "concerts", "studied", "researching")
INFLECTED_EVERY = 10
#: In one story of RARE_EVERY (the Korean in the Korean text, the English in the English); never in comments.
RARE_WORDS = ("천문대", "observatory")
RARE_EVERY = 500
#: Found nowhere: neither a word of the vocabularies nor a part of one.
ABSENT_WORD = "우주선"


def build(size: str, *, seed: int = 20261128, log=print) -> dict:
    """Fill the (migrated, empty) database; returns what the benchmark needs to know about it."""
    from django.contrib.auth.models import User
    from django.db import connection, transaction

    from articles.models import Article, Comment, ReaderProfile, Reporter, Section, Tag, recount_comments
    from articles.search import update_search_documents

    numbers = SIZES[size]
    rng = random.Random(seed)
    now = datetime.now(UTC)
    with transaction.atomic():
        sections = Section.objects.bulk_create(
            Section(slug=slug, name_ko=ko, name_en=en, position=position)
            for position, (slug, ko, en) in enumerate(SECTIONS)
        )
        reporters = Reporter.objects.bulk_create(
            Reporter(name_ko=f"기자{number:02d}", name_en=f"Reporter {number:02d}", position_ko="KT 기자",
                     position_en="KT Reporter", email=f"reporter{number}@ktnews.example")
            for number in range(REPORTERS)
        )  # fmt: skip
        tags = Tag.objects.bulk_create(
            Tag(name_ko=f"{KOREAN_WORDS[n % len(KOREAN_WORDS)]}{n}", name_en=f"{ENGLISH_WORDS[n % 24]}-{n}",
                slug=f"tag-{n}")
            for n in range(TAGS)
        )  # fmt: skip
        photos = _photos(rng)
        log(f"  {numbers['stories']:,} stories…")
        article_ids = _stories(numbers["stories"], sections, reporters, tags, photos, rng, now)
        users = User.objects.bulk_create(
            User(username=f"reader{n}", email=f"reader{n}@example.com", password="!") for n in range(COMMENTERS)
        )
        ReaderProfile.objects.bulk_create(ReaderProfile(user=user, nickname=f"독자{user.pk}") for user in users)
        reader, editor = _accounts()
        log(f"  {numbers['comments']:,} comments…")
        hot = article_ids[-HOT_STORIES:]  # the newest stories are the hot ones
        few, many = article_ids[-HOT_STORIES - 2], article_ids[-HOT_STORIES - 1]
        _comments(numbers, article_ids, hot, users, rng, now, measured={few: FEW_COMMENTS, many: MANY_COMMENTS})
        _reader_on(reader, [few, many], rng)
        log("  counts and search index…")
        for start in range(0, len(article_ids), BATCH):
            recount_comments(article_ids[start : start + BATCH])
        update_search_documents(Article.objects.all())
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")  # the archive arrived in one go: statistics as after an import
    story = Article.objects.get(pk=hot[-1])
    deep = Article.objects.filter(section=story.section).order_by("published_at", "pk")[len(article_ids) // 10]
    return {
        "story": story.pk, "story_24": few, "story_500": many, "deep_story": deep.pk,
        "section": story.section.slug, "tag": story.tags.order_by("pk").first().slug,
        "reporter": story.bylines.first().reporter_id, "reader": reader.pk, "editor": editor.pk,
        "stories": len(article_ids), "comments": Comment.objects.count(), "engine": connection.vendor,
    }  # fmt: skip


def _accounts():
    """The reader the benchmark signs in as (a nickname, a verified address, the consents of a sign-up) and an
    editor (staff, in the Editors group, as tests/conftest.py makes them)."""
    from allauth.account.models import EmailAddress
    from django.contrib.auth.models import Group, User

    from articles.models import Consent, ReaderProfile

    reader = User.objects.create_user("bench-reader", "bench-reader@example.com", password=None)
    EmailAddress.objects.create(user=reader, email=reader.email, verified=True, primary=True)
    ReaderProfile.objects.create(user=reader, nickname="벤치독자")
    Consent.record_signup(reader, emails=False)
    editor = User.objects.create_user("bench-editor", "bench-editor@example.com", password=None, is_staff=True)
    editor.groups.add(Group.objects.get(name="Editors"))
    return reader, editor


def _reader_on(reader, article_ids, rng):
    """The signed-in reader's own state on the measured stories: a comment of theirs (edit and delete links)
    among the newest, and recommendations of others' comments."""
    from articles.models import Comment, CommentRecommendation

    for article_id in article_ids:
        comments = list(Comment.objects.filter(article_id=article_id, parent=None).order_by("-created_at")[:20])
        own = comments[len(comments) // 2]
        Comment.objects.filter(pk=own.pk).update(author=reader)
        recommended = rng.sample([c for c in comments if c.pk != own.pk], 5)
        CommentRecommendation.objects.bulk_create(
            CommentRecommendation(comment=comment, reader=reader) for comment in recommended
        )


def _photos(rng):
    """Photo records sharing one set of real renditions (the benchmark measures pages, not disks)."""
    from io import BytesIO

    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage
    from PIL import Image

    from articles.models import Photo
    from articles.photos import RENDITION_WIDTHS

    renditions = []
    for width in RENDITION_WIDTHS:
        for extension, pillow_format in (("jpg", "JPEG"), ("webp", "WEBP")):
            buffer = BytesIO()
            Image.new("RGB", (width, width * 2 // 3), (90, 120, 160)).save(buffer, pillow_format)
            name = default_storage.save(f"photos/bench/{width}.{extension}", ContentFile(buffer.getvalue()))
            renditions.append({"width": width, "height": width * 2 // 3, "format": extension, "name": name})
    renditions.sort(key=lambda rendition: (rendition["format"], rendition["width"]))
    return Photo.objects.bulk_create(
        Photo(original=f"bench/{n}.jpg", caption_ko=f"사진 설명 {n}", caption_en=f"Caption {n}",
              alt_text_en=f"A scene on campus, number {n}", credit="KT Photo", renditions=renditions)
        for n in range(500)
    )  # fmt: skip


def _stories(count, sections, reporters, tags, photos, rng, now):
    from articles.models import Article, Byline, StoryPhoto

    span = timedelta(days=3650)
    ids = []
    for start in range(0, count, BATCH):
        batch = []
        for number in range(start, min(start + BATCH, count)):
            published = now - span + span * (number + 1) / count - timedelta(minutes=5)
            ko = " ".join(rng.choices(KOREAN_WORDS, k=6))
            en = " ".join(rng.choices(ENGLISH_WORDS, k=7)).capitalize()
            body_ko = "".join(f"<p>{' '.join(rng.choices(KOREAN_WORDS, k=40))}.</p>" for _ in range(6))
            body_en = "".join(f"<p>{' '.join(rng.choices(ENGLISH_WORDS, k=45))}.</p>" for _ in range(6))
            if number % INFLECTED_EVERY == 3:
                body_en += f"<p>{' '.join(rng.choices(INFLECTED_WORDS + ENGLISH_WORDS, k=20))}.</p>"
            if number % RARE_EVERY == RARE_EVERY // 10:  # story 50, 550…: the smoke archive has one too
                body_ko += f"<p>{RARE_WORDS[0]} {' '.join(rng.choices(KOREAN_WORDS, k=10))}.</p>"
                body_en += f"<p>The {RARE_WORDS[1]} {' '.join(rng.choices(ENGLISH_WORDS, k=10))}.</p>"
            batch.append(Article(
                title_ko=ko, title_en=en, summary_ko=ko, summary_en=en, body_ko=body_ko, body_en=body_en,
                slug=f"story-{number}", section=sections[number % len(sections)], status=Article.Status.PUBLISHED,
                published_at=published, placement=Article.Placement.LEAD if number >= count - 3 else
                Article.Placement.GENERAL,
            ))  # fmt: skip
        created = Article.objects.bulk_create(batch)
        Byline.objects.bulk_create(Byline(article=a, reporter=rng.choice(reporters), order=0) for a in created)
        Article.tags.through.objects.bulk_create(
            Article.tags.through(article_id=a.pk, tag_id=tag.pk) for a in created for tag in rng.sample(tags, 3)
        )
        with_photos = [a for a in created if rng.random() < PHOTO_SHARE]
        StoryPhoto.objects.bulk_create(StoryPhoto(article=a, photo=rng.choice(photos)) for a in with_photos)
        ids.extend(a.pk for a in created)
    from articles.models import refresh_lead_photos

    refresh_lead_photos(ids)
    return ids


def _comments(numbers, article_ids, hot, users, rng, now, *, measured):
    from articles.models import Comment, recount_replies

    total, per_hot = numbers["comments"], numbers["hot_comments"]
    spread = total - per_hot * len(hot) - sum(measured.values())
    batch = []

    def flush():
        Comment.objects.bulk_create(batch)
        batch.clear()

    for article_id in hot:
        threads = Comment.objects.bulk_create(
            Comment(
                article_id=article_id, author=rng.choice(users), body=" ".join(rng.choices(KOREAN_WORDS, k=12)),
                created_at=now - timedelta(minutes=per_hot - number), recommendation_count=rng.randrange(0, 40),
            )
            for number in range(per_hot * 9 // 10)
        )  # fmt: skip
        # A tenth of a hot story's comments are replies, on its most recent threads.
        Comment.objects.bulk_create(
            Comment(
                article_id=article_id, author=rng.choice(users), body=" ".join(rng.choices(KOREAN_WORDS, k=8)),
                parent=rng.choice(threads[-50:]), created_at=now - timedelta(seconds=number),
            )
            for number in range(per_hot - len(threads))
        )  # fmt: skip
        recount_replies([thread.pk for thread in threads[-50:]])
    _measured_comments(measured, users, rng, now)
    elsewhere = [pk for pk in article_ids if pk not in measured]  # the measured stories keep their counts
    for number in range(spread):
        batch.append(Comment(
            article_id=rng.choice(elsewhere), author=rng.choice(users),
            body=" ".join(rng.choices(KOREAN_WORDS, k=10)), created_at=now - timedelta(minutes=number),
        ))  # fmt: skip
        if len(batch) >= BATCH:
            flush()
    flush()


def _measured_comments(measured, users, rng, now):
    """The measured stories' comments: on the first, one each by different readers; on the second, threads
    with a tenth of replies on the newest."""
    from articles.models import Comment, recount_replies

    for article_id, count in measured.items():
        authors = rng.sample(users, count) if count <= len(users) // 2 else rng.choices(users, k=count)
        replies = 0 if count == FEW_COMMENTS else count // 10
        threads = Comment.objects.bulk_create(
            Comment(
                article_id=article_id, author=authors[number], body=" ".join(rng.choices(KOREAN_WORDS, k=12)),
                created_at=now - timedelta(minutes=count - number), recommendation_count=rng.randrange(0, 40),
            )
            for number in range(count - replies)
        )  # fmt: skip
        Comment.objects.bulk_create(
            Comment(
                article_id=article_id, author=authors[len(threads) + number], parent=rng.choice(threads[-20:]),
                body=" ".join(rng.choices(KOREAN_WORDS, k=8)), created_at=now - timedelta(seconds=number),
            )
            for number in range(replies)
        )  # fmt: skip
        recount_replies([thread.pk for thread in threads[-20:]])
