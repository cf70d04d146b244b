"""`python -m bench.table_engines [--renders N]`: the ledger's 50 rows drawn by Django's template
engine and by Jinja2, side by side, from the same rows, CPU milliseconds per render.

    .venv/bin/python -m bench.table_engines                 # 500 renders of each, 3 rounds
    .venv/bin/python -m bench.table_engines --renders 2000

The engines:
- django: the rows as Django's engine drew them (bench/templates/bench/ledger_rows_django.html,
  the ledger's template before the rows moved to Jinja2: `{% pk_link %}`, labels translated once);
- django, label maps: the same with the status labels looked up in a dict instead of
  `get_FOO_display` (which builds the choices dict per call): the best Django's engine did here;
- jinja2: `{% ledger_rows %}` (inspections/templatetags/hazard_rows.py), what the ledger uses.

The rows are made in memory (no database): 50 hazards with every level, status and escalation,
overdue or not, with or without a sector, their enterprise names full of characters to escape.
Both engines must write the same HTML; the tool says so before it measures. Rounds alternate the
engines so that the neighbours' load hits both alike; the figure is each engine's best round.
"""

from __future__ import annotations

import argparse
import os
import random
import time
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

BASELINE = Path(__file__).parent / "templates" / "bench" / "ledger_rows_django.html"
HOSTILE = ["<script>alert(1)</script>", "\"'&amp;", "A&B 化工", "</td><td>", "{{ x }}", "{% now %}"]


def sample_hazards(count: int = 50, *, today: date, seed: int = 15) -> list[Any]:
    """`count` unsaved hazards with their enterprise, area and sector, of every kind the rows draw."""
    from inspections.models import Hazard
    from safetyops.orgs.models import Enterprise, Node, Sector

    rnd = random.Random(seed)
    sectors = [None, Sector(pk=1, name="危险化学品"), Sector(pk=2, name=HOSTILE[1]), Sector(pk=3, name="")]
    hazards = []
    for i in range(count):
        hazard = Hazard(
            pk=10_000 + i,
            number=f"YH-320102-2026-{i:05d}" if i % 7 else f"YH-{HOSTILE[i % len(HOSTILE)]}",
            level=Hazard.Level.MAJOR if i % 4 == 0 else Hazard.Level.GENERAL,
            status=list(Hazard.Status)[i % len(Hazard.Status)],
            escalation=list(Hazard.Escalation)[i % len(Hazard.Escalation)],
            listed_supervision=i % 5 == 0,
            deadline=today + timedelta(days=rnd.randint(-40, 30)),
            registered_at=datetime(2026, 11, 1, tzinfo=UTC) + timedelta(hours=i),
        )
        hazard.enterprise = Enterprise(pk=i, name=f"{HOSTILE[i % len(HOSTILE)]}安全生产有限公司{i}")
        hazard.node = Node(pk=100 + i % 3, name=["东城街道", "西山镇", HOSTILE[0]][i % 3])
        hazard.sector = sectors[i % len(sectors)]
        hazards.append(hazard)
    return hazards


def django_rows(*, label_maps: bool = False) -> Callable[[list[Any], date], str]:
    """The baseline rows as a function of (hazards, today); with `label_maps` the status and
    escalation labels come from dicts through a filter instead of get_FOO_display."""
    from django import template
    from django.template import Context, engines

    from inspections.models import Hazard

    source = BASELINE.read_text().removesuffix("\n")  # the file's last newline is not the rows'
    extra: dict[str, Any] = {}
    if label_maps:
        library = template.Library()
        library.filter("label", lambda labels, value: labels.get(value, value))
        engine = engines["django"].engine  # type: ignore[attr-defined]
        if library not in engine.template_builtins:
            engine.template_builtins.append(library)
        source = source.replace("hazard.get_status_display", "statuses|label:hazard.status")
        source = source.replace("hazard.get_escalation_display", "escalations|label:hazard.escalation")
        extra = {
            "statuses": {value: str(label) for value, label in Hazard.Status.choices},
            "escalations": {value: str(label) for value, label in Hazard.Escalation.choices},
        }
    compiled = engines["django"].from_string(source).template  # type: ignore[attr-defined]

    def render(hazards: list[Any], today: date) -> str:
        return str(compiled.render(Context({"page": {"object_list": hazards}, "today": today, **extra})))

    return render


def jinja_rows(hazards: list[Any], today: date) -> str:
    from inspections.templatetags.hazard_rows import ledger_rows

    return str(ledger_rows(hazards, today))


def cpu_ms(render: Callable[[list[Any], date], str], hazards: list[Any], today: date, n: int) -> float:
    began = time.process_time()
    for _ in range(n):
        render(hazards, today)
    return (time.process_time() - began) * 1000 / n


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.table_engines", description=__doc__.split("\n\n")[0])
    parser.add_argument("--renders", type=int, default=500, help="renders per engine per round")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    from bench.run import ENV

    os.environ.update(ENV)
    import django

    django.setup()
    from django.utils import translation

    translation.activate("zh-hans")
    today = date(2026, 12, 6)
    hazards = sample_hazards(today=today)
    engines = {"django": django_rows(), "django, label maps": django_rows(label_maps=True), "jinja2": jinja_rows}
    html = {name: render(hazards, today) for name, render in engines.items()}
    for name, out in html.items():
        if out != html["django"]:
            raise SystemExit(f"{name} writes other HTML than django: not comparable")
    print(f"{len(hazards)} rows, {len(html['django']):,} characters of HTML, the same from every engine")
    best: dict[str, float] = {}
    for round_ in range(1, args.rounds + 1):
        figures = {name: cpu_ms(render, hazards, today, args.renders) for name, render in engines.items()}
        for name, ms in figures.items():
            best[name] = min(best.get(name, ms), ms)
        print(f"round {round_}: " + ", ".join(f"{name} {ms:.3f} ms" for name, ms in figures.items()))
    print(f"\nCPU per render of the {len(hazards)} rows (best of {args.rounds} rounds of {args.renders}):")
    for name, ms in best.items():
        print(f"  {name:20} {ms:7.3f} ms   {best['django'] / ms:4.1f}× django")


if __name__ == "__main__":
    main()
