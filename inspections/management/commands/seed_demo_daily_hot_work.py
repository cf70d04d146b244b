"""The inspections part of the demo daily 承诺公告 (accountability's seed_demo_daily_pledges, see
its docstring for the order): the township's official finds 动火作业 at the demo chemical plant
(login ent2) FLAG_DAYS_AGO days ago, the day its 承诺公告 said no 动火. Registered through the
service, its registration time moved back to that day (a direct write, on this one row only).
Idempotent: the hazard is registered once."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import Any

from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from inspections import services
from inspections.models import Hazard
from safetyops.orgs.management.commands.seed_demo import COUNTY_CODE
from safetyops.orgs.models import Enterprise, Node, Role, User
from safetyops.orgs.scope import path_and_above

FLAG_ENTERPRISE_LOGIN = "ent2"
FLAG_DAYS_AGO = 4  # the same day as accountability's seed_demo_daily_pledges
DESCRIPTION = "储罐区检修现场正在进行动火作业（电焊），未办理动火作业许可证，现场无监护人"


class Command(BaseCommand):
    help = "Register the demo's 动火 hazard that contradicts a daily 承诺公告 (idempotent)."

    def handle(self, *args: Any, **options: Any) -> None:
        county = Node.objects.filter(code=COUNTY_CODE).first()
        enterprise = (
            Enterprise.objects.filter(memberships__user__username=FLAG_ENTERPRISE_LOGIN).select_related("node").first()
        )
        if county is None or enterprise is None:
            self.stdout.write("Run seed_demo first.")
            return
        if Hazard.objects.filter(enterprise=enterprise, description=DESCRIPTION).exists():
            self.stdout.write("The demo 动火 hazard exists: nothing changed.")
            return
        official = (
            User.objects.filter(
                membership__role__in=(Role.TOWNSHIP_OFFICIAL, Role.COUNTY_ADMIN),
                membership__node__path__in=path_and_above(enterprise.node.path),
                is_active=True,
            )
            .order_by("-membership__node__path", "username")
            .first()
        )
        if official is None:
            self.stdout.write("No official for the demo plant: nothing changed.")
            return
        day = timezone.localdate() - timedelta(days=FLAG_DAYS_AGO)
        with transaction.atomic():
            hazard = services.hazard_register(
                actor=official,
                enterprise_id=enterprise.pk,
                data=services.HazardInput(
                    level=Hazard.Level.GENERAL,
                    category=Hazard.Category.BEHAVIOUR,
                    description=DESCRIPTION,
                    location="储罐区",
                    deadline=timezone.localdate() + timedelta(days=3),
                ),
            )
            registered = datetime.combine(day, time(14, 20), tzinfo=timezone.get_current_timezone())
            Hazard.objects.filter(pk=hazard.pk).tally_update(registered_at=registered)
        self.stdout.write(f"Registered the demo 动火 hazard {hazard.number} at {enterprise.name} on {day}.")
