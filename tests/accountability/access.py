"""Access-matrix cases of the accountability app: letters and pledges (issuer side, addressees,
leaders reading) and the daily 承诺公告 (the enterprise scope)."""

from __future__ import annotations

from typing import Any

from tests.access import EVERYONE, Case
from tests.conftest import World

CASES: dict[str, list[Case]] = {}
SEES: dict[str, set[str]] = {
    # The county's letter to town A (issued): the county's side (the issuer) and town A's office
    # and leader; not town A's supervisor (a node's letter is not a department's), nor town B.
    "letter_town_a": {"county_admin", "leader_county", "official_a", "leader_a"},
    # The county's pledge to ent_a: as above, and ent_a itself.
    "pledge_ent_a": {"county_admin", "leader_county", "official_a", "leader_a", "enterprise_a"},
}
EXPORTERS = {"county_admin", "official_a", "official_b", "supervisor_a", "leader_a", "leader_county"}


def _letter(world: World) -> Any:
    from tests.accountability.factories import issued_letter

    return issued_letter(world)


def _pledge(world: World) -> Any:
    from tests.accountability.factories import issued_pledge

    return issued_pledge(world)


# Files and exports: a letter's PDF as the letter itself; 签署核验 for any role with a scope; the
# signing-rate workbook with AccountabilityRight.EXPORT.
CASES.update(
    {
        "accountability:letter_pdf": [
            Case(kwargs=lambda w: {"pk": _letter(w).pk}, obj="letter_town_a"),
            Case(kwargs=lambda w: {"pk": _pledge(w).pk}, obj="pledge_ent_a"),
        ],
        "accountability:letter_verify": [Case(allowed=EVERYONE - {"nobody"})],
        "accountability:coverage_export": [Case(allowed=EXPORTERS)],
    }
)
