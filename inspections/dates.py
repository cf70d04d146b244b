"""The window an inspection may be dated in (issue 14 item 6): not in the future, not before the
enterprise was registered, and more than INSPECTION_BACKDATE_DAYS back only as a late entry (补录)
with a reason. One source for the form (field errors) and the service (which enforces it)."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from safetyops.core import fields
from safetyops.orgs.models import Enterprise

# A phone's clock drifts; anything later than this is a typing mistake.
FUTURE_TOLERANCE = timedelta(minutes=10)


def backdate_limit(now: datetime | None = None) -> datetime:
    """Inspections dated before this are late entries that need a reason."""
    return (now or timezone.now()) - timedelta(days=settings.INSPECTION_BACKDATE_DAYS)


def needs_backdate_reason(inspected_at: datetime, now: datetime | None = None) -> bool:
    return inspected_at < backdate_limit(now)


def inspection_date_problem(
    inspected_at: datetime, *, enterprise: Enterprise | None, backdate_reason: str = ""
) -> str | None:
    """What is wrong with this date for an inspection of `enterprise`, in Chinese; None if it is fine."""
    # Checked first: a year such as 0001 cannot even be compared with now in UTC.
    if inspected_at.date() < fields.EARLIEST:
        return _("检查时间不能早于 %(d)s，请核对年份。") % {"d": fields.EARLIEST.isoformat()}
    now = timezone.now()
    if inspected_at > now + FUTURE_TOLERANCE:
        return _("检查时间不能晚于现在，请核对日期和时间。")
    if enterprise is not None and inspected_at < enterprise.created_at:
        registered = timezone.localtime(enterprise.created_at)
        return _("检查时间不能早于该企业在系统中登记的时间（%(d)s），请核对日期。") % {
            "d": registered.strftime("%Y-%m-%d %H:%M")
        }
    if needs_backdate_reason(inspected_at, now) and not backdate_reason.strip():
        return _("检查时间早于 %(n)d 天前（%(d)s 之前），属于补录，请填写补录原因。") % {
            "n": settings.INSPECTION_BACKDATE_DAYS,
            "d": timezone.localdate(backdate_limit(now)).isoformat(),
        }
    return None
