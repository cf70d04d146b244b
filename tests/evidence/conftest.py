"""The evidence tests reuse the inspections fixtures: hazards are the first owners of evidence."""

from tests.inspections.conftest import hazard_factory  # noqa: F401
