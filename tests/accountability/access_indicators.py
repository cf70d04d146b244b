"""Access-matrix cases of the accountability app's indicators (joined into tests/accountability/access.py).

The usage page is the officials' and leaders' (their node and below): department supervisors and
enterprises get 403, since its figures count every accident of the area, most outside a
supervisor's sectors. Setting a node's limits is the county admin's (INDICATOR_SET): town A's
other viewers get 403, those who do not see town A 404."""

from __future__ import annotations

from tests.access import Case

VIEWERS = {"county_admin", "official_a", "official_b", "leader_a", "leader_county"}
SEES: dict[str, set[str]] = {}
CASES: dict[str, list[Case]] = {
    "accountability:indicators": [Case(allowed=VIEWERS)],
    "accountability:indicator_limits": [
        Case(kwargs=lambda w: {"pk": w.town_a.pk}, obj="town_a", allowed={"county_admin"}),
    ],
}
