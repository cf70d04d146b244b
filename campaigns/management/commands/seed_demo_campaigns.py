"""Demo campaigns for the demo county 安平县: this year's 安全生产月 (ended, its activities reported by
most townships, its report task submitted), the running 冬春大排查 (launched; its midpoint report
task past its deadline) and an 打非治违 whose task asks for the 四个一律 and the fines.

Runs after seed_demo (and seed_demo_hazards). Three steps, in this order (bin/run):

    manage.py seed_demo_campaigns              # the campaigns, their activities, tasks and reports
    manage.py seed_demo_campaign_inspections   # inspections app: field work in June and this winter
    manage.py seed_demo_campaigns --reports    # the 安全生产月's 总结, the townships' winter reports

The 总结 and the winter reports come last because they are drafted and pre-filled from the
inspections, which the inspections app writes (a domain app imports another only through its
selectors). Each part is written once: a campaign that exists, a summarised 安全生产月, or a winter
task with submissions, is left alone.

Every change goes through the campaigns services (audit, targets and notices are real). The dates
follow today: the 冬春大排查 is the season that started at least WINTER_MIN_AGE days ago, so its
midpoint deadline has passed. The services stamp "now" on what they record (launch, end, reports):
those stamps are moved back to the demo's dates afterwards with queryset updates (`_backdate`), the
only direct writes, and only on the rows this command created.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from campaigns import activities, reports, services
from campaigns import summary as campaign_summary
from campaigns.models import (
    Activity,
    ActivityAssignment,
    Campaign,
    ReportTask,
    ReportVersion,
    Summary,
    Target,
    UnitReport,
)
from safetyops.evidence.demo import photo
from safetyops.orgs.management.commands.seed_demo import COUNTY_CODE, DEMO_PASSWORD
from safetyops.orgs.models import Membership, Node, Role, Sector, User
from safetyops.orgs.services import user_create_with_membership

SEED = 20261125
WINTER_MIN_AGE = timedelta(days=18)  # a season is shown once its 11·30 report is past (a late one too)
Kind = Campaign.Kind


@dataclass(frozen=True)
class Official:
    username: str
    full_name: str
    unit: str
    phone: str


# seed_demo logs in officials for the first three townships; these are the other five, so that
# every township can report its own part (the unit's officials report for it).
OFFICIALS = {
    "西山镇": Official("official4", "黄璟", "西山镇应急管理办公室", "13905790114"),
    "青石镇": Official("official5", "蒋文斌", "青石镇安监站", "13905790115"),
    "河口镇": Official("official6", "施雪芬", "河口镇应急管理办公室", "13905790116"),
    "城南街道": Official("official7", "俞俊杰", "城南街道应急管理办公室", "13905790117"),
    "桃源乡": Official("official8", "毛建明", "桃源乡安监站", "13905790118"),
}


@dataclass(frozen=True)
class Calendar:
    """The demo's dates, from today."""

    today: date
    month_year: int  # the last June that is over
    winter_year: int  # the 冬春 season starting on 11·15 of this year

    @classmethod
    def of(cls, today: date) -> Calendar:
        month_year = today.year if today > date(today.year, 6, 30) else today.year - 1
        ref = today - WINTER_MIN_AGE
        winter_year = ref.year if ref >= date(ref.year, 11, 15) else ref.year - 1
        return cls(today=today, month_year=month_year, winter_year=winter_year)

    @property
    def winter_midpoint(self) -> date:
        return date(self.winter_year, 11, 30)


def at(day: date, hour: int = 10) -> datetime:
    """`hour` o'clock of `day`, local time."""
    return timezone.make_aware(datetime.combine(day, time(hour)))


def _backdate(rows: QuerySet[Any], **stamps: Any) -> None:
    """Direct write, on purpose: the services stamp "now" on launch, end and reports (and time_machine
    is a test dependency only), so the seed moves the stamps of its own rows back to the demo's dates."""
    rows.update(**stamps)


# 安全生产月 --------------------------------------------------------------------------------------------

MONTH_THEME = "人人讲安全、个个会应急——查找身边安全隐患"
# (kind, title, day of June)
MONTH_ACTIVITIES = (
    (Activity.Kind.LAUNCH, "“安全生产月”活动动员部署暨启动仪式", 1),
    (Activity.Kind.PUBLICITY, "新闻宣传和事故隐患曝光", 5),
    (Activity.Kind.LECTURE, "“主要负责人讲安全”主题宣讲", 10),
    (Activity.Kind.TRAINING, "企业主要负责人和安全管理人员专题培训", 12),
    (Activity.Kind.CONSULTATION_DAY, "“安全宣传咨询日”集中宣传活动", 16),
    (Activity.Kind.ONLINE, "网上安全月：安全生产知识网络答题", 18),
    (Activity.Kind.DRILL, "“人人讲安全、个个会应急”应急演练", 20),
    (Activity.Kind.WARNING, "事故案例警示教育", 24),
)
PHOTO_COLOURS = ("#2f5d8a", "#3a6b4f", "#7a5a2f", "#5b4a7a")
PLACES = ("镇政府会议室", "文化广场", "便民服务中心", "工业园区会议中心", "中心小学操场", "社区服务中心")
SUMMARIES = {
    Activity.Kind.LAUNCH: "召开安全生产月动员部署会，{town}主要领导作动员讲话，各村（社区）和重点企业负责人参加，"
    "部署查找身边安全隐患工作。",
    Activity.Kind.PUBLICITY: "通过微信公众号、村村响广播和宣传栏发布安全提示，曝光典型隐患问题，{town}累计发布信息"
    "二十余条。",
    Activity.Kind.LECTURE: "组织辖区重点企业主要负责人开展“讲安全”宣讲，结合本企业风险讲隐患、讲责任、讲措施。",
    Activity.Kind.TRAINING: "邀请县应急管理局专家授课，围绕有限空间、动火作业和隐患排查开展专题培训，现场闭卷测试。",
    Activity.Kind.CONSULTATION_DAY: "在{place}设立咨询台，发放宣传资料，现场解答群众安全生产、防灾减灾和燃气安全问题。",
    Activity.Kind.ONLINE: "组织企业员工和干部群众参加安全生产知识网络答题，{town}参与率位居全县前列。",
    Activity.Kind.DRILL: "联合消防救援站在{place}开展火灾疏散和初期火灾扑救演练，检验应急预案，查找处置短板。",
    Activity.Kind.WARNING: "组织观看事故警示教育片，通报近期省内典型事故案例，引导企业举一反三、查找身边隐患。",
}
MONTH_FIGURES = (
    {"key": "free_1", "label": "开展宣传活动", "unit": "场"},
    {"key": "trained"},
    {"key": "free_2", "label": "参与群众", "unit": "人次"},
    {"key": "inspected_enterprises"},
    {"key": "hazards_found"},
)


# 冬春大排查 ------------------------------------------------------------------------------------------

WINTER_FIGURES = (
    {"key": "targets"},
    {"key": "targets_inspected"},
    {"key": "coverage"},
    {"key": "inspections"},
    {"key": "hazards_found"},
    {"key": "hazards_major"},
    {"key": "hazards_closed"},
    {"key": "rectification_rate"},
    {"key": "hazards_overdue"},
)
# How each township handles the midpoint report (by township name); the others report on time.
WINTER_LATE = "西山镇"  # submits two days after the deadline (迟报)
WINTER_RETURNED = "河口镇"  # submits a figure that differs from the records; the county returns it
WINTER_MISSING = "桃源乡"  # has not reported, the deadline has passed (未报)


# 打非治违 --------------------------------------------------------------------------------------------

CRACKDOWN_SECTORS = ("non-coal-mine", "fireworks", "hazchem", "construction", "fire-crowded")
CRACKDOWN_FIGURES = (
    {"key": "closed_down"},
    {"key": "max_penalty"},
    {"key": "suspended"},
    {"key": "prosecuted"},
    {"key": "fines"},
)
# (关闭取缔, 上限处罚, 停产整顿, 追究法律责任, 罚款万元) by township; all zero: a 零报告.
CRACKDOWN_RESULTS = {
    "东城镇": (2, 1, 3, 1, "18.5"),
    "城关街道": (0, 0, 0, 0, "0"),
    "安平经济开发区": (1, 2, 4, 0, "32.0"),
    "西山镇": (3, 0, 1, 2, "6.8"),
    "青石镇": (1, 1, 2, 0, "9.2"),
    "河口镇": (0, 1, 1, 0, "5.0"),
    "城南街道": (0, 0, 0, 0, "0"),
    "桃源乡": (1, 0, 0, 0, "1.5"),
}


def campaign_plans(calendar: Calendar) -> dict[str, tuple[dict[str, Any], dict[str, Any]]]:
    """The three campaigns by kind: the fields for campaign_create and those of its task_create."""
    month, winter = calendar.month_year, calendar.winter_year
    return {
        Kind.SAFETY_MONTH: (
            {
                "year": month,
                "name": f"安平县{month}年“安全生产月”活动",
                "theme": MONTH_THEME,
                "description": "各乡镇（街道）、开发区要围绕活动主题，组织开展启动仪式、宣传咨询日、主题宣讲、"
                "应急演练等活动，对较大以上风险企业开展一次隐患排查，6月28日前报送活动总结和统计表。",
                "starts_on": date(month, 6, 1),
                "ends_on": date(month, 6, 30),
                "goal_coverage": 80,
                "scope_risk_levels": ["significant", "major"],
            },
            {
                "title": "“安全生产月”活动总结及统计表",
                "deadline": date(month, 6, 28),
                "figures": MONTH_FIGURES,
                "instructions": "请于6月28日前报送活动开展情况总结及统计数据。",
            },
        ),
        Kind.WINTER_SPRING: (
            {
                "year": winter,
                "name": f"安平县{winter}—{winter + 1}年冬春安全生产大排查大整治",
                "theme": "全覆盖、零容忍、严执法、重实效",
                "description": "聚焦较大以上风险企业，坚持全覆盖检查、零容忍整治，各乡镇（街道）、开发区11月底前报送"
                "阶段性排查整治情况。",
                "starts_on": date(winter, 11, 15),
                "ends_on": date(winter + 1, 2, 28),
                "goal_coverage": 100,
                "scope_risk_levels": ["significant", "major"],
            },
            {
                "title": "冬春大排查阶段性排查整治情况（11月底前）",
                "deadline": calendar.winter_midpoint,
                "figures": WINTER_FIGURES,
                "instructions": "请于11月30日前报送本辖区目标企业检查覆盖和隐患整改情况；"
                "数据与系统统计不一致的须说明原因。",
            },
        ),
        Kind.ILLEGAL_CRACKDOWN: (
            {
                "year": winter,
                "name": f"安平县{winter}年安全生产“打非治违”专项行动",
                "theme": "四个一律：关闭取缔、上限处罚、停产整顿、追究法律责任",
                "description": "严厉打击非法违法生产经营建设行为，对非法违法行为一律依法关闭取缔、上限处罚、停产整顿、"
                "追究法律责任。",
                "starts_on": date(winter, 4, 1),
                "ends_on": date(winter, 12, 31),
                "scope_sectors": list(Sector.objects.filter(code__in=CRACKDOWN_SECTORS)),
            },
            {
                "title": "“打非治违”工作成果统计（11月底前）",
                "deadline": date(winter, 11, 30),
                "figures": CRACKDOWN_FIGURES,
                "instructions": "请如实填报“四个一律”执法成果和罚款金额；没有的填0，作零报告。",
            },
        ),
    }


def _summarise_safety_month(admin: User, campaign: Campaign, on: date) -> None:
    """The ended 安全生产月's 总结: drafted from the records, with the county's own closing words,
    and published; the `reports` worker renders its PDF (bin/run starts one after the seeds)."""
    summary = campaign_summary.summary_draft(actor=admin, campaign_id=campaign.pk)
    text = summary.text.replace(
        "（请结合存在问题填写下步工作打算。）",
        "巩固安全生产月成果，把宣传教育和隐患排查融入日常工作，推动企业主要负责人履职尽责。",
    )
    campaign_summary.summary_save(actor=admin, campaign_id=campaign.pk, text=text)
    campaign_summary.summary_publish(actor=admin, campaign_id=campaign.pk)
    _backdate(Campaign.objects.filter(pk=campaign.pk), summarised_at=at(on, 10))
    _backdate(Summary.objects.filter(campaign=campaign), published_at=at(on, 10))


class Command(BaseCommand):
    help = "Create the demo campaigns (安全生产月, 冬春大排查, 打非治违) of the demo county. Idempotent."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--reports",
            action="store_true",
            help="submit the townships' winter reports (after seed_demo_campaign_inspections)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        county = Node.objects.filter(code=COUNTY_CODE).first()
        if county is None:
            self.stdout.write("Run seed_demo first.")
            return
        seed = DemoCampaigns(county, Calendar.of(timezone.localdate()))
        with transaction.atomic():
            lines = seed.month_summary() + seed.winter_reports() if options["reports"] else seed.campaigns()
        for line in lines:
            self.stdout.write(line)


class DemoCampaigns:
    def __init__(self, county: Node, calendar: Calendar) -> None:
        self.county = county
        self.calendar = calendar
        self.rng = random.Random(SEED)
        self.admin = User.objects.get(membership__role=Role.COUNTY_ADMIN, membership__node=county)
        self.towns = list(Node.objects.filter(parent=county).order_by("sort_order", "code"))

    # Who reports for each township --------------------------------------------------------------------

    def officials(self) -> dict[int, User]:
        """One official per township: seed_demo's, or one of OFFICIALS, created once."""
        found: dict[int, User] = {}
        memberships = Membership.objects.filter(role=Role.TOWNSHIP_OFFICIAL, node__parent=self.county)
        for membership in memberships.select_related("user").order_by("user_id"):
            if membership.node_id is not None:
                found.setdefault(membership.node_id, membership.user)
        for town in self.towns:
            spec = OFFICIALS.get(town.name)
            if town.pk in found or spec is None:
                continue
            found[town.pk] = user_create_with_membership(
                username=spec.username,
                password=DEMO_PASSWORD,
                full_name=spec.full_name,
                role=Role.TOWNSHIP_OFFICIAL,
                node=town,
                unit=spec.unit,
                title="安监员",
                phone=spec.phone,
                email=f"{spec.username}@anping.example",
            )
        return found

    def _existing(self, kind: str, year: int) -> Campaign | None:
        return Campaign.objects.filter(node=self.county, kind=kind, year=year).first()

    # The campaigns --------------------------------------------------------------------------------------

    def campaigns(self) -> list[str]:
        officials = self.officials()
        lines = []
        builders: dict[str, Callable[[Campaign, dict[int, User]], Campaign]] = {
            Kind.SAFETY_MONTH: self.safety_month,
            Kind.WINTER_SPRING: self.winter,
            Kind.ILLEGAL_CRACKDOWN: self.crackdown,
        }
        for kind, (fields, task) in campaign_plans(self.calendar).items():
            existing = self._existing(kind, fields["year"])
            if existing is not None:
                lines.append(f"Demo campaign {existing.name} already exists: nothing changed.")
                continue
            campaign = services.campaign_create(actor=self.admin, node=self.county, kind=kind, **fields)
            # Its report task, for every township (planned in the draft: the townships hear at launch).
            reports.task_create(actor=self.admin, campaign_id=campaign.pk, units=self.towns, **task)
            campaign = builders[kind](campaign, officials)
            lines.append(f"Created the demo campaign {campaign.name} ({campaign.get_status_display()}).")
        logins = [
            f"  {user.username:<10} {DEMO_PASSWORD}  {user.full_name}（{town.name}）"
            for town in self.towns
            if (user := officials.get(town.pk)) is not None
            and user.username in {o.username for o in OFFICIALS.values()}
        ]
        return lines + (["Township officials who report for the campaigns:", *logins] if logins else [])

    def _launch(self, campaign: Campaign, on: date) -> Campaign:
        campaign = services.campaign_launch(actor=self.admin, campaign_id=campaign.pk)
        _backdate(Campaign.objects.filter(pk=campaign.pk), launched_at=at(on, 9))
        _backdate(Target.objects.filter(campaign=campaign), added_at=at(on, 9))
        return campaign

    def _end(self, campaign: Campaign, on: date) -> Campaign:
        campaign = services.campaign_end(actor=self.admin, campaign_id=campaign.pk)
        _backdate(Campaign.objects.filter(pk=campaign.pk), ended_at=at(on, 17))
        return campaign

    def safety_month(self, campaign: Campaign, officials: dict[int, User]) -> Campaign:
        year, start, end = campaign.year, campaign.starts_on, campaign.ends_on
        for kind, title, day in MONTH_ACTIVITIES:
            activities.activity_create(
                actor=self.admin,
                campaign_id=campaign.pk,
                kind=kind,
                title=title,
                units=self.towns,
                planned_on=date(year, 6, day),
                due_on=min(date(year, 6, day + 5), end),
                description=f"各承办单位于{day + 5 if day + 5 <= 30 else 30}日前报送开展情况、参加人数和现场照片。",
            )
        campaign = self._launch(campaign, start - timedelta(days=3))
        self._report_activities(campaign, officials)
        # Its reports (whose figures are pre-filled from the inspections in June) and its 总结, drafted
        # from the records, wait for the inspections: the --reports step.
        return self._end(campaign, end + timedelta(days=1))

    def _month_reports(self, campaign: Campaign, officials: dict[int, User]) -> None:
        year, task = campaign.year, campaign.tasks.get()
        for town in self.towns:
            official = officials.get(town.pk)
            if official is None:
                continue
            report = UnitReport.objects.get(task=task, node=town)
            typed = {
                "free_1": str(self.rng.randint(6, 18)),
                "trained": str(self.rng.randint(120, 900)),
                "free_2": str(self.rng.randint(800, 6000)),
            }
            self._submit(
                report,
                official,
                date(year, 6, self.rng.randint(24, 28)),
                typed,
                f"{town.name}围绕“{MONTH_THEME}”主题，组织开展启动仪式、宣传咨询、主题宣讲、应急演练和警示教育等"
                "活动，发动企业和群众查找身边安全隐患，活动取得实效。",
            )

    def _report_activities(self, campaign: Campaign, officials: dict[int, User]) -> None:
        assignments = ActivityAssignment.objects.filter(activity__campaign=campaign).select_related("activity", "area")
        cameras = random.Random(SEED + 1)  # its own draws: the photos do not change the reports
        for assignment in assignments.order_by("activity__planned_on", "area__sort_order", "pk"):
            official = officials.get(assignment.area_id)
            if official is None or self.rng.random() < 0.15:  # most townships report, not all
                continue
            planned = assignment.activity.planned_on or campaign.starts_on
            held_on = min(planned + timedelta(days=self.rng.choice((0, 0, 1, 2))), campaign.ends_on)
            place = self.rng.choice(PLACES)
            reported_on = min(held_on + timedelta(days=self.rng.randint(0, 3)), campaign.ends_on)
            activities.activity_report(
                actor=official,
                assignment_id=assignment.pk,
                held_on=held_on,
                place=f"{assignment.area.name}{place}",
                summary=SUMMARIES[Activity.Kind(assignment.activity.kind)].format(
                    town=assignment.area.name, place=place
                ),
                participants=self.rng.randint(40, 600),
                photos=self._activity_photos(assignment, cameras),
                today=reported_on,
            )
            _backdate(ActivityAssignment.objects.filter(pk=assignment.pk), reported_at=at(reported_on, 16))

    @staticmethod
    def _activity_photos(assignment: ActivityAssignment, rng: random.Random) -> list[Any]:
        """Site photos for about a third of the reports, one or two each."""
        if rng.random() >= 0.35:
            return []
        kind = Activity.Kind(assignment.activity.kind)
        label = f"{assignment.area.name}·{kind.label}"
        return [
            photo(label, rng.choice(PHOTO_COLOURS), rng, name=f"{kind.value}-{number}")
            for number in range(1, rng.randint(1, 2) + 1)
        ]

    def winter(self, campaign: Campaign, officials: dict[int, User]) -> Campaign:
        return self._launch(campaign, campaign.starts_on)

    def crackdown(self, campaign: Campaign, officials: dict[int, User]) -> Campaign:
        year, start, end = campaign.year, campaign.starts_on, campaign.ends_on
        task = campaign.tasks.get()
        campaign = self._launch(campaign, start)
        for town in self.towns:
            official = officials.get(town.pk)
            result = CRACKDOWN_RESULTS.get(town.name)
            if official is None or result is None:
                continue
            values = {item["key"]: str(value) for item, value in zip(CRACKDOWN_FIGURES, result, strict=True)}
            zero = all(Decimal(v) == 0 for v in values.values())
            text = (
                f"{town.name}本阶段未发现非法违法生产经营建设行为，作零报告。"
                if zero
                else f"{town.name}联合相关部门开展“打非治违”集中行动，对非法违法行为依法从严查处。"
            )
            self._submit(
                UnitReport.objects.get(task=task, node=town),
                official,
                date(year, 11, self.rng.randint(25, 30)),
                values,
                text,
            )
        if end < self.calendar.today:
            campaign = self._end(campaign, end + timedelta(days=1))
        return campaign

    # Reports --------------------------------------------------------------------------------------------

    def _submit(
        self,
        report: UnitReport,
        official: User,
        day: date,
        typed: dict[str, str],
        text: str,
        notes: dict[str, str] | None = None,
    ) -> ReportVersion:
        """Submit the report on `day`: the records' figures as pre-filled, `typed` for the others."""
        values = {
            figure.key: typed.get(figure.key, str(figure.value if figure.value is not None else 0))
            for figure in reports.report_prefill(report)
        }
        version = reports.report_submit(
            actor=official, report_id=report.pk, values=values, notes=notes, text=text, today=day
        )
        _backdate(ReportVersion.objects.filter(pk=version.pk), submitted_at=at(day, 15))
        return version

    def month_summary(self) -> list[str]:
        """The ended 安全生产月's township reports and its 总结, once: both from the records of the
        inspections in June."""
        campaign = self._existing(Kind.SAFETY_MONTH, self.calendar.month_year)
        if campaign is None or campaign.status != Campaign.Status.ENDED:
            return []
        if not ReportVersion.objects.filter(report__task__campaign=campaign).exists():
            self._month_reports(campaign, self.officials())
        _summarise_safety_month(self.admin, campaign, campaign.ends_on + timedelta(days=5))
        return [f"Summarised {campaign.name} and published its 总结."]

    def winter_reports(self) -> list[str]:
        campaign = self._existing(Kind.WINTER_SPRING, self.calendar.winter_year)
        if campaign is None:
            return ["Run seed_demo_campaigns first."]
        task = ReportTask.objects.filter(campaign=campaign).order_by("deadline", "pk").first()
        if task is None or ReportVersion.objects.filter(report__task=task).exists():
            return ["Demo winter reports already exist: nothing changed."]
        officials = self.officials()
        deadline = task.deadline
        submitted = 0
        for report in (
            UnitReport.objects.filter(task=task).select_related("task", "area", "node").order_by("area__path")
        ):
            town = report.area
            official = officials.get(town.pk)
            if official is None or town.name == WINTER_MISSING:
                continue
            text = f"{town.name}对辖区较大以上风险企业开展拉网式排查，发现的隐患已逐一建立台账、限期整改。"
            if town.name == WINTER_LATE:
                self._submit(report, official, deadline + timedelta(days=2), {}, text)
            elif town.name == WINTER_RETURNED:
                prefill = {f.key: f.value for f in reports.report_prefill(report)}
                found = int(prefill.get("hazards_found") or 0)
                self._submit(
                    report,
                    official,
                    deadline - timedelta(days=1),
                    {"hazards_found": str(found + 2)},
                    text,
                    notes={"hazards_found": "含村（社区）网格员巡查发现的隐患"},
                )
                reports.report_return(
                    actor=self.admin,
                    report_id=report.pk,
                    reason="发现隐患数与隐患台账不一致：网格员巡查发现的隐患请先登记入台账，再据实重报。",
                )
            else:
                self._submit(report, official, deadline - timedelta(days=self.rng.randint(0, 3)), {}, text)
            submitted += 1
        return [f"Submitted {submitted} township reports of {task.title} ({campaign.name})."]
