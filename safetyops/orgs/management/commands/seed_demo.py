"""Build the demo county 安平县: its townships and villages, about 400 enterprises and a login per role.

Deterministic (one seeded Random drives every choice) and idempotent: when the county already exists
nothing is written and only the logins are printed.
"""

from __future__ import annotations

import random
import time
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from safetyops.orgs.creditcode import ALPHABET, check_character, credit_code_problem
from safetyops.orgs.forms import filter_options_changed
from safetyops.orgs.models import Department, Enterprise, Membership, Node, Role, Sector, User
from safetyops.orgs.selectors import enterprises_changed
from safetyops.orgs.services import department_create, user_create_with_membership

SEED = 20261123
DEMO_PASSWORD = "demo-pass-2026"  # noqa: S105 - public on purpose: printed, and in the README
COUNTY_CODE = "330199"  # fictional: no real county has it
COUNTY_NAME = "安平县"
NODE_AT_TOWNSHIP = 0.15  # share of enterprises registered on the township node rather than a village

Kind = Node.Kind
Risk = Enterprise.RiskLevel
Status = Enterprise.Status


@dataclass(frozen=True)
class Township:
    name: str
    kind: str
    short: str  # as it appears inside names: 安平县东城中心小学
    communities: tuple[str, ...]
    villages: tuple[str, ...]
    # How likely each kind of place ("industry", "commerce" ...) is to be here; "anywhere" is 1 everywhere.
    weights: dict[str, int]


TOWNSHIPS = (
    Township(
        "东城镇", Kind.TOWN, "东城", ("东城社区", "镇东社区"),
        ("桥头村", "下叶村", "前洋村", "后宅村", "新塘村", "上王村", "岭脚村"),
        {"industry": 6, "commerce": 3, "rural": 2, "chem": 1},
    ),
    Township(
        "城关街道", Kind.STREET, "城关",
        ("人民路社区", "解放路社区", "西门社区", "南门社区", "文昌社区", "新华社区", "城北社区"), ("城郊村",),
        {"industry": 1, "commerce": 10, "rural": 1},
    ),
    Township(
        "安平经济开发区", Kind.PARK, "开发区", ("园区社区", "滨江社区"), ("塘下村", "沙埠村", "江口村"),
        {"industry": 10, "commerce": 1, "chem": 8},
    ),
    Township(
        "西山镇", Kind.TOWN, "西山", ("西山社区",),
        ("石门村", "金竹村", "枫树湾村", "白岩村", "溪口村", "高坑村", "大坪村", "里岙村"),
        {"industry": 2, "commerce": 1, "rural": 3, "mountain": 3},
    ),
    Township(
        "青石镇", Kind.TOWN, "青石", ("青石社区",),
        ("青石桥村", "湖头村", "上塘村", "陈家村", "花园村", "樟树村", "五星村"),
        {"industry": 4, "commerce": 2, "rural": 3, "chem": 1, "mountain": 1},
    ),
    Township(
        "河口镇", Kind.TOWN, "河口", ("河口社区", "新港社区"),
        ("渔港村", "沙洲村", "江南村", "河西村", "黄泥塘村", "蒋家埠村"),
        {"industry": 3, "commerce": 2, "rural": 3, "harbour": 1},
    ),
    Township(
        "城南街道", Kind.STREET, "城南", ("城南社区", "锦绣社区", "玉泉社区", "学府社区", "站前社区"),
        ("南塘村", "朱家村"),
        {"industry": 1, "commerce": 7, "rural": 1},
    ),
    Township(
        "桃源乡", Kind.XIANG, "桃源", (), ("桃源村", "溪头村", "竹坞村", "云峰村", "茶园村", "双溪村"),
        {"commerce": 1, "rural": 4, "mountain": 3},
    ),
)  # fmt: skip


@dataclass(frozen=True)
class Profile:
    """One kind of enterprise and how many of it the county has."""

    count: int
    sectors: tuple[str, ...]  # Sector codes (fixtures/sectors.json)
    where: str
    names: dict[str, tuple[str, ...]]  # form -> name endings; each ending is equally likely
    risk: tuple[int, int, int, int]  # weights of 低, 一般, 较大, 重大
    employees: tuple[int, int]
    extra: tuple[tuple[str, float], ...] = ()  # (sector code, probability) added on top
    major_hazard_source: float = 0.0


PROFILES = (
    # 工贸
    Profile(44, ("machinery",), "industry", {"company": (
        "机械制造有限公司", "精密机械有限公司", "五金制品有限公司", "汽车零部件有限公司", "阀门有限公司",
        "泵业有限公司", "轴承有限公司", "电机有限公司", "模具有限公司")},
        (6, 3, 1, 0), (15, 300), extra=(("special-equipment", 0.15), ("confined-space", 0.05))),
    Profile(10, ("machinery", "dust-explosion"), "industry", {"company": (
        "铝制品有限公司", "金属表面处理有限公司", "五金抛光有限公司", "镁合金制品有限公司")},
        (2, 5, 3, 0), (10, 80)),
    Profile(22, ("light-industry",), "industry", {"company": (
        "塑料制品有限公司", "包装材料有限公司", "食品有限公司", "纸业有限公司", "印刷有限公司",
        "日用品有限公司", "工艺品有限公司", "鞋业有限公司")},
        (7, 3, 0, 0), (10, 200), extra=(("confined-space", 0.1),)),
    Profile(8, ("light-industry", "dust-explosion"), "industry", {"company": (
        "家具有限公司", "木业有限公司", "竹木制品有限公司")}, (2, 5, 2, 0), (20, 150)),
    Profile(3, ("light-industry", "ammonia-refrigeration"), "harbour", {"company": (
        "水产食品有限公司", "冷冻食品有限公司")}, (0, 2, 1, 0), (40, 150)),
    Profile(3, ("light-industry", "confined-space"), "rural", {"company": (
        "酿造有限公司", "酒业有限公司")}, (1, 2, 0, 0), (10, 60)),
    Profile(18, ("textile",), "industry", {"company": (
        "纺织有限公司", "针织有限公司", "服饰有限公司", "家纺有限公司", "化纤有限公司")},
        (7, 3, 0, 0), (20, 400)),
    Profile(3, ("textile", "confined-space"), "industry", {"company": ("印染有限公司",)}, (1, 3, 1, 0), (50, 300)),
    Profile(12, ("building-materials",), "industry", {"company": (
        "新型建材有限公司", "水泥制品有限公司", "商品混凝土有限公司", "石材有限公司", "陶瓷有限公司",
        "玻璃制品有限公司")}, (4, 5, 1, 0), (10, 120)),
    Profile(4, ("metallurgy",), "industry", {"company": ("铸造有限公司", "特钢有限公司", "锻造有限公司")},
        (0, 2, 2, 0), (50, 400), extra=(("special-equipment", 0.5),)),
    Profile(3, ("nonferrous",), "industry", {"company": ("铜业有限公司", "有色金属有限公司", "铝业有限公司")},
        (0, 2, 1, 0), (30, 200), extra=(("dust-explosion", 0.3),)),
    Profile(1, ("tobacco",), "commerce", {"fixed": ("浙江省烟草公司安平县分公司",)}, (1, 0, 0, 0), (40, 60)),
    Profile(53, ("commerce",), "commerce", {
        "company": ("超市有限公司", "商贸有限公司", "百货有限公司", "五金建材有限公司", "物流仓储有限公司",
                    "农资有限公司"),
        "shop": ("超市", "便利店", "五金店", "建材商行", "农资店", "副食品商店")},
        (9, 1, 0, 0), (2, 80)),
    Profile(6, ("commerce", "fire-crowded"), "commerce", {"company": (
        "商厦有限公司", "购物中心有限公司", "农贸市场管理有限公司")}, (1, 3, 1, 0), (30, 200)),
    # 消防（人员密集场所）, 餐饮燃气, 文化娱乐
    Profile(26, ("fire-crowded",), "commerce", {
        "company": ("大酒店有限公司", "酒店管理有限公司", "医院有限公司", "商务宾馆有限公司"),
        "shop": ("宾馆", "旅馆", "足浴店", "快捷酒店")},
        (4, 5, 1, 0), (5, 150)),
    Profile(8, ("entertainment", "fire-crowded"), "commerce", {
        "company": ("影城有限公司", "文化娱乐有限公司"), "shop": ("量贩式KTV", "网吧")},
        (2, 5, 1, 0), (5, 40)),
    Profile(42, ("catering-gas",), "anywhere", {
        "company": ("餐饮管理有限公司", "餐饮有限公司"),
        "shop": ("小吃店", "面馆", "饭店", "家常菜馆", "大排档", "火锅店", "烧烤店", "农家乐")},
        (7, 3, 0, 0), (2, 40)),
    Profile(5, ("catering-gas", "fire-crowded"), "commerce", {"company": ("大酒店有限公司", "酒楼有限公司")},
        (1, 3, 1, 0), (30, 120)),
    # 危险化学品, 油气, 燃气, 烟花爆竹, 民爆, 矿山
    Profile(14, ("hazchem",), "chem", {"company": (
        "化工有限公司", "新材料科技有限公司", "涂料有限公司", "化学有限公司", "精细化工有限公司",
        "医药化工有限公司")},
        (0, 5, 6, 3), (30, 400), extra=(("confined-space", 0.3),), major_hazard_source=0.45),
    Profile(6, ("hazchem",), "industry", {"company": ("化工贸易有限公司", "化工原料有限公司", "工业气体有限公司")},
        (1, 4, 1, 0), (5, 40), major_hazard_source=0.1),
    Profile(12, ("gas-station",), "anywhere", {
        "chain": ("中国石化销售股份有限公司浙江安平石油分公司", "中国石油天然气股份有限公司浙江安平销售分公司"),
        "company": ("加油站有限公司",)}, (0, 9, 1, 0), (6, 20)),
    Profile(4, ("urban-gas",), "anywhere", {"company": ("燃气有限公司", "天然气有限公司", "液化气有限公司")},
        (0, 1, 2, 1), (15, 120), extra=(("special-equipment", 0.5),), major_hazard_source=0.5),
    Profile(1, ("oil-gas-pipeline",), "rural", {"company": ("天然气管道运营有限公司",)}, (0, 1, 1, 0), (10, 30)),
    Profile(3, ("fireworks",), "rural", {"company": ("烟花爆竹有限公司",), "shop": ("烟花爆竹经营部",)},
        (0, 2, 1, 0), (2, 20)),
    Profile(1, ("civil-explosives",), "mountain", {"company": ("民爆器材有限公司",)}, (0, 0, 0, 1), (10, 30),
        major_hazard_source=1.0),
    Profile(4, ("non-coal-mine",), "mountain", {"company": ("建筑石料有限公司", "矿业有限公司")},
        (0, 1, 2, 1), (15, 80)),
    # 建筑施工, 特种设备, 道路运输
    Profile(24, ("construction",), "anywhere", {"company": (
        "建设工程有限公司", "建筑工程有限公司", "市政工程有限公司", "建筑装饰工程有限公司", "园林建设有限公司",
        "水利建设有限公司", "建设集团有限公司")},
        (2, 7, 1, 0), (20, 500), extra=(("special-equipment", 0.15),)),
    Profile(6, ("special-equipment",), "industry", {"company": (
        "电梯工程有限公司", "起重设备安装有限公司", "锅炉有限公司")}, (3, 3, 0, 0), (10, 60)),
    Profile(12, ("road-transport",), "anywhere", {"company": (
        "运输有限公司", "物流有限公司", "客运有限公司", "货运有限公司", "危险货物运输有限公司")},
        (3, 6, 1, 0), (10, 200)),
    # 冷库
    Profile(5, ("cold-storage",), "rural", {
        "company": ("冷链物流有限公司", "冷藏有限公司"), "coop": ("果蔬专业合作社",)}, (2, 3, 0, 0), (5, 40)),
    Profile(4, ("cold-storage", "ammonia-refrigeration"), "harbour", {"company": (
        "冷链物流有限公司", "冷冻仓储有限公司", "水产冷冻有限公司")}, (0, 2, 2, 0), (10, 80),
        major_hazard_source=0.25),
    # 校园校舍, 养老机构, 旅游景区, 农业, 渔业
    Profile(14, ("campus",), "anywhere", {
        "public": ("中心小学", "中心幼儿园", "初级中学", "实验小学", "第二小学"),
        "nonprofit": ("小太阳幼儿园", "育英幼儿园", "蓝天幼儿园")},
        (6, 4, 0, 0), (15, 150)),
    Profile(6, ("elderly-care",), "anywhere", {
        "public": ("敬老院", "颐养中心"), "nonprofit": ("福寿颐养院", "康乐养老服务中心")},
        (2, 4, 0, 0), (8, 40), extra=(("fire-crowded", 0.5),)),
    Profile(5, ("scenic-spots",), "mountain", {
        "company": ("旅游开发有限公司", "生态旅游有限公司"), "collective": ("股份经济合作社",)},
        (1, 3, 0, 0), (5, 60), extra=(("special-equipment", 0.3),)),
    Profile(6, ("agri-machinery",), "rural", {"coop": ("农机专业合作社", "粮食专业合作社")}, (5, 1, 0, 0), (3, 20)),
    Profile(2, ("fishing-vessels",), "harbour", {"coop": ("渔业专业合作社",)}, (0, 2, 0, 0), (10, 40)),
)  # fmt: skip

# The first two characters of the 统一社会信用代码 (registering authority + kind), by name form.
REGISTRATION_KIND = {
    "company": "91", "chain": "91", "fixed": "91",  # 市场监管·企业
    "shop": "92",  # 个体工商户
    "coop": "93",  # 农民专业合作社
    "public": "12",  # 机构编制·事业单位
    "nonprofit": "52",  # 民政·民办非企业单位
    "collective": "N2",  # 农业农村·村级集体经济组织
}  # fmt: skip
# Organisation codes issued since 2015 start with a registrar-specific prefix; older ones are digits.
NEW_STYLE_PREFIX = {"91": "MA", "92": "MA", "93": "MA", "52": "MJ"}
ORGANISATION_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)  # GB 11714

BRANDS = (
    "宏达", "鑫源", "华泰", "恒信", "永兴", "金鼎", "瑞丰", "华宇", "顺发", "远航", "天成", "立信", "德盛", "鸿运",
    "兴旺", "新锐", "东方", "隆昌", "博远", "锦程", "明辉", "和顺", "安达", "金鹏", "通达", "振华", "凯盛", "嘉禾",
    "富康", "万通", "宝丰", "昌盛", "祥和", "联创", "中恒", "卓越", "鼎盛", "宏图", "天宇", "诚信", "恒泰", "精工",
    "益民", "群力", "双龙", "金马", "绿源", "清泉", "丰收", "惠农", "金穗", "兴农", "伟业", "信达", "永盛", "华丰",
    "力源", "正兴", "泰和", "长兴", "海联", "江南", "新航", "亿丰", "创新", "润泽", "腾达", "佳美",
    "旭日", "银桥", "顺昌", "志成", "合力", "协力", "星辰", "骏马", "光华", "国泰", "大成", "永康", "康达", "荣盛",
)  # fmt: skip
SURNAMES = "王李张刘陈陈杨黄赵吴吴周徐徐孙朱胡郭何林叶金潘应楼蒋沈郑方俞汪钱董余施毛章"
GIVEN_NAMES = (
    "建国", "建华", "志强", "国平", "海波", "伟", "军", "敏", "丽娟", "秀英", "晓东", "春燕", "永康", "立新", "红梅",
    "卫东", "小平", "金根", "国庆", "建军", "丽华", "美玲", "忠良", "海燕", "文斌", "晓峰", "俊杰", "佳琪", "志华",
    "伟民", "雪芬", "玉兰", "建明", "鹏", "磊", "静", "浩", "洁", "勇", "斌", "强", "芳", "霞", "涛",
)  # fmt: skip
MOBILE_PREFIXES = (
    "130", "131", "132", "133", "135", "136", "137", "138", "139", "150", "151", "152", "153", "155", "157",
    "158", "159", "180", "181", "182", "183", "186", "187", "188", "189",
)  # fmt: skip
ROADS = {
    Kind.STREET: ("人民路", "解放路", "中山路", "文化路", "建设路", "新华路", "学府路", "站前路", "环城南路", "锦绣路"),
    Kind.TOWN: ("工业路", "兴业路", "东环路", "镇中路", "迎宾大道", "创业路", "华丰路", "振兴路", "商贸街", "老街"),
    Kind.XIANG: ("乡政府路", "溪滨路", "茶园路", "老街"),
    Kind.PARK: ("纬一路", "纬三路", "纬五路", "经二路", "经四路", "经六路", "科创大道", "滨江大道", "园区大道"),
}  # fmt: skip
RISK_LEVELS = (Risk.LOW, Risk.GENERAL, Risk.SIGNIFICANT, Risk.MAJOR)


# The plan: plain data built from the seed alone, so it can be compared and tested without a database.


@dataclass(frozen=True)
class NodePlan:
    code: str
    name: str
    level: str
    kind: str
    parent_code: str | None
    sort_order: int
    township: int  # index into TOWNSHIPS; -1 for the county


@dataclass(frozen=True)
class EnterprisePlan:
    name: str
    credit_code: str
    address: str
    node_code: str
    township: int
    sector_codes: tuple[str, ...]
    principal_name: str
    principal_phone: str
    safety_officer_name: str
    safety_officer_phone: str
    status: str
    risk_level: str
    has_major_hazard_source: bool
    employees: int


@dataclass(frozen=True)
class DemoPlan:
    nodes: tuple[NodePlan, ...]
    enterprises: tuple[EnterprisePlan, ...]


def build_plan(seed: int = SEED) -> DemoPlan:
    """The whole demo county as data; the same seed always gives the same county."""
    rng = random.Random(seed)
    nodes = _plan_nodes()
    return DemoPlan(nodes=nodes, enterprises=_plan_enterprises(rng, nodes))


def _plan_nodes() -> tuple[NodePlan, ...]:
    nodes = [NodePlan(COUNTY_CODE, COUNTY_NAME, Node.Level.COUNTY, Kind.COUNTY, None, 1, -1)]
    for index, town in enumerate(TOWNSHIPS):
        town_code = f"{COUNTY_CODE}{index + 1:03d}"
        nodes.append(NodePlan(town_code, town.name, Node.Level.TOWNSHIP, town.kind, COUNTY_CODE, index + 1, index))
        # As in real 区划代码: 居委会 (社区) from 001, 村委会 from 201.
        children = [(f"{town_code}{n + 1:03d}", name, Kind.COMMUNITY) for n, name in enumerate(town.communities)]
        children += [(f"{town_code}{n + 201:03d}", name, Kind.VILLAGE) for n, name in enumerate(town.villages)]
        for order, (code, name, kind) in enumerate(children, start=1):
            nodes.append(NodePlan(code, name, Node.Level.VILLAGE, kind, town_code, order, index))
    return tuple(nodes)


def _plan_enterprises(rng: random.Random, nodes: tuple[NodePlan, ...]) -> tuple[EnterprisePlan, ...]:
    townships = [n for n in nodes if n.level == Node.Level.TOWNSHIP]
    children = {t.code: [n for n in nodes if n.parent_code == t.code] for t in townships}
    names: set[str] = set()
    codes: set[str] = set()
    plans: list[EnterprisePlan] = []
    for profile in PROFILES:
        choices = [(form, ending) for form, endings in profile.names.items() for ending in endings]
        town_weights = [town.weights.get(profile.where, 1 if profile.where == "anywhere" else 0) for town in TOWNSHIPS]
        for _ in range(profile.count):
            for _attempt in range(50):
                form, ending = rng.choice(choices)
                index = rng.choices(range(len(TOWNSHIPS)), weights=town_weights)[0]
                node = _pick_node(rng, townships[index], children[townships[index].code], form)
                name = _name(rng, form, ending, TOWNSHIPS[index], node)
                if name not in names:
                    break
            else:
                raise CommandError(f"could not find a free enterprise name for {profile.sectors}")
            names.add(name)
            plans.append(_plan_enterprise(rng, profile, form, name, index, node, codes))
    rng.shuffle(plans)
    return tuple(plans)


def _plan_enterprise(
    rng: random.Random, profile: Profile, form: str, name: str, index: int, node: NodePlan, codes: set[str]
) -> EnterprisePlan:
    code = _credit_code(rng, REGISTRATION_KIND[form])
    while code in codes:
        code = _credit_code(rng, REGISTRATION_KIND[form])
    codes.add(code)
    sectors = profile.sectors + tuple(s for s, p in profile.extra if rng.random() < p and s not in profile.sectors)
    major_source = rng.random() < profile.major_hazard_source
    risk = rng.choices(RISK_LEVELS, weights=profile.risk)[0]
    if major_source and risk in (Risk.LOW, Risk.GENERAL):
        risk = Risk.SIGNIFICANT
    # Shops have no separate 安全管理员: the owner is both.
    officer = ("", "") if form == "shop" else (_person(rng), _mobile(rng))
    return EnterprisePlan(
        name=name,
        credit_code=code,
        address=_address(rng, TOWNSHIPS[index], node),
        node_code=node.code,
        township=index,
        sector_codes=sectors,
        principal_name=_person(rng),
        principal_phone=_mobile(rng),
        safety_officer_name=officer[0],
        safety_officer_phone=officer[1],
        status=rng.choices((Status.OPERATING, Status.SUSPENDED, Status.CLOSED), weights=(90, 6, 4))[0],
        risk_level=risk,
        has_major_hazard_source=major_source,
        employees=rng.randint(*profile.employees),
    )


def _pick_node(rng: random.Random, township: NodePlan, children: list[NodePlan], form: str) -> NodePlan:
    if form == "collective":  # a 村股份经济合作社 belongs to a village, not a community
        return rng.choice([n for n in children if n.kind == Kind.VILLAGE])
    if rng.random() < NODE_AT_TOWNSHIP:
        return township
    return rng.choice(children)


def _name(rng: random.Random, form: str, ending: str, town: Township, node: NodePlan) -> str:
    place = node.name.removesuffix("社区").removesuffix("村") if node.level == Node.Level.VILLAGE else town.short
    if form == "company":
        prefix = rng.choices((COUNTY_NAME, town.name, "浙江", "安平"), weights=(5, 3, 2, 1))[0]
        return f"{prefix}{rng.choice(BRANDS)}{ending}"
    if form == "shop":
        owner = rng.choice((f"老{rng.choice(SURNAMES)}", f"{rng.choice(SURNAMES)}记", rng.choice(BRANDS)))
        return f"{COUNTY_NAME}{town.name}{owner}{ending}"
    if form == "chain":  # a branch of a national oil company, named after where it stands
        return f"{ending}{place}加油站"
    if form == "coop":
        return f"{COUNTY_NAME}{rng.choice(BRANDS)}{ending}"
    if form in ("public", "nonprofit"):
        return f"{COUNTY_NAME}{town.short}{ending}"
    if form == "collective":
        return f"{COUNTY_NAME}{town.name}{node.name}{ending}"
    return ending  # "fixed": the ending is the whole name


def _credit_code(rng: random.Random, kind: str) -> str:
    prefix = NEW_STYLE_PREFIX.get(kind, "")
    if kind == "91" and rng.random() < 0.4:
        prefix = ""  # an enterprise registered before 2015 keeps its old organisation code
    first17 = kind + COUNTY_CODE + _organisation_code(rng, prefix)
    return first17 + check_character(first17)


def _organisation_code(rng: random.Random, prefix: str) -> str:
    """Eight characters and the GB 11714 check character, as the old 组织机构代码 had."""
    pool = ALPHABET if prefix else "0123456789"
    body = prefix + "".join(rng.choice(pool) for _ in range(8 - len(prefix)))
    check = 11 - sum(int(char, 36) * weight for char, weight in zip(body, ORGANISATION_WEIGHTS, strict=True)) % 11
    return body + {10: "X", 11: "0"}.get(check, str(check))


def _address(rng: random.Random, town: Township, node: NodePlan) -> str:
    county = "" if town.kind == Kind.PARK else COUNTY_NAME  # the park's name already says 安平
    # Rural addresses name the village; in town a community is an area, not part of the address.
    village = node.name if node.kind == Kind.VILLAGE else ""
    return f"{county}{town.name}{village}{rng.choice(ROADS[town.kind])}{rng.randint(1, 320)}号"


def _person(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + rng.choice(GIVEN_NAMES)


def _mobile(rng: random.Random) -> str:
    return f"{rng.choice(MOBILE_PREFIXES)}{rng.randint(0, 99_999_999):08d}"


# Logins ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DemoDepartment:
    name: str
    sectors: tuple[str, ...]  # what it supervises (三管三必须)
    township: int | None = None  # index into TOWNSHIPS; None means the county


# The county's 行业监管部门 and the sectors each supervises; one 市场监管所 in 东城镇.
DEPARTMENTS = (
    DemoDepartment("安平县应急管理局", ("hazchem", "fireworks", "non-coal-mine", "industry-trade")),
    DemoDepartment("安平县住房和城乡建设局", ("construction", "urban-gas")),
    DemoDepartment("安平县市场监督管理局", ("special-equipment",)),
    DemoDepartment("安平县消防救援大队", ("fire-crowded",)),
    DemoDepartment("安平县交通运输局", ("road-transport",)),
    DemoDepartment("安平县教育局", ("campus",)),
    DemoDepartment("安平县民政局", ("elderly-care",)),
    DemoDepartment("安平县文化和旅游局", ("entertainment", "scenic-spots")),
    DemoDepartment("安平县农业农村局", ("agri-machinery", "fishing-vessels")),
    DemoDepartment("安平县市场监督管理局东城市场监督管理所", ("special-equipment",), township=0),
)


@dataclass(frozen=True)
class DemoLogin:
    username: str
    role: Role
    full_name: str = ""  # "" for enterprise users: taken from the enterprise's record
    township: int | None = None  # index into TOWNSHIPS; None means the county
    department: str = ""  # supervisors: the name of their DemoDepartment
    unit: str = ""  # the 单位 shown by the name
    title: str = ""
    phone: str = ""
    # Enterprise users: which enterprise (the first in the plan that matches), and which of its people.
    enterprise: Callable[[EnterprisePlan], bool] | None = None
    safety_officer: bool = False


def _is_operating(e: EnterprisePlan) -> bool:
    return e.status == Status.OPERATING


def _ent1(e: EnterprisePlan) -> bool:  # 机械 + 粉尘涉爆 in official1's township: two checklists, one site
    return _is_operating(e) and e.township == 0 and {"machinery", "dust-explosion"} <= set(e.sector_codes)


def _ent2(e: EnterprisePlan) -> bool:  # a chemical plant with a 重大危险源
    return _is_operating(e) and "hazchem" in e.sector_codes and e.has_major_hazard_source


def _ent3(e: EnterprisePlan) -> bool:  # a builder, so that the 住建 supervisor has a counterpart
    return _is_operating(e) and "construction" in e.sector_codes


def _enterprise_logins(number: int, pick: Callable[[EnterprisePlan], bool]) -> tuple[DemoLogin, DemoLogin]:
    return (
        DemoLogin(f"ent{number}", Role.ENTERPRISE_USER, title="主要负责人", enterprise=pick),
        DemoLogin(f"ent{number}_aq", Role.ENTERPRISE_USER, title="安全管理员", enterprise=pick, safety_officer=True),
    )


LOGINS = (
    DemoLogin("admin", Role.COUNTY_ADMIN, "陈立军", None, "", "安平县应急管理局", "综合协调科科长", "13905790101"),
    DemoLogin("official1", Role.TOWNSHIP_OFFICIAL, "王海峰", 0, "", "东城镇安监办", "安监员", "13905790111"),
    DemoLogin("official2", Role.TOWNSHIP_OFFICIAL, "李晓燕", 1, "", "城关街道应急管理办公室", "安监员", "13905790112"),
    DemoLogin("official3", Role.TOWNSHIP_OFFICIAL, "张伟东", 2, "", "安平经济开发区安监局", "安监员", "13905790113"),
    DemoLogin("leader", Role.LEADER, "赵国平", None, "", "安平县人民政府", "副县长", "13905790121"),
    DemoLogin("leader_town", Role.LEADER, "刘志强", 0, "", "东城镇人民政府", "副镇长", "13905790122"),
    DemoLogin("zhujian", Role.DEPARTMENT_SUPERVISOR, "吴建华", None, "安平县住房和城乡建设局",
              "安平县住房和城乡建设局", "质量安全监督站站长", "13905790131"),
    DemoLogin("shijian", Role.DEPARTMENT_SUPERVISOR, "周敏", None, "安平县市场监督管理局",
              "安平县市场监督管理局", "特种设备安全监察科科长", "13905790132"),
    DemoLogin("shijian_dc", Role.DEPARTMENT_SUPERVISOR, "郑少华", 0, "安平县市场监督管理局东城市场监督管理所",
              "安平县市场监督管理局东城市场监督管理所", "特种设备监管员", "13905790133"),
    *_enterprise_logins(1, _ent1),
    *_enterprise_logins(2, _ent2),
    *_enterprise_logins(3, _ent3),
)  # fmt: skip
DEMO_USERNAMES = tuple(login.username for login in LOGINS)


@dataclass(frozen=True)
class DemoPrincipal:
    """The head of a township or a county department: the one who signs its 目标责任书
    (Membership.is_principal). A township's head is a leader of its node; a department's head is a
    supervisor of the department."""

    username: str
    full_name: str
    unit: str
    title: str
    phone: str
    township: int | None = None  # index into TOWNSHIPS; None: a county department's head
    department: str = ""  # the name of their DemoDepartment


PRINCIPALS = (
    DemoPrincipal("zhenzhang1", "陈国华", "东城镇人民政府", "镇长", "13905790141", township=0),
    DemoPrincipal("zhenzhang2", "李赟", "城关街道办事处", "主任", "13905790142", township=1),
    DemoPrincipal("zhenzhang3", "潘建新", "安平经济开发区管理委员会", "主任", "13905790143", township=2),
    DemoPrincipal("zhenzhang4", "王堃", "西山镇人民政府", "镇长", "13905790144", township=3),
    DemoPrincipal("zhenzhang5", "金晓明", "青石镇人民政府", "镇长", "13905790145", township=4),
    DemoPrincipal("zhenzhang6", "叶红军", "河口镇人民政府", "镇长", "13905790146", township=5),
    DemoPrincipal("zhenzhang7", "陈璟", "城南街道办事处", "主任", "13905790147", township=6),
    DemoPrincipal("zhenzhang8", "方立群", "桃源乡人民政府", "乡长", "13905790148", township=7),
    DemoPrincipal("juzhang_yj", "沈卫国", "安平县应急管理局", "局长", "13905790151", department="安平县应急管理局"),
    DemoPrincipal("juzhang_zj", "楼志远", "安平县住房和城乡建设局", "局长", "13905790152",
                  department="安平县住房和城乡建设局"),
    DemoPrincipal("dadui_xf", "俞振东", "安平县消防救援大队", "大队长", "13905790153", department="安平县消防救援大队"),
    DemoPrincipal("juzhang_jt", "汪丽萍", "安平县交通运输局", "局长", "13905790154", department="安平县交通运输局"),
)  # fmt: skip
PRINCIPAL_USERNAMES = tuple(principal.username for principal in PRINCIPALS)


# Writing ---------------------------------------------------------------------------------------


def _write(plan: DemoPlan) -> None:
    """Nodes one by one (Node.save builds the path), enterprises and their sectors in bulk, then the logins."""
    sectors = Sector.objects.in_bulk(field_name="code")
    wanted = {code for e in plan.enterprises for code in e.sector_codes} | {c for d in DEPARTMENTS for c in d.sectors}
    if missing := wanted - sectors.keys():
        raise CommandError(f"sectors missing ({', '.join(sorted(missing))}): run `manage.py migrate` first")
    for enterprise in plan.enterprises:
        if problem := credit_code_problem(enterprise.credit_code):
            raise CommandError(f"{enterprise.name}: {problem}")

    nodes: dict[str, Node] = {}
    for spec in plan.nodes:
        node = Node(
            code=spec.code,
            name=spec.name,
            level=spec.level,
            kind=spec.kind,
            parent=nodes[spec.parent_code] if spec.parent_code else None,
            sort_order=spec.sort_order,
        )
        node.save()
        nodes[spec.code] = node

    Enterprise.objects.bulk_create(
        [
            Enterprise(
                name=e.name,
                credit_code=e.credit_code,
                address=e.address,
                node=nodes[e.node_code],
                principal_name=e.principal_name,
                principal_phone=e.principal_phone,
                safety_officer_name=e.safety_officer_name,
                safety_officer_phone=e.safety_officer_phone,
                status=e.status,
                risk_level=e.risk_level,
                has_major_hazard_source=e.has_major_hazard_source,
                employees=e.employees,
            )
            for e in plan.enterprises
        ],
        batch_size=500,
    )
    # Read the ids back rather than rely on bulk_create setting them, which not every backend does.
    ids = dict(
        Enterprise.objects.filter(node__path__startswith=nodes[COUNTY_CODE].path).values_list("credit_code", "pk")
    )
    # The demo register predates the demo's months of hazards and inspections (briefings count the
    # enterprises registered by a period's end; an inspection cannot predate its enterprise).
    Enterprise.objects.filter(pk__in=ids.values()).update(created_at=timezone.now() - timedelta(days=2 * 365))
    through = Enterprise.sectors.through
    through.objects.bulk_create(
        [
            through(enterprise_id=ids[e.credit_code], sector_id=sectors[code].pk)
            for e in plan.enterprises
            for code in e.sector_codes
        ],
        batch_size=1000,
    )
    enterprises_changed()  # bulk_create sends no signals
    filter_options_changed()

    township_codes = [n.code for n in plan.nodes if n.level == Node.Level.TOWNSHIP]
    departments = {
        spec.name: department_create(
            node=nodes[COUNTY_CODE if spec.township is None else township_codes[spec.township]],
            name=spec.name,
            sectors=[sectors[code] for code in spec.sectors],
            sort_order=index,
        )
        for index, spec in enumerate(DEPARTMENTS)
    }
    for login in LOGINS:
        _create_login(login, plan, nodes, township_codes, ids, departments)


def _create_login(
    login: DemoLogin,
    plan: DemoPlan,
    nodes: dict[str, Node],
    township_codes: list[str],
    enterprise_ids: dict[str, int],
    departments: dict[str, Department],
) -> None:
    fields: dict[str, Any] = {
        "full_name": login.full_name,
        "phone": login.phone,
        "department": departments[login.department] if login.department else None,
        "unit": login.unit,
        "title": login.title,
        # So that reminders show up in the e-mail log too (.example never resolves: RFC 2606).
        "email": f"{login.username}@anping.example",
    }
    if login.enterprise is not None:
        found = next((e for e in plan.enterprises if login.enterprise(e)), None)
        if found is None:
            raise CommandError(f"no enterprise fits the demo login {login.username}")
        fields["enterprise"] = Enterprise.objects.get(pk=enterprise_ids[found.credit_code])
        fields["unit"] = found.name[:64]
        if login.safety_officer:
            fields.update(full_name=found.safety_officer_name, phone=found.safety_officer_phone)
        else:
            fields.update(full_name=found.principal_name, phone=found.principal_phone)
    else:
        code = COUNTY_CODE if login.township is None else township_codes[login.township]
        fields["node"] = nodes[code]
    user_create_with_membership(username=login.username, password=DEMO_PASSWORD, role=login.role, **fields)


def ensure_principals(county: Node) -> int:
    """Every township's head and a few departments' heads as their units' principals, and each
    demo enterprise login of a 主要负责人 marked as its enterprise's principal. Runs on every seed
    (a county seeded before principals existed gets them); returns how many logins it created."""
    townships = list(Node.objects.filter(parent=county).order_by("sort_order", "code"))
    departments = {d.name: d for d in Department.objects.filter(node__path__startswith=county.path)}
    existing = set(User.objects.filter(username__in=PRINCIPAL_USERNAMES).values_list("username", flat=True))
    created = 0
    for spec in PRINCIPALS:
        if spec.username in existing:
            continue
        department = departments[spec.department] if spec.department else None
        user = user_create_with_membership(
            username=spec.username,
            password=DEMO_PASSWORD,
            full_name=spec.full_name,
            role=Role.DEPARTMENT_SUPERVISOR if department else Role.LEADER,
            node=county if spec.township is None else townships[spec.township],
            department=department,
            unit=spec.unit,
            title=spec.title,
            phone=spec.phone,
            email=f"{spec.username}@anping.example",
        )
        Membership.objects.filter(user=user).update(is_principal=True)
        created += 1
    # The enterprises' 主要负责人 logins (their name is the enterprise's recorded principal).
    heads = [login.username for login in LOGINS if login.enterprise is not None and not login.safety_officer]
    for membership in Membership.objects.filter(
        user__username__in=heads, role=Role.ENTERPRISE_USER, is_principal=False
    ).select_related("user", "enterprise"):
        if membership.enterprise is not None and membership.user.full_name == membership.enterprise.principal_name:
            membership.is_principal = True
            membership.save(update_fields=["is_principal"])
    return created


# Output ----------------------------------------------------------------------------------------


def _width(text: str) -> int:
    """Terminal columns: CJK characters take two."""
    return sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in text)


def _table(rows: list[tuple[str, ...]]) -> list[str]:
    widths = [max(_width(row[i]) for row in rows) for i in range(len(rows[0]))]
    return ["  ".join(cell + " " * (widths[i] - _width(cell)) for i, cell in enumerate(row)).rstrip() for row in rows]


def login_rows() -> list[tuple[str, str, str, str]]:
    """(username, password, role, scope) of every demo login that exists, in the order of LOGINS."""
    users = {
        user.username: user
        for user in User.objects.filter(username__in=DEMO_USERNAMES)
        .select_related("membership__node", "membership__enterprise", "membership__department")
        .prefetch_related("membership__department__sectors")
    }
    rows = []
    for username in DEMO_USERNAMES:
        user = users.get(username)
        membership = getattr(user, "membership", None)
        if user is None or membership is None:
            continue
        if membership.enterprise is not None:
            scope = f"{membership.enterprise.name}（{membership.title}）"
        else:
            scope = membership.node.name if membership.node else ""
            department = membership.department
            if department and (sector_names := "、".join(s.name for s in department.sectors.all())):
                scope += f" · {sector_names}"
        rows.append((username, DEMO_PASSWORD, str(membership.get_role_display()), scope))
    return rows


class Command(BaseCommand):
    help = f"Create the demo county {COUNTY_NAME} ({COUNTY_CODE}) with enterprises and a login per role. Idempotent."

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.perf_counter()
        with transaction.atomic():
            if Node.objects.filter(code=COUNTY_CODE).exists():
                self.stdout.write(f"Demo data already exists ({COUNTY_NAME}, {COUNTY_CODE}): nothing changed.")
                if added := ensure_principals(Node.objects.get(code=COUNTY_CODE)):
                    self.stdout.write(f"Added {added} principals (镇长, 局长) who sign the letters.")
            else:
                usernames = DEMO_USERNAMES + PRINCIPAL_USERNAMES
                if taken := sorted(User.objects.filter(username__in=usernames).values_list("username", flat=True)):
                    raise CommandError(f"usernames already taken by other users: {', '.join(taken)}")
                plan = build_plan()
                _write(plan)
                ensure_principals(Node.objects.get(code=COUNTY_CODE))
                townships = sum(1 for n in plan.nodes if n.level == Node.Level.TOWNSHIP)
                villages = sum(1 for n in plan.nodes if n.level == Node.Level.VILLAGE)
                self.stdout.write(
                    self.style.SUCCESS(
                        f"Created {COUNTY_NAME} ({COUNTY_CODE}): {townships} townships, {villages} villages and "
                        f"communities, {len(plan.enterprises)} enterprises, {len(LOGINS) + len(PRINCIPALS)} logins "
                        f"in {time.perf_counter() - started:.1f} s."
                    )
                )
        self._print_logins()

    def _print_logins(self) -> None:
        rows = login_rows()
        self.stdout.write("")
        self.stdout.write(f"Demo logins (every password is {DEMO_PASSWORD}):")
        lines = _table([("username", "password", "role", "scope"), *rows])
        self.stdout.write("  " + lines[0])
        self.stdout.write("  " + "-" * max(_width(line) for line in lines))
        for line in lines[1:]:
            self.stdout.write("  " + line)
        self._print_principals()

    def _print_principals(self) -> None:
        users = User.objects.filter(username__in=PRINCIPAL_USERNAMES, membership__is_principal=True)
        found = {user.username: user for user in users.select_related("membership")}
        rows = [
            (
                spec.username,
                DEMO_PASSWORD,
                f"{user.full_name}（{user.membership.unit}{user.membership.title}，签署责任书）",
            )
            for spec in PRINCIPALS
            if (user := found.get(spec.username)) is not None
        ]
        if rows:
            self.stdout.write("")
            self.stdout.write("Principals who sign their unit's 目标责任书 (镇长, 局长; ent1-ent3 sign their 承诺书):")
            for line in _table(rows):
                self.stdout.write("  " + line)
