"""The 危化 daily 安全风险研判与承诺公告 (应急管理部, 2018; DOMAIN §6).

Each day an enterprise of a covered sector records the bottom-up judgment (班组 → 车间 → 厂级, who
signed each: `DailyJudgment`) and publishes its pledge (`DailyPledge`): the units, the special
operations, 试生产 / 开停车, whether its 重大危险源 are under control, the standard sentence, the
承诺人 and the time. `DailyPledgeSetting` is a county's: which sectors publish, and by what hour.
`PledgeFlag` is a pledge contradicted by the records (承诺不实): a hazard about 动火 or 受限空间
that day while the pledge said none, or a 重大 hazard open while it pledged control.
"""

from __future__ import annotations

import datetime

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from safetyops.evidence.models import Signature
from safetyops.orgs.models import Enterprise, Node, Sector, User

STANDARD_PLEDGE = (
    "今天我公司已进行安全风险研判，各项安全风险防控措施已落实到位，我承诺所有生产装置处于安全运行状态，"
    "罐区、仓库等重大危险源安全风险得到有效管控。"
)

# 特殊作业 (GB 30871-2022): the columns of a pledge, in the order the 公告 lists them.
SPECIAL_OPERATIONS = (
    ("hot_work_special", _("特级动火作业")),
    ("hot_work_1", _("一级动火作业")),
    ("hot_work_2", _("二级动火作业")),
    ("confined_space", _("受限空间作业")),
    ("blind_plate", _("盲板抽堵作业")),
    ("work_at_height", _("高处作业")),
    ("lifting", _("吊装作业")),
    ("temporary_electricity", _("临时用电作业")),
    ("excavation", _("动土作业")),
    ("road_break", _("断路作业")),
)
HOT_WORK = ("hot_work_special", "hot_work_1", "hot_work_2")


class DailyPledgeSetting(models.Model):
    """A county's rule: enterprises of these sectors (and their sub-sectors) publish by `due_time`."""

    node = models.OneToOneField(
        Node, verbose_name=_("地区"), on_delete=models.PROTECT, related_name="daily_pledge_setting"
    )
    sectors = models.ManyToManyField(Sector, verbose_name=_("须每日承诺的行业"), blank=True, related_name="+")
    due_time = models.TimeField(_("公告截止时间"), default=datetime.time(10, 0))
    updated_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("每日承诺设置")
        verbose_name_plural = _("每日承诺设置")

    def __str__(self) -> str:
        return str(self.node)


class DailyPledge(models.Model):
    enterprise = models.ForeignKey(
        Enterprise, verbose_name=_("企业"), on_delete=models.PROTECT, related_name="daily_pledges"
    )
    node = models.ForeignKey(Node, on_delete=models.PROTECT, related_name="+")  # the enterprise's area that day
    date = models.DateField(_("日期"))
    units_total = models.PositiveSmallIntegerField(_("生产装置总数"))
    units_running = models.PositiveSmallIntegerField(_("运行"))
    units_stopped = models.PositiveSmallIntegerField(_("停产"))
    units_maintenance = models.PositiveSmallIntegerField(_("检修"))
    hot_work_special = models.PositiveSmallIntegerField(_("特级动火作业"), default=0)
    hot_work_1 = models.PositiveSmallIntegerField(_("一级动火作业"), default=0)
    hot_work_2 = models.PositiveSmallIntegerField(_("二级动火作业"), default=0)
    confined_space = models.PositiveSmallIntegerField(_("受限空间作业"), default=0)
    blind_plate = models.PositiveSmallIntegerField(_("盲板抽堵作业"), default=0)
    work_at_height = models.PositiveSmallIntegerField(_("高处作业"), default=0)
    lifting = models.PositiveSmallIntegerField(_("吊装作业"), default=0)
    temporary_electricity = models.PositiveSmallIntegerField(_("临时用电作业"), default=0)
    excavation = models.PositiveSmallIntegerField(_("动土作业"), default=0)
    road_break = models.PositiveSmallIntegerField(_("断路作业"), default=0)
    trial_production = models.BooleanField(_("是否处于试生产"), default=False)
    startup_shutdown = models.BooleanField(_("是否处于开停车状态"), default=False)
    major_sources_controlled = models.BooleanField(_("重大危险源是否得到有效管控"), default=True)
    pledge_text = models.TextField(_("承诺内容"), default=STANDARD_PLEDGE)
    pledger = models.ForeignKey(User, verbose_name=_("承诺人"), on_delete=models.PROTECT, related_name="+")
    pledger_name = models.CharField(_("承诺人"), max_length=64)
    published_at = models.DateTimeField(_("公告时间"))
    due_at = models.DateTimeField(_("截止时间"))
    late = models.BooleanField(_("迟报"), default=False)
    signature = models.ForeignKey(Signature, null=True, blank=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("安全风险研判与承诺公告")
        verbose_name_plural = _("安全风险研判与承诺公告")
        ordering = ["-date", "enterprise__name", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["enterprise", "date"], name="dailypledge_once_per_day"),
            models.CheckConstraint(
                condition=Q(units_total=F("units_running") + F("units_stopped") + F("units_maintenance")),
                name="dailypledge_units_add_up",
            ),
        ]
        indexes = [models.Index(fields=["date", "node"], name="dailypledge_date_node")]

    def __str__(self) -> str:
        return f"{self.enterprise_id} {self.date}"

    @property
    def hot_work(self) -> int:
        return sum(getattr(self, name) for name in HOT_WORK)

    def operations(self) -> list[tuple[str, str, int]]:
        return [(name, str(label), getattr(self, name)) for name, label in SPECIAL_OPERATIONS]


class DailyJudgment(models.Model):
    """One level of the day's bottom-up 研判: who judged, and signed, for a 班组, 车间 or the plant."""

    class Level(models.TextChoices):
        TEAM = "team", _("班组")
        WORKSHOP = "workshop", _("车间")
        PLANT = "plant", _("厂级")

    pledge = models.ForeignKey(DailyPledge, on_delete=models.CASCADE, related_name="judgments")
    level = models.CharField(_("层级"), max_length=16, choices=Level.choices)
    unit_name = models.CharField(_("班组/车间"), max_length=64)
    signer_name = models.CharField(_("研判人"), max_length=32)
    note = models.CharField(_("研判意见"), max_length=200, blank=True, db_default="")
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("风险研判")
        verbose_name_plural = _("风险研判")
        ordering = ["pledge", "order", "pk"]

    def __str__(self) -> str:
        return f"{self.get_level_display()} {self.unit_name}"


class PledgeFlag(models.Model):
    """承诺不实: a pledge the records contradict. Raised once per pledge, rule and hazard; an
    official confirms it (the enterprise is named) or dismisses it with a reason."""

    class Rule(models.TextChoices):
        HOT_WORK = "hot_work", _("承诺无动火作业，当日发现动火作业隐患")
        CONFINED_SPACE = "confined_space", _("承诺无受限空间作业，当日发现受限空间作业隐患")
        MAJOR_HAZARD = "major_hazard", _("承诺重大危险源受控，存在未整改的重大隐患")

    class Status(models.TextChoices):
        OPEN = "open", _("待核实")
        CONFIRMED = "confirmed", _("承诺不实")
        DISMISSED = "dismissed", _("已排除")

    pledge = models.ForeignKey(DailyPledge, on_delete=models.PROTECT, related_name="flags")
    rule = models.CharField(_("规则"), max_length=16, choices=Rule.choices)
    hazard = models.ForeignKey("inspections.Hazard", verbose_name=_("隐患"), on_delete=models.PROTECT, related_name="+")
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices, default=Status.OPEN)
    raised_at = models.DateTimeField(_("发现时间"), auto_now_add=True)
    reviewed_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    reviewed_at = models.DateTimeField(_("核实时间"), null=True, blank=True)
    review_note = models.CharField(_("核实意见"), max_length=200, blank=True, db_default="")

    class Meta:
        verbose_name = _("承诺不实")
        verbose_name_plural = _("承诺不实")
        ordering = ["-raised_at", "pk"]
        constraints = [models.UniqueConstraint(fields=["pledge", "rule", "hazard"], name="pledgeflag_once")]

    def __str__(self) -> str:
        return f"{self.pledge_id}:{self.rule}:{self.hazard_id}"
