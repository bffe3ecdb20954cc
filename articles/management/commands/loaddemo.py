"""Load the demo newsroom: sections, reporters, stories in every state, three accounts and a few conversations."""

import json
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from articles.models import Article, Byline, Comment, ReaderProfile, Reporter, Section, Tag

DEMO_CONTENT = Path(__file__).resolve().parents[2] / "demo_content" / "stories.json"
DEMO_PASSWORD = "ktnews-demo"  # noqa: S105 -- published in the README on purpose: demo only
SEOUL = ZoneInfo("Asia/Seoul")

#: username → (group, is_staff, nickname on comments, description printed for the person trying the demo)
DEMO_ACCOUNTS = {
    "editor": ("Editors", True, "서윤", "approves, returns and publishes stories in /admin/"),
    "reporter": ("Reporters", True, "지호", "drafts stories and submits them for review in /admin/"),
    "reader": (None, False, "campus_reader", "comments on stories at /accounts/login/"),
}

STATUS_BY_NAME = {
    "draft": Article.Status.DRAFT,
    "review": Article.Status.REVIEW,
    "returned": Article.Status.RETURNED,
    "published": Article.Status.PUBLISHED,
    "scheduled": Article.Status.PUBLISHED,
}
TRANSLATED_STORY_FIELDS = ["title", "subtitle", "summary", "body"]


class Command(BaseCommand):
    help = "Create the demo newsroom. Safe to run twice: existing demo rows are left as they are."

    def add_arguments(self, parser):
        parser.add_argument(
            "--force", action="store_true", help="Load the demo even with DEBUG off (never on the real site)."
        )

    def handle(self, *args, force=False, **options):
        if not settings.DEBUG and not force:
            raise CommandError(
                "DEBUG is off, so this looks like a production site: the demo would add made-up "
                "stories and accounts with a public password. Use --force if you really mean it."
            )
        content = json.loads(DEMO_CONTENT.read_text(encoding="utf-8"))
        self.created = {"sections": 0, "reporters": 0, "stories": 0, "accounts": 0, "comments": 0}
        with transaction.atomic():
            users = {username: self.demo_account(username) for username in DEMO_ACCOUNTS}
            sections = {entry["slug"]: self.demo_section(entry) for entry in content["sections"]}
            reporters = {entry["key"]: self.demo_reporter(entry, users) for entry in content["reporters"]}
            for entry in content["stories"]:
                self.demo_story(entry, sections, reporters, users)
        self.report()

    def demo_account(self, username):
        group_name, is_staff, nickname, _role = DEMO_ACCOUNTS[username]
        user, created = get_user_model().objects.get_or_create(
            username=username, defaults={"email": f"{username}@ktnews.example", "is_staff": is_staff}
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save(update_fields=["password"])
            if group_name:
                user.groups.add(Group.objects.get(name=group_name))
            ReaderProfile.objects.create(user=user, nickname=nickname)
            EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
            self.created["accounts"] += 1
        return user

    def demo_section(self, entry):
        section, created = Section.objects.get_or_create(
            slug=entry["slug"],
            defaults={"name_ko": entry["name_ko"], "name_en": entry["name_en"], "position": entry["position"]},
        )
        self.created["sections"] += created
        return section

    def demo_reporter(self, entry, users):
        fields = {
            name: entry[name] for name in ("name_ko", "name_en", "position_ko", "position_en", "bio_ko", "bio_en")
        }
        reporter, created = Reporter.objects.get_or_create(
            email=entry["email"], defaults={**fields, "user": users.get(entry.get("username"))}
        )
        self.created["reporters"] += created
        return reporter

    def demo_story(self, entry, sections, reporters, users):
        if Article.objects.filter(slug=entry["slug"]).exists():
            return
        byline = [reporters[key] for key in entry["reporters"]]
        article = Article(
            slug=entry["slug"],
            section=sections[entry["section"]],
            status=STATUS_BY_NAME[entry["status"]],
            review_note=entry.get("review_note", ""),
            placement=entry.get("placement", Article.Placement.GENERAL),
            created_by=byline[0].user or users["editor"],
            **{
                f"{field}_{language}": entry.get(f"{field}_{language}", "")
                for field in TRANSLATED_STORY_FIELDS
                for language in ("ko", "en")
            },
        )
        if entry["status"] in {"published", "scheduled"}:
            article.published_at = self.publication_time(entry)
            article.approved_by = users["editor"]
        article.full_clean()
        article.save()
        Byline.objects.bulk_create(
            Byline(article=article, reporter=reporter, order=order) for order, reporter in enumerate(byline)
        )
        article.tags.set(
            self.demo_tag(name_en, name_ko)
            for name_en, name_ko in zip(entry.get("tags_en", []), entry.get("tags_ko", []), strict=True)
        )
        self.created["stories"] += 1
        if article.published_at and article.published_at <= timezone.now():
            self.demo_comments(article, entry.get("comments", []), users)

    def demo_comments(self, article, threads, users):
        """Readers asking, the story's reporter answering (with the 기자 badge), and some 추천."""
        moments = (min(article.published_at + timedelta(minutes=25 * step), timezone.now()) for step in range(1, 99))
        for thread in threads:
            comment = Comment.objects.create(
                article=article, author=users[thread["by"]], body=thread["body"], created_at=next(moments)
            )
            for reply in thread.get("replies", []):
                Comment.objects.create(
                    article=article, author=users[reply["by"]], body=reply["body"], parent=comment,
                    created_at=next(moments),
                )  # fmt: skip
            for username in thread.get("recommended_by", []):
                comment.set_recommendation(users[username], True)
            self.created["comments"] += 1 + len(thread.get("replies", []))

    def demo_tag(self, name_en, name_ko):
        tag, _created = Tag.objects.get_or_create(
            slug=slugify(name_en), defaults={"name_en": name_en, "name_ko": name_ko}
        )
        return tag

    @staticmethod
    def publication_time(entry):
        today = timezone.localdate(timezone=SEOUL)
        if "days_ahead" in entry:
            day = today + timedelta(days=entry["days_ahead"])
        else:
            day = today - timedelta(days=entry["days_ago"])
        moment = datetime(day.year, day.month, day.day, entry.get("hour", 9), entry.get("minute", 0), tzinfo=SEOUL)
        # A story "published today" at a later hour would be scheduled by accident.
        return min(moment, timezone.now()) if "days_ago" in entry else moment

    def report(self):
        if any(self.created.values()):
            summary = ", ".join(f"{count} {kind}" for kind, count in self.created.items())
            self.stdout.write(self.style.SUCCESS(f"Demo content loaded: {summary}."))
        else:
            self.stdout.write("Demo content was already loaded; nothing changed.")
        self.stdout.write(f"Demo accounts (password: {DEMO_PASSWORD}):")
        for username, (_group, _staff, _nickname, role) in DEMO_ACCOUNTS.items():
            self.stdout.write(f"  {username:<9} {role}")
