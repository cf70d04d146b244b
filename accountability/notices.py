"""Who hears of letters and pledges, and when (DOMAIN §7).

At once, after the step commits (once per reason, letter and person: safetyops.notify): the
addressee's principal hears that a letter or pledge is waiting for their signature (issued, or
revised and to be signed again); the issuer's officials hear that it was signed.

Daily, by the rules registered here (the reminder scan; once per reason, letter, person and day):
a letter or pledge still unsigned REMIND_AFTER_DAYS days after it was issued, to its signer, once;
past its deadline, to its signer every day and to the issuer's officials once.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable, Iterator
from typing import Any, NamedTuple

from django.contrib.contenttypes.models import ContentType
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accountability.models import Letter, LetterTemplate
from safetyops.core.periods import local_start
from safetyops.notify.rules import Due, Rule, keyset_batches, register, register_reason, untold_batches
from safetyops.notify.services import reminders_claim
from safetyops.orgs.models import Membership, Role
from safetyops.orgs.units import ORGANISING_ROLES

REASONS = {
    "letter_issued": gettext_lazy("责任书、承诺书下达（告知签署人）"),
    "letter_revised": gettext_lazy("责任书修订，需重新签署（告知签署人）"),
    "letter_signed": gettext_lazy("责任书、承诺书已签署（告知下达单位）"),
    "letter_withdrawn": gettext_lazy("责任书、承诺书撤回，无需签署（告知签署人）"),
}


def register_reasons() -> None:
    for reason, label in REASONS.items():
        register_reason(reason, str(label))


def principals(letters: Iterable[Letter | _Stub]) -> dict[int, list[int]]:
    """The user ids who sign each letter: the unit's principals (Membership.is_principal; for an
    enterprise also the user named as its 主要负责人). When a unit has none recorded, its people
    (a node's officials and leaders, a department's supervisors, an enterprise's users) hear
    instead, so that someone passes it on. One query."""
    letters = list(letters)
    nodes = {letter.node_id for letter in letters if letter.node_id}
    departments = {letter.department_id for letter in letters if letter.department_id}
    enterprises = {letter.enterprise_id for letter in letters if letter.enterprise_id}
    rows = (
        Membership.objects.filter(user__is_active=True)
        .filter(
            Q(role__in=(*ORGANISING_ROLES, Role.LEADER), node_id__in=nodes)
            | Q(role=Role.DEPARTMENT_SUPERVISOR, department_id__in=departments)
            | Q(role=Role.ENTERPRISE_USER, enterprise_id__in=enterprises)
        )
        .values_list(
            "role",
            "node_id",
            "department_id",
            "enterprise_id",
            "user_id",
            "is_principal",
            "user__full_name",
            "enterprise__principal_name",
        )
        .order_by("user_id")
    )
    people: dict[tuple[str, int | None], list[int]] = defaultdict(list)
    heads: dict[tuple[str, int | None], list[int]] = defaultdict(list)
    for role, node_id, department_id, enterprise_id, user_id, is_principal, full_name, principal_name in rows:
        key: tuple[str, int | None]
        if role == Role.ENTERPRISE_USER:
            key = ("enterprise", enterprise_id)
            is_principal = is_principal or bool(full_name and full_name.strip() == (principal_name or "").strip())
        elif role == Role.DEPARTMENT_SUPERVISOR:
            key = ("department", department_id)
        else:
            key = ("node", node_id)
        people[key].append(user_id)
        if is_principal:
            heads[key].append(user_id)
    result = {}
    for letter in letters:
        key = (
            ("node", letter.node_id)
            if letter.node_id
            else ("department", letter.department_id)
            if letter.department_id
            else ("enterprise", letter.enterprise_id)
        )
        result[letter.pk] = heads.get(key) or people.get(key, [])
    return result


def tell_letters_issued(letter_ids: list[int], *, revised: bool = False) -> int:
    letters = list(
        Letter.objects.filter(pk__in=letter_ids, status=Letter.Status.ISSUED).select_related("template__node")
    )
    if not letters:
        return 0
    recipients = principals(letters)
    content_type = ContentType.objects.get_for_model(Letter)
    dues = []
    for letter in letters:
        template = letter.template
        kind = template.get_kind_display()
        title = (_("%(kind)s已修订，请重新签署") if revised else _("请签署%(kind)s")) % {"kind": kind}
        body = _("%(node)s下达的《%(title)s》待您签署，签署期限：%(due)s。") % {
            "node": template.node.name,
            "title": template.title,
            "due": letter.due_on.isoformat() if letter.due_on else "—",
        }
        dues.append(
            Due.of(
                (content_type, letter.pk),
                recipients=recipients.get(letter.pk, []),
                title=title,
                body=body,
                url=letter_url(letter.pk),
                node_id=letter.area_id,
            )
        )
    reason = "letter_revised" if revised else "letter_issued"
    claimed = reminders_claim([due for due in dues if due.recipients], reason=reason, day=timezone.localdate())
    return len(claimed)


def issuer_officials(node_ids: Iterable[int]) -> dict[int, list[int]]:
    officials: dict[int, list[int]] = defaultdict(list)
    for node_id, user_id in (
        Membership.objects.filter(user__is_active=True, role__in=ORGANISING_ROLES, node_id__in=set(node_ids))
        .order_by("user_id")
        .values_list("node_id", "user_id")
    ):
        officials[node_id].append(user_id)
    return officials


def tell_letter_signed(letter_id: int) -> int:
    letter = Letter.objects.filter(pk=letter_id).select_related("template__node", "signature").first()
    if letter is None or letter.signature is None:
        return 0
    template = letter.template
    users = issuer_officials([template.node_id]).get(template.node_id, [])
    due = Due.of(
        letter,
        recipients=users,
        title=_("%(unit)s已签署%(kind)s") % {"unit": letter.unit_name, "kind": template.get_kind_display()},
        body=_("《%(title)s》已由%(name)s签署。") % {"title": template.title, "name": letter.signature.signed_name},
        url=letter_url(letter.pk),
        node_id=template.node_id,
    )
    return len(reminders_claim([due] if users else [], reason="letter_signed", day=timezone.localdate()))


def tell_letter_withdrawn(letter_id: int) -> int:
    """The signer of an issued letter hears that it was withdrawn (with the reason): once."""
    letter = (
        Letter.objects.filter(pk=letter_id, status=Letter.Status.WITHDRAWN).select_related("template__node").first()
    )
    if letter is None:
        return 0
    template = letter.template
    users = principals([letter]).get(letter.pk, [])
    due = Due.of(
        letter,
        recipients=users,
        title=_("%(kind)s已撤回") % {"kind": template.get_kind_display()},
        body=_("%(node)s下达的《%(title)s》已撤回，无需签署。撤回原因：%(reason)s")
        % {
            "node": template.node.name,
            "title": template.title,
            "reason": letter.withdrawn_reason,
        },
        url=letter_url(letter.pk),
        node_id=letter.area_id,
    )
    return len(reminders_claim([due] if users else [], reason="letter_withdrawn", day=timezone.localdate()))


# Daily (the reminder scan, safetyops.notify) ------------------------------------------------------

REMIND_AFTER_DAYS = 3  # a letter still unsigned this many days after it was issued: its signer hears once
DAILY_REASONS = {
    "letter_unsigned": gettext_lazy("责任书、承诺书下达后仍未签署（告知签署人，一次）"),
    "letter_overdue": gettext_lazy("责任书、承诺书逾期未签署（告知签署人，每日）"),
    "letter_overdue_issuer": gettext_lazy("责任书、承诺书逾期未签署（告知下达单位，一次）"),
}
_ROW_FIELDS = (
    "node_id",
    "department_id",
    "enterprise_id",
    "area_id",
    "due_on",
    "issued_at",
    "template__title",
    "template__kind",
    "template__node_id",
    "template__node__name",
)


def letter_url(letter_id: int) -> str:
    return reverse("accountability:letter_detail", args=[letter_id])


class _Letters:
    """What the daily letter rules say about every row, worked out once per scan: reverse() and
    the kinds' labels per row cost more than the rest of a row's text (17,594 overdue letters)."""

    def __init__(self) -> None:
        self.content_type = ContentType.objects.get_for_model(Letter)
        self._url = letter_url(987654321).replace("987654321", "{}")
        self._kinds = {value: str(label) for value, label in LetterTemplate.Kind.choices}

    def url(self, letter_id: int) -> str:
        return self._url.format(letter_id)

    def facts(self, row: dict[str, Any], *, days: int) -> dict[str, Any]:
        """What a reminder about a letter row says: issuer, title, kind, the days, the deadline and
        (when the row has the unit's names) the addressee."""
        return {
            "node": row["template__node__name"],
            "unit": row.get("node__name") or row.get("department__name") or row.get("enterprise__name") or "",
            "title": row["template__title"],
            "kind": self._kinds.get(row["template__kind"], ""),
            "days": days,
            "due": row["due_on"].isoformat() if row["due_on"] else "—",
        }

    def due(
        self, row: dict[str, Any], *, recipients: list[int], title: str, body: str, node_id: int | None = None
    ) -> Due:
        """The letter's area gets it unless `node_id` says otherwise (the issuer's, for its officials)."""
        return Due.of(
            (self.content_type, row["pk"]),
            recipients=recipients,
            title=title,
            body=body,
            url=self.url(row["pk"]),
            node_id=row["area_id"] if node_id is None else node_id,
        )


class _Stub(NamedTuple):
    """A letter enough for principals(): its unit columns (a Letter instance per row cost more)."""

    pk: int
    node_id: int | None
    department_id: int | None
    enterprise_id: int | None


def _stubs(rows: list[dict[str, Any]]) -> list[_Stub]:
    return [_Stub(row["pk"], row["node_id"], row["department_id"], row["enterprise_id"]) for row in rows]


class LetterUnsignedRule(Rule):
    """Issued REMIND_AFTER_DAYS days ago or more, not signed and not yet overdue: the signer hears
    once (not once a day: a letter already told is left out)."""

    reason = "letter_unsigned"
    label = str(DAILY_REASONS["letter_unsigned"])

    def due(self, today: datetime.date) -> Iterator[Due]:
        letters = _Letters()
        title, body = (
            _("%(kind)s尚未签署：%(title)s"),
            _("%(node)s下达的《%(title)s》已下达%(days)s天，尚未签署，签署期限：%(due)s。"),
        )
        waiting = Letter.objects.filter(
            status=Letter.Status.ISSUED,
            issued_at__lt=local_start(today - datetime.timedelta(days=REMIND_AFTER_DAYS - 1)),
        ).filter(Q(due_on__isnull=True) | Q(due_on__gte=today))
        batches = keyset_batches(waiting, fields=_ROW_FIELDS)
        for rows in untold_batches(batches, reason=self.reason, content_type=letters.content_type):
            people = principals(_stubs(rows))
            for row in rows:
                if recipients := people.get(row["pk"]):
                    facts = letters.facts(row, days=(today - timezone.localdate(row["issued_at"])).days)
                    yield letters.due(row, recipients=recipients, title=title % facts, body=body % facts)


def _overdue(today: datetime.date) -> QuerySet[Letter]:
    return Letter.objects.filter(status=Letter.Status.ISSUED, due_on__lt=today)


class LetterOverdueRule(Rule):
    """Past its signing deadline and not signed: the signer hears every day until it is signed."""

    reason = "letter_overdue"
    label = str(DAILY_REASONS["letter_overdue"])

    def due(self, today: datetime.date) -> Iterator[Due]:
        letters = _Letters()
        title, body = (
            _("%(kind)s逾期未签署：%(title)s"),
            _("%(node)s下达的《%(title)s》签署期限为%(due)s，已逾期%(days)s天，请尽快签署。"),
        )
        for rows in keyset_batches(_overdue(today), fields=_ROW_FIELDS, key="due_on"):
            people = principals(_stubs(rows))
            for row in rows:
                if recipients := people.get(row["pk"]):
                    facts = letters.facts(row, days=(today - row["due_on"]).days)
                    yield letters.due(row, recipients=recipients, title=title % facts, body=body % facts)


class LetterOverdueIssuerRule(Rule):
    """Past its signing deadline and not signed: the issuing node's officials hear once per letter."""

    reason = "letter_overdue_issuer"
    label = str(DAILY_REASONS["letter_overdue_issuer"])

    def due(self, today: datetime.date) -> Iterator[Due]:
        letters = _Letters()
        title, body = (
            _("%(unit)s逾期未签署%(kind)s"),
            _("%(unit)s尚未签署《%(title)s》，签署期限为%(due)s，已逾期%(days)s天。"),
        )
        fields = (*_ROW_FIELDS, "node__name", "department__name", "enterprise__name")
        batches = keyset_batches(_overdue(today), fields=fields, key="due_on")
        for rows in untold_batches(batches, reason=self.reason, content_type=letters.content_type):
            officials = issuer_officials(row["template__node_id"] for row in rows)
            for row in rows:
                if recipients := officials.get(row["template__node_id"]):
                    facts = letters.facts(row, days=(today - row["due_on"]).days)
                    yield letters.due(
                        row,
                        recipients=recipients,
                        title=title % facts,
                        body=body % facts,
                        node_id=row["template__node_id"],
                    )


def register_rules() -> None:
    for reason, label in DAILY_REASONS.items():
        register_reason(reason, str(label))
    register(LetterUnsignedRule())
    register(LetterOverdueRule())
    register(LetterOverdueIssuerRule())
