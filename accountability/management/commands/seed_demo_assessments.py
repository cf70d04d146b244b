"""Demo yearly assessments (年度考核) for the demo county 安平县: last year's round of every township,
scored and final (the demo letters are this year's, so last year's sheets use the county's default
items), with 西山镇 vetoed by the accident seed's two 较大 accidents it bears responsibility for;
and this year's round open (drafts scored from the data so far), so the county sees where the year
stands. Runs after seed_demo_letters and the accident seed (bin/run). Idempotent: a sheet that
exists is left alone, a final one is never touched again.
    manage.py seed_demo_assessments
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from accountability.assessments import services
from accountability.models import Assessment, AssessmentItem
from safetyops.orgs.management.commands.seed_demo import COUNTY_CODE
from safetyops.orgs.models import Node, Role, User

# A hand score for the rows the data cannot score: (share of the weight, the note).
MANUAL_NOTE = "查阅培训台账、活动记录和佐证材料，按完成情况评分"
MANUAL_SHARE = "0.9"


class Command(BaseCommand):
    help = "Seed last year's final assessment of the demo townships (one vetoed) and open this year's (idempotent)."

    def handle(self, *args: Any, **options: Any) -> None:
        county = Node.objects.filter(code=COUNTY_CODE).first()
        admin = (
            User.objects.filter(membership__role=Role.COUNTY_ADMIN, membership__node=county).order_by("pk").first()
            if county
            else None
        )
        if county is None or admin is None:
            self.stdout.write("Run seed_demo first.")
            return
        this_year = timezone.localdate().year
        last_year = this_year - 1
        with transaction.atomic():
            created_last = services.assessment_round_open(actor=admin, year=last_year)
            finalised = 0
            for assessment in Assessment.objects.filter(year=last_year, assessor=county, status="draft"):
                for row in assessment.rows.filter(source=AssessmentItem.Source.MANUAL, score__isnull=True):
                    score = (row.weight * Decimal(MANUAL_SHARE)).quantize(Decimal("0.01"))
                    services.assessment_item_score(actor=admin, item=row, score=str(score), note=MANUAL_NOTE)
                services.assessment_finalise(
                    actor=admin, assessment=assessment, remarks="年度考核结果经县安委会研究确定。"
                )
                finalised += 1
            created_this = services.assessment_round_open(actor=admin, year=this_year)
        last = Assessment.objects.filter(year=last_year, assessor=county).order_by("-score")
        vetoed = [a.unit_name for a in last if a.vetoed]
        self.stdout.write(
            f"Assessments: {last_year} {len(created_last)} sheets created, {finalised} finalised "
            f"({', '.join(f'{a.unit_name} {a.score} {a.get_grade_display()}' for a in last)}); "
            f"vetoed: {', '.join(vetoed) or 'none'}; {this_year} {len(created_this)} draft sheets opened."
        )
        if not vetoed:
            self.stdout.write("  (no veto: run the accident seed first for 西山镇's two 较大 accidents)")
