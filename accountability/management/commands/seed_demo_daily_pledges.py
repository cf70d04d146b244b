"""Demo daily 承诺公告 for the demo county 安平县: 30 days of pledges of its 危化 enterprises, with
late ones and missing days, and one 承诺不实 (a 动火 hazard on a day the pledge said no 动火, confirmed).

Runs after seed_demo and seed_demo_hazards, in two steps with the inspections app's part between
them (bin/run), because a domain app writes only its own records:

    manage.py seed_demo_daily_pledges            # logins where missing, 30 days of pledges
    manage.py seed_demo_daily_hot_work           # inspections: the 动火 hazard, FLAG_DAYS_AGO days ago
    manage.py seed_demo_daily_pledges --flags    # raise the flags, the township confirms the 动火 one

Idempotent: a login, a pledge of an (enterprise, day) or a flag that exists is left alone.
Today's pledges go through the service (signed now: late when seeded after the due hour); the
past days' rows are written directly, as the service refuses to publish a past day, each with its
signature of the exact text (its time moved back to the day). The seeded days agree with the demo
hazards (a 动火 / 受限空间 hazard that day is declared, an open 重大 hazard is not called
controlled), so that only the one planted contradiction is flagged.
"""

from __future__ import annotations

import random
from collections import defaultdict
from datetime import date, datetime, time, timedelta
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import transaction
from django.utils import timezone

from accountability.daily import services
from accountability.daily.coverage import coverage, day_bounds, due_at, local_zone
from accountability.daily.flags import CONFINED_SPACE_WORDS, HOT_WORK_WORDS, flags_raise
from accountability.models import HOT_WORK, DailyJudgment, DailyPledge, PledgeFlag
from inspections.ports import HazardFact, hazard_facts
from safetyops.evidence import signing
from safetyops.evidence.models import Signature
from safetyops.orgs.management.commands.seed_demo import COUNTY_CODE, DEMO_PASSWORD
from safetyops.orgs.models import Enterprise, Membership, Node, Role, User
from safetyops.orgs.scope import path_and_above
from safetyops.orgs.services import user_create_with_membership

SEED = 20261203
DAYS = 30
FLAG_ENTERPRISE_LOGIN = "ent2"  # the demo's chemical plant with a 重大危险源 (seed_demo)
FLAG_DAYS_AGO = 4  # the day of the planted 承诺不实; seed_demo_daily_hot_work uses the same day
MISSING_RATE, LATE_RATE = 0.06, 0.09
TEAMS = ("一班", "二班", "三班", "甲班", "乙班")
WORKSHOPS = ("合成车间", "精馏车间", "罐区", "包装车间", "仓储部")
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚"


def _person(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + rng.choice(GIVEN) + (rng.choice(GIVEN) if rng.random() < 0.6 else "")


class Command(BaseCommand):
    help = "Seed 30 days of daily 承诺公告 for the demo county's 危化 enterprises (idempotent)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--flags", action="store_true", help="raise the 承诺不实 flags and confirm the planted one")

    def handle(self, *args: Any, **options: Any) -> None:
        county = Node.objects.filter(code=COUNTY_CODE).first()
        if county is None:
            self.stdout.write("Run seed_demo first.")
            return
        if options["flags"]:
            self._flags(county)
            return
        with transaction.atomic():
            enterprises = self._enterprises(county)
            logins = self._logins(enterprises)
            created = self._pledges(enterprises, logins)
        total = DailyPledge.objects.filter(node__path__startswith=county.path).count()
        self.stdout.write(
            f"Daily 承诺公告: {len(enterprises)} enterprises publish, {len(logins)} with a login; "
            f"{created} pledges created, {total} in all."
        )

    def _enterprises(self, county: Node) -> list[Enterprise]:
        rules = coverage()
        return list(
            Enterprise.objects.filter(rules.enterprise_q(), node__path__startswith=county.path)
            .select_related("node")
            .order_by("credit_code")
        )

    def _logins(self, enterprises: list[Enterprise]) -> dict[int, User]:
        """The publisher of each enterprise: its principal's login, else any of its users, else a new
        login hcNN (the 主要负责人, principal), so that every 危化 enterprise of the demo can publish."""
        users: dict[int, User] = {}
        for membership in (
            Membership.objects.filter(role=Role.ENTERPRISE_USER, enterprise__in=enterprises, user__is_active=True)
            .select_related("user")
            .order_by("-is_principal", "user__username")
        ):
            users.setdefault(membership.enterprise_id, membership.user)  # type: ignore[arg-type]
        for n, enterprise in enumerate(enterprises, start=1):
            if enterprise.pk in users:
                continue
            username = f"hc{n:02d}"
            user = User.objects.filter(username=username).first() or user_create_with_membership(
                username=username,
                password=DEMO_PASSWORD,
                full_name=enterprise.principal_name,
                role=Role.ENTERPRISE_USER,
                enterprise=enterprise,
                unit=enterprise.name[:64],
                title="主要负责人",
                email=f"{username}@anping.example",
            )
            Membership.objects.filter(user=user).update(is_principal=True)
            users[enterprise.pk] = user
        return users

    def _pledges(self, enterprises: list[Enterprise], logins: dict[int, User]) -> int:
        today = timezone.localdate()
        first = today - timedelta(days=DAYS - 1)
        have = set(
            DailyPledge.objects.filter(enterprise__in=enterprises, date__gte=first).values_list("enterprise_id", "date")
        )
        facts: dict[int, list[HazardFact]] = defaultdict(list)
        for fact in hazard_facts(
            since=day_bounds(first)[0], until=day_bounds(today)[1], enterprise_ids=[e.pk for e in enterprises]
        ):
            facts[fact.enterprise_id].append(fact)
        planted = Enterprise.objects.filter(memberships__user__username=FLAG_ENTERPRISE_LOGIN).values_list(
            "pk", flat=True
        )
        planted_day = today - timedelta(days=FLAG_DAYS_AGO)
        rules = coverage()
        created = 0
        for enterprise in enterprises:
            user = logins[enterprise.pk]
            due_time = rules.due_time_for(enterprise.node.path)
            for n in range(DAYS - 1, -1, -1):
                day = today - timedelta(days=n)
                if (enterprise.pk, day) in have:
                    continue
                rng = random.Random(f"{SEED}-{enterprise.credit_code}-{day.isoformat()}")
                forced = enterprise.pk in planted and day == planted_day
                roll = rng.random()
                if roll < MISSING_RATE and not forced:
                    continue
                late = MISSING_RATE <= roll < MISSING_RATE + LATE_RATE and not forced
                data = self._input(rng, day, facts[enterprise.pk], forced=forced)
                if day == today:
                    if rng.random() < 0.35:
                        continue  # a third have not published yet when the demo starts
                    services.daily_pledge_publish(
                        actor=user, data=data, typed_name=signing.name_of(user), confirmed=True
                    )
                else:
                    self._past(enterprise, user, day, data, late=late, due_time=due_time, rng=rng)
                created += 1
        return created

    def _input(
        self,
        rng: random.Random,
        day: date,
        facts: list[HazardFact],
        *,
        forced: bool,
    ) -> services.PledgeInput:
        start, end = day_bounds(day)
        that_day = [f for f in facts if start <= f.registered_at < end]
        operations = {
            "hot_work_2": rng.choice([0, 0, 0, 1, 1, 2]),
            "hot_work_1": rng.choice([0] * 8 + [1]),
            "confined_space": rng.choice([0] * 8 + [1]),
            "work_at_height": rng.choice([0, 0, 1, 2]),
            "lifting": rng.choice([0, 0, 0, 1]),
            "temporary_electricity": rng.choice([0, 0, 1]),
            "blind_plate": rng.choice([0] * 6 + [1]),
        }
        if forced:
            operations.update(dict.fromkeys(HOT_WORK, 0))
        elif any(any(w in f.text for w in HOT_WORK_WORDS) for f in that_day):
            operations["hot_work_2"] = max(operations["hot_work_2"], 1)
        if any(any(w in f.text for w in CONFINED_SPACE_WORDS) for f in that_day):
            operations["confined_space"] = max(operations["confined_space"], 1)
        major_open = any(
            f.major and f.registered_at < end and (f.closed_at is None or f.closed_at > start) for f in facts
        )
        total = rng.randint(3, 8)
        maintenance = rng.choice([0, 0, 0, 1])
        stopped = rng.choice([0, 0, 1]) if total - maintenance > 1 else 0
        return services.PledgeInput(
            units_total=total,
            units_running=total - maintenance - stopped,
            units_stopped=stopped,
            units_maintenance=maintenance,
            operations=operations,
            trial_production=False,
            startup_shutdown=rng.random() < 0.05,
            major_sources_controlled=not major_open,
            judgments=[
                services.JudgmentInput("team", rng.choice(TEAMS), _person(rng), "本班组风险受控"),
                services.JudgmentInput("workshop", rng.choice(WORKSHOPS), _person(rng), "各项措施已落实"),
                services.JudgmentInput("plant", "厂级", _person(rng), "同意公告"),
            ],
        )

    def _past(
        self,
        enterprise: Enterprise,
        user: User,
        day: date,
        data: services.PledgeInput,
        *,
        late: bool,
        due_time: time,
        rng: random.Random,
    ) -> None:
        due = due_at(day, due_time)
        if late:
            published = due + timedelta(minutes=rng.randint(5, 180))
        else:
            published = due - timedelta(minutes=rng.randint(5, 150))
        pledge = DailyPledge.objects.create(
            enterprise=enterprise,
            node=enterprise.node,
            date=day,
            units_total=data.units_total,
            units_running=data.units_running,
            units_stopped=data.units_stopped,
            units_maintenance=data.units_maintenance,
            trial_production=data.trial_production,
            startup_shutdown=data.startup_shutdown,
            major_sources_controlled=data.major_sources_controlled,
            pledger=user,
            pledger_name=signing.name_of(user),
            published_at=published,
            due_at=due,
            late=published > due,
            **data.operations,
        )
        rows = DailyJudgment.objects.bulk_create(
            [
                DailyJudgment(
                    pledge=pledge, level=j.level, unit_name=j.unit_name, signer_name=j.signer_name, note=j.note, order=n
                )
                for n, j in enumerate(data.judgments)
            ]
        )
        signature = signing.sign(
            owner=pledge,
            signer=user,
            typed_name=signing.name_of(user),
            confirmed=True,
            text=services.pledge_text(pledge, rows),
        )
        Signature.objects.filter(pk=signature.pk).update(signed_at=published)  # direct: the day it was signed
        DailyPledge.objects.filter(pk=pledge.pk).update(signature=signature)

    def _flags(self, county: Node) -> None:
        today = timezone.localdate()
        pledges = list(
            DailyPledge.objects.filter(node__path__startswith=county.path, date__gt=today - timedelta(days=DAYS))
        )
        with transaction.atomic():
            raised = flags_raise(pledges)
            planted = (
                PledgeFlag.objects.filter(
                    pledge__enterprise__memberships__user__username=FLAG_ENTERPRISE_LOGIN,
                    pledge__date=today - timedelta(days=FLAG_DAYS_AGO),
                    rule=PledgeFlag.Rule.HOT_WORK,
                    status=PledgeFlag.Status.OPEN,
                )
                .select_related("pledge__node")
                .first()
            )
            confirmed = 0
            if planted is not None:
                official = (
                    User.objects.filter(
                        membership__role=Role.TOWNSHIP_OFFICIAL,
                        membership__node__path__in=path_and_above(planted.pledge.node.path),
                        is_active=True,
                    )
                    .order_by("username")
                    .first()
                )
                if official is not None:
                    services.pledge_flag_review(
                        actor=official,
                        flag_id=planted.pk,
                        confirm=True,
                        note="经现场核查，当日储罐区确有动火作业，公告填报为零，承诺不实",
                    )
                    reviewed = datetime.combine(
                        today - timedelta(days=FLAG_DAYS_AGO - 1), time(9, 30), tzinfo=local_zone()
                    )
                    PledgeFlag.objects.filter(pk=planted.pk).update(reviewed_at=reviewed)
                    confirmed = 1
        total = PledgeFlag.objects.filter(pledge__node__path__startswith=county.path).count()
        self.stdout.write(f"承诺不实: {len(raised)} raised now, {confirmed} confirmed now, {total} in all.")
