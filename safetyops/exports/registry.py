"""The kinds of export that may run in a worker: each app registers its own in AppConfig.ready.

A kind turns (user, query string) into an `ExportRun` through the same scoped selector and filter
form as its synchronous download, so a job exports exactly what the page would have sent; the count
is cheap (one COUNT query) and decides whether the export runs in the request or in a worker.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import IO, Any, TypeVar

from django.http import QueryDict
from django.urls import reverse

from safetyops.core.views import XLSX

T = TypeVar("T")

Progress = Callable[[int], object]  # called with the rows written so far


class ExportRefused(Exception):
    """The filter is not valid (e.g. an area outside the scope): a message for the user, in Chinese."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class ExportRun:
    """One export ready to write: its row count, its file name and the writer (out, progress) -> rows."""

    total: int
    filename: str
    write: Callable[[IO[bytes], Progress], int]


PDF = "application/pdf"


@dataclass(frozen=True)
class ExportKind:
    name: str  # "inspections.hazard_ledger"
    label: str  # 隐患台账
    right: str  # the right the export needs (checked again at download: 403 without it)
    build: Callable[[Any, QueryDict], ExportRun]  # (user, params) -> run; raises ExportRefused
    back_url: Callable[[QueryDict], str] = lambda params: ""  # the page the export was made from
    content_type: str = XLSX
    # The most rows made in the request; None is EXPORT_SYNC_MAX_ROWS (a PDF's row, a unit's pages, costs more).
    sync_max_rows: int | None = None
    unit: str = ""  # what a row is on the job's page (已导出 N / M 份); "" is 行


def back_to(url_name: str) -> Callable[[QueryDict], str]:
    """A kind's back_url: the page `url_name` with the export's query string (its filters)."""

    def url(params: QueryDict) -> str:
        return reverse(url_name) + (f"?{params.urlencode()}" if params else "")

    return url


_KINDS: dict[str, ExportKind] = {}


def register_export(kind: ExportKind) -> None:
    _KINDS[kind.name] = kind


def export_kind(name: str) -> ExportKind:
    return _KINDS[name]


PROGRESS_EVERY = 2000  # rows between two progress writes


def workbook_run(*, total: int, filename: str, build: Callable[[Progress], Any]) -> ExportRun:
    """The run of an openpyxl workbook `build(progress)` makes, whose long sheet's rows go through
    `counted(rows, progress)`: the rows written are the last count reported."""
    return _run(total, filename, lambda out, progress: build(progress).save(out))


def document_run(*, total: int, filename: str, build: Callable[[Progress], bytes]) -> ExportRun:
    """The run of a document (a PDF) `build(progress)` returns as bytes, reporting its rows as it goes."""
    return _run(total, filename, lambda out, progress: out.write(build(progress)))


def _run(total: int, filename: str, put: Callable[[IO[bytes], Progress], object]) -> ExportRun:
    def write(out: IO[bytes], progress: Progress) -> int:
        written = 0

        def seen(n: int) -> None:
            nonlocal written
            written = n
            progress(n)

        put(out, seen)
        return written

    return ExportRun(total=total, filename=filename, write=write)


def ignored(n: int) -> None:
    """The progress of a workbook nobody waits for (a download in the request, a bench step)."""


def counted(rows: Iterable[T], progress: Progress) -> Iterator[T]:
    """`rows`, calling progress(n) after every PROGRESS_EVERY rows and once at the end."""
    n, every = 0, PROGRESS_EVERY
    for n, row in enumerate(rows, 1):
        yield row
        if n % every == 0:
            progress(n)
    progress(n)
