"""Demo 目标责任书 and 安全承诺书 for the demo county 安平县, this year's (timezone.localdate().year):

- the county's 目标责任书 to every township and four county departments, each township with its own
  limits; most signed by their 镇长 in the browser, 青石镇 on paper (a countersigned scan), 东城镇's
  revised in June (version 2) and signed again, 桃源乡's unsigned and overdue, and 交通运输局's
  added in the last days, waiting within its deadline;
- 东城镇 and 安平经济开发区 passing it down (source_letter) to their villages and their larger-risk
  enterprises, partly signed (the enterprises' 主要负责人 in the browser, the villages on paper);
- the 安全承诺书 of the running 冬春大排查 to its target enterprises, signed by about 60 %;
- the yearly 安全承诺书 of every 危化 enterprise, mostly signed.

Runs after seed_demo and seed_demo_campaigns (bin/run). Idempotent: each letter is written once,
found again by its node, year, kind and title. Every change goes through accountability.services
(versions, hashes, signatures, audit and notices are real). The services stamp "now": the stamps of
the rows this command created (issue, deadline, signing, revision) are then moved back to the
demo's dates with queryset updates (`_backdate`), the only direct writes; they leave every text
and hash as signed, so each signature still verifies. Enterprises that sign in the browser need
their 主要负责人's login: one is created (username p<id>, the demo password) where none exists.

The campaign is found through LetterTemplate.campaign's related model, not an import: domain apps
import each other only through a declared port (pyproject [tool.importlinter]).
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from accountability import services
from accountability.models import Letter, LetterTemplate, LetterVersion
from safetyops.evidence import signing
from safetyops.evidence.demo import photo
from safetyops.evidence.models import Signature
from safetyops.orgs.management.commands.seed_demo import (
    COUNTY_CODE,
    DEMO_PASSWORD,
    DEMO_USERNAMES,
    GIVEN_NAMES,
    PRINCIPAL_USERNAMES,
    SURNAMES,
)
from safetyops.orgs.models import Department, Enterprise, Membership, Node, Role, User

SEED = 20261203
Kind = LetterTemplate.Kind
BROWSER = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36"
PHONE = (
    "Mozilla/5.0 (Linux; Android 13; V2227A) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/116.0 Mobile Safari/537.36"
)

# The county's indicators (weights add up to 100): the limits are the county's whole year.
COUNTY_ITEMS: list[dict[str, Any]] = [
    {"key": "industrial_accidents", "value": 6, "weight": 20},
    {"key": "industrial_deaths", "value": 5, "weight": 20},
    {"key": "major_accidents", "value": 0, "weight": 20},
    {"key": "road_deaths", "value": 3, "weight": 10},
    {"key": "fire_deaths", "value": 2, "weight": 10},
    {"key": "rectification_rate", "value": 95, "weight": 10},
    {"key": "major_rectification_rate", "value": 100, "weight": 5},
    {"key": "campaign_reports_on_time", "value": 95, "weight": 5},
]
# Each township's share of the county's limits: (工矿商贸事故起数, 死亡人数, 道路, 火灾).
TOWNSHIP_LIMITS = {
    "东城镇": (3, 2, 1, 1),
    "城关街道": (1, 1, 1, 1),
    "安平经济开发区": (3, 3, 1, 1),
    "西山镇": (2, 1, 1, 1),
    "青石镇": (1, 1, 1, 1),
    "河口镇": (2, 2, 1, 1),
    "城南街道": (1, 1, 1, 1),
    "桃源乡": (1, 1, 1, 0),
}
# 东城镇's limit tightened in June (a 较大 risk enterprise moved in): version 2, signed again.
REVISED_TOWN = "东城镇"
REVISION_REASON = "县安委会年中调整：东城镇新增较大风险企业，工矿商贸事故控制指标调整为2起"
SCAN_TOWN = "青石镇"  # signed on paper at the county's 安全生产工作会议; the county uploads the scan
UNSIGNED_TOWN = "桃源乡"  # has not signed; its deadline is long past
COUNTY_DEPARTMENTS = ("安平县应急管理局", "安平县住房和城乡建设局", "安平县消防救援大队")
LATE_DEPARTMENT = "安平县交通运输局"  # addressed in the last days: waiting, within its deadline
CASCADE_TOWNS = ("东城镇", "安平经济开发区")  # pass the county's letter down to villages and enterprises

COUNTY_BODY = (
    (
        "为深入贯彻“安全第一、预防为主、综合治理”的方针，落实“党政同责、一岗双责、齐抓共管、失职追责”和"
        "“管行业必须管安全、管业务必须管安全、管生产经营必须管安全”的要求，县人民政府与责任单位签订本责任书。"
    )
    + """

# 主要职责
- 责任单位主要负责人是本单位安全生产第一责任人，对本辖区（本行业）安全生产工作全面负责
- 建立健全安全生产责任体系，定期研究部署安全生产工作，保障安全生产投入
- 组织开展隐患排查治理和专项整治，重大事故隐患实行挂牌督办、闭环销号
- 按时完成县安委会部署的专项行动，如实报送事故和统计信息，不迟报、漏报、谎报、瞒报"""
)
COUNTY_METHOD = "年终由县安委办组织考核，按各项分值计分；发生一起重大或两起较大生产安全事故的实行“一票否决”。"
TOWN_BODY = """根据县人民政府下达的安全生产目标责任书，{town}与责任单位签订本责任书，逐级压实安全生产责任。

# 主要职责
- 村（社区）落实属地管理责任，组织网格员开展日常巡查，发现隐患及时报告
- 企业落实安全生产主体责任，主要负责人是本单位安全生产第一责任人
- 建立全员安全生产责任制，开展隐患自查自改，按时报送检查和整改情况"""
TOWN_METHOD = "年终由{town}安委会组织考核，考核结果与评先评优挂钩。"
CAMPAIGN_BODY = """在{campaign}期间，本单位主要负责人郑重承诺：

- 严格落实安全生产主体责任，对本单位的安全生产工作全面负责
- 组织开展全员、全方位、全过程的隐患自查自改，做到隐患不消除不生产
- 严格动火、受限空间等危险作业审批，不违章指挥、不强令冒险作业
- 保证消防通道、安全出口畅通，不在员工宿舍、仓库违规住人和违规用电
- 如实报告隐患和事故，主动接受监管部门和乡镇（街道）的检查

如违反上述承诺，愿承担相应法律责任。"""
HAZCHEM_BODY = """本单位主要负责人郑重承诺：

- 依法取得并保持危险化学品相关许可，不超范围、超能力生产经营
- 每日开展安全风险研判，按时公告研判和承诺结果，不弄虚作假
- 重大危险源包保责任人履职到位，监测监控系统正常运行
- 特殊作业严格执行审批和现场监护制度
- 定期组织应急演练，确保应急物资和救援力量到位

如违反上述承诺，愿接受监管部门依法处理并公开曝光。"""


def at(day: date, hour: int = 10, minute: int = 0) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


def _backdate(rows: QuerySet[Any], **stamps: Any) -> None:
    """Direct write, on purpose: the services stamp "now" (and time_machine is a test dependency
    only), so the seed moves the stamps of its own rows back to the demo's dates. Texts and
    hashes are untouched: every signature still verifies."""
    rows.update(**stamps)


@dataclass(frozen=True)
class Calendar:
    """The demo's dates in this year, from today: the county issues at its 安全生产工作会议 (20
    February, or earlier in the year when it is still young), with a fortnight to sign."""

    today: date

    @property
    def year(self) -> int:
        return self.today.year

    @property
    def issued(self) -> date:
        return max(date(self.year, 1, 2), min(date(self.year, 2, 20), self.today - timedelta(days=60)))

    @property
    def due(self) -> date:
        return self.issued + timedelta(days=14)

    @property
    def revised(self) -> date:
        return max(self.due + timedelta(days=1), min(date(self.year, 6, 10), self.today - timedelta(days=10)))

    def sign_day(self, rng: random.Random, start: date, due: date) -> date:
        """A day between `start` and the deadline (never after today)."""
        last = max(start, min(due - timedelta(days=1), self.today))
        return start + timedelta(days=rng.randint(0, (last - start).days))


def _ip(rng: random.Random, public: bool) -> str:
    """A township's e-government network address, or an enterprise's broadband (浙江电信)."""
    if public:
        return f"{rng.choice((115, 183, 60))}.{rng.randint(160, 191)}.{rng.randint(1, 254)}.{rng.randint(2, 254)}"
    return f"10.33.{rng.randint(10, 80)}.{rng.randint(2, 254)}"


def _unit_key(membership: Membership) -> tuple[int | None, int | None, int | None]:
    """The unit a principal signs for, as a letter's (node, department, enterprise): a department
    head's membership names the county node too, but signs for the department."""
    if membership.enterprise_id:
        return (None, None, membership.enterprise_id)
    if membership.department_id:
        return (None, membership.department_id, None)
    return (membership.node_id, None, None)


class Command(BaseCommand):
    help = "Create the demo 目标责任书 and 安全承诺书 of this year in the demo county. Idempotent."

    def handle(self, *args: Any, **options: Any) -> None:
        county = Node.objects.filter(code=COUNTY_CODE).first()
        if county is None:
            self.stdout.write("Run seed_demo first.")
            return
        seed = DemoLetters(county, Calendar(timezone.localdate()))
        with transaction.atomic():
            lines = seed.run()
        for line in lines:
            self.stdout.write(line)


class DemoLetters:
    def __init__(self, county: Node, calendar: Calendar) -> None:
        self.county = county
        self.calendar = calendar
        self.year = calendar.year
        self.rng = random.Random(SEED)
        self.cameras = random.Random(SEED + 1)
        self.admin = User.objects.get(membership__role=Role.COUNTY_ADMIN, membership__node=county)
        self.towns = {town.name: town for town in Node.objects.filter(parent=county).order_by("sort_order", "code")}
        self._password: str | None = None

    def run(self) -> list[str]:
        lines: list[str] = []
        county_template = self._existing(self.county, Kind.RESPONSIBILITY, self._county_title)
        if county_template is None:
            county_template = self.county_letters()
            lines.append(f"Created {self._county_title}: {self._summary(county_template)}.")
        else:
            lines.append(f"Demo letter {self._county_title} already exists: nothing changed.")
        for town_name in CASCADE_TOWNS:
            town = self.towns.get(town_name)
            received = county_template.letters.filter(node=town).first() if town else None
            if town is None or received is None:
                continue
            title = f"{town.name}{self.year}年度安全生产目标责任书"
            if self._existing(town, Kind.RESPONSIBILITY, title) is not None:
                lines.append(f"Demo letter {title} already exists: nothing changed.")
                continue
            template = self.town_letters(town, received, title)
            lines.append(f"Created {title}: {self._summary(template)}.")
        lines += self.campaign_pledge()
        lines += self.hazchem_pledge()
        return lines + self._logins()

    # Finding what exists ------------------------------------------------------------------------------

    @property
    def _county_title(self) -> str:
        return f"安平县{self.year}年度安全生产目标责任书"

    def _existing(self, node: Node, kind: str, title: str) -> LetterTemplate | None:
        return LetterTemplate.objects.filter(node=node, year=self.year, kind=kind, title=title).first()

    @staticmethod
    def _summary(template: LetterTemplate) -> str:
        letters = template.letters.all()
        signed = letters.filter(status=Letter.Status.SIGNED).count()
        return f"{letters.count()} addressees, {signed} signed"

    def _official(self, town: Node) -> User:
        membership = (
            Membership.objects.filter(role=Role.TOWNSHIP_OFFICIAL, node=town).select_related("user").order_by("pk")
        ).first()
        return membership.user if membership else self.admin

    # Who signs --------------------------------------------------------------------------------------

    @staticmethod
    def _principal_of_unit(letter: Letter) -> User | None:
        """The login of the letter's addressee's principal, if the unit has one (镇长, 局长)."""
        memberships = Membership.objects.filter(is_principal=True).select_related("user")
        if letter.department is not None:
            found = memberships.filter(role=Role.DEPARTMENT_SUPERVISOR, department=letter.department).first()
        else:
            found = memberships.filter(node=letter.node).exclude(role=Role.ENTERPRISE_USER).first()
        return found.user if found else None

    def _enterprise_principal(self, enterprise: Enterprise) -> User:
        """The enterprise's 主要负责人's login: the existing one, or a new one with the demo password
        (hashed once: the hasher is slow on purpose)."""
        found = (
            Membership.objects.filter(role=Role.ENTERPRISE_USER, enterprise=enterprise)
            .filter(Q(is_principal=True) | Q(user__full_name=enterprise.principal_name))
            .select_related("user")
            .order_by("-is_principal", "pk")
            .first()
        )
        if found is not None:
            return found.user
        if self._password is None:
            self._password = make_password(DEMO_PASSWORD)
        user = User.objects.create(
            username=f"p{enterprise.pk}",
            full_name=enterprise.principal_name,
            phone=enterprise.principal_phone,
            password=self._password,
        )
        Membership.objects.create(
            user=user,
            role=Role.ENTERPRISE_USER,
            enterprise=enterprise,
            unit=enterprise.name[:64],
            title="主要负责人",
            is_principal=True,
        )
        return user

    def _sign(self, letter: Letter, signer: User, day: date, *, public: bool) -> None:
        signed = services.letter_sign(
            actor=signer,
            letter=letter,
            typed_name=signing.name_of(signer),
            confirmed=True,
            ip=_ip(self.rng, public),
            user_agent=self.rng.choice((BROWSER, PHONE)),
        )
        self._backdate_signature(signed, at(day, self.rng.randint(8, 17), self.rng.randint(0, 59)))

    def _countersign(self, letter: Letter, official: User, signed_name: str, day: date) -> None:
        scan = photo(
            f"{letter.unit_name}·签字页",
            self.cameras.choice(("#55606b", "#4f5b4a", "#5d5247")),
            self.cameras,
            name=f"签字扫描件-{letter.pk}",
        )
        signed = services.letter_countersign(
            actor=official, letter=letter, scan=scan, signed_name=signed_name, ip=_ip(self.rng, False)
        )
        self._backdate_signature(signed, at(day, self.rng.randint(9, 17), self.rng.randint(0, 59)))

    @staticmethod
    def _backdate_signature(letter: Letter, moment: datetime) -> None:
        assert letter.signature_id is not None
        _backdate(Signature.objects.filter(pk=letter.signature_id), signed_at=moment)
        _backdate(Letter.objects.filter(pk=letter.pk), signed_at=moment)

    @staticmethod
    def _backdate_issue(template: LetterTemplate, letters: QuerySet[Letter], day: date, due: date) -> None:
        moment = at(day, 9)
        _backdate(
            LetterTemplate.objects.filter(pk=template.pk), issued_at=moment, created_at=moment - timedelta(days=3)
        )
        _backdate(letters, issued_at=moment, due_on=due)
        _backdate(LetterVersion.objects.filter(letter__in=letters, number=1), created_at=moment)

    # The county's 目标责任书 -------------------------------------------------------------------------

    def county_letters(self) -> LetterTemplate:
        calendar = self.calendar
        template = services.template_create(
            actor=self.admin,
            kind=Kind.RESPONSIBILITY,
            year=self.year,
            title=self._county_title,
            body=COUNTY_BODY,
            items=COUNTY_ITEMS,
            assessment_method=COUNTY_METHOD,
            sign_within_days=14,
        )
        departments = list(Department.objects.filter(node=self.county, name__in=COUNTY_DEPARTMENTS))
        services.template_address(actor=self.admin, template=template, units=[*self.towns.values(), *departments])
        for name, town in self.towns.items():
            if (limits := TOWNSHIP_LIMITS.get(name)) is not None:
                letter = template.letters.get(node=town)
                services.letter_edit(actor=self.admin, letter=letter, items=self._limited(limits))
        services.template_issue(actor=self.admin, template=template)
        self._backdate_issue(template, template.letters.all(), calendar.issued, calendar.due)

        for letter in template.letters.select_related("node", "department").order_by("pk"):
            name = letter.unit_name
            day = calendar.sign_day(self.rng, calendar.issued + timedelta(days=1), calendar.due)
            if name == UNSIGNED_TOWN:
                continue
            if name == SCAN_TOWN:
                principal = self._principal_of_unit(letter)
                signed_name = principal.full_name if principal else f"{name}主要负责人"
                self._countersign(letter, self.admin, signed_name, calendar.issued)
                continue
            if (principal := self._principal_of_unit(letter)) is not None:
                self._sign(letter, principal, day, public=False)
        self._revise(template)

        # 交通运输局: addressed in the last days (道路运输 added to the county's letters), within its deadline.
        late = Department.objects.filter(node=self.county, name=LATE_DEPARTMENT).first()
        if late is not None:
            services.template_address(actor=self.admin, template=template, units=[late])
            services.template_issue(actor=self.admin, template=template)
        return template

    @staticmethod
    def _limited(limits: tuple[int, int, int, int]) -> list[dict[str, Any]]:
        accidents, deaths, road, fire = limits
        own = {"industrial_accidents": accidents, "industrial_deaths": deaths, "road_deaths": road, "fire_deaths": fire}
        return [{**item, "value": own.get(item["key"], item["value"])} for item in COUNTY_ITEMS]

    def _revise(self, template: LetterTemplate) -> None:
        town = self.towns.get(REVISED_TOWN)
        letter = template.letters.filter(node=town, status=Letter.Status.SIGNED).first() if town else None
        if letter is None:
            return
        items = [
            {**item, "value": 2 if item["key"] == "industrial_accidents" else item["value"]} for item in letter.items
        ]
        revised = services.letter_revise(actor=self.admin, letter=letter, reason=REVISION_REASON, items=items)
        assert revised.current_version is not None
        _backdate(LetterVersion.objects.filter(pk=revised.current_version.pk), created_at=at(self.calendar.revised, 9))
        principal = self._principal_of_unit(revised)
        if principal is not None:
            self._sign(revised, principal, self.calendar.revised + timedelta(days=2), public=False)

    # A township passes it down ---------------------------------------------------------------------

    def town_letters(self, town: Node, received: Letter, title: str) -> LetterTemplate:
        official = self._official(town)
        start = max(self.calendar.due, (received.signed_at.date() if received.signed_at else self.calendar.due))
        start = min(start + timedelta(days=7), self.calendar.today - timedelta(days=20))
        template = services.template_create(
            actor=official,
            kind=Kind.RESPONSIBILITY,
            year=self.year,
            title=title,
            body=TOWN_BODY.format(town=town.name),
            items=received.items,
            assessment_method=TOWN_METHOD.format(town=town.name),
            source_letter=received,
            sign_within_days=15,
        )
        villages = list(Node.objects.filter(parent=town).order_by("sort_order", "code"))
        enterprises = list(
            Enterprise.objects.filter(node__path__startswith=town.path, status=Enterprise.Status.OPERATING)
            .filter(
                Q(risk_level__in=[Enterprise.RiskLevel.SIGNIFICANT, Enterprise.RiskLevel.MAJOR])
                | Q(memberships__role=Role.ENTERPRISE_USER, memberships__is_principal=True)
            )
            .distinct()
            .order_by("name")
        )
        services.template_address(actor=official, template=template, units=[*villages, *enterprises])
        services.template_issue(actor=official, template=template)
        due = start + timedelta(days=15)
        self._backdate_issue(template, template.letters.all(), start, due)
        letters = list(template.letters.select_related("node", "enterprise").order_by("pk"))
        for letter in letters:
            if letter.node is not None and self.rng.random() < 0.7:
                # The villages' heads sign on paper at the township's meeting; the township uploads the scans.
                head = self.rng.choice(SURNAMES) + self.rng.choice(GIVEN_NAMES)
                self._countersign(letter, official, head, start)
        companies = [letter for letter in letters if letter.enterprise is not None]
        self._enterprises_sign(companies, official, start + timedelta(days=1), due, share=0.6)
        return template

    def _enterprises_sign(self, letters: list[Letter], issuer: User, start: date, due: date, *, share: float) -> None:
        """`share` of the enterprises' letters signed (an exact count, so the demo's rates do not
        drift with the draws), one in seven of them on paper (the issuer's official uploads the
        scan). The demo logins' enterprises (ent1-ent3) are left to sign: their letters wait for
        whoever tries the demo."""
        demo = set(
            Membership.objects.filter(user__username__in=DEMO_USERNAMES, enterprise__isnull=False).values_list(
                "enterprise", flat=True
            )
        )
        eligible = [letter for letter in letters if letter.enterprise_id not in demo]
        chosen = self.rng.sample(eligible, min(len(eligible), round(share * len(letters))))
        for letter in sorted(chosen, key=lambda letter: letter.pk):
            enterprise = letter.enterprise
            assert enterprise is not None
            day = self.calendar.sign_day(self.rng, start, due)
            if self.rng.random() < 1 / 7:
                self._countersign(letter, issuer, enterprise.principal_name, day)
            else:
                self._sign(letter, self._enterprise_principal(enterprise), day, public=True)

    # 安全承诺书 -----------------------------------------------------------------------------------------

    def _campaign(self) -> Any:
        # Not an import of campaigns (the domain apps are independent): the FK's related model.
        campaigns: Any = LetterTemplate._meta.get_field("campaign").related_model
        running = campaigns.objects.filter(node=self.county, status="active")
        return running.filter(kind="winter_spring").order_by("-year").first() or running.order_by("-year").first()

    def campaign_pledge(self) -> list[str]:
        campaign = self._campaign()
        if campaign is None:
            return ["No running demo campaign (run seed_demo_campaigns first): no campaign 承诺书."]
        title = f"{campaign.name}企业安全承诺书"
        if self._existing(self.county, Kind.PLEDGE, title) is not None:
            return [f"Demo pledge {title} already exists: nothing changed."]
        enterprises = list(
            Enterprise.objects.filter(campaign_targets__campaign=campaign)
            .exclude(status=Enterprise.Status.CLOSED)
            .distinct()
            .order_by("name")
        )
        if not enterprises:
            return [f"{campaign.name} has no target enterprises: no campaign 承诺书."]
        template = services.template_create(
            actor=self.admin,
            kind=Kind.PLEDGE,
            year=self.year,
            title=title,
            body=CAMPAIGN_BODY.format(campaign=campaign.name),
            campaign=campaign,
            sign_within_days=10,
        )
        services.template_address(actor=self.admin, template=template, units=enterprises)
        services.template_issue(actor=self.admin, template=template)
        start = min(max(campaign.starts_on, date(self.year, 1, 2)), self.calendar.today)
        due = start + timedelta(days=10)
        self._backdate_issue(template, template.letters.all(), start, due)
        letters = list(template.letters.select_related("enterprise").order_by("pk"))
        self._enterprises_sign(letters, self.admin, start, due, share=0.6)
        return [f"Created {title}: {self._summary(template)}."]

    def hazchem_pledge(self) -> list[str]:
        title = f"安平县{self.year}年度危险化学品企业安全承诺书"
        if self._existing(self.county, Kind.PLEDGE, title) is not None:
            return [f"Demo pledge {title} already exists: nothing changed."]
        enterprises = list(
            Enterprise.objects.filter(node__path__startswith=self.county.path, sectors__code="hazchem")
            .exclude(status=Enterprise.Status.CLOSED)
            .distinct()
            .order_by("name")
        )
        if not enterprises:
            return []
        template = services.template_create(
            actor=self.admin, kind=Kind.PLEDGE, year=self.year, title=title, body=HAZCHEM_BODY, sign_within_days=14
        )
        services.template_address(actor=self.admin, template=template, units=enterprises)
        services.template_issue(actor=self.admin, template=template)
        start, due = self.calendar.issued, self.calendar.due
        self._backdate_issue(template, template.letters.all(), start, due)
        letters = list(template.letters.select_related("enterprise").order_by("pk"))
        self._enterprises_sign(letters, self.admin, start, due, share=0.85)
        return [f"Created {title}: {self._summary(template)}."]

    # What to try ------------------------------------------------------------------------------------

    def _logins(self) -> list[str]:
        """The demo logins with a letter waiting for their signature."""
        waiting = (
            Letter.objects.filter(
                status=Letter.Status.ISSUED, template__year=self.year, template__node__path__startswith=self.county.path
            )
            .select_related("template", "node", "department", "enterprise")
            .order_by("template__kind", "pk")
        )
        demo = Membership.objects.filter(
            is_principal=True, user__username__in=DEMO_USERNAMES + PRINCIPAL_USERNAMES
        ).select_related("user")
        by_unit = {_unit_key(m): m.user for m in demo}
        today = self.calendar.today
        rows = []
        for letter in waiting:
            user = by_unit.get((letter.node_id, letter.department_id, letter.enterprise_id))
            if user is None:
                continue
            late = "，已逾期" if letter.due_on and letter.due_on < today else ""
            rows.append(
                f"  {user.username:<11} {DEMO_PASSWORD}  {user.full_name}：《{letter.template.title}》待签署{late}"
            )
        return ["Letters waiting for a demo login's signature:", *sorted(rows)] if rows else []
