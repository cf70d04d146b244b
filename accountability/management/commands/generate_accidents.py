"""Fill a benchmark database (made by `generate_city`, then `generate_accountability`) with the
accident registry at the size a city has: for every county this year's and last year's 生产安全事故
(30–60 a county a year, mostly 一般, a few 较大 by deaths or by loss), each with its four 四不放过
items and, on the 较大 ones, the enterprise and the township found responsible; the counties' own
control indicators (IndicatorLimit) for both years; and 5–10 约谈/督办 a county about its accidents,
with one or two commitments each.

    manage.py generate_accidents [--seed 2026]

Written directly with bulk inserts (not through the services): this is synthetic load, not user
work. Levels come from levels.level_of (第三条), 迟报 from levels.is_late_report (第九条), numbers
are "SG-<year>-<seq>" in order of occurrence.
"""

from __future__ import annotations

import random
import time
from collections import defaultdict
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils import timezone

from accountability.accidents.levels import FORWARD_TO, level_of, reply_due
from accountability.indicators.usage import CONTROL_KEYS
from accountability.models import (
    Accident,
    AccidentCategory,
    AccidentFollowUp,
    AccidentLevel,
    AccidentResponsibility,
    IndicatorLimit,
    Summons,
    SummonsCommitment,
    SummonsReason,
)
from safetyops.orgs.models import Enterprise, Membership, Node, Role

C = AccidentCategory
CATEGORIES = (
    (C.INDUSTRIAL, 0.45),
    (C.ROAD, 0.20),
    (C.FIRE, 0.15),
    (C.CONSTRUCTION, 0.12),
    (C.OTHER, 0.08),
)
TITLES = {
    C.INDUSTRIAL: ("机械伤害事故", "物体打击事故", "起重伤害事故", "触电事故", "中毒窒息事故", "灼烫事故"),
    C.ROAD: ("货车追尾道路交通事故", "货车侧翻道路交通事故", "客车碰撞道路交通事故"),
    C.FIRE: ("仓库火灾事故", "厂房火灾事故", "商铺火灾事故"),
    C.CONSTRUCTION: ("高处坠落事故", "脚手架坍塌事故", "基坑坍塌事故"),
    C.OTHER: ("淹溺事故", "其他伤害事故"),
}
# The categories that happen at an enterprise (the others on a road or in a public place).
AT_ENTERPRISE = frozenset({C.INDUSTRIAL, C.CONSTRUCTION, C.OTHER})
LIMITS = {"industrial_accidents": 24, "industrial_deaths": 8, "major_accidents": 1, "road_deaths": 6, "fire_deaths": 3}
FOLLOW_UP_NOTES = {
    AccidentFollowUp.Item.CAUSE: "调查报告已查明直接原因和间接原因。",
    AccidentFollowUp.Item.PERSONS: "责任人员已按批复处理。",
    AccidentFollowUp.Item.MEASURES: "整改措施已落实并经复查。",
    AccidentFollowUp.Item.EDUCATION: "已组织全员警示教育。",
}


class Command(BaseCommand):
    help = "Add this year's and last year's accidents, control indicators and 约谈 to a generate_city database."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--seed", type=int, default=2026)

    def handle(self, *args: Any, **options: Any) -> None:
        if Accident.objects.exists():
            raise CommandError("The database already holds accidents.")
        rng = random.Random(options["seed"])
        started = time.monotonic()
        with transaction.atomic():
            counts = Filler(rng).run()
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE" if connection.in_atomic_block else "VACUUM (ANALYZE)")
        self.stdout.write(
            f"Generated accidents in {time.monotonic() - started:.1f} s: "
            + ", ".join(f"{k} {v:,}" for k, v in counts.items())
        )


class Filler:
    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.now = timezone.now()
        self.today = timezone.localdate()
        self.year = self.today.year
        self.admins = dict(
            Membership.objects.filter(role=Role.COUNTY_ADMIN).values_list("node_id", "user_id").order_by("-user_id")
        )
        self.counts: dict[str, int] = defaultdict(int)

    def run(self) -> dict[str, int]:
        counties = list(Node.objects.filter(level=Node.Level.COUNTY).order_by("code"))
        if not counties or not self.admins:
            raise CommandError("No counties with an admin: run generate_city first.")
        fallback = next(iter(self.admins.values()))
        planned: list[tuple[Accident, Node, int]] = []
        for county in counties:
            admin = self.admins.get(county.pk, fallback)
            towns = list(county.children.order_by("code"))
            if not towns:
                continue
            enterprises = list(
                Enterprise.objects.filter(node__path__startswith=county.path, status=Enterprise.Status.OPERATING)
                .values_list("pk", "node_id")
                .order_by("pk")
            )
            for year in (self.year - 1, self.year):
                for _ in range(self.rng.randint(30, 60)):
                    planned.append((self._accident(year, towns, enterprises, admin), county, admin))
        self._number_and_sector([a for a, _, _ in planned])
        Accident.objects.bulk_create([a for a, _, _ in planned], batch_size=2000)
        self.counts["accidents"] = len(planned)
        self._follow_ups_and_responsibilities(planned)
        self._limits(counties, fallback)
        self._summonses(planned)
        return dict(self.counts)

    def _when(self, year: int) -> datetime:
        start = date(year, 1, 1)
        end = min(date(year, 12, 31), self.today - timedelta(days=1))
        day = start + timedelta(days=self.rng.randint(0, max((end - start).days, 0)))
        return timezone.make_aware(
            datetime(day.year, day.month, day.day, self.rng.randint(6, 22), self.rng.randint(0, 59))
        )

    def _accident(self, year: int, towns: list[Node], enterprises: list[tuple[int, int]], admin: int) -> Accident:
        rng = self.rng
        category = rng.choices([c for c, _ in CATEGORIES], weights=[w for _, w in CATEGORIES])[0]
        town = rng.choice(towns)
        enterprise_id, node_id = (None, town.pk)
        if category in AT_ENTERPRISE and enterprises:
            enterprise_id, node_id = rng.choice(enterprises)
        larger = rng.random() < 0.06
        if larger:
            # 较大 (第三条): 3–5 deaths, or a loss of 1,000万元 or more with fewer deaths.
            by_deaths = rng.random() < 0.6
            deaths = rng.randint(3, 5) if by_deaths else rng.randint(0, 2)
            loss = Decimal(rng.randint(300, 900) if by_deaths else rng.randint(1000, 2400))
            serious = rng.randint(0, 4)
        else:
            deaths = rng.choices((0, 1, 2), weights=(55, 38, 7))[0]
            serious = rng.choices((0, 1, 2, 3), weights=(60, 25, 10, 5))[0]
            loss = Decimal(rng.randint(500, 50000)) / 100
        occurred = self._when(year)
        late = rng.random() < 0.08
        reported = occurred + timedelta(minutes=rng.randint(61, 240) if late else rng.randint(5, 55))
        level = level_of(deaths=deaths, serious_injuries=serious, direct_loss=loss)
        age = (self.today - timezone.localtime(occurred).date()).days
        # Mostly registered (recent) or closed (older); some under investigation or replied.
        roll = rng.random()
        if age < 45:
            status = Accident.Status.REGISTERED if roll < 0.7 else Accident.Status.INVESTIGATING
        elif age < 120:
            status = (Accident.Status.REGISTERED, Accident.Status.INVESTIGATING, Accident.Status.REPLIED)[
                0 if roll < 0.3 else 1 if roll < 0.55 else 2
            ]
            status = Accident.Status.CLOSED if roll > 0.8 else status
        else:
            status = Accident.Status.CLOSED if roll < 0.9 else Accident.Status.REPLIED
        registered_at = reported + timedelta(minutes=rng.randint(10, 90))
        accident = Accident(
            status=status,
            title=rng.choice(TITLES[category]),
            occurred_at=occurred,
            reported_at=reported,
            enterprise_id=enterprise_id,
            place=f"{town.name}{'企业生产作业场所' if enterprise_id else '辖区道路'}",
            node_id=node_id,
            category=category,
            deaths=deaths,
            serious_injuries=serious,
            minor_injuries=rng.randint(0, 3),
            direct_loss=loss,
            level=level,
            unit_overview="事故发生单位基本情况。",
            scene="事故现场已保护，周边已设警戒。",
            account="作业过程中发生事故，现场人员立即报告。",
            casualties_note=f"死亡{deaths}人，重伤{serious}人，直接经济损失约{loss}万元。",
            measures="已组织救援，停产整顿。",
            reported_late=late,
            forwarded_at=registered_at + timedelta(minutes=rng.randint(10, 100)),
            forwarded_to=str(FORWARD_TO[AccidentLevel(level)]),
            registered_at=registered_at,
            registered_by_id=admin,
            created_by_id=admin,
            created_at=reported,
        )
        if status != Accident.Status.REGISTERED:
            started = timezone.localtime(occurred).date() + timedelta(days=rng.randint(1, 3))
            accident.investigation_group = "县政府牵头，应急管理局、公安局、总工会等部门组成事故调查组。"
            accident.investigation_started_on = started
            submitted = started + timedelta(days=rng.randint(30, 55))
            if submitted + timedelta(days=14) >= self.today:
                accident.status = status = Accident.Status.INVESTIGATING
            if status in (Accident.Status.REPLIED, Accident.Status.CLOSED):
                accident.report_submitted_on = submitted
                accident.reply_due_on = reply_due(submitted, level)
                accident.replied_on = submitted + timedelta(days=rng.randint(3, 14))
                accident.reply_reference = f"政批〔{year}〕{rng.randint(1, 99)}号"
            if status == Accident.Status.CLOSED:
                assert accident.replied_on is not None
                closed_on = min(accident.replied_on + timedelta(days=rng.randint(10, 40)), self.today)
                accident.closed_at = timezone.make_aware(datetime(closed_on.year, closed_on.month, closed_on.day, 16))
                accident.closed_by_id = admin
        return accident

    def _number_and_sector(self, accidents: list[Accident]) -> None:
        seq: dict[int, int] = defaultdict(int)
        for accident in sorted(accidents, key=lambda a: a.occurred_at):
            year = timezone.localtime(accident.occurred_at).year
            seq[year] += 1
            accident.number = f"SG-{year}-{seq[year]:04d}"
        picked = {a.enterprise_id for a in accidents if a.enterprise_id}
        first_sector: dict[int, int] = {}
        for enterprise_id, sector_id in (
            Enterprise.sectors.through.objects.filter(enterprise_id__in=picked)
            .values_list("enterprise_id", "sector_id")
            .order_by("enterprise_id", "sector_id")
        ):
            first_sector.setdefault(enterprise_id, sector_id)
        for accident in accidents:
            if accident.enterprise_id:
                accident.sector_id = first_sector.get(accident.enterprise_id)

    def _follow_ups_and_responsibilities(self, planned: list[tuple[Accident, Node, int]]) -> None:
        follow_ups, responsibilities = [], []
        for accident, _county, admin in planned:
            due = timezone.localtime(accident.occurred_at).date() + timedelta(days=90)
            closed = accident.status == Accident.Status.CLOSED
            for item in AccidentFollowUp.Item:
                follow_ups.append(
                    AccidentFollowUp(
                        accident=accident,
                        item=item,
                        due_on=due,
                        done_at=accident.closed_at - timedelta(days=1) if closed and accident.closed_at else None,
                        done_by_id=admin if closed else None,
                        note=FOLLOW_UP_NOTES[item] if closed else "",
                    )
                )
            if accident.level != AccidentLevel.GENERAL and accident.status != Accident.Status.REGISTERED:
                if accident.enterprise_id:
                    responsibilities.append(
                        AccidentResponsibility(
                            accident=accident,
                            enterprise_id=accident.enterprise_id,
                            area_id=accident.node_id,
                            finding="未落实安全生产主体责任。",
                            created_by_id=admin,
                        )
                    )
                town = self._town_of(accident.node_id)
                responsibilities.append(
                    AccidentResponsibility(
                        accident=accident,
                        node_id=town,
                        area_id=town,
                        finding="属地管理责任落实不到位。",
                        created_by_id=admin,
                    )
                )
        AccidentFollowUp.objects.bulk_create(follow_ups, batch_size=5000)
        AccidentResponsibility.objects.bulk_create(responsibilities)
        self.counts["follow-ups"] = len(follow_ups)
        self.counts["responsibilities"] = len(responsibilities)

    def _town_of(self, node_id: int) -> int:
        """The township a node lies in (the node itself, or a village's parent)."""
        if not hasattr(self, "_towns"):
            self._towns = dict(
                Node.objects.filter(level=Node.Level.VILLAGE).values_list("pk", "parent_id").order_by("pk")
            )
        return self._towns.get(node_id, node_id)

    def _limits(self, counties: list[Node], fallback: int) -> None:
        rows = []
        for county in counties:
            for year in (self.year - 1, self.year):
                for key in CONTROL_KEYS:
                    base = LIMITS.get(key, 3)
                    value = base if key == "major_accidents" else base + self.rng.randint(-2, 4)
                    rows.append(
                        IndicatorLimit(
                            year=year,
                            node=county,
                            key=key,
                            value=max(value, 0),
                            set_by_id=self.admins.get(county.pk, fallback),
                        )
                    )
        IndicatorLimit.objects.bulk_create(rows)
        self.counts["indicator limits"] = len(rows)

    def _summonses(self, planned: list[tuple[Accident, Node, int]]) -> None:
        by_county: dict[int, list[tuple[Accident, Node, int]]] = defaultdict(list)
        for row in planned:
            by_county[row[1].pk].append(row)
        summonses: list[Summons] = []
        reasons: list[SummonsReason] = []
        commitments: list[SummonsCommitment] = []
        for rows in by_county.values():
            # The serious ones first (较大, then deaths), then any.
            rows = sorted(rows, key=lambda r: (r[0].level == AccidentLevel.GENERAL, -r[0].deaths, r[0].number))
            for accident, county, admin in rows[: self.rng.randint(5, 10)]:
                held_on = min(
                    timezone.localtime(accident.occurred_at).date() + timedelta(days=self.rng.randint(5, 20)),
                    self.today + timedelta(days=3),
                )
                at_enterprise = accident.enterprise_id is not None and self.rng.random() < 0.5
                town = self._town_of(accident.node_id)
                unit = (
                    {
                        "node": None,
                        "department": None,
                        "enterprise_id": accident.enterprise_id,
                        "area_id": accident.node_id,
                    }
                    if at_enterprise
                    else {"node_id": town, "department": None, "enterprise": None, "area_id": town}
                )
                age = (self.today - held_on).days
                status = (
                    Summons.Status.PLANNED
                    if age < 0
                    else Summons.Status.HELD
                    if age < 15
                    else Summons.Status.REPORTED
                    if age < 40
                    else Summons.Status.CLOSED
                )
                done = status in (Summons.Status.REPORTED, Summons.Status.CLOSED)
                at = timezone.make_aware(datetime(held_on.year, held_on.month, held_on.day, 15))
                summons = Summons(
                    **unit,
                    kind=Summons.Kind.SUPERVISION
                    if at_enterprise and self.rng.random() < 0.5
                    else Summons.Kind.SUMMONS,
                    status=status,
                    issuer=county,
                    held_on=held_on,
                    place="县应急管理局三楼会议室",
                    summoned_by="县安委办主任，县应急管理局副局长",
                    attendees="被约谈单位主要负责人、分管负责人",
                    summary=f"就{accident.number}{accident.title}进行约谈。",
                    minutes="" if status == Summons.Status.PLANNED else "被约谈单位汇报事故情况和整改措施。",
                    report_due_on=None if status == Summons.Status.PLANNED else held_on + timedelta(days=15),
                    report_text="书面整改报告：已落实整改措施。" if done else "",
                    reported_at=at + timedelta(days=12) if done else None,
                    reported_by_id=admin if done else None,
                    follow_up="已复查，整改到位。" if status == Summons.Status.CLOSED else "",
                    closed_at=at + timedelta(days=30) if status == Summons.Status.CLOSED else None,
                    closed_by_id=admin if status == Summons.Status.CLOSED else None,
                    created_by_id=admin,
                    created_at=at - timedelta(days=3),
                )
                summonses.append(summons)
                reasons.append(
                    SummonsReason(
                        summons=summons,
                        kind=SummonsReason.Kind.ACCIDENT,
                        accident=accident,
                        label=f"{accident.number} {accident.title}",
                    )
                )
                for n, text in enumerate(("召开专题会议，传达约谈要求", "完成同类隐患排查并建立整改台账")):
                    if n and self.rng.random() < 0.5:
                        break
                    commitments.append(
                        SummonsCommitment(
                            summons=summons,
                            text=text,
                            due_on=held_on + timedelta(days=7 * (n + 1)),
                            done_at=at + timedelta(days=7 * (n + 1)) if done else None,
                            done_by_id=admin if done else None,
                            note="已完成。" if done else "",
                        )
                    )
        Summons.objects.bulk_create(summonses)
        SummonsReason.objects.bulk_create(reasons)
        SummonsCommitment.objects.bulk_create(commitments)
        self.counts["summonses"] = len(summonses)
        self.counts["commitments"] = len(commitments)
