"""Access-matrix cases of the evidence app: the scoped download of a file and its thumbnail, for
files of an enterprise (a hazard's photo) and of a node (a letter's scan)."""

from __future__ import annotations

from typing import Any

from tests.access import SEES as WORLD
from tests.access import Case
from tests.conftest import World

SEES = {
    "file_a": WORLD["ent_a"],
    "file_b": WORLD["ent_b"],
    # A node's file: the node's own officials and everyone above it, never an enterprise.
    "node_file_a": WORLD["town_a"],
    "node_file_b": WORLD["town_b"],
}


def _hazard_photo(world: World, enterprise: Any) -> int:
    from tests.inspections.access import _hazard

    return int(_hazard(world, enterprise).attachments.get().pk)


def _node_file(world: World, node: Any) -> int:
    from safetyops.evidence.services import attachment_create
    from tests.inspections.conftest import jpeg

    return attachment_create(actor=world.county_admin, upload=jpeg(), owner=node, node=node, role="scan").pk


def _file_cases() -> list[Case]:
    return [
        Case(kwargs=lambda w: {"pk": _hazard_photo(w, w.ent_a)}, obj="file_a"),
        Case(kwargs=lambda w: {"pk": _hazard_photo(w, w.ent_b)}, obj="file_b"),
        Case(kwargs=lambda w: {"pk": _node_file(w, w.town_a)}, obj="node_file_a"),
        Case(kwargs=lambda w: {"pk": _node_file(w, w.town_b)}, obj="node_file_b"),
    ]


CASES: dict[str, list[Case]] = {
    "evidence:attachment_download": _file_cases(),
    "evidence:attachment_thumbnail": _file_cases(),
}
