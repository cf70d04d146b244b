"""FastSelect draws the same <select> as Django's Select, only faster."""

from __future__ import annotations

import re

import pytest
from django import forms

from safetyops.core.widgets import FastSelect
from safetyops.orgs.models import Node
from tests.conftest import World


def squeeze(html: str) -> str:
    return re.sub(r">\s+<", "><", html).strip()


@pytest.mark.parametrize("value", ["", "b", "<x>", None])
def test_same_html_as_django_for_plain_choices(value: str | None) -> None:
    choices = [("", "全部"), ("a", "甲 & 乙"), ("b", "<b>"), ("<x>", '"引号"')]
    attrs = {"class": "form-select form-select-sm", "id": "id_f", "required": True}
    fast = FastSelect(choices=choices).render("f", value, attrs)
    slow = forms.Select(choices=choices).render("f", value, attrs)
    assert squeeze(fast) == squeeze(slow)
    assert "<b>" not in fast  # labels are escaped


@pytest.mark.django_db
def test_same_html_for_a_model_choice_field(world: World) -> None:
    class F(forms.Form):
        fast = forms.ModelChoiceField(queryset=Node.objects.order_by("path"), required=False, widget=FastSelect)
        slow = forms.ModelChoiceField(queryset=Node.objects.order_by("path"), required=False)

    form = F({"fast": world.town_b.pk, "slow": world.town_b.pk})
    fast, slow = str(form["fast"]), str(form["slow"])
    assert squeeze(fast).replace("fast", "slow") == squeeze(slow)
    assert f'<option value="{world.town_b.pk}" selected>' in fast


def test_option_groups_fall_back_to_django() -> None:
    choices = [("组", [("a", "甲")]), ("b", "乙")]
    assert squeeze(FastSelect(choices=choices).render("f", "a")) == squeeze(
        forms.Select(choices=choices).render("f", "a")
    )


def test_deadline_horizon_is_the_same_day_five_years_on() -> None:
    from datetime import date

    from safetyops.core.fields import deadline_horizon

    assert deadline_horizon(date(2026, 2, 10)) == date(2031, 2, 10)
    assert deadline_horizon(date(2028, 2, 29)) == date(2033, 2, 28)
