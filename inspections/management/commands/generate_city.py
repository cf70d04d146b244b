"""Fill the database with a synthetic city for benchmarks: jurisdictions, enterprises, users,
inspections, hazards (every state, overdue, extensions, 挂牌督办) and their events; with a city
above the counties also one active city campaign over every enterprise (its 底数 as targets) and a
report task addressed to the counties and townships, most of them reported.

    manage.py generate_city --preset city     # 10 counties, 150 townships, 50,000 enterprises,
                                              # 300,000 inspections, 1,000,000 hazards over 3 years
    manage.py generate_city --preset county   # 1 county, 15 townships, 5,000 / 30,000 / 100,000
    manage.py generate_city --preset township # 1 township, 500 / 3,000 / 10,000

Reproducible from --seed. On PostgreSQL rows go in with COPY; elsewhere with batched INSERTs.
Everything is written directly (not through the services): this is synthetic load, not user work.
"""

from __future__ import annotations

import csv
import io
import json
import random
import time
from collections.abc import Iterable, Iterator, Sequence
from datetime import datetime, timedelta
from typing import Any

from django.contrib.auth.hashers import make_password
from django.contrib.contenttypes.models import ContentType
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils import timezone

from inspections.models import Inspection
from inspections.tally import rebuild_tallies
from safetyops.evidence import signing
from safetyops.orgs.creditcode import ALPHABET, check_character
from safetyops.orgs.forms import filter_options_changed
from safetyops.orgs.models import Role, Sector
from safetyops.orgs.selectors import enterprises_changed

PRESETS: dict[str, dict[str, int]] = {
    "city": {
        "counties": 10,
        "townships": 150,
        "villages": 3000,
        "enterprises": 50_000,
        "inspections": 300_000,
        "hazards": 1_000_000,
    },
    "county": {
        "counties": 1,
        "townships": 15,
        "villages": 300,
        "enterprises": 5_000,
        "inspections": 30_000,
        "hazards": 100_000,
    },
    "township": {
        "counties": 1,
        "townships": 1,
        "villages": 20,
        "enterprises": 500,
        "inspections": 3_000,
        "hazards": 10_000,
    },
}
BENCH_PASSWORD = "bench-pass-2026"  # noqa: S105 - synthetic benchmark users only
CITY_CODE = "990000"
DESCRIPTIONS = [
    "配电箱箱门未关闭，线路裸露",
    "灭火器压力不足",
    "安全出口被堵塞",
    "砂轮机防护罩缺失",
    "除尘器未设泄爆装置",
    "燃气软管老化",
    "高处作业未系安全带",
    "有限空间未设警示标志",
    "特种作业人员证件过期",
    "应急预案未演练",
]
NOW = timezone.now()


class _RowFile(io.TextIOBase):
    """A file-like object that renders CSV rows lazily, for COPY ... FROM STDIN."""

    def __init__(self, rows: Iterable[Sequence[Any]]) -> None:
        self._rows = iter(rows)
        self._buffer = ""

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> str:
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        while size < 0 or len(self._buffer) < size:
            try:
                row = next(self._rows)
            except StopIteration:
                break
            writer.writerow(["\\N" if v is None else v for v in row])
            self._buffer += out.getvalue()
            out.seek(0)
            out.truncate()
        if size < 0:
            chunk, self._buffer = self._buffer, ""
        else:
            chunk, self._buffer = self._buffer[:size], self._buffer[size:]
        return chunk

    readline = read  # type: ignore[assignment]


def insert_rows(table: str, columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> int:
    """COPY on PostgreSQL, batched INSERT elsewhere. Returns the number of rows written."""
    counted = _Counter(rows)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            sql = f"COPY {table} ({', '.join(columns)}) FROM STDIN WITH (FORMAT csv, NULL '\\N')"
            cursor.cursor.copy_expert(sql, _RowFile(counted), size=1 << 16)
        else:
            marks = ", ".join(["%s"] * len(columns))
            sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})"  # noqa: S608 - fixed names
            batch: list[Sequence[Any]] = []
            for row in counted:
                batch.append(row)
                if len(batch) >= 5000:
                    cursor.executemany(sql, batch)
                    batch = []
            if batch:
                cursor.executemany(sql, batch)
    return counted.count


class _Counter:
    def __init__(self, rows: Iterable[Sequence[Any]]) -> None:
        self.rows, self.count = rows, 0

    def __iter__(self) -> Iterator[Sequence[Any]]:
        for row in self.rows:
            self.count += 1
            yield row


def _next_id(table: str) -> int:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COALESCE(MAX(id), 0) + 1 FROM {table}")  # noqa: S608 - fixed names
        return int(cursor.fetchone()[0])


def _reset_sequences(tables: Sequence[str]) -> None:
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), COALESCE((SELECT MAX(id) FROM {table}), 1))"  # noqa: S608
            )


def credit_code(index: int) -> str:
    body = ""
    for _ in range(9):
        index, digit = divmod(index, 31)
        body = ALPHABET[digit] + body
    first17 = "91" + CITY_CODE + body
    return first17 + check_character(first17)


class Command(BaseCommand):
    help = "Generate a synthetic city (or county, township) for benchmarks. Reproducible from --seed."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--preset", choices=sorted(PRESETS), default="city")
        parser.add_argument("--seed", type=int, default=2026)
        parser.add_argument("--hazards", type=int, help="override the preset's number of hazards")

    def handle(self, *args: Any, **options: Any) -> None:
        sizes = dict(PRESETS[options["preset"]])
        if options.get("hazards"):
            sizes["hazards"] = options["hazards"]
        if _next_id("inspections_hazard") > 1 or _next_id("orgs_enterprise") > 1:
            raise CommandError("The database already holds enterprises or hazards: use an empty database.")
        rng = random.Random(options["seed"])
        started = time.monotonic()
        with transaction.atomic():
            counts = Generator(rng, sizes, self.stdout).run()
            # COPY bypasses the signals that keep the per-node hazard counts: count them all once.
            tally_started = time.monotonic()
            counts["hazard tallies"] = rebuild_tallies()
            enterprises_changed()  # COPY sends no signals
            filter_options_changed()  # the filters' kept lists (the ledger's read this version too)
            self.stdout.write(f"  hazard tallies in {time.monotonic() - tally_started:.1f} s")
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                # VACUUM sets the visibility map, without which the covering indexes' index-only
                # scans still visit the heap; ANALYZE gives the planner the new sizes.
                # (A test's transaction cannot hold a VACUUM: ANALYZE alone there.)
                cursor.execute("ANALYZE" if connection.in_atomic_block else "VACUUM (ANALYZE)")
        total = time.monotonic() - started
        self.stdout.write(
            f"Generated {options['preset']} (seed {options['seed']}) in {total:.0f} s: "
            + ", ".join(f"{k} {v:,}" for k, v in counts.items())
        )


class Generator:
    def __init__(self, rng: random.Random, sizes: dict[str, int], out: Any) -> None:
        self.rng, self.sizes, self.out = rng, sizes, out
        self.counts: dict[str, int] = {}

    def log(self, what: str, n: int, since: float) -> None:
        self.counts[what] = n
        self.out.write(f"  {what}: {n:,} in {time.monotonic() - since:.1f} s")

    def run(self) -> dict[str, int]:
        self.nodes()
        self.users()
        self.enterprises()
        self.inspections()
        self.hazards()
        if self.city_id is not None:
            self.campaign()
        _reset_sequences(
            [
                "orgs_node",
                "orgs_user",
                "orgs_membership",
                "orgs_enterprise",
                "orgs_enterprise_sectors",
                "inspections_inspection",
                "inspections_inspectionsignature",
                "evidence_signature",
                "inspections_hazard",
                "inspections_hazardevent",
                "inspections_hazardextension",
                "inspections_hazardsequence",
                "campaigns_campaign",
                "campaigns_target",
                "campaigns_reporttask",
                "campaigns_unitreport",
                "campaigns_reportversion",
            ]
        )
        return self.counts

    # Jurisdictions ------------------------------------------------------------------------------

    def nodes(self) -> None:
        t0 = time.monotonic()
        s = self.sizes
        node_id = _next_id("orgs_node")
        rows: list[tuple[Any, ...]] = []
        city_id = node_id
        city_path = f"/{CITY_CODE}/"
        multi = s["counties"] > 1
        self.city_id: int | None = city_id if multi else None
        if multi:
            rows.append((city_id, CITY_CODE, "云州市", "city", "city", None, city_path, 0))
            node_id += 1
        self.counties: list[tuple[int, str, str]] = []
        self.townships: list[tuple[int, str, str, int]] = []  # id, code, path, county id
        self.villages: list[tuple[int, str, int]] = []  # id, path, township id
        towns_per_county = max(1, s["townships"] // s["counties"])
        villages_per_town = max(1, s["villages"] // s["townships"])
        for c in range(s["counties"]):
            code = f"99{c + 1:02d}00" if multi else "990199"
            path = (city_path if multi else "/") + f"{code}/"
            rows.append((node_id, code, f"第{c + 1}县", "county", "county", city_id if multi else None, path, c))
            county_id = node_id
            self.counties.append((county_id, code, path))
            node_id += 1
            for t in range(towns_per_county):
                tcode = f"{code}{t + 1:03d}"
                tpath = f"{path}{tcode}/"
                rows.append((node_id, tcode, f"第{c + 1}县{t + 1}镇", "township", "town", county_id, tpath, t))
                town_id = node_id
                self.townships.append((town_id, tcode, tpath, county_id))
                node_id += 1
                for v in range(villages_per_town):
                    vcode = f"{tcode}{v + 1:03d}"
                    rows.append(
                        (node_id, vcode, f"{t + 1}镇{v + 1}村", "village", "village", town_id, f"{tpath}{vcode}/", v)
                    )
                    self.villages.append((node_id, f"{tpath}{vcode}/", town_id))
                    node_id += 1
        n = insert_rows("orgs_node", ["id", "code", "name", "level", "kind", "parent_id", "path", "sort_order"], rows)
        self.log("nodes", n, t0)

    # Users --------------------------------------------------------------------------------------

    def users(self) -> None:
        t0 = time.monotonic()
        password = make_password(BENCH_PASSWORD)
        user_id = _next_id("orgs_user")
        membership_id = _next_id("orgs_membership")
        users, memberships = [], []
        self.officials: dict[int, int] = {}  # township id -> official user id
        self.bench_logins: dict[str, str] = {}

        def add(
            username: str, role: str, node_id: int | None, enterprise_id: int | None = None, staff: bool = False
        ) -> int:
            nonlocal user_id, membership_id
            users.append((user_id, password, False, username, "", "", "", staff, True, NOW, username, ""))
            # Leaders and enterprise users sign their unit's 责任书 and 承诺书 (Membership.is_principal).
            principal = role in (Role.LEADER, Role.ENTERPRISE_USER)
            memberships.append((membership_id, user_id, role, node_id, enterprise_id, "", "", principal))
            user_id += 1
            membership_id += 1
            return user_id - 1

        self.admins: dict[int, int] = {}  # city or county id -> its admin's user id
        if self.city_id is not None:
            self.admins[self.city_id] = add("bench_city_admin", Role.COUNTY_ADMIN, self.city_id, staff=True)
            add("bench_city_leader", Role.LEADER, self.city_id)
        for index, (county_id, _code, _path) in enumerate(self.counties):
            self.admins[county_id] = add(f"bench_admin_{index}", Role.COUNTY_ADMIN, county_id, staff=True)
            add(f"bench_leader_{index}", Role.LEADER, county_id)
        for index, (town_id, _code, _path, _county) in enumerate(self.townships):
            self.officials[town_id] = add(f"bench_official_{index}", Role.TOWNSHIP_OFFICIAL, town_id)
        self._pending_users = (users, memberships, add)
        self.log("office users", len(users), t0)

    # Enterprises --------------------------------------------------------------------------------

    def enterprises(self) -> None:
        t0 = time.monotonic()
        rng, s = self.rng, self.sizes
        sectors = list(Sector.objects.filter(parent__isnull=True, cross_cutting=False).values_list("pk", flat=True))
        sub = list(Sector.objects.filter(parent__isnull=False).values_list("pk", flat=True))
        enterprise_id = _next_id("orgs_enterprise")
        self.enterprise_ids: list[int] = []
        self.enterprise_town: dict[int, int] = {}
        self.enterprise_node: dict[int, int] = {}
        self.enterprise_sector: dict[int, int] = {}
        rows, links = [], []
        risk = ["low"] * 50 + ["general"] * 35 + ["significant"] * 12 + ["major"] * 3
        for i in range(s["enterprises"]):
            village_id, _vpath, town_id = (
                self.villages[i % len(self.villages)]
                if rng.random() < 0.85
                else (self.townships[i % len(self.townships)][0], "", self.townships[i % len(self.townships)][0])
            )
            sector = rng.choice(sub if rng.random() < 0.4 else sectors)
            rows.append(
                (
                    enterprise_id,
                    f"合成企业{i:06d}有限公司",
                    credit_code(i),
                    "合成地址",
                    "张三",
                    "13800000000",
                    "李四",
                    "13900000000",
                    "operating" if rng.random() < 0.93 else "suspended",
                    rng.choice(risk),
                    rng.random() < 0.02,
                    rng.randint(5, 500),
                    NOW - timedelta(days=4 * 365),  # registered before its three years of inspections
                    NOW,
                    village_id,
                )
            )
            links.append((enterprise_id, sector))
            self.enterprise_ids.append(enterprise_id)
            self.enterprise_town[enterprise_id] = town_id
            self.enterprise_node[enterprise_id] = village_id
            self.enterprise_sector[enterprise_id] = sector
            enterprise_id += 1
        n = insert_rows(
            "orgs_enterprise",
            [
                "id",
                "name",
                "credit_code",
                "address",
                "principal_name",
                "principal_phone",
                "safety_officer_name",
                "safety_officer_phone",
                "status",
                "risk_level",
                "has_major_hazard_source",
                "employees",
                "created_at",
                "updated_at",
                "node_id",
            ],
            rows,
        )
        insert_rows("orgs_enterprise_sectors", ["enterprise_id", "sector_id"], links)
        self.log("enterprises", n, t0)
        # One enterprise login per 100 enterprises is enough for the benchmark's enterprise dashboard.
        users, memberships, add = self._pending_users
        for index, eid in enumerate(self.enterprise_ids[::100]):
            add(f"bench_enterprise_{index}", Role.ENTERPRISE_USER, None, eid)
        insert_rows(
            "orgs_user",
            [
                "id",
                "password",
                "is_superuser",
                "username",
                "first_name",
                "last_name",
                "email",
                "is_staff",
                "is_active",
                "date_joined",
                "full_name",
                "phone",
            ],
            users,
        )
        insert_rows(
            "orgs_membership",
            ["id", "user_id", "role", "node_id", "enterprise_id", "unit", "title", "is_principal"],
            memberships,
        )
        self.counts["users"] = len(users)

    # Inspections --------------------------------------------------------------------------------

    def inspections(self) -> None:
        t0 = time.monotonic()
        rng, s = self.rng, self.sizes
        inspection_id = _next_id("inspections_inspection")
        signature_id = _next_id("inspections_inspectionsignature")
        self.inspections_of: dict[int, list[tuple[int, datetime]]] = {}
        kinds = ["routine"] * 6 + ["special", "unannounced", "cross", "review", "joint"]
        three_years = 3 * 365 * 24 * 3600

        def rows() -> Iterator[tuple[Any, ...]]:
            nonlocal inspection_id
            for _ in range(s["inspections"]):
                eid = rng.choice(self.enterprise_ids)
                when = NOW - timedelta(seconds=rng.randrange(three_years))
                official = self.officials[self.enterprise_town[eid]]
                self.inspections_of.setdefault(eid, []).append((inspection_id, when))
                yield (
                    inspection_id,
                    rng.choice(kinds),
                    when,
                    "",
                    "检查完毕",
                    "locked",
                    when,
                    when,
                    None,
                    official,
                    eid,
                )
                inspection_id += 1

        n = insert_rows(
            "inspections_inspection",
            [
                "id",
                "kind",
                "inspected_at",
                "findings",
                "conclusion",
                "status",
                "created_at",
                "locked_at",
                "campaign_id",
                "created_by_id",
                "enterprise_id",
            ],
            rows(),
        )

        # One evidence.Signature per inspector row, of a synthetic record text with its real hash.
        inspection_type = ContentType.objects.get_for_model(Inspection).pk
        signed_id = _next_id("evidence_signature")
        first_signed = signed_id

        def signed() -> Iterator[tuple[Any, ...]]:
            nonlocal signed_id
            for eid, items in self.inspections_of.items():
                official = self.officials[self.enterprise_town[eid]]
                for iid, when in items:
                    text = f"检查记录 {iid}\n检查结论：\n检查完毕"
                    yield (signed_id, inspection_type, iid, "typed", official, "合成检查员", when, None, "", text,
                           signing.digest(text), None, None, None)  # fmt: skip
                    signed_id += 1

        insert_rows(
            "evidence_signature",
            [
                "id",
                "owner_type_id",
                "owner_id",
                "method",
                "signer_id",
                "signed_name",
                "signed_at",
                "ip",
                "user_agent",
                "text",
                "sha256",
                "scan_id",
                "countersigned_by_id",
                "countersigned_at",
            ],
            signed(),
        )

        def signatures() -> Iterator[tuple[Any, ...]]:
            nonlocal signature_id
            ref = first_signed
            for eid, items in self.inspections_of.items():
                official = self.officials[self.enterprise_town[eid]]
                for iid, _when in items:
                    yield (signature_id, ref, iid, official)
                    signature_id += 1
                    ref += 1

        insert_rows(
            "inspections_inspectionsignature",
            ["id", "signature_id", "inspection_id", "inspector_id"],
            signatures(),
        )
        self.log("inspections", n, t0)

    # Hazards ------------------------------------------------------------------------------------

    def hazards(self) -> None:
        t0 = time.monotonic()
        rng, s = self.rng, self.sizes
        today = timezone.localdate()
        hazard_id = _next_id("inspections_hazard")
        first_hazard = hazard_id
        town_code = {t[0]: t[1] for t in self.townships}
        sequences: dict[tuple[int, str], int] = {}
        events: list[tuple[Any, ...]] = []
        extensions: list[tuple[Any, ...]] = []
        with_inspections = [e for e in self.enterprise_ids if e in self.inspections_of]
        self.sample_hazards: list[int] = []

        def rows() -> Iterator[tuple[Any, ...]]:
            nonlocal hazard_id
            for _ in range(s["hazards"]):
                eid = rng.choice(with_inspections)
                inspection, when = rng.choice(self.inspections_of[eid])
                town = self.enterprise_town[eid]
                official = self.officials[town]
                age = (NOW - when).days
                major = rng.random() < 0.05
                deadline = (when + timedelta(days=60 if major else rng.choice([7, 15, 30]))).date()
                # Older hazards are mostly closed; recent ones are mostly open.
                p_closed = 0.97 if age > 180 else 0.85 if age > 60 else 0.45
                if rng.random() < p_closed:
                    status = "closed"
                else:
                    status = rng.choice(
                        ["registered", "rectifying", "rectifying", "awaiting_verification"]
                        + (["plan_pending"] if major else [])
                    )
                closed_at = when + timedelta(days=rng.randint(0, 40)) if status == "closed" else None
                if closed_at and closed_at > NOW:
                    closed_at = NOW
                overdue_days = (today - deadline).days if status != "closed" else 0
                escalation = "supervised" if overdue_days > 7 else "urged" if overdue_days > 3 else ""
                listed = major and status != "closed" and rng.random() < 0.3
                year = timezone.localtime(when).year
                key = (year, town_code[town])
                sequences[key] = sequences.get(key, 0) + 1
                number = f"YH-{year}-{town_code[town]}-{sequences[key]:05d}"
                events.append(("registered", when, "", "registered", official, hazard_id))
                if closed_at:
                    events.append(("verified", closed_at, "awaiting_verification", "closed", official, hazard_id))
                if rng.random() < 0.03:
                    extensions.append((hazard_id, deadline, official, when))
                if len(self.sample_hazards) < 200 and status != "closed":
                    self.sample_hazards.append(hazard_id)
                yield (
                    hazard_id,
                    number,
                    "major" if major else "general",
                    rng.choice(["thing", "thing", "behaviour", "management"]),
                    "inspection",
                    rng.choice(DESCRIPTIONS),
                    "",
                    status,
                    deadline,
                    False,
                    when,
                    closed_at,
                    listed,
                    when if listed else None,
                    None,
                    None,
                    official if closed_at else None,
                    eid,
                    self.enterprise_node[eid],
                    official,
                    self.enterprise_sector[eid],
                    inspection,
                    escalation,
                    when + timedelta(days=4) if escalation else None,
                )
                hazard_id += 1

        n = insert_rows(
            "inspections_hazard",
            [
                "id",
                "number",
                "level",
                "category",
                "source",
                "description",
                "location",
                "status",
                "deadline",
                "fixed_on_spot",
                "registered_at",
                "closed_at",
                "listed_supervision",
                "listed_at",
                "campaign_id",
                "checklist_item_id",
                "closed_by_id",
                "enterprise_id",
                "node_id",
                "registered_by_id",
                "sector_id",
                "inspection_id",
                "escalation",
                "escalated_at",
            ],
            rows(),
        )
        self.log("hazards", n, t0)
        t1 = time.monotonic()
        event_id = _next_id("inspections_hazardevent")
        insert_rows(
            "inspections_hazardevent",
            [
                "id",
                "action",
                "created_at",
                "from_status",
                "to_status",
                "comment",
                "data",
                "actor_id",
                "hazard_id",
            ],
            ((event_id + i, a, c, f, t, "", "{}", actor, h) for i, (a, c, f, t, actor, h) in enumerate(events)),
        )
        self.log("hazard events", len(events), t1)
        extension_id = _next_id("inspections_hazardextension")
        insert_rows(
            "inspections_hazardextension",
            [
                "id",
                "hazard_id",
                "reason",
                "old_deadline",
                "requested_deadline",
                "requested_by_id",
                "requested_at",
                "decision",
                "decided_by_id",
                "decided_at",
                "approved_deadline",
                "decision_comment",
            ],
            (
                (
                    extension_id + i,
                    h,
                    "设备采购周期长",
                    d,
                    d + timedelta(days=20),
                    actor,
                    w,
                    "approved",
                    actor,
                    w,
                    d + timedelta(days=20),
                    "同意",
                )
                for i, (h, d, actor, w) in enumerate(extensions)
            ),
        )
        self.counts["extensions"] = len(extensions)
        insert_rows(
            "inspections_hazardsequence",
            ["year", "node_code", "last"],
            ((y, code, last) for (y, code), last in sequences.items()),
        )
        self.counts["first_hazard_id"] = first_hazard

    # The city's campaign ------------------------------------------------------------------------

    def campaign(self) -> None:
        """An active 大排查大整治 of the city over every enterprise (one target each), launched a
        month ago, and a report task of it for the counties and townships, due three days ago:
        most units reported (some late, some twice, a few zero reports), some returned, some not.
        Written by table name: a domain app imports another's models only through its port."""
        t0 = time.monotonic()
        rng, city = self.rng, self.city_id
        assert city is not None
        today = timezone.localdate()
        starts_on, ends_on, deadline = today - timedelta(days=30), today + timedelta(days=60), today - timedelta(days=3)
        launched = NOW - timedelta(days=30)
        campaign_id = _next_id("campaigns_campaign")
        insert_rows(
            "campaigns_campaign",
            ["id", "kind", "name", "year", "theme", "topic", "description", "starts_on", "ends_on", "status",
             "created_at", "launched_at", "node_id", "created_by_id", "goal_coverage", "goal_rectification",
             "scope_risk_levels"],
            [(campaign_id, "great_inspection", f"{today.year}年安全生产大排查大整治", today.year,
              "全覆盖、零容忍、严执法、重实效", "", "", starts_on, ends_on, "active", launched, launched, city,
              self.admins[city], 100, 90, "[]")],
        )  # fmt: skip
        target_id = _next_id("campaigns_target")
        columns = ["id", "campaign_id", "enterprise_id", "node_id", "added_at", "added_later", "removed_at"]
        targets = insert_rows(
            "campaigns_target",
            [*columns, "removed_reason"],
            (
                (target_id + i, campaign_id, eid, self.enterprise_node[eid], launched, False, None, "")
                for i, eid in enumerate(self.enterprise_ids)
            ),
        )
        self.log("campaign targets", targets, t0)
        t1 = time.monotonic()
        task_id = _next_id("campaigns_reporttask")
        figures = [
            {"key": "targets"},
            {"key": "targets_inspected"},
            {"key": "hazards_found"},
            {"key": "hazards_closed"},
            {"key": "free_1", "label": "宣传材料发放", "unit": "份"},
        ]
        insert_rows(
            "campaigns_reporttask",
            ["id", "campaign_id", "title", "instructions", "period_start", "period_end", "deadline", "figures",
             "created_at", "created_by_id"],
            [(task_id, campaign_id, "大排查大整治阶段性情况报送", "", starts_on, deadline, deadline,
              json.dumps(figures, ensure_ascii=False), launched, self.admins[city])],
        )  # fmt: skip
        # The units: every county (its admin reports) and every township (its official reports).
        units = [(county_id, self.admins[county_id]) for county_id, _code, _path in self.counties]
        units += [(town_id, self.officials[town_id]) for town_id, _code, _path, _county in self.townships]
        report_id, version_id = _next_id("campaigns_unitreport"), _next_id("campaigns_reportversion")
        reports, versions = [], []
        for offset, (node_id, reporter) in enumerate(units):
            roll = rng.random()
            submitted = roll < 0.85
            status = "pending" if not submitted else "returned" if roll < 0.05 else "submitted"
            reports.append((report_id + offset, task_id, status, node_id, node_id, None, None))
            if not submitted:
                continue
            late, zero = rng.random() < 0.15, rng.random() < 0.05
            for number in range(1, (2 if rng.random() < 0.3 and not late else 1) + 1):
                day = deadline + timedelta(days=rng.randint(1, 2)) if late else deadline - timedelta(days=3 - number)
                values = {f["key"]: "0" if zero else str(rng.randint(1, 400)) for f in figures}
                figure_rows = {
                    key: {"value": value, "system": None if key == "free_1" else value, "note": ""}
                    for key, value in values.items()
                }
                when = timezone.make_aware(datetime.combine(day, datetime.min.time())) + timedelta(hours=10)
                versions.append((version_id, report_id + offset, number, json.dumps(figure_rows), "本阶段排查整治情况",
                                 zero, late, min(when, NOW), reporter))  # fmt: skip
                version_id += 1
        insert_rows(
            "campaigns_unitreport",
            ["id", "task_id", "status", "area_id", "node_id", "department_id", "enterprise_id"],
            reports,
        )
        insert_rows(
            "campaigns_reportversion",
            ["id", "report_id", "number", "figures", "text", "zero", "late", "submitted_at", "submitted_by_id"],
            versions,
        )
        self.log("campaign unit reports", len(reports), t1)
        self.counts["campaign report versions"] = len(versions)
