"""Demo inspections and hazards for the demo county: every lifecycle state, some overdue, some
重大 under 挂牌督办, with before/after photos. Runs after seed_demo; idempotent.

Every step goes through inspections.services (as the real users would). Afterwards the dates are
moved back in time so that the demo has history and overdue hazards: that date shift is the only
direct write, and only demo data is touched.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from typing import Any

from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from inspections import services
from inspections.models import ChecklistResult, Hazard, HazardEvent, Inspection
from inspections.selectors import checklist_items_for
from inspections.tally import rebuild_tallies
from safetyops.evidence.demo import photo
from safetyops.orgs.management.commands.seed_demo import COUNTY_CODE, DEMO_PASSWORD
from safetyops.orgs.models import Enterprise, Membership, Node, Role, User

SEED = 20261124


@dataclass(frozen=True)
class Finding:
    """A demo hazard: what was found, where, and which sectors it belongs to (None: any enterprise)."""

    sectors: frozenset[str] | None
    category: str
    description: str
    location: str


def _findings(*rows: tuple[tuple[str, ...] | None, str, str, str]) -> tuple[Finding, ...]:
    return tuple(Finding(frozenset(codes) if codes else None, *rest) for codes, *rest in rows)


# A hazard is drawn only from the findings of its enterprise's sectors (and their parents: a 机械
# enterprise is also 工贸) or from those that fit any enterprise.
DESCRIPTIONS = _findings(
    (None, "thing", "配电箱箱门未关闭，内部线路裸露", "一楼配电房"),
    (None, "thing", "灭火器压力不足，已过有效期", "东侧通道"),
    (None, "thing", "安全出口被杂物堵塞", "一楼安全出口"),
    (None, "management", "应急预案未按规定组织演练", "安全管理部"),
    (("industry-trade",), "thing", "砂轮机防护罩缺失", "机加工车间"),
    (("industry-trade",), "behaviour", "叉车司机无证驾驶", "装卸区"),
    (("industry-trade",), "management", "特种作业人员操作证过期", "电工班组"),
    (("industry-trade",), "thing", "员工宿舍设在生产厂房内（三合一）", "厂房二楼"),
    (("dust-explosion",), "thing", "除尘器泄爆口朝向人员通道", "抛光车间除尘器"),
    (("confined-space",), "management", "有限空间未建立管理台账，无警示标志", "污水处理池"),
    (("catering-gas", "urban-gas"), "thing", "燃气软管老化开裂，长度超过2米", "后厨灶台"),
    (("construction",), "behaviour", "作业人员高处作业未系安全带", "三号楼脚手架"),
    (("construction",), "thing", "施工现场临边、洞口未设置防护栏杆", "二号楼楼梯口"),
    (("hazchem", "gas-station"), "thing", "可燃气体报警仪未按期检定", "储罐区"),
    (("fire-crowded", "entertainment", "commerce"), "thing", "疏散指示标志损坏，应急照明不亮", "二楼走廊"),
    (("special-equipment",), "management", "起重机械超期未检验", "行车"),
    (("ammonia-refrigeration", "cold-storage"), "thing", "氨制冷机房未设置氨气浓度报警装置", "制冷机房"),
)
MAJOR = _findings(
    (("dust-explosion",), "thing", "干式除尘系统未采取泄爆、惰化、抑爆任一种措施", "抛光车间"),
    (("dust-explosion",), "thing", "粉尘爆炸危险场所设置在非框架结构多层建筑内", "打磨车间二层"),
    (("confined-space",), "management", "未落实有限空间作业审批，未执行先通风再检测后作业", "发酵罐区"),
    (("industry-trade",), "management", "特种作业人员未按照规定经专门的安全作业培训并取得相应资格", "电工班组"),
    (("hazchem",), "thing", "涉及“两重点一重大”的生产装置未实现自动化控制", "反应车间"),
    (("construction",), "thing", "高大模板支撑体系未按专项施工方案搭设", "二号楼模板支撑区"),
)


def fitting(findings: tuple[Finding, ...], sector_codes: set[str]) -> list[Finding]:
    """The findings that fit an enterprise of these sectors (codes with their parents')."""
    return [f for f in findings if f.sectors is None or f.sectors & sector_codes]


def sector_of(enterprise: Enterprise, finding: Finding) -> int | None:
    """The enterprise's sector the finding belongs to; None for a finding of any enterprise."""
    for sector in enterprise.sectors.all():
        if finding.sectors and {sector.code, sector.parent.code if sector.parent else ""} & finding.sectors:
            return sector.pk
    return None


def sector_codes(enterprise: Enterprise) -> set[str]:
    """The enterprise's sector codes and those of their parents (prefetch sectors__parent)."""
    codes = set()
    for sector in enterprise.sectors.all():
        codes.add(sector.code)
        if sector.parent is not None:
            codes.add(sector.parent.code)
    return codes


# (state, level, days ago registered, deadline offset from registration, overdue?)
PLAN = (
    [("closed", "general")] * 30
    + [("rectifying", "general")] * 26
    + [("registered", "general")] * 12
    + [("awaiting_verification", "general")] * 10
    + [("fixed", "general")] * 8
    + [("rectifying", "major")] * 5
    + [("plan_pending", "major")] * 3
    + [("registered", "major")] * 2
    + [("awaiting_verification", "major")] * 2
    + [("closed", "major")] * 2
)


class Command(BaseCommand):
    help = "Create demo inspections and hazards in every lifecycle state for the demo county. Idempotent."

    def handle(self, *args: Any, **options: Any) -> None:
        county = Node.objects.filter(code=COUNTY_CODE).first()
        if county is None:
            self.stdout.write("Run seed_demo first.")
            return
        if Hazard.objects.filter(node__path__startswith=county.path).exists():
            self.stdout.write("Demo hazards already exist: nothing changed.")
            return
        with transaction.atomic():
            count = self._seed(county)
            # The seed backdates hazards with queryset updates, which the tally's signals miss.
            rebuild_tallies()
        self.stdout.write(f"Created {count} demo hazards with their inspections and photos.")

    def _officials(self, county: Node) -> dict[int, User]:
        """The official who inspects in each township (the county admin where none is seeded)."""
        admin = User.objects.get(membership__role=Role.COUNTY_ADMIN, membership__node=county)
        by_town = {town.pk: admin for town in Node.objects.filter(parent=county)}
        for membership in Membership.objects.filter(role=Role.TOWNSHIP_OFFICIAL, node__parent=county):
            by_town[membership.node_id] = membership.user
        return by_town

    def _enterprise_user(self, enterprise: Enterprise, password: str) -> User:
        existing = User.objects.filter(membership__enterprise=enterprise).order_by("pk").first()
        if existing:
            return existing
        user = User.objects.create(
            username=f"e{enterprise.pk}",
            full_name=enterprise.safety_officer_name or enterprise.principal_name,
            password=password,
        )
        Membership.objects.create(user=user, role=Role.ENTERPRISE_USER, enterprise=enterprise, title="安全管理员")
        return user

    def _seed(self, county: Node) -> int:
        rng = random.Random(SEED)
        officials = self._officials(county)
        admin = User.objects.get(membership__role=Role.COUNTY_ADMIN, membership__node=county)
        password = make_password(DEMO_PASSWORD)
        towns = {town.path: town.pk for town in Node.objects.filter(parent=county)}
        enterprises = list(
            Enterprise.objects.filter(node__path__startswith=county.path, status=Enterprise.Status.OPERATING)
            .select_related("node")
            .prefetch_related("sectors__parent")
            .order_by("pk")
        )
        rng.shuffle(enterprises)
        # The demo enterprise logins (ent1, ent2 ...) get hazards first, so their pages are not empty.
        favourites = list(
            Enterprise.objects.filter(memberships__user__username__in=["ent1", "ent2", "ent3"]).prefetch_related(
                "sectors__parent"
            )
        )
        everyone = favourites + [e for e in enterprises if e not in favourites]
        enterprises = everyone[:60]
        # A 重大 hazard goes to an enterprise that has a 重大 finding of its own sectors.
        for_major = [e for e in everyone if fitting(MAJOR, sector_codes(e))]
        today = timezone.localdate()
        created = 0
        plan = list(PLAN)
        # The demo logins' enterprises (first in the list) each get an overdue hazard in 整改中, so
        # that their 我的隐患 and their reminder inbox have something to show on the first start.
        for index in range(len(favourites)):
            plan.insert(index, ("overdue", "general"))
        majors = 0
        for index, (state, level) in enumerate(plan):
            if level == "major":
                enterprise = for_major[majors % len(for_major)]
                majors += 1
            else:
                enterprise = enterprises[index % len(enterprises)]
            codes = sector_codes(enterprise)
            town_pk = next(pk for path, pk in towns.items() if enterprise.node.path.startswith(path))
            official = officials[town_pk]
            owner = self._enterprise_user(enterprise, password)
            finding = rng.choice(fitting(MAJOR if level == "major" else DESCRIPTIONS, codes))
            category, description, location = finding.category, finding.description, finding.location
            inspection = services.inspection_create(
                actor=official,
                enterprise_id=enterprise.pk,
                kind=rng.choice(["routine", "routine", "special", "unannounced", "joint"]),
                inspectors=[],
            )
            # The enterprise's own checklists: its sectors' items first, then those for every enterprise.
            applicable = list(checklist_items_for(enterprise=enterprise))
            items = (
                [i for i in applicable if i.template.sector_id] + [i for i in applicable if not i.template.sector_id]
            )[:6]
            for item in items:
                result = ChecklistResult.Result.FAIL if item == items[0] else ChecklistResult.Result.PASS
                services.inspection_record_result(
                    actor=official, inspection_id=inspection.pk, item_id=item.pk, result=result
                )
            hazard = services.hazard_register(
                actor=official,
                enterprise_id=enterprise.pk,
                inspection=inspection,
                data=services.HazardInput(
                    level=level,
                    category=category,
                    description=description,
                    location=location,
                    deadline=today + timedelta(days=30),
                    sector_id=sector_of(enterprise, finding),
                ),
                photos=[photo("整改前", "#8a3b2f", rng)],
                fixed_on_spot=state == "fixed",
                after_photos=[photo("整改后", "#2f6b3a", rng)] if state == "fixed" else [],
            )
            services.inspection_submit_for_signing(
                actor=official,
                inspection_id=inspection.pk,
                findings=f"检查发现：{description}。",
                conclusion="责令限期整改。",
            )
            services.inspection_sign(
                actor=official,
                inspection_id=inspection.pk,
                typed_name=official.full_name or official.username,
                confirmed=True,
            )
            self._advance(hazard, state, level, official, owner, admin, rng)
            self._backdate(hazard, inspection, state, rng, today)
            created += 1
        return created

    def _advance(
        self, hazard: Hazard, state: str, level: str, official: User, owner: User, admin: User, rng: random.Random
    ) -> None:
        if state in {"registered", "fixed"}:
            if state == "registered" and rng.random() < 0.3:
                services.hazard_request_extension(
                    actor=owner,
                    hazard_id=hazard.pk,
                    reason="整改所需设备需定制，到货周期较长",
                    requested_deadline=hazard.deadline + timedelta(days=20),
                )
            return
        plan = services.PlanInput(
            measures="立即停用相关设施，按标准更换、加装防护装置，完善管理制度并组织培训",
            responsible_name=owner.full_name or "企业负责人",
            responsible_post="安全管理员",
            responsible_phone="13800000000",
            funds=Decimal(rng.choice([2000, 5000, 12000, 30000])),
            deadline=hazard.deadline - timedelta(days=2),
            contingency="整改期间设置警戒区域和警示标志，安排专人监护，配备应急器材",
            situation="现场检查发现该处设施不符合标准要求，原因是日常维护和隐患排查不到位" if level == "major" else "",
            analysis="可能导致人员伤亡，需局部停产并定制设备，企业可自行整改，周期约一个月" if level == "major" else "",
            goal="彻底消除隐患，防止事故发生" if level == "major" else "",
            materials="资金已列入本年度安全投入计划" if level == "major" else "",
            organisation="成立整改小组，由主要负责人任组长" if level == "major" else "",
            requirements="按方案时限完成并申请验收" if level == "major" else "",
        )
        services.hazard_submit_plan(actor=owner, hazard_id=hazard.pk, plan=plan)
        if state == "plan_pending":
            return
        if level == "major":
            services.hazard_approve_plan(actor=official, hazard_id=hazard.pk, comment="同意该治理方案")
            services.hazard_list_supervision(actor=admin, hazard_id=hazard.pk, comment="县安委办挂牌督办")
        if state in {"rectifying", "overdue"}:
            if state == "rectifying" and rng.random() < 0.25:
                services.hazard_request_extension(
                    actor=owner,
                    hazard_id=hazard.pk,
                    reason="施工受天气影响",
                    requested_deadline=hazard.deadline + timedelta(days=15),
                )
            return
        services.hazard_report_completion(
            actor=owner,
            hazard_id=hazard.pk,
            description="已按方案完成整改",
            money_spent=plan.funds,
            after_photos=[photo("整改后", "#2f6b3a", rng)],
        )
        if state == "awaiting_verification":
            return
        if rng.random() < 0.2:
            services.hazard_reject_verification(actor=official, hazard_id=hazard.pk, reason="整改不彻底，请补充整改")
            services.hazard_report_completion(
                actor=owner,
                hazard_id=hazard.pk,
                description="已补充整改",
                money_spent=plan.funds,
                after_photos=[photo("复查", "#2f6b3a", rng)],
            )
        services.hazard_verify(actor=official, hazard_id=hazard.pk, opinion="经现场验收，整改到位，同意销号")

    def _backdate(self, hazard: Hazard, inspection: Inspection, state: str, rng: random.Random, today: Any) -> None:
        """Spread the demo over the last 120 days; a third of the open ones end up overdue."""
        days_ago = rng.randint(3, 120)
        shift = timedelta(days=days_ago)
        registered = timezone.now() - shift
        deadline = (registered + timedelta(days=rng.choice([7, 15, 30]))).date()
        if state == "overdue":
            deadline = today - timedelta(days=5)
            state = "rectifying"
        elif state in {"registered", "rectifying"} and rng.random() < 0.35:
            deadline = today - timedelta(days=rng.randint(1, 20))
        elif state in {"registered", "rectifying", "plan_pending", "awaiting_verification"} and deadline < today:
            deadline = today + timedelta(days=rng.randint(2, 25))
        if hazard.extensions.exists():
            deadline = Hazard.objects.get(pk=hazard.pk).deadline  # keep it consistent with the request
        Hazard.objects.filter(pk=hazard.pk).tally_update(registered_at=registered, deadline=deadline)
        if Hazard.objects.filter(pk=hazard.pk, listed_supervision=True).exists():
            Hazard.objects.filter(pk=hazard.pk).update(listed_at=registered + timedelta(days=3))
        if hazard.closed_at or state in {"closed", "fixed"}:
            closed = min(registered + timedelta(days=rng.randint(0, 20)), timezone.now())
            Hazard.objects.filter(pk=hazard.pk).update(closed_at=closed)
        events = list(HazardEvent.objects.filter(hazard=hazard).order_by("pk"))
        for step, event in enumerate(events):
            HazardEvent.objects.filter(pk=event.pk).update(
                created_at=min(registered + timedelta(days=step * 2, hours=step), timezone.now())
            )
        Inspection.objects.filter(pk=inspection.pk).update(inspected_at=registered, locked_at=registered)
