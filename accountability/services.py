"""Every change to letters and pledges (目标责任书, 安全承诺书). Each service is atomic, locks the row
it changes, refuses through the declared steps (accountability/lifecycle.py), writes the audit
trail, and tells the people concerned once the change is committed (accountability/notices.py).

- template_create / template_update: the text and items a node issues (a draft);
- template_address: the addressees (child nodes, departments, enterprises), one draft copy each,
  never twice; letter_edit: one copy's items before issuing (never looser than the template's);
- template_issue: every draft copy issued in one transaction, each with its frozen first version;
- letter_sign (the addressee's principal, typed) / letter_countersign (a scan, by the issuer);
- letter_revise (a new version, to be signed again), letter_withdraw (before signing, with a
  reason), letter_assess (by the yearly assessment).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from accountability import coverage, notices
from accountability import items as letter_items
from accountability.errors import LetterError, NotPermitted
from accountability.lifecycle import LETTER_STEPS, TEMPLATE_STEPS
from accountability.models import Letter, LetterTemplate, LetterVersion
from accountability.rights import AccountabilityRight
from accountability.scope import letters_visible_to
from accountability.texts import letter_text
from campaigns.selectors import campaigns_for_pledges
from safetyops.core.audit import log_action, log_actions
from safetyops.core.idempotency import idempotency, idempotent
from safetyops.evidence import signing
from safetyops.evidence.models import Attachment
from safetyops.evidence.services import attachment_create
from safetyops.evidence.uploads import UploadRejected
from safetyops.orgs.models import Department, Enterprise, Node
from safetyops.orgs.scope import has_right, scope_for
from safetyops.orgs.units import ORGANISING_ROLES, unit_fields

Unit = Node | Department | Enterprise
TITLE_MAX = 128
BODY_MAX = 20_000
REASON_MAX = 200


# Templates ---------------------------------------------------------------------------------------


def _issuing_node(actor: Any) -> Node:
    scope = scope_for(actor)
    if scope.node_id is None or scope.role not in ORGANISING_ROLES:
        raise NotPermitted(_("只有县、乡镇的安全生产工作人员可以下达责任书和承诺书。"))
    return Node.objects.get(pk=scope.node_id)


def _check_text(title: str, body: str) -> tuple[str, str]:
    title, body = title.strip(), body.strip()
    if not title:
        raise LetterError(_("请填写标题。"))
    if len(title) > TITLE_MAX:
        raise LetterError(_("标题不能超过%(n)s个字。") % {"n": TITLE_MAX})
    if not body:
        raise LetterError(_("请填写正文。"))
    if len(body) > BODY_MAX:
        raise LetterError(_("正文不能超过%(n)s个字。") % {"n": BODY_MAX})
    return title, body


def _check_items(kind: str, items: list[dict[str, Any]], source_letter: Letter | None) -> list[dict[str, Any]]:
    if kind == LetterTemplate.Kind.PLEDGE:
        return []
    normalised = letter_items.normalise(items)
    if source_letter is not None and (problems := letter_items.looser(normalised, source_letter.items)):
        raise LetterError(problems[0])
    return normalised


def _check_source(actor: Any, node: Node, source_letter: Letter | None, kind: str, year: int) -> None:
    if source_letter is None:
        return
    if not letters_visible_to(actor).filter(pk=source_letter.pk).exists():
        raise LetterError(_("所依据的上级责任书不存在或不在您的管辖范围内。"))
    if source_letter.node_id != node.pk or source_letter.template.kind != kind:
        raise LetterError(_("只能依据下达给本单位的同类责任书逐级下达。"))
    if source_letter.template.year != year:
        raise LetterError(
            _("只能依据同一年度的上级责任书逐级下达：所依据的是%(year)s年度的责任书。")
            % {"year": source_letter.template.year}
        )
    if source_letter.status not in (Letter.Status.ISSUED, Letter.Status.SIGNED, Letter.Status.ASSESSED):
        raise LetterError(_("所依据的上级责任书尚未下达或已撤回。"))


def _check_campaign(actor: Any, kind: str, campaign: Any, *, kept: int | None = None) -> Any:
    """A pledge may name a campaign the actor may issue pledges for (being prepared or running, in
    their scope); a letter names none. `kept`: the campaign a draft already names stays acceptable."""
    if campaign is None:
        return None
    if kind != LetterTemplate.Kind.PLEDGE:
        raise LetterError(_("只有承诺书可以关联专项行动。"))
    if campaign.pk != kept and not campaigns_for_pledges(user=actor).filter(pk=campaign.pk).exists():
        raise LetterError(_("所选专项行动不存在、不在您的管辖范围内或已结束。"))
    return campaign


@idempotent
def template_create(
    *,
    actor: Any,
    kind: str,
    year: int,
    title: str,
    body: str,
    items: list[dict[str, Any]] | None = None,
    assessment_method: str = "",
    campaign: Any = None,
    source_letter: Letter | None = None,
    sign_within_days: int = 7,
    key: str | None = None,
) -> LetterTemplate:
    """A new draft. The form's `key` makes a second post of the same form (a double click, a
    retry) answer with the draft the first one created, never a duplicate."""
    if not has_right(actor, AccountabilityRight.ISSUE):
        raise NotPermitted(_("您没有下达责任书的权限。"))
    with idempotency(actor=actor, step="accountability.template.create", key=key, error=LetterError) as claim:
        node = _issuing_node(actor)
        if kind not in LetterTemplate.Kind.values:
            raise LetterError(_("请选择责任书或承诺书。"))
        title, body = _check_text(title, body)
        _check_source(actor, node, source_letter, kind, year)
        campaign = _check_campaign(actor, kind, campaign)
        if not 1 <= int(sign_within_days) <= 90:
            raise LetterError(_("签署期限须在1到90天之间。"))
        template = LetterTemplate.objects.create(
            kind=kind,
            year=year,
            node=node,
            title=title,
            body=body,
            items=_check_items(kind, items or [], source_letter),
            assessment_method=assessment_method.strip() if kind == LetterTemplate.Kind.RESPONSIBILITY else "",
            campaign=campaign,
            source_letter=source_letter,
            sign_within_days=sign_within_days,
            created_by=actor,
        )
        claim.bind(template)
        log_action(template, "accountability.template.created", actor=actor, data={"kind": kind, "year": year})
        return template


@transaction.atomic
def template_update(*, actor: Any, template: LetterTemplate, **fields: Any) -> LetterTemplate:
    """Change a draft's title, body, items, assessment method, campaign or signing period. The
    drafted copies whose items were the template's follow it; copies edited on their own keep theirs
    unless they became looser than the new template's."""
    template = LetterTemplate.objects.select_for_update().get(pk=template.pk)
    TEMPLATE_STEPS.check("edit", template, actor)
    old_items = template.items
    template.title, template.body = _check_text(fields.get("title", template.title), fields.get("body", template.body))
    if "items" in fields:
        template.items = _check_items(template.kind, fields["items"], template.source_letter)
    if "assessment_method" in fields and template.kind == LetterTemplate.Kind.RESPONSIBILITY:
        template.assessment_method = str(fields["assessment_method"]).strip()
    if "campaign" in fields:
        template.campaign = _check_campaign(actor, template.kind, fields["campaign"], kept=template.campaign_id)
    if "sign_within_days" in fields:
        if not 1 <= int(fields["sign_within_days"]) <= 90:
            raise LetterError(_("签署期限须在1到90天之间。"))
        template.sign_within_days = int(fields["sign_within_days"])
    template.save()
    drafts = list(template.letters.select_for_update().filter(status=Letter.Status.DRAFT))
    for letter in drafts:
        if letter.items == old_items or letter_items.looser(letter.items, template.items):
            letter.items = template.items
    Letter.objects.bulk_update(drafts, ["items"])
    log_action(template, "accountability.template.updated", actor=actor, data={"fields": sorted(fields)})
    return template


@transaction.atomic
def template_discard(*, actor: Any, template: LetterTemplate) -> None:
    """Delete a draft never issued (a duplicate, a mistake) with its draft copies; the audit trail
    keeps its title and how many copies it had."""
    template = LetterTemplate.objects.select_for_update().get(pk=template.pk)
    TEMPLATE_STEPS.check("discard", template, actor)
    letters = list(template.letters.select_for_update(of=("self",)).values_list("pk", flat=True))
    log_action(
        template,
        "accountability.template.discarded",
        actor=actor,
        data={"title": template.title, "kind": template.kind, "year": template.year, "letters": len(letters)},
    )
    Letter.objects.filter(pk__in=letters).delete()
    template.delete()


# Addressees --------------------------------------------------------------------------------------


def addressee_candidates(template: LetterTemplate) -> dict[str, Any]:
    """Who the template can be addressed to: the issuing node's child nodes (a letter), its and its
    subtree's departments (a letter), and the enterprises in its subtree that are not closed."""
    node = template.node
    enterprises = (
        Enterprise.objects.filter(node__path__startswith=node.path)
        .exclude(status=Enterprise.Status.CLOSED)
        .select_related("node")
        .order_by("node__path", "name")
    )
    if template.kind == LetterTemplate.Kind.PLEDGE:
        return {"nodes": Node.objects.none(), "departments": Department.objects.none(), "enterprises": enterprises}
    return {
        "nodes": Node.objects.filter(parent=node).order_by("code"),
        "departments": Department.objects.filter(node__path__startswith=node.path).select_related("node"),
        "enterprises": enterprises,
    }


def _addressable(template: LetterTemplate, units: Iterable[Unit]) -> list[Unit]:
    candidates = addressee_candidates(template)
    allowed = {
        Node: set(candidates["nodes"].values_list("pk", flat=True)),
        Department: set(candidates["departments"].values_list("pk", flat=True)),
        Enterprise: set(candidates["enterprises"].values_list("pk", flat=True)),
    }
    chosen = list(units)
    for unit in chosen:
        if unit.pk not in allowed[type(unit)]:
            raise LetterError(_("“%(name)s”不是本单位可以下达的对象。") % {"name": unit.name})
    return chosen


@transaction.atomic
def template_address(*, actor: Any, template: LetterTemplate, units: Iterable[Unit]) -> int:
    """Add `units` as addressees: one draft copy each with the template's items. A unit that
    already has a copy is left alone, so choosing twice never duplicates; but a unit whose copy
    was withdrawn is addressed again: its copy becomes a draft once more (its versions stay, and
    issuing it again makes the next one). Returns the number of copies added or re-addressed."""
    template = LetterTemplate.objects.select_for_update().get(pk=template.pk)
    TEMPLATE_STEPS.check("address", template, actor)
    chosen = _addressable(template, units)
    if not chosen:
        raise LetterError(_("请至少选择一个签订单位。"))
    existing: dict[tuple[int | None, int | None, int | None], tuple[int, str]] = {
        (node_id, department_id, enterprise_id): (pk, status)
        for pk, node_id, department_id, enterprise_id, status in template.letters.values_list(
            "pk", "node_id", "department_id", "enterprise_id", "status"
        )
    }
    new, again = [], []
    for unit in chosen:
        fields = unit_fields(unit)
        key = (
            fields["node"].pk if fields["node"] else None,
            fields["department"].pk if fields["department"] else None,
            fields["enterprise"].pk if fields["enterprise"] else None,
        )
        if key in existing:
            pk, status = existing[key]
            if status == Letter.Status.WITHDRAWN:
                again.append(pk)
                existing[key] = (pk, Letter.Status.DRAFT)
            continue
        existing[key] = (0, Letter.Status.DRAFT)
        new.append(Letter(template=template, items=template.items, **fields))
    Letter.objects.bulk_create(new, batch_size=500)
    reopened = list(
        template.letters.select_for_update(of=("self",)).filter(pk__in=again, status=Letter.Status.WITHDRAWN)
    )
    for letter in reopened:
        letter.status, letter.items, letter.current_version = Letter.Status.DRAFT, template.items, None
        letter.issued_at, letter.issued_by, letter.due_on = None, None, None
        letter.withdrawn_at, letter.withdrawn_reason = None, ""
    Letter.objects.bulk_update(
        reopened,
        ["status", "items", "current_version", "issued_at", "issued_by", "due_on", "withdrawn_at", "withdrawn_reason"],
        batch_size=500,
    )
    log_action(
        template,
        "accountability.template.addressed",
        actor=actor,
        data={"added": len(new), "readdressed": len(reopened)},
    )
    log_actions(
        Letter, "accountability.letter.readdressed", ((letter.pk, str(letter), {}) for letter in reopened), actor=actor
    )
    return len(new) + len(reopened)


@transaction.atomic
def letter_edit(*, actor: Any, letter: Letter, items: list[dict[str, Any]]) -> Letter:
    """One draft copy's own items (e.g. a township with a larger industry gets a higher limit),
    never looser than the template's."""
    letter = Letter.objects.select_for_update().select_related("template__node").get(pk=letter.pk)
    LETTER_STEPS.check("edit", letter, actor)
    if letter.template.kind == LetterTemplate.Kind.PLEDGE:
        raise LetterError(_("承诺书没有指标。"))
    normalised = letter_items.normalise(items)
    if problems := letter_items.looser(normalised, letter.template.items):
        raise LetterError(problems[0])
    letter.items = normalised
    letter.save(update_fields=["items"])
    log_action(letter, "accountability.letter.edited", actor=actor, data={"items": normalised})
    return letter


# Issuing -----------------------------------------------------------------------------------------


def _version(letter: Letter, number: int, actor: Any, reason: str = "") -> LetterVersion:
    text = signing.canonical(letter_text(letter.template, letter))
    return LetterVersion(
        letter=letter,
        number=number,
        text=text,
        sha256=signing.digest(text),
        items=letter.items,
        reason=reason,
        created_by=actor,
    )


@idempotent
def template_issue(*, actor: Any, template: LetterTemplate, key: str | None = None) -> LetterTemplate:
    """Issue every draft copy of `template` at once: each gets its frozen first version and a
    signing deadline, and its principal is told once this commits. Issuing again issues only the
    copies added since (none: refused, nothing to issue); a replayed form changes nothing."""
    TEMPLATE_STEPS.check_right("issue", actor)
    with idempotency(actor=actor, step="accountability.template.issue", key=key, obj=template, error=LetterError):
        template = LetterTemplate.objects.select_for_update().select_related("node").get(pk=template.pk)
        TEMPLATE_STEPS.check("issue", template, actor)
        drafts = list(
            template.letters.select_for_update(of=("self",))
            .filter(status=Letter.Status.DRAFT)
            .select_related("node", "department", "enterprise")
            .order_by("pk")
        )
        now = timezone.now()
        due = timezone.localdate(now) + datetime.timedelta(days=template.sign_within_days)
        # A copy withdrawn and addressed again keeps its versions: it goes on from its last number.
        last = dict(
            LetterVersion.objects.filter(letter__in=drafts)
            .values("letter")
            .annotate(last=Max("number"))
            .values_list("letter", "last")
        )
        versions = []
        for letter in drafts:
            letter.template = template
            number = last.get(letter.pk, 0) + 1
            versions.append(_version(letter, number, actor, _("撤回后重新下达") if number > 1 else ""))
        LetterVersion.objects.bulk_create(versions, batch_size=500)
        for letter, version in zip(drafts, versions, strict=True):
            letter.status = Letter.Status.ISSUED
            letter.current_version = version
            letter.issued_at, letter.issued_by, letter.due_on = now, actor, due
        Letter.objects.bulk_update(
            drafts, ["status", "current_version", "issued_at", "issued_by", "due_on"], batch_size=500
        )
        if template.status != LetterTemplate.Status.ISSUED:
            template.status, template.issued_at = LetterTemplate.Status.ISSUED, now
            template.save(update_fields=["status", "issued_at"])
        log_action(template, "accountability.template.issued", actor=actor, data={"letters": len(drafts)})
        log_actions(
            Letter,
            "accountability.letter.issued",
            (
                (letter.pk, str(letter), {"version": version.number, "sha256": version.sha256})
                for letter, version in zip(drafts, versions, strict=True)
            ),
            actor=actor,
        )
        ids = [letter.pk for letter in drafts]
        transaction.on_commit(lambda: notices.tell_letters_issued(ids))
        transaction.on_commit(coverage.touch)
        return template


# Signing -----------------------------------------------------------------------------------------


def _seen_version(letter: Letter, number: int | None) -> LetterVersion:
    """The locked letter's current version, which must be the one the signer saw (`number`)."""
    current = letter.current_version
    assert current is not None
    if number is not None and number != current.number:
        raise LetterError(_("该责任书已修订为第 %(n)s 版，请阅读新版本后再签署。") % {"n": current.number})
    return current


def _locked(letter: Letter) -> Letter:
    return (
        Letter.objects.select_for_update(of=("self",))
        .select_related("template__node", "current_version", "node", "department", "enterprise")
        .get(pk=letter.pk)
    )


@idempotent
def letter_sign(
    *,
    actor: Any,
    letter: Letter,
    typed_name: str,
    confirmed: bool,
    ip: str | None = None,
    user_agent: str = "",
    key: str | None = None,
    version: int | None = None,
) -> Letter:
    """The addressee's principal signs the current version in the browser: once. A second
    request (a double tap, a second device) waits on the row and is refused: already signed.
    `version` is the number of the version the signer read: revised since, the signing is refused."""
    LETTER_STEPS.check_right("sign", actor)
    with idempotency(actor=actor, step="accountability.letter.sign", key=key, obj=letter, error=LetterError):
        letter = _locked(letter)
        LETTER_STEPS.check("sign", letter, actor)
        current = _seen_version(letter, version)
        try:
            signature = signing.sign(
                owner=current,
                signer=actor,
                typed_name=typed_name,
                confirmed=confirmed,
                text=current.text,
                ip=ip,
                user_agent=user_agent,
                unconfirmed=_("请勾选“本人已阅读并承诺履行上述责任”后再签署。"),
            )
        except signing.SigningError as refused:
            raise LetterError(refused.message) from None
        letter.status, letter.signature, letter.signed_at = Letter.Status.SIGNED, signature, signature.signed_at
        letter.save(update_fields=["status", "signature", "signed_at"])
        log_action(
            letter,
            "accountability.letter.signed",
            actor=actor,
            data={"version": current.number, "sha256": signature.sha256},
        )
        transaction.on_commit(lambda: notices.tell_letter_signed(letter.pk))
        transaction.on_commit(coverage.touch)
        return letter


@transaction.atomic
def letter_countersign(
    *,
    actor: Any,
    letter: Letter,
    scan: Any,
    signed_name: str,
    ip: str | None = None,
    user_agent: str = "",
    version: int | None = None,
) -> Letter:
    """The paper path: the issuer's official uploads the signed paper (a PDF or an image, checked
    by its bytes) and countersigns it; the signature keeps the version's text and hash. `version`
    is the number of the version the official saw: revised since, the scan is refused."""
    locked = _locked(letter)
    LETTER_STEPS.check("countersign", locked, actor)
    current = _seen_version(locked, version)
    try:
        attachment = attachment_create(
            actor=actor,
            upload=scan,
            owner=locked,
            role=Attachment.Role.BEFORE,
            enterprise=locked.enterprise if locked.enterprise_id else None,
            node=None if locked.enterprise_id else locked.area,
        )
    except UploadRejected as rejected:
        raise LetterError(str(rejected)) from None
    try:
        signature = signing.sign_by_scan(
            owner=current,
            scan=attachment,
            signed_name=signed_name,
            text=current.text,
            countersigner=actor,
            ip=ip,
            user_agent=user_agent,
        )
    except signing.SigningError as refused:
        raise LetterError(refused.message) from None
    locked.status, locked.signature, locked.signed_at = Letter.Status.SIGNED, signature, signature.signed_at
    locked.save(update_fields=["status", "signature", "signed_at"])
    log_action(
        locked,
        "accountability.letter.countersigned",
        actor=actor,
        data={"version": current.number, "sha256": signature.sha256},
    )
    transaction.on_commit(lambda: notices.tell_letter_signed(locked.pk))
    transaction.on_commit(coverage.touch)
    return locked


# Revising, withdrawing, assessing ------------------------------------------------------------------


def _reason(reason: str, missing: str) -> str:
    reason = reason.strip()
    if not reason:
        raise LetterError(missing)
    if len(reason) > REASON_MAX:
        raise LetterError(_("原因不能超过%(n)s个字。") % {"n": REASON_MAX})
    return reason


@transaction.atomic
def letter_revise(*, actor: Any, letter: Letter, reason: str, items: list[dict[str, Any]] | None = None) -> Letter:
    """A change to an issued or signed letter: a new version (its text frozen), to be signed again.
    The signed version and its signature stay as they were."""
    locked = _locked(letter)
    LETTER_STEPS.check("revise", locked, actor)
    reason = _reason(reason, _("请填写修订原因。"))
    if items is not None and locked.template.kind == LetterTemplate.Kind.RESPONSIBILITY:
        normalised = letter_items.normalise(items)
        if problems := letter_items.looser(normalised, locked.template.items):
            raise LetterError(problems[0])
        locked.items = normalised
    previous = locked.current_version
    number = (previous.number if previous else 0) + 1
    version = _version(locked, number, actor, reason)
    if previous is not None and version.sha256 == previous.sha256:
        raise LetterError(_("修订后的内容与当前版本相同，无需重新签署。"))
    version.save()
    locked.current_version, locked.status = version, Letter.Status.ISSUED
    locked.signature, locked.signed_at = None, None
    locked.save(update_fields=["items", "current_version", "status", "signature", "signed_at"])
    log_action(locked, "accountability.letter.revised", actor=actor, data={"version": number, "reason": reason})
    transaction.on_commit(lambda: notices.tell_letters_issued([locked.pk], revised=True))
    transaction.on_commit(coverage.touch)
    return locked


@transaction.atomic
def letter_withdraw(*, actor: Any, letter: Letter, reason: str) -> Letter:
    locked = _locked(letter)
    LETTER_STEPS.check("withdraw", locked, actor)
    locked.withdrawn_reason = _reason(reason, _("请填写撤回原因。"))
    locked.status, locked.withdrawn_at = Letter.Status.WITHDRAWN, timezone.now()
    locked.save(update_fields=["status", "withdrawn_at", "withdrawn_reason"])
    log_action(locked, "accountability.letter.withdrawn", actor=actor, data={"reason": locked.withdrawn_reason})
    if locked.current_version_id is not None:  # issued: its signer was told to sign, and now hears it is off
        transaction.on_commit(lambda: notices.tell_letter_withdrawn(locked.pk))
    transaction.on_commit(coverage.touch)
    return locked


@transaction.atomic
def letter_assess(*, actor: Any, letter: Letter, data: dict[str, Any] | None = None) -> Letter:
    """Mark a signed letter assessed (the yearly assessment calls this with its result)."""
    locked = _locked(letter)
    LETTER_STEPS.check("assess", locked, actor)
    locked.status, locked.assessed_at = Letter.Status.ASSESSED, timezone.now()
    locked.save(update_fields=["status", "assessed_at"])
    log_action(locked, "accountability.letter.assessed", actor=actor, data=data or {})
    transaction.on_commit(coverage.touch)
    return locked
