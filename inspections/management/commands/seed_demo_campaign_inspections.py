"""Field work in the demo county's campaigns of seed_demo_campaigns: in the newest running one (the
冬春大排查) each township's official inspects a share of its targets within the campaign's period,
filed under the campaign, and registers what was found (some hazards fixed on the spot, the others
open). The share differs per township so that the campaign's ranking has something to rank; no
township is done. In the ended 安全生产月 most targets were inspected in June, most hazards fixed on
the spot; the few left open were not rectified by their deadline.

Runs after seed_demo_campaigns and before `seed_demo_campaigns --reports` (whose winter figures are
pre-filled from these records, and which drafts the 安全生产月's 总结 from them); idempotent: a
campaign that has inspections filed under it is left alone. Every step goes through
inspections.services; afterwards the hazards' registration dates (and the 安全生产月's open ones'
deadlines) are moved back to their inspection's day (the only direct write, as in seed_demo_hazards).
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from campaigns.selectors import CampaignKind, campaign_target_enterprise_ids, campaigns_active_for, campaigns_of_kind
from inspections import services
from inspections.dates import needs_backdate_reason
from inspections.management.commands.seed_demo_hazards import DESCRIPTIONS, fitting, sector_codes, sector_of
from inspections.models import ChecklistResult, Hazard, HazardEvent, Inspection
from inspections.selectors import checklist_items_for
from inspections.tally import rebuild_tallies
from safetyops.evidence.demo import photo
from safetyops.orgs.management.commands.seed_demo import COUNTY_CODE
from safetyops.orgs.models import Enterprise, Membership, Node, Role, User

SEED = 20261126


@dataclass(frozen=True)
class FieldWork:
    """How a campaign's targets were inspected."""

    shares: tuple[float, ...]  # the share of its targets each township (in sort order) has inspected
    hazard_rate: float  # inspections that find a hazard
    fixed_on_spot: float  # of those, fixed on the spot (closed); the others are open with a deadline
    overdue: bool = False  # an open hazard's deadline has passed (the campaign is over)


# The running 冬春大排查, so far.
WINTER = FieldWork(shares=(0.8, 0.6, 0.7, 0.45, 0.55, 0.3, 0.65, 0.2), hazard_rate=0.6, fixed_on_spot=0.4)
# The 安全生产月, over: most targets seen in June, most hazards fixed there and then.
MONTH = FieldWork(
    shares=(0.92, 0.85, 0.88, 0.72, 0.8, 0.75, 0.9, 0.66), hazard_rate=0.35, fixed_on_spot=0.8, overdue=True
)


def _day_at(day: date, hour: int) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, 30)))


class Command(BaseCommand):
    help = "Inspect part of the demo county's campaigns' targets, with hazards. Idempotent."

    def handle(self, *args: Any, **options: Any) -> None:
        county = Node.objects.filter(code=COUNTY_CODE).first()
        if county is None:
            self.stdout.write("Run seed_demo first.")
            return
        admin = User.objects.get(membership__role=Role.COUNTY_ADMIN, membership__node=county)
        # The newest active campaign, as 安排检查 offers it: the 冬春大排查 of seed_demo_campaigns.
        winter = campaigns_active_for(user=admin).filter(node=county).first()
        if winter is None:
            self.stdout.write("Run seed_demo_campaigns first.")
            return
        # The last June that is over: its 安全生产月, ended and not yet summarised.
        today = timezone.localdate()
        month_year = today.year if today > date(today.year, 6, 30) else today.year - 1
        month = campaigns_of_kind(node=county, kind=CampaignKind.SAFETY_MONTH, year=month_year).first()
        for campaign, work in ((month, MONTH), (winter, WINTER)):
            if campaign is None:
                continue
            if Inspection.objects.filter(campaign_id=campaign.pk).exists():
                self.stdout.write(f"Demo inspections of {campaign.name} already exist: nothing changed.")
                continue
            with transaction.atomic():
                inspections, hazards = self._seed(county, admin, campaign, work)
                rebuild_tallies()  # the registration dates were moved with queryset updates
            self.stdout.write(f"Inspected {inspections} targets of {campaign.name}, {hazards} hazards found.")

    def _seed(self, county: Node, admin: User, campaign: Any, work: FieldWork) -> tuple[int, int]:
        # Drawn from the campaign's kind and year, not its id: the same demo whatever ids the
        # database hands out (a test run's sequences move with the tests before it).
        rng = random.Random(f"{SEED}:{campaign.kind}:{campaign.year}")
        towns = list(Node.objects.filter(parent=county).order_by("sort_order", "code"))
        officials = {town.pk: admin for town in towns}
        for membership in Membership.objects.filter(role=Role.TOWNSHIP_OFFICIAL, node__parent=county).order_by(
            "-user_id"
        ):
            if membership.node_id is not None:
                officials[membership.node_id] = membership.user
        targets = list(
            Enterprise.objects.filter(pk__in=campaign_target_enterprise_ids(campaign=campaign))
            .select_related("node")
            .prefetch_related("sectors__parent")
            .order_by("pk")
        )
        today = timezone.localdate()
        last_day = min(campaign.ends_on, today - timedelta(days=1))
        days = max((last_day - campaign.starts_on).days, 0)
        inspected = found = 0
        for index, town in enumerate(towns):
            mine = [e for e in targets if e.node.path.startswith(town.path)]
            rng.shuffle(mine)
            share = work.shares[index % len(work.shares)]
            # At least one inspected and one left wherever there are two targets or more.
            count = min(max(round(len(mine) * share), 1), len(mine) - 1) if len(mine) > 1 else len(mine)
            for enterprise in mine[:count]:
                day = campaign.starts_on + timedelta(days=rng.randint(0, days))
                when = _day_at(day, rng.randint(8, 16))
                found += self._inspect(enterprise, officials[town.pk], campaign, when, rng, work)
                inspected += 1
        return inspected, found

    def _inspect(
        self,
        enterprise: Enterprise,
        official: User,
        campaign: Any,
        when: datetime,
        rng: random.Random,
        work: FieldWork,
    ) -> int:
        """One inspection, signed; returns the number of hazards registered (0 or 1)."""
        inspection = services.inspection_create(
            actor=official,
            enterprise_id=enterprise.pk,
            kind=Inspection.Kind.SPECIAL,
            inspectors=[],
            campaign_id=campaign.pk,
            inspected_at=when,
            backdate_reason="纸质检查记录补录" if needs_backdate_reason(when) else "",
        )
        finding = (
            rng.choice(fitting(DESCRIPTIONS, sector_codes(enterprise))) if rng.random() < work.hazard_rate else None
        )
        items = list(checklist_items_for(enterprise=enterprise)[:4])
        for position, item in enumerate(items):
            failed = finding is not None and position == 0
            services.inspection_record_result(
                actor=official,
                inspection_id=inspection.pk,
                item_id=item.pk,
                result=ChecklistResult.Result.FAIL if failed else ChecklistResult.Result.PASS,
            )
        if finding is not None:
            fixed = rng.random() < work.fixed_on_spot
            hazard = services.hazard_register(
                actor=official,
                enterprise_id=enterprise.pk,
                inspection=inspection,
                data=services.HazardInput(
                    level=Hazard.Level.GENERAL,
                    category=finding.category,
                    description=finding.description,
                    location=finding.location,
                    deadline=timezone.localdate() + timedelta(days=rng.choice((7, 15, 30))),
                    sector_id=sector_of(enterprise, finding),
                ),
                photos=[photo("整改前", "#8a3b2f", rng)],
                fixed_on_spot=fixed,
                after_photos=[photo("整改后", "#2f6b3a", rng)] if fixed else [],
            )
        services.inspection_submit_for_signing(
            actor=official,
            inspection_id=inspection.pk,
            findings=f"检查发现：{finding.description}。" if finding else "未发现明显事故隐患。",
            conclusion="责令限期整改。" if finding else "符合要求，继续落实企业主体责任。",
        )
        services.inspection_sign(
            actor=official,
            inspection_id=inspection.pk,
            typed_name=official.full_name or official.username,
            confirmed=True,
        )
        Inspection.objects.filter(pk=inspection.pk).update(locked_at=when + timedelta(hours=1))
        if finding is None:
            return 0
        # Registered (and, if fixed, closed) during the inspection, not when the seed ran.
        moved: dict[str, Any] = {"registered_at": when}
        if work.overdue and not fixed:
            moved["deadline"] = when.date() + timedelta(days=rng.choice((7, 15)))
        Hazard.objects.filter(pk=hazard.pk).tally_update(**moved)
        Hazard.objects.filter(pk=hazard.pk, closed_at__isnull=False).update(closed_at=when + timedelta(minutes=40))
        for step, event in enumerate(HazardEvent.objects.filter(hazard=hazard).order_by("pk")):
            HazardEvent.objects.filter(pk=event.pk).update(created_at=when + timedelta(minutes=20 * (step + 1)))
        return 1
