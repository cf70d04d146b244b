"""The direction of imports (pyproject.toml, [tool.importlinter]): kept by the code, and broken by
a violation, so the contracts cannot pass vacuously."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from importlinter.application.use_cases import lint_imports
from importlinter.configuration import configure

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("safetyops", "inspections", "campaigns", "accountability")


def test_the_code_keeps_every_import_contract(capsys: pytest.CaptureFixture[str]) -> None:
    configure()
    kept = lint_imports(config_filename=str(ROOT / "pyproject.toml"), cache_dir=None, no_logo=True)
    assert kept, capsys.readouterr().out


@pytest.fixture(scope="module")
def tree(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the project's packages and contracts, to add one bad import to."""
    root = tmp_path_factory.mktemp("tree")
    for package in PACKAGES:
        shutil.copytree(ROOT / package, root / package, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    shutil.copy(ROOT / "pyproject.toml", root / "pyproject.toml")
    return root


@pytest.mark.parametrize(
    ("module", "line", "broken"),
    [
        ("safetyops/core/bad.py", "from safetyops.orgs import models", "safetyops.core is not allowed to import"),
        ("safetyops/orgs/bad.py", "from inspections import models", "safetyops.orgs is not allowed to import"),
        ("safetyops/notify/bad.py", "from safetyops.briefings import models", "is not allowed to import"),
        ("campaigns/bad.py", "from inspections import selectors", "campaigns is not allowed to import inspections"),
        # The port is campaigns.selectors; its models stay closed to the other domain apps.
        ("inspections/bad.py", "from campaigns import models", "inspections is not allowed to import campaigns"),
    ],
)
def test_a_wrong_import_breaks_a_contract(tree: Path, module: str, line: str, broken: str) -> None:
    bad = tree / module
    bad.write_text(f"{line}  # noqa\n")
    try:
        result = subprocess.run(
            [
                sys.executable,
                "-c",
                "from importlinter.cli import lint_imports_command; lint_imports_command()",
                "--no-cache",
            ],
            cwd=tree,
            env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(tree)},
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
    finally:
        bad.unlink()
    assert result.returncode == 1, result.stdout + result.stderr
    assert broken in result.stdout and module.replace("/", ".").removesuffix(".py") in result.stdout
