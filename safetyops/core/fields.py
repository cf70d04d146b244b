"""Form fields that refuse, with a message, what the database could not even compare."""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext as _

# The widest key a bigint column holds: a larger number typed into a form is not an id at all.
_KEY_RANGE = range(-(2**63), 2**63)


def _out_of_range(value: Any) -> bool:
    try:
        return int(str(value).strip()) not in _KEY_RANGE
    except (TypeError, ValueError):
        return False  # not a number: Django's own lookup rejects it as an invalid choice


class ModelChoiceField(forms.ModelChoiceField):
    """ModelChoiceField whose keys beyond 64 bits are an invalid choice, not a database error."""

    def to_python(self, value: Any) -> Any:
        if value not in self.empty_values and _out_of_range(value):
            raise forms.ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        return super().to_python(value)


class ModelMultipleChoiceField(forms.ModelMultipleChoiceField):
    """ModelMultipleChoiceField whose keys beyond 64 bits are an invalid choice, not a database error."""

    def _check_values(self, value: Any) -> Any:
        for pk in value if isinstance(value, (list, tuple)) else [value]:
            if _out_of_range(pk):
                raise forms.ValidationError(
                    self.error_messages["invalid_choice"], code="invalid_choice", params={"value": pk}
                )
        return super()._check_values(value)


# Dates: a typo in the year (0202, 9999) is refused with a message rather than stored or, worse,
# overflowing when the day is turned into a time in Asia/Shanghai.
EARLIEST = date(2000, 1, 1)
DEADLINE_HORIZON_YEARS = 5


class RecordDateField(forms.DateField):
    """A date of record (registered on, inspected on ...): between 2000 and the end of 2099."""

    latest = date(2099, 12, 31)

    def validate(self, value: Any) -> None:
        super().validate(value)
        if value and not EARLIEST <= value <= self.latest:
            raise forms.ValidationError(
                _("日期须在 %(a)s 至 %(b)s 之间，请核对年份。")
                % {"a": EARLIEST.isoformat(), "b": self.latest.isoformat()},
                code="out_of_range",
            )


def deadline_horizon(today: date) -> date:
    """The latest deadline a form accepts: the same day five years on (29 Feb → 28 Feb)."""
    year = today.year + DEADLINE_HORIZON_YEARS
    try:
        return today.replace(year=year)
    except ValueError:
        return today.replace(year=year, day=28)


class DeadlineField(forms.DateField):
    """A rectification deadline: at most five years ahead (the forms check the earliest day)."""

    def validate(self, value: Any) -> None:
        super().validate(value)
        latest = deadline_horizon(timezone.localdate())
        if value and value > latest:
            raise forms.ValidationError(
                _("整改期限最迟可设为 %(d)s（五年内），请核对年份。") % {"d": latest.isoformat()}, code="too_far"
            )
