"""A pledge cannot be revised (no items of its own, its text fixed once issued): the step is not
offered on its page and the service refuses it with the reason; a letter still is revisable."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from accountability import services
from accountability.errors import LetterError
from accountability.lifecycle import LETTER_STEPS
from tests.accountability.factories import issued_letter, issued_pledge
from tests.conftest import World


def test_a_pledge_is_not_revisable(client: Any, world: World) -> None:
    pledge = issued_pledge(world)
    assert (
        LETTER_STEPS.steps_for(pledge, world.county_admin)["revise"]
        == "承诺书没有单位指标，正文下达后不能更改，因此不能修订。"
    )
    with pytest.raises(LetterError, match="不能修订"):
        services.letter_revise(actor=world.county_admin, letter=pledge, reason="调整")
    client.force_login(world.county_admin)
    page = client.get(reverse("accountability:letter_detail", args=[pledge.pk])).content.decode()
    assert reverse("accountability:letter_revise", args=[pledge.pk]) not in page
    assert reverse("accountability:letter_withdraw", args=[pledge.pk]) in page  # the other steps stay
    step = client.get(reverse("accountability:letter_revise", args=[pledge.pk])).content.decode()
    assert "因此不能修订" in step and "保存为新版本" not in step


def test_a_letter_is_still_revisable(client: Any, world: World) -> None:
    letter = issued_letter(world)
    assert LETTER_STEPS.steps_for(letter, world.county_admin)["revise"] is None
    client.force_login(world.county_admin)
    page = client.get(reverse("accountability:letter_detail", args=[letter.pk])).content.decode()
    assert reverse("accountability:letter_revise", args=[letter.pk]) in page
