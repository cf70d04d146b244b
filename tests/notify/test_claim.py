"""The claim and the once-only rules at the row level: what a second claim the same day writes
(only the recipients not yet reminded, no second audit note, no INSERT when nothing is new), and
untold_batches, which rules that tell once use instead of an anti-join in their batch query."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext

from safetyops.core.models import AuditEvent
from safetyops.notify.models import Reminder
from safetyops.notify.rules import AuditNote, Due, Rule, untold_batches
from safetyops.notify.services import reminders_claim, reminders_scan
from safetyops.orgs.models import Enterprise, User
from tests.conftest import World
from tests.notify.conftest import on

pytestmark = pytest.mark.django_db

DAY = date(2026, 3, 13)
NOTE = AuditNote(action="test.reminded", target_repr="东城化工", data={"days_before": 3})


def due(world: World, *users: User, title: str = "提醒") -> Due:
    return Due.of(world.ent_a, recipients=[u.pk for u in users], title=title, body="请按期整改。", audit=NOTE)


def test_a_second_claim_adds_only_the_new_recipient_and_writes_no_second_note(world: World) -> None:
    first = reminders_claim([due(world, world.enterprise_a)], reason="test_claim", day=DAY)
    second = reminders_claim([due(world, world.enterprise_a, world.official_a)], reason="test_claim", day=DAY)
    assert len(first) == len(second) == 1 and first != second
    assert Reminder.objects.get(pk=second[0]).recipient_id == world.official_a.pk
    assert Reminder.objects.filter(reason="test_claim").count() == 2
    assert AuditEvent.objects.filter(action="test.reminded", target_id=str(world.ent_a.pk)).count() == 1


def test_a_claim_of_rows_all_sent_inserts_nothing(world: World) -> None:
    reminders_claim([due(world, world.enterprise_a, world.official_a)], reason="test_claim", day=DAY)
    with CaptureQueriesContext(connection) as queries:
        again = reminders_claim([due(world, world.official_a, world.enterprise_a)], reason="test_claim", day=DAY)
    assert again == []
    assert not [q["sql"] for q in queries.captured_queries if q["sql"].lstrip().upper().startswith("INSERT")]
    # The next day is new, and its note is written again.
    assert len(reminders_claim([due(world, world.enterprise_a)], reason="test_claim", day=date(2026, 3, 14))) == 1
    assert AuditEvent.objects.filter(action="test.reminded").count() == 2


def test_the_texts_of_a_second_claim_do_not_replace_the_first(world: World) -> None:
    reminders_claim([due(world, world.enterprise_a, title="第一次")], reason="test_claim", day=DAY)
    reminders_claim([due(world, world.enterprise_a, title="第二次")], reason="test_claim", day=DAY)
    assert list(Reminder.objects.filter(reason="test_claim").values_list("title", flat=True)) == ["第一次"]


def test_untold_batches_leave_out_objects_told_on_any_day(world: World) -> None:
    enterprise_type = ContentType.objects.get_for_model(Enterprise)
    reminders_claim([due(world, world.enterprise_a)], reason="test_once", day=date(2026, 1, 2))
    reminders_claim(
        [Due.of(world.ent_b, recipients=[world.enterprise_b.pk], title="t", body="b")], reason="other", day=DAY
    )
    rows = [{"pk": world.ent_a.pk}, {"pk": world.ent_b.pk}, {"pk": world.ent_a2.pk}]
    batches = [rows[:2], rows[:1], rows[2:]]
    kept = list(untold_batches(batches, reason="test_once", content_type=enterprise_type))
    # ent_a was told (another day: once means once); ent_b only of another reason; a batch left empty is skipped.
    assert kept == [[{"pk": world.ent_b.pk}], [{"pk": world.ent_a2.pk}]]
    assert list(untold_batches(batches, reason="test_once", content_type=enterprise_type.pk)) == kept


def test_a_scan_that_stops_reading_first_still_claims_each_row_once(world: World, monkeypatch: Any) -> None:
    """After a chunk with nothing sent before, the scan inserts the next chunks without reading
    them first (the dues with a note excepted); a row claimed meanwhile (here by hand) is still
    skipped by ON CONFLICT."""
    from safetyops.notify import rules, services

    class Three(Rule):
        reason = "test_three"
        label = "三家"

        def due(self, today: date) -> list[Due]:
            return [
                Due.of(unit, recipients=[world.enterprise_a.pk], title="提醒", body="…", audit=note)
                for unit, note in ((world.ent_a, NOTE), (world.ent_b, None), (world.ent_a2, NOTE))
            ]

    monkeypatch.setattr(services, "CLAIM_BATCH", 1)
    monkeypatch.setattr(rules, "_RULES", {"test_three": Three()})
    reminders_claim(
        [Due.of(world.ent_b, recipients=[world.enterprise_a.pk], title="提醒", body="…", audit=NOTE)],
        reason="test_three",
        day=DAY,
    )
    with on(DAY):
        assert reminders_scan() == {"test_three": 2}
        assert reminders_scan() == {"test_three": 0}
    assert Reminder.objects.filter(reason="test_three").count() == 3
    for unit in (world.ent_a, world.ent_b, world.ent_a2):
        assert AuditEvent.objects.filter(action="test.reminded", target_id=str(unit.pk)).count() == 1
