"""Demo 生产安全事故 for the demo county 安平县: this year's (timezone.localdate().year) and last year's.

This year: 东城镇 工矿商贸 1 death (closed: reply recorded, all four 四不放过 done); 安平经济开发区
two 工矿商贸 accidents of 1 death each; 河口镇 工矿商贸 1 death, 2 serious injuries and 1200万元 of
direct loss, 较大 by the loss alone (investigating; the enterprise and 河口镇 found responsible);
西山镇 生产经营性道路交通 1 death reported 95 minutes late (迟报), forwarded by the county; 城南街道
火灾 with 1 minor injury. Last year: 西山镇 two 较大 accidents (3 deaths each, 工矿商贸 and 建筑施工),
closed, with 西山镇 responsible in both (the yearly assessment's 一票否决); 青石镇 one 较大 where only
the enterprise is responsible.

Runs after seed_demo_letters (bin/run). Idempotent: does nothing when any accident exists. Every
change goes through accountability.accidents.services (numbers, levels, 迟报, follow-ups, audit and
notices are real); the stamps the services set to "now" (registration, closure, follow-ups done,
the audit entries) are then moved back to the demo's dates with queryset updates, the only direct
writes.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from accountability.accidents import services
from accountability.models import Accident, AccidentCategory, AccidentFollowUp
from safetyops.core.models import AuditEvent
from safetyops.evidence.demo import photo
from safetyops.orgs.management.commands.seed_demo import COUNTY_CODE
from safetyops.orgs.models import Enterprise, Node, Sector, User

SEED = 20261204
C = AccidentCategory


def at(day: date, hour: int = 10, minute: int = 0) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


def _pdf(name: str) -> SimpleUploadedFile:
    body = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
    return SimpleUploadedFile(name, body, content_type="application/pdf")


@dataclass
class Plan:
    township: str
    title: str
    day: date
    category: str
    deaths: int = 0
    serious: int = 0
    minor: int = 0
    loss: str = "0"
    late_minutes: int = 25
    place: str = ""  # no enterprise: a road or a public place
    sector: tuple[str, ...] = ("machinery", "light-industry", "textile", "building-materials", "industry-trade")
    end: str = "registered"  # registered, forwarded, investigating, closed
    responsible_node: bool = False
    responsible_enterprise: bool = True
    notes: dict[str, str] = field(default_factory=dict)


class Command(BaseCommand):
    help = "Create the demo accidents of this year and last year in the demo county. Idempotent."

    def handle(self, *args: Any, **options: Any) -> None:
        county = Node.objects.filter(code=COUNTY_CODE).first()
        if county is None:
            self.stdout.write("Run seed_demo first.")
            return
        if Accident.objects.exists():
            self.stdout.write("Accidents exist: nothing to do.")
            return
        admin = User.objects.filter(username="admin").first()
        if admin is None:
            self.stdout.write("Run seed_demo first (no admin).")
            return
        self.rng = random.Random(SEED)
        self.county, self.admin = county, admin
        self.used: set[int] = set()
        today = timezone.localdate()
        with transaction.atomic():
            for plan in self._plans(today):
                accident = self._one(plan, today)
                self.stdout.write(f"{accident.number} {accident.title} {accident.get_level_display()}")

    def _plans(self, today: date) -> list[Plan]:
        year = today.year
        start = date(year, 1, 1)
        span = max((today - start).days - 20, 7)

        def day(fraction: float) -> date:
            return min(start + timedelta(days=int(span * fraction)), today - timedelta(days=1))

        last = date(year - 1, 1, 1)
        return [
            Plan("东城镇", "机械伤害事故", day(0.10), C.INDUSTRIAL, deaths=1, loss="150", end="closed"),
            Plan("安平经济开发区", "物体打击事故", day(0.25), C.INDUSTRIAL, deaths=1, loss="120", end="investigating"),
            Plan("安平经济开发区", "起重伤害事故", day(0.55), C.INDUSTRIAL, deaths=1, loss="180", end="forwarded"),
            Plan(
                "河口镇", "火灾爆炸事故", day(0.70), C.INDUSTRIAL, deaths=1, serious=2, loss="1200",
                end="investigating", responsible_node=True, sector=("hazchem",),
            ),
            Plan(
                "西山镇", "货车侧翻道路交通事故", day(0.80), C.ROAD, deaths=1, loss="35", late_minutes=95,
                place="G235国道西山镇岙口段", end="forwarded", responsible_enterprise=False,
            ),
            Plan(
                "城南街道", "商铺火灾事故", day(0.90), C.FIRE, minor=1, loss="8.5", place="城南街道淼泉路12号沿街商铺",
                responsible_enterprise=False,
            ),
            # Last year: closed.
            Plan(
                "西山镇", "中毒窒息事故", last + timedelta(days=95), C.INDUSTRIAL, deaths=3, loss="420", end="closed",
                responsible_node=True, sector=("confined-space", "light-industry", "machinery", "textile"),
            ),
            Plan(
                "西山镇", "脚手架坍塌事故", last + timedelta(days=230), C.CONSTRUCTION, deaths=3, serious=1, loss="560",
                end="closed", responsible_node=True, sector=("construction",),
            ),
            Plan(
                "青石镇", "粉尘爆炸事故", last + timedelta(days=180), C.INDUSTRIAL, deaths=3, loss="900", end="closed",
                sector=("dust-explosion", "machinery", "light-industry", "textile"),
            ),
        ]  # fmt: skip

    def _enterprise(self, township: Node, sectors: tuple[str, ...]) -> Enterprise | None:
        """The first operating enterprise of the township in the first of `sectors` it has."""
        qs = Enterprise.objects.filter(node__path__startswith=township.path, status=Enterprise.Status.OPERATING)
        for code in sectors:
            picked = qs.filter(sectors__code=code).exclude(pk__in=self.used).order_by("pk").first()
            if picked is not None:
                self.used.add(picked.pk)
                return picked
        return qs.exclude(sectors__code="construction").order_by("pk").first() or qs.order_by("pk").first()

    def _registrar(self, township: Node) -> User:
        official = (
            User.objects.filter(membership__node=township, membership__role="township_official", is_active=True)
            .order_by("pk")
            .first()
        )
        return official or self.admin

    def _one(self, plan: Plan, today: date) -> Accident:
        township = Node.objects.get(parent=self.county, name=plan.township)
        enterprise = None if plan.place else self._enterprise(township, plan.sector)
        occurred = at(plan.day, self.rng.randint(7, 17), self.rng.choice((5, 20, 35, 50)))
        reported = occurred + timedelta(minutes=plan.late_minutes)
        name = enterprise.name if enterprise else plan.place
        sector = (enterprise.sectors.order_by("pk").first() if enterprise else None) or (
            Sector.objects.filter(code="road-transport").first() if plan.category == C.ROAD else None
        )
        actor = self._registrar(township)
        short = f"{plan.day.month}·{plan.day.day}"
        people = f"死亡{plan.deaths}人" + (f"，重伤{plan.serious}人" if plan.serious else "")
        people += f"，轻伤{plan.minor}人" if plan.minor else ""
        draft = services.accident_draft_save(
            actor=actor,
            title=f"{name}“{short}”{plan.title}",
            occurred_at=occurred,
            reported_at=reported,
            enterprise=enterprise,
            node=None if enterprise else township,
            place=plan.place or name,
            category=plan.category,
            sector=sector,
            deaths=plan.deaths,
            serious_injuries=plan.serious,
            minor_injuries=plan.minor,
            missing=0,
            direct_loss=Decimal(plan.loss),
            unit_overview=(
                f"{name}，主要负责人{enterprise.principal_name or '王堃'}。"
                if enterprise
                else f"{plan.place}，属{township.name}辖区。"
            ),
            scene=f"{occurred:%Y年%m月%d日%H时%M分}，{plan.place or name}，现场已设置警戒。",
            account=f"作业过程中发生{plan.title.replace('事故', '')}，造成人员伤亡。",
            casualties_note=f"{people}，初步估计直接经济损失{plan.loss}万元。",
            measures="已组织救援，伤者送医救治，现场封闭，相关作业全部停止。",
            other="无。",
        )
        # Registered soon after the report (the registry is filled from the phone call).
        registered = reported + timedelta(minutes=20)
        accident = services.accident_register(actor=actor, accident=draft)
        Accident.objects.filter(pk=accident.pk).update(registered_at=registered)
        AccidentFollowUp.objects.filter(accident=accident).update(due_on=plan.day + timedelta(days=60))
        when: dict[str, datetime] = {"drafted": reported + timedelta(minutes=5), "registered": registered}
        admin = self.admin
        if plan.end in ("forwarded", "investigating", "closed"):
            forwarded_at = registered + timedelta(minutes=self.rng.choice((15, 50, 80)))
            services.accident_forward(actor=admin, accident=accident, forwarded_at=forwarded_at)
            when["forwarded"] = forwarded_at
        if plan.end in ("investigating", "closed"):
            group_day = min(plan.day + timedelta(days=2), today)
            group = "县人民政府事故调查组：组长县政府副县长赵国平，成员县应急管理局、公安局、总工会、住建局等"
            services.accident_investigation_start(actor=admin, accident=accident, group=group, started_on=group_day)
            when["investigation_started"] = at(group_day, 9)
            when["responsibility_added"] = at(group_day, 16)
            if enterprise is not None and plan.responsible_enterprise:
                services.accident_responsibility_add(
                    actor=admin,
                    accident=accident,
                    unit=enterprise,
                    finding="未落实安全生产主体责任，对事故发生负有责任。",
                )
            if plan.responsible_node:
                services.accident_responsibility_add(
                    actor=admin,
                    accident=accident,
                    unit=township,
                    finding=f"{township.name}人民政府履行属地安全监管职责不到位，对事故发生负有属地管理责任。",
                )
        if plan.end == "closed":
            report_day = min(plan.day + timedelta(days=40), today)
            services.accident_report_submit(
                actor=admin, accident=accident, report=_pdf("事故调查报告.pdf"), submitted_on=report_day
            )
            reply_day = min(report_day + timedelta(days=10), today)
            services.accident_reply(
                actor=admin,
                accident=accident,
                replied_on=reply_day,
                reference=f"安政复〔{plan.day.year}〕{self.rng.randint(3, 40)}号",
            )
            done_at = at(min(reply_day + timedelta(days=20), today), 15)
            for item in accident.follow_ups.order_by("pk"):
                services.accident_follow_up_done(
                    actor=admin,
                    follow_up=item,
                    note=f"{item.get_item_display()}：已落实，整改材料存档。",
                    files=[photo(item.get_item_display()[:6], "#3b6e8f", self.rng, name=f"followup{item.pk}")],
                )
            AccidentFollowUp.objects.filter(accident=accident).update(done_at=done_at)
            accident = services.accident_close(actor=admin, accident=accident)
            Accident.objects.filter(pk=accident.pk).update(closed_at=done_at + timedelta(hours=1))
            when.update(report_submitted=at(report_day, 11), replied=at(reply_day, 11), follow_up_done=done_at)
            when["closed"] = done_at + timedelta(hours=1)
        # The audit trail in order, at the demo's dates (its entries were written "now").
        events = list(
            AuditEvent.objects.filter(
                target_type=ContentType.objects.get_for_model(Accident), target_id=str(accident.pk)
            ).order_by("pk")
        )
        for index, event in enumerate(events):
            moment = when.get(event.action.rsplit(".", 1)[-1], registered) + timedelta(seconds=index)
            AuditEvent.objects.filter(pk=event.pk).update(created_at=moment)
        return Accident.objects.get(pk=accident.pk)
