"""Fill a benchmark database (made by `generate_city`) with this year's letters, pledges and daily
承诺公告, at the size the city has: the city's 目标责任书 to its counties, each county's to its
townships and its 安全承诺书 to every enterprise it has (50,000 copies in the city preset, each with
its frozen version, most signed), and 30 days of 承诺公告 for the 危化 enterprises, some late, some
missing.

    manage.py generate_accountability [--seed 2026]

Written directly with bulk inserts (not through the services): this is synthetic load, not user
work; the texts and hashes are real (texts.letter_text, signing.digest), so every page and PDF works.
"""

from __future__ import annotations

import random
import time
from datetime import datetime, timedelta
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils import timezone

from accountability.daily.coverage import DEFAULT_DUE_TIME, coverage
from accountability.models import DailyPledge, Letter, LetterTemplate, LetterVersion
from accountability.texts import letter_text
from safetyops.evidence import signing
from safetyops.evidence.models import Signature
from safetyops.orgs.models import Enterprise, Membership, Node, Role
from safetyops.orgs.units import unit_fields

ITEMS = [
    {"key": "industrial_accidents", "label": "工矿商贸生产安全事故起数", "value": 5, "weight": 30},
    {"key": "industrial_deaths", "label": "工矿商贸生产安全事故死亡人数", "value": 6, "weight": 30},
    {"key": "major_accidents", "label": "较大及以上生产安全事故起数", "value": 0, "weight": 20},
    {"key": "rectification_rate", "label": "隐患整改率", "value": 95, "weight": 20},
]
BATCH = 2000
DAYS = 30


class Command(BaseCommand):
    help = "Add this year's letters, pledges and daily 承诺公告 to a generate_city database."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--seed", type=int, default=2026)

    def handle(self, *args: Any, **options: Any) -> None:
        if LetterTemplate.objects.exists() or DailyPledge.objects.exists():
            raise CommandError("The database already holds letters or daily pledges.")
        rng = random.Random(options["seed"])
        started = time.monotonic()
        with transaction.atomic():
            counts = Filler(rng).run()
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                # The planner must know the new sizes (17,000 overdue letters are not 27), and the
                # visibility map lets the index-only scans skip the heap (as generate_city does).
                cursor.execute("ANALYZE" if connection.in_atomic_block else "VACUUM (ANALYZE)")
        self.stdout.write(
            f"Generated accountability in {time.monotonic() - started:.0f} s: "
            + ", ".join(f"{k} {v:,}" for k, v in counts.items())
        )


class Filler:
    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.year = timezone.localdate().year
        self.issued_at = timezone.make_aware(datetime(self.year, 2, 20, 9, 0))
        self.version_type = ContentType.objects.get_for_model(LetterVersion)
        self.admins = dict(
            Membership.objects.filter(role=Role.COUNTY_ADMIN).values_list("node_id", "user_id").order_by("-user_id")
        )
        self.counts: dict[str, int] = {"templates": 0, "copies": 0, "signed": 0}

    def run(self) -> dict[str, int]:
        top = Node.objects.filter(parent__isnull=True).order_by("code").first()
        if top is None:
            raise CommandError("No jurisdiction: run generate_city first.")
        counties = list(Node.objects.filter(level=Node.Level.COUNTY).order_by("code"))
        if top.level == Node.Level.CITY:
            self.issue(top, LetterTemplate.Kind.RESPONSIBILITY, counties, signed_share=0.9)
        for county in counties:
            self.issue(county, LetterTemplate.Kind.RESPONSIBILITY, list(county.children.all()), signed_share=0.75)
            enterprises = list(
                Enterprise.objects.filter(node__path__startswith=county.path)
                .exclude(status=Enterprise.Status.CLOSED)
                .order_by("pk")
            )
            self.issue(county, LetterTemplate.Kind.PLEDGE, enterprises, signed_share=0.65)
        self.daily()
        return self.counts

    def issue(self, node: Node, kind: str, units: list[Any], *, signed_share: float) -> None:
        admin = self.admins.get(node.pk)
        if admin is None or not units:
            return
        pledge = kind == LetterTemplate.Kind.PLEDGE
        template = LetterTemplate.objects.create(
            kind=kind,
            year=self.year,
            node=node,
            title=f"{node.name}{self.year}年度{'企业安全承诺书' if pledge else '安全生产目标责任书'}",
            body="本单位主要负责人郑重承诺：落实安全生产主体责任。"
            if pledge
            else "落实党政同责、一岗双责、齐抓共管、失职追责。",
            items=[] if pledge else ITEMS,
            assessment_method="" if pledge else "年终考核，按分值计分。",
            status=LetterTemplate.Status.ISSUED,
            created_by_id=admin,
            issued_at=self.issued_at,
        )
        self.counts["templates"] += 1
        due = self.issued_at.date() + timedelta(days=template.sign_within_days)
        for start in range(0, len(units), BATCH):
            self._batch(template, units[start : start + BATCH], admin, due, signed_share)

    def _batch(self, template: LetterTemplate, units: list[Any], admin: int, due: Any, signed_share: float) -> None:
        letters = Letter.objects.bulk_create(
            [Letter(template=template, items=template.items, **unit_fields(unit)) for unit in units]
        )
        versions = []
        for letter in letters:
            text = signing.canonical(letter_text(template, letter))
            versions.append(
                LetterVersion(
                    letter=letter,
                    number=1,
                    text=text,
                    sha256=signing.digest(text),
                    items=letter.items,
                    created_by_id=admin,
                )
            )
        LetterVersion.objects.bulk_create(versions)
        signatures: dict[int, Signature] = {}
        for letter, version in zip(letters, versions, strict=True):
            if self.rng.random() < signed_share:
                signed_at = self.issued_at + timedelta(days=self.rng.randint(0, 20), minutes=self.rng.randint(0, 600))
                signatures[letter.pk] = Signature(
                    owner_type=self.version_type,
                    owner_id=version.pk,
                    method=Signature.Method.TYPED,
                    signer_id=admin,
                    signed_name=getattr(letter.unit, "principal_name", "") or letter.unit_name[:64],
                    signed_at=signed_at,
                    text=version.text,
                    sha256=version.sha256,
                    ip="10.0.0.1",
                )
        Signature.objects.bulk_create(signatures.values())
        for letter, version in zip(letters, versions, strict=True):
            letter.current_version = version
            letter.issued_at, letter.issued_by_id, letter.due_on = self.issued_at, admin, due
            signature = signatures.get(letter.pk)
            letter.status = Letter.Status.SIGNED if signature else Letter.Status.ISSUED
            letter.signature, letter.signed_at = signature, signature.signed_at if signature else None
        Letter.objects.bulk_update(
            letters, ["current_version", "issued_at", "issued_by", "due_on", "status", "signature", "signed_at"]
        )
        self.counts["copies"] += len(letters)
        self.counts["signed"] += len(signatures)

    def daily(self) -> None:
        """30 days of 承诺公告 for the covered enterprises: about 10 % late, 5 % missing."""
        enterprises = list(
            Enterprise.objects.filter(coverage().enterprise_q()).values_list("pk", "node_id").order_by("pk")
        )
        users = dict(
            Membership.objects.filter(role=Role.ENTERPRISE_USER)
            .values_list("enterprise_id", "user_id")
            .order_by("-user_id")
        )
        fallback = next(iter(self.admins.values()))
        today = timezone.localdate()
        rows = []
        for enterprise_id, node_id in enterprises:
            for back in range(1, DAYS + 1):
                day = today - timedelta(days=back)
                roll = self.rng.random()
                if roll < 0.05:
                    continue
                due = timezone.make_aware(datetime.combine(day, DEFAULT_DUE_TIME))
                published = due + (
                    timedelta(minutes=self.rng.randint(5, 300))
                    if roll < 0.15
                    else -timedelta(minutes=self.rng.randint(5, 120))
                )
                total = self.rng.randint(1, 8)
                running = self.rng.randint(0, total)
                rows.append(
                    DailyPledge(
                        enterprise_id=enterprise_id,
                        node_id=node_id,
                        date=day,
                        units_total=total,
                        units_running=running,
                        units_stopped=total - running,
                        units_maintenance=0,
                        hot_work_2=self.rng.choice((0, 0, 1, 2)),
                        pledger_id=users.get(enterprise_id, fallback),
                        pledger_name="承诺人",
                        published_at=published,
                        due_at=due,
                        late=published > due,
                    )
                )
        DailyPledge.objects.bulk_create(rows, batch_size=5000)
        self.counts["daily pledges"] = len(rows)
