"""The year's standard texts a node starts from (DOMAIN §6): the 目标责任书 (党政同责、一岗双责、齐抓共管、
失职追责; 三管三必须, 安全生产法 第三条) and the 安全承诺书 of an enterprise's 主要负责人 (安全生产法
第二十一条). Every word stays editable on the form; they are only the first draft."""

# ruff: noqa: E501 - the standard texts are paragraphs: one line each, as they appear on the form
from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from accountability.models import LetterTemplate

RESPONSIBILITY_BODY = """为深入贯彻落实习近平总书记关于安全生产的重要论述，坚持人民至上、生命至上，牢固树立安全发展理念，严格落实“党政同责、一岗双责、齐抓共管、失职追责”和“管行业必须管安全、管业务必须管安全、管生产经营必须管安全”的要求，依据《中华人民共和国安全生产法》和《地方党政领导干部安全生产责任制规定》，签订本责任书。

# 主要职责
- 坚持党政同责，党政主要负责人是本辖区安全生产第一责任人，班子其他成员对分管范围内的安全生产工作负领导责任，落实一岗双责。
- 按照属地管理和三管三必须的要求，明确各部门、各单位的安全生产监管职责，做到责任无缝隙、监管全覆盖。
- 组织开展隐患排查治理和专项整治，对重大事故隐患实行挂牌督办、闭环销号。
- 督促生产经营单位落实安全生产主体责任，主要负责人签订安全承诺书。
- 健全应急预案体系，组织应急演练，发生事故按规定及时、如实报告，不得迟报、漏报、谎报、瞒报。
- 加强安全宣传教育和培训，开展安全生产月等活动。

# 责任追究
未完成本责任书目标或发生生产安全事故负有责任的，按照**失职追责**的要求，依规依纪依法追究有关人员责任；发生一起重大及以上或两起较大生产安全事故的，年度考核实行一票否决。"""

RESPONSIBILITY_ASSESSMENT = _(
    "本责任书执行情况纳入年度安全生产工作考核，由下达单位组织考核，按各项考核分值计分；"
    "考核结果作为评先评优和干部考核的重要依据。"
)

PLEDGE_BODY = """本单位主要负责人是本单位安全生产第一责任人，对本单位的安全生产工作全面负责。依据《中华人民共和国安全生产法》第二十一条，本人郑重承诺：

- 建立健全并落实本单位全员安全生产责任制，加强安全生产标准化建设；
- 组织制定并实施本单位安全生产规章制度和操作规程；
- 组织制定并实施本单位安全生产教育和培训计划；
- 保证本单位安全生产投入的有效实施；
- 组织建立并落实安全风险分级管控和隐患排查治理双重预防工作机制，督促、检查本单位的安全生产工作，及时消除生产安全事故隐患；
- 组织制定并实施本单位的生产安全事故应急救援预案；
- 及时、如实报告生产安全事故。

本人承诺严格遵守安全生产法律法规，自觉接受属地和行业监管部门的监督检查，对检查发现的隐患按“五落实”要求限期整改到位。如违反上述承诺，愿承担相应的法律责任。"""


def default_fields(kind: str, *, year: int, node_name: str) -> dict[str, Any]:
    """The initial values of a new template of `kind` for `year`, issued by `node_name`."""
    if kind == LetterTemplate.Kind.PLEDGE:
        return {
            "title": _("%(year)s年度企业安全生产承诺书") % {"year": year},
            "body": PLEDGE_BODY,
            "assessment_method": "",
            "items": [],
        }
    return {
        "title": _("%(node)s%(year)s年度安全生产目标责任书") % {"node": node_name, "year": year},
        "body": RESPONSIBILITY_BODY,
        "assessment_method": RESPONSIBILITY_ASSESSMENT,
        "items": [
            {"key": "industrial_accidents", "value": 5, "weight": 20},
            {"key": "industrial_deaths", "value": 3, "weight": 20},
            {"key": "major_accidents", "value": 0, "weight": 20},
            {"key": "rectification_rate", "value": 95, "weight": 15},
            {"key": "major_rectification_rate", "value": 100, "weight": 15},
            {"key": "inspection_coverage", "value": 100, "weight": 10},
        ],
    }
