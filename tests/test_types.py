"""mypy with django-stubs (pyproject.toml, [tool.mypy]): services, selectors and scope of every app
type-check, the shared kit strictly; a type error is reported, so the check cannot pass vacuously."""

from __future__ import annotations

import contextlib
import tomllib
from pathlib import Path
from typing import Any

import mypy.api
from mypy.config_parser import parse_config_file
from mypy.options import Options

ROOT = Path(__file__).resolve().parents[1]
PYPROJECT = ROOT / "pyproject.toml"
CACHE = ROOT / "var" / "mypy_cache"  # warm after the first run: a few seconds instead of half a minute


def _config() -> dict[str, Any]:
    return tomllib.loads(PYPROJECT.read_text())["tool"]["mypy"]


def _strict_modules() -> list[str]:
    return [m for o in _config()["overrides"] if o.get("disallow_untyped_defs") for m in o["module"]]


def _existing_kit_files() -> set[Path]:
    """The strict modules that exist (a pattern `pkg.*` is the package's files); not migrations."""
    found: set[Path] = set()
    for module in _strict_modules():
        path = ROOT / module.removesuffix(".*").replace(".", "/")
        if module.endswith(".*"):
            found |= {p for p in path.rglob("*.py") if "migrations" not in p.parts}
        elif path.with_suffix(".py").exists():
            found.add(path.with_suffix(".py"))
    return found


def _checked_files() -> set[Path]:
    return {p for pattern in _config()["files"] for p in ROOT.glob(pattern)}


def _mypy(*files: str) -> tuple[str, int]:
    with contextlib.chdir(ROOT):  # mypy finds the project's packages from the working directory
        stdout, stderr, status = mypy.api.run(["--config-file", str(PYPROJECT), "--cache-dir", str(CACHE), *files])
    return stdout + stderr, status


def test_services_selectors_and_the_kit_type_check() -> None:
    """What `mypy` checks from the command line: the `files` of [tool.mypy]."""
    output, status = _mypy()
    assert status == 0 and "Success: no issues found" in output, output


def test_every_strict_module_is_checked() -> None:
    missing = sorted(str(p.relative_to(ROOT)) for p in _existing_kit_files() - _checked_files())
    assert not missing, f"add to `files` of [tool.mypy] in pyproject.toml: {missing}"


def test_the_kit_is_strict_and_the_apps_are_checked() -> None:
    options = Options()
    parse_config_file(options, lambda: None, str(PYPROJECT))
    for module in ["safetyops.core.errors", "safetyops.core.steps", "safetyops.evidence.models"]:
        strict = options.clone_for_module(module)
        assert strict.disallow_untyped_defs and strict.disallow_any_generics and strict.warn_return_any, module
    loose = options.clone_for_module("inspections.services")
    assert loose.check_untyped_defs and not loose.disallow_untyped_defs
    kit = {"safetyops/core/errors.py", "safetyops/core/audit.py", "safetyops/orgs/rights.py", "safetyops/core/steps.py"}
    assert {ROOT / f for f in kit} <= _existing_kit_files()


def test_a_type_error_is_reported(tmp_path: Path) -> None:
    bad = tmp_path / "typing_probe.py"
    bad.write_text(
        "from safetyops.core.errors import ServiceError\n\n\n"
        "def message(error: ServiceError) -> int:\n"
        "    return error.message\n"
    )
    output, status = _mypy(str(bad))
    assert status == 1 and 'Incompatible return value type (got "str", expected "int")' in output, output
