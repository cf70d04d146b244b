"""Who hears of letters and pledges, and when (DOMAIN §7).

At once, after the step commits (once per reason, letter and person: safetyops.notify): the
addressee's principal hears that a letter or pledge is waiting for their signature (issued, or
revised and to be signed again); the issuer's officials hear that it was signed.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from django.contrib.contenttypes.models import ContentType
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accountability.models import Letter
from safetyops.notify.rules import Due, register_reason
from safetyops.notify.services import reminders_claim
from safetyops.orgs.models import Membership, Role
from safetyops.orgs.units import ORGANISING_ROLES

REASONS = {
    "letter_issued": gettext_lazy("责任书、承诺书下达（告知签署人）"),
    "letter_revised": gettext_lazy("责任书修订，需重新签署（告知签署人）"),
    "letter_signed": gettext_lazy("责任书、承诺书已签署（告知下达单位）"),
}


def register_reasons() -> None:
    for reason, label in REASONS.items():
        register_reason(reason, str(label))


def principals(letters: Iterable[Letter]) -> dict[int, list[int]]:
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
                url=reverse("accountability:letter_detail", args=[letter.pk]),
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
        url=reverse("accountability:letter_detail", args=[letter.pk]),
        node_id=template.node_id,
    )
    return len(reminders_claim([due] if users else [], reason="letter_signed", day=timezone.localdate()))
