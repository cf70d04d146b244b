"""Rights are declared by the app that owns them; orgs names no domain right."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from inspections.rights import InspectionRight
from safetyops.orgs.models import Role
from safetyops.orgs.rights import Right, declare_rights, rights_of, roles_holding

ROOT = Path(__file__).resolve().parents[2]


def test_each_app_declares_its_rights_and_roles_hold_them() -> None:
    assert InspectionRight.HAZARD_RESPOND in rights_of(Role.ENTERPRISE_USER)
    assert InspectionRight.INSPECT not in rights_of(Role.LEADER)
    assert Right.ADMIN in rights_of(Role.COUNTY_ADMIN)
    assert roles_holding(InspectionRight.HAZARD_LIST_SUPERVISION) == {Role.COUNTY_ADMIN}


def test_a_right_declared_again_with_other_roles_is_refused() -> None:
    with pytest.raises(ValueError, match="declared twice"):
        declare_rights({InspectionRight.INSPECT: [Role.LEADER]})
    with pytest.raises(ValueError, match="unknown roles"):
        declare_rights({"test.nothing": ["janitor"]})


def test_orgs_imports_no_domain_app() -> None:
    domain = {"inspections", "campaigns", "accountability"}
    for path in (ROOT / "safetyops" / "orgs").rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module:
                assert node.module.split(".")[0] not in domain, f"{path} imports {node.module}"
            if isinstance(node, ast.Import):
                for alias in node.names:
                    assert alias.name.split(".")[0] not in domain, f"{path} imports {alias.name}"


def test_briefings_declare_their_own_rights() -> None:
    from safetyops.briefings.rights import BriefingRight

    assert BriefingRight.READ in rights_of(Role.LEADER) and BriefingRight.WRITE not in rights_of(Role.LEADER)
    assert BriefingRight.WRITE in rights_of(Role.TOWNSHIP_OFFICIAL)
    assert not {BriefingRight.READ, BriefingRight.WRITE} & rights_of(Role.ENTERPRISE_USER)


def test_orgs_names_no_right_of_another_app() -> None:
    from safetyops.orgs.rights import all_rights

    others = all_rights() - {str(right) for right in Right}
    assert others, "the domain apps declared no rights: the registry is not filled"
    for path in (ROOT / "safetyops" / "orgs").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                assert node.value not in others, f"{path} names the right {node.value!r}"
