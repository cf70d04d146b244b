"""Signatures of an exact text, for any owner (inspection records, 统计报告, letters, pledges).

Typed: the signer types their own name (it must equal their name in the system) and ticks an
explicit confirmation; the time, IP, user agent, the canonical text and its SHA-256 are kept.
Scan: a paper signature, uploaded as an evidence attachment and countersigned by an official
(who and when is recorded), keeps the same text and hash.

Canonical form of a text, before hashing (UTF-8, SHA-256, lowercase hex):
1. Unicode NFC;
2. every line break (CR LF, CR, U+0085, U+2028, U+2029) becomes LF;
3. whitespace at the end of every line is removed (spaces, tabs, U+3000 …);
4. blank lines at the start and the end are removed.
So a text typed in a browser (CR LF) and the same text rendered by the server hash alike, and
`verify()` fails as soon as one visible character differs.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import unicodedata
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext as _

from safetyops.core.audit import log_action
from safetyops.core.errors import NotPermitted, ServiceError
from safetyops.evidence.models import Attachment, Signature
from safetyops.evidence.scope import attachments_visible_to
from safetyops.orgs.scope import scope_for

_LINE_BREAKS = re.compile("\r\n|[\r\x85\u2028\u2029]")
USER_AGENT_MAX = 300


class SigningError(ServiceError):
    """The signature cannot be taken; `message` says why, in Chinese."""


def canonical(text: str) -> str:
    """The canonical form of `text` that is hashed (see the module docstring)."""
    text = _LINE_BREAKS.sub("\n", unicodedata.normalize("NFC", text))
    return "\n".join(line.rstrip() for line in text.split("\n")).strip("\n")


def digest(text: str) -> str:
    """SHA-256 (hex) of the canonical form of `text`."""
    return hashlib.sha256(canonical(text).encode("utf-8")).hexdigest()


def verify(signature: Signature, text: str) -> bool:
    """Whether `text` is the text that was signed (its canonical form has the stored hash)."""
    return hmac.compare_digest(signature.sha256, digest(text))


def name_of(user: Any) -> str:
    """The name a signer must type: their full name, or their username when they have none."""
    return str(user.full_name or user.username).strip()


def _refs(owner: models.Model) -> dict[str, Any]:
    return {"owner_type": ContentType.objects.get_for_model(owner), "owner_id": owner.pk}


def _client(ip: str | None, user_agent: str) -> dict[str, Any]:
    return {"ip": ip or None, "user_agent": (user_agent or "")[:USER_AGENT_MAX]}


def sign(
    *,
    owner: models.Model,
    signer: Any,
    typed_name: str,
    confirmed: bool,
    text: str,
    ip: str | None = None,
    user_agent: str = "",
    unconfirmed: str = "",
) -> Signature:
    """`signer` signs `text` for `owner` with their typed name. Call inside the owner's service
    transaction, after its own checks; `unconfirmed` is the owner's wording for a missing tick."""
    expected = name_of(signer)
    if typed_name.strip() != expected:
        raise SigningError(_("签名须与您的姓名“%(name)s”一致。") % {"name": expected})
    if not confirmed:
        raise SigningError(unconfirmed or _("请勾选确认后再签署。"))
    text = canonical(text)
    return Signature.objects.create(
        **_refs(owner),
        method=Signature.Method.TYPED,
        signer=signer,
        signed_name=expected,
        signed_at=timezone.now(),
        text=text,
        sha256=digest(text),
        **_client(ip, user_agent),
    )


def sign_by_scan(
    *,
    owner: models.Model,
    scan: Attachment,
    signed_name: str,
    text: str,
    countersigner: Any,
    ip: str | None = None,
    user_agent: str = "",
) -> Signature:
    """The alternative path: the paper signed by `signed_name` is uploaded as `scan`, and an
    official who sees that file countersigns it (who and when are recorded)."""
    scope = scope_for(countersigner)
    if scope.enterprise_id is not None or scope.empty:
        raise NotPermitted(_("纸质签字扫描件须由工作人员确认。"))
    if not attachments_visible_to(countersigner).filter(pk=scan.pk).exists():
        raise SigningError(_("扫描件不存在或不在您的管辖范围内。"))
    if not signed_name.strip():
        raise SigningError(_("请填写纸质文件上的签字人姓名。"))
    now = timezone.now()
    text = canonical(text)
    signature = Signature.objects.create(
        **_refs(owner),
        method=Signature.Method.SCAN,
        signer=None,
        signed_name=signed_name.strip()[:64],
        signed_at=now,
        text=text,
        sha256=digest(text),
        scan=scan,
        countersigned_by=countersigner,
        countersigned_at=now,
        **_client(ip, user_agent),
    )
    log_action(signature, "evidence.signature.countersigned", actor=countersigner, data={"sha256": signature.sha256})
    return signature


def client_of(request: Any) -> dict[str, Any]:
    """The signer's IP and user agent, as the views pass them to the services."""
    return {"ip": request.META.get("REMOTE_ADDR") or None, "user_agent": request.META.get("HTTP_USER_AGENT", "")}
