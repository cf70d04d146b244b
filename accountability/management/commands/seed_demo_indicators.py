"""Demo control indicators: the county's own limits for this year, then the warnings they call for.

The demo county issues 目标责任书 to its townships (seed_demo_letters) but receives none itself, so
its limits are the county admin's (IndicatorLimit), taken from the letters' COUNTY_ITEMS: 工矿商贸
事故6起、死亡5人, 较大及以上0起, 道路交通死亡3人, 火灾死亡2人. Run after the letters and accidents
seeds; idempotent (the service changes nothing the second time, the warnings are claimed once).
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from accountability.indicators import usage, warnings
from accountability.indicators.services import indicator_limits_set
from accountability.management.commands.seed_demo_letters import COUNTY_ITEMS
from safetyops.orgs.management.commands.seed_demo import COUNTY_CODE
from safetyops.orgs.models import Node, Role, User


class Command(BaseCommand):
    help = "Set the demo county's control indicators for this year and send the warnings due. Idempotent."

    def handle(self, *args: Any, **options: Any) -> None:
        county = Node.objects.filter(code=COUNTY_CODE).first()
        if county is None:
            self.stdout.write("Run seed_demo first.")
            return
        admin = User.objects.get(membership__role=Role.COUNTY_ADMIN, membership__node=county)
        year = timezone.localdate().year
        values = {item["key"]: str(item["value"]) for item in COUNTY_ITEMS if item["key"] in usage.CONTROL_KEYS}
        with transaction.atomic():
            changes = indicator_limits_set(actor=admin, node=county, year=year, values=values)
        told = warnings.check(warnings.nodes_with_limits(year), year)
        found = usage.usage_for([county], year)[county.pk]
        self.stdout.write(f"{county.name} {year}: {len(changes)} limits set, {told} warnings sent")
        for item in found:
            self.stdout.write(f"  {item.label}: {item.used}/{item.limit} {item.percent_shown} ({item.state})")
