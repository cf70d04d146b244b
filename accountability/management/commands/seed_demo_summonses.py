"""Demo 约谈/督办 in the demo county, through the services (idempotent; run after seed_demo,
seed_demo_hazards and the accident seed):

- the county's 安委办 (the county admin) held a 约谈 with 河口镇人民政府 six days ago about its 较大
  accident (or, with no accident of 河口镇, about its hazards at 督办 / overdue): two commitments,
  one reported done by the town's official, one due in 5 days; the written report still due;
- a 督办 of an enterprise with an overdue hazard at 挂牌督办 or 督办, held ten days ago, its
  written report submitted by the enterprise's user and waiting for the county's review.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from accountability.models import Accident, AccidentLevel, Summons
from accountability.summons import services
from accountability.summons.selectors import reason_options
from inspections.ports import SummonsHazardFact, summons_hazard_facts
from safetyops.orgs.management.commands.seed_demo import COUNTY_CODE
from safetyops.orgs.models import Enterprise, Membership, Node, Role, User

TOWN = "河口镇"
PLACE = "县应急管理局三楼会议室"


class Command(BaseCommand):
    help = "Demo 约谈/督办: the county's 约谈 of 河口镇 and a 督办 of an enterprise (idempotent)."

    def handle(self, *args: Any, **options: Any) -> None:
        county = Node.objects.filter(code=COUNTY_CODE).first()
        if county is None:
            self.stdout.write("Run seed_demo first.")
            return
        admin = User.objects.filter(membership__role=Role.COUNTY_ADMIN, membership__node=county).first()
        if admin is None:
            self.stdout.write("No county admin: run seed_demo first.")
            return
        with transaction.atomic():
            lines = [self._town(county, admin), self._enterprise(county, admin)]
        for line in lines:
            self.stdout.write(line)

    def _town(self, county: Node, admin: User) -> str:
        town = Node.objects.filter(parent=county, name=TOWN).first()
        if town is None:
            return f"No {TOWN} in the demo county: no 约谈 seeded."
        if Summons.objects.filter(issuer=county, node=town, kind=Summons.Kind.SUMMONS).exists():
            return f"Demo 约谈 of {TOWN} already exists: nothing changed."
        options = reason_options(admin, town)
        accidents = [o for o in options if o.record == "accident"]
        larger = set(
            Accident.objects.filter(pk__in=[o.pk for o in accidents], level=AccidentLevel.LARGER).values_list(
                "pk", flat=True
            )
        )
        chosen = [o for o in accidents if o.pk in larger][:1] or accidents[:1]
        about = "较大事故" if chosen and chosen[0].pk in larger else "事故"
        if not chosen:
            chosen = [o for o in options if o.group == "supervised"][:3] or [
                o for o in options if o.group == "overdue"
            ][:3]
            about = "督办、逾期隐患"
        if not chosen:
            return f"{TOWN} has no accident or hazard at 督办 / overdue: no 约谈 seeded."
        today = timezone.localdate()
        held_on = today - timedelta(days=6)
        summons = services.summons_create(
            actor=admin,
            unit=town,
            kind=Summons.Kind.SUMMONS,
            held_on=held_on,
            place=PLACE,
            summoned_by="县安委办主任 陈建国，县应急管理局副局长 刘波",
            attendees=f"{TOWN}镇长 叶红军，分管副镇长 周立新，{TOWN}应急管理办公室 施雪芬",
            reasons=[(o.record, o.pk) for o in chosen],
            summary=f"就{TOWN}发生的{about}，约谈{TOWN}人民政府主要负责人。",
            minutes=(
                f"{TOWN}镇长叶红军汇报了事故（隐患）基本情况、原因分析和吸取的教训，表示立即开展全镇安全生产"
                "大排查，落实属地管理责任。约谈人指出镇政府对辖区企业监管不到位、隐患整改跟踪不力，要求在"
                "规定期限内书面报告整改落实情况。"
            ),
            commitments=[
                (held_on + timedelta(days=3), "召开全镇安全生产专题会议，传达约谈要求"),
                (today + timedelta(days=5), "完成辖区同类企业隐患排查并建立整改台账"),
            ],
        )
        official = User.objects.filter(
            is_active=True, membership__role=Role.TOWNSHIP_OFFICIAL, membership__node=town
        ).first()
        first = summons.commitments.order_by("due_on").first()
        if official is not None and first is not None:
            services.summons_commitment_done(
                actor=official, commitment=first, note="已于次日召开专题会议，各村（社区）和重点企业参加。"
            )
        return (
            f"Created the county's 约谈 of {TOWN}人民政府 about {len(chosen)} {about} record(s), "
            f"held {held_on}, report due {summons.report_due_on}."
        )

    def _enterprise(self, county: Node, admin: User) -> str:
        if Summons.objects.filter(
            issuer=county, enterprise__isnull=False, kind=Summons.Kind.SUPERVISION, created_by=admin
        ).exists():
            return "Demo 督办 of an enterprise already exists: nothing changed."
        found = summons_hazard_facts(node_path=county.path)
        with_users = set(
            Membership.objects.filter(
                role=Role.ENTERPRISE_USER, user__is_active=True, enterprise_id__in={f.enterprise_id for f in found}
            ).values_list("enterprise_id", flat=True)
        )
        found = [f for f in found if f.enterprise_id in with_users]
        # An overdue hazard at 挂牌督办, else at 督办 (the reminder scan's mark), else at 挂牌督办, else overdue.
        preferences = (
            lambda f: f.overdue and f.listed,
            lambda f: f.overdue and f.supervised,
            lambda f: f.listed,
            lambda f: f.overdue,
        )
        fact = next((f for wanted in preferences for f in found if wanted(f)), None)
        if fact is None:
            return "No hazard at 挂牌督办 / 督办 or overdue of an enterprise with a user: no 督办 seeded."
        enterprise = Enterprise.objects.get(pk=fact.enterprise_id)
        today = timezone.localdate()
        held_on = today - timedelta(days=10)
        summons = services.summons_create(
            actor=admin,
            unit=enterprise,
            kind=Summons.Kind.SUPERVISION,
            held_on=held_on,
            place=PLACE,
            summoned_by="县安委办主任 陈建国",
            attendees=f"{enterprise.name}主要负责人 {enterprise.principal_name or '—'}，安全管理负责人",
            reasons=[("hazard", fact.pk)],
            summary=_summary(fact),
            minutes="企业主要负责人说明了隐患未按期整改的原因（资金、施工队伍未落实），承诺限期完成整改。",
            commitments=[(held_on + timedelta(days=7), "落实整改资金和施工单位")],
        )
        user = User.objects.filter(
            is_active=True, membership__role=Role.ENTERPRISE_USER, membership__enterprise=enterprise
        ).first()
        assert user is not None
        first = summons.commitments.first()
        if first is not None:
            services.summons_commitment_done(actor=user, commitment=first, note="整改资金已到位，施工单位已进场。")
        services.summons_report(
            actor=user,
            summons=summons,
            text=(
                "一、存在的问题：隐患整改资金和施工队伍未及时落实，导致逾期。\n"
                "二、整改措施：主要负责人牵头，落实整改资金，施工单位已进场，预计两周内完成。\n"
                "三、落实情况：已完成临时防护措施，安排专人每日巡查。"
            ),
        )
        return (
            f"Created the county's 督办 of {enterprise.name} about {fact.number} ({_summary(fact)}): "
            "report submitted, waiting for review."
        )


def _summary(fact: SummonsHazardFact) -> str:
    mark = "挂牌督办" if fact.listed else "督办" if fact.supervised else ""
    late = f"逾期{fact.days_overdue}天仍未整改" if fact.overdue else "整改尚未完成"
    return f"隐患{fact.number}{mark}后{late}。" if mark else f"隐患{fact.number}{late}。"
