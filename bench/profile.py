"""`bin/bench --profile PAGE`: where one page's time goes, measured in one process.

    bin/bench --profile "dashboard county admin"            # a name from bench/run.py's pages
    bin/bench --profile /accountability/summonses/ --user bench_official_0 --requests 300
    bin/bench --profile dashboard --only split              # the time split only
    BENCH_PROFILE="hazard page" bin/bench                   # the same, by environment

PAGE is a page's name in `bench.run.pages_for` (exactly, or a part of one name, case-insensitive)
or a path (then `--user`, default bench_admin_0). The requests go through the WSGI handler gunicorn
serves, with the benchmark's production settings (`bench.run.ENV`: DEBUG=0, hence Django's cached
template loader and the compressed manifest static storage, every middleware of settings.MIDDLEWARE,
persistent database connections, sessions in Redis), on one logged-in session, one at a time.

Three passes over the same page, after a warm-up:
1. plain: ms per request for the page and for the ceiling page (the same way), and their ratio,
   an in-process estimate of what `bin/bench` measures with gunicorn;
2. profile: pyinstrument over --requests requests; prints the call tree and the functions with the
   most time of their own, and writes var/bench/profile-<page>.html and .txt;
3. split: the time of each part of the request (each middleware, session load, user, scope, URL
   resolution, the view's own code, template rendering, each context processor, the inbox count,
   reverse(), gettext) by its own time (time inside a nested part counts for that part only), and the
   queries each part issued (count and time).
"""

from __future__ import annotations

import argparse
import io
import os
import re
import sys
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import unquote

from bench.run import ENV, OUT, pages_for, sample_ids

DEFAULT_USER = "bench_admin_0"


# Finding the page ---------------------------------------------------------------------------------


def find_page(wanted: str, user: str | None) -> tuple[str, str, str | None]:
    """(name, path, user) for a path or a page name of bench/run.py (exact, else one that contains it)."""
    if wanted.startswith("/"):
        return wanted, wanted, user or DEFAULT_USER
    pages = pages_for(sample_ids())
    exact = [page for page in pages if page[0].lower() == wanted.lower()]
    matches = exact or [page for page in pages if wanted.lower() in page[0].lower()]
    if len(matches) != 1:
        names = "\n  ".join(page[0] for page in (matches or pages))
        raise SystemExit(
            f"{'several' if matches else 'no'} pages match {wanted!r}; say one of:\n  {names}\nor give a path."
        )
    name, path, page_user = matches[0]
    return name, path, user or page_user


# One process, the server's handler ----------------------------------------------------------------


def setup_django() -> None:
    os.environ.update(ENV)
    import django

    django.setup()
    from django.conf import settings

    manifest = Path(settings.STATIC_ROOT) / "staticfiles.json"
    if not manifest.exists():  # the manifest storage needs it to render {% static %}
        from django.core.management import call_command

        call_command("collectstatic", "--noinput", verbosity=0)


class Page:
    """GET one path again and again through a WSGIHandler, as one logged-in user."""

    def __init__(self, path: str, username: str | None) -> None:
        from django.conf import settings
        from django.core.handlers.wsgi import WSGIHandler
        from django.test import Client

        from safetyops.orgs.models import User

        self.handler = WSGIHandler()
        cookie = ""
        if username:
            client = Client()
            client.force_login(User.objects.get(username=username))
            cookie = f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"
        path_info, _, query = path.partition("?")
        self.environ = {
            "REQUEST_METHOD": "GET",
            "SCRIPT_NAME": "",
            "PATH_INFO": unquote(path_info).encode().decode("latin-1"),
            "QUERY_STRING": query,
            "SERVER_NAME": "127.0.0.1",
            "SERVER_PORT": "8765",
            "SERVER_PROTOCOL": "HTTP/1.1",
            "REMOTE_ADDR": "127.0.0.1",
            "HTTP_HOST": "127.0.0.1",
            "HTTP_COOKIE": cookie,
            "wsgi.version": (1, 0),
            "wsgi.url_scheme": "http",
            "wsgi.errors": sys.stderr,
            "wsgi.multithread": False,
            "wsgi.multiprocess": True,
            "wsgi.run_once": False,
        }

    def get(self) -> int:
        statuses: list[str] = []

        def start_response(status: str, headers: Any, exc_info: Any = None) -> Any:
            statuses.append(status)
            return None

        body = self.handler({**self.environ, "wsgi.input": io.BytesIO(b"")}, start_response)
        try:
            for _chunk in body:
                pass
        finally:
            body.close()  # request_finished, as gunicorn sends it
        return int(statuses[0].split()[0])

    def ms_per_request(self, n: int) -> tuple[float, float]:
        """Wall-clock and CPU (this process's) milliseconds per request: on a busy machine the
        CPU time moves much less with the neighbours' load than the wall clock."""
        began, began_cpu = time.perf_counter(), time.process_time()
        for _ in range(n):
            self.get()
        return (time.perf_counter() - began) * 1000 / n, (time.process_time() - began_cpu) * 1000 / n


# The time split -----------------------------------------------------------------------------------


class Phases:
    """Own time per part of a request: a stack of parts; the time between two marks counts for the
    part on top, so a part's time never includes the parts nested in it."""

    def __init__(self) -> None:
        self.stack = ["handler (rest)"]
        self.mark = time.perf_counter()
        self.time: dict[str, float] = defaultdict(float)
        self.calls: dict[str, int] = defaultdict(int)
        self.sql_count: dict[str, int] = defaultdict(int)
        self.sql_time: dict[str, float] = defaultdict(float)
        self.order: list[str] = []

    def enter(self, name: str) -> None:
        now = time.perf_counter()
        self.time[self.stack[-1]] += now - self.mark
        self.mark = now
        self.stack.append(name)
        self.calls[name] += 1
        if name not in self.order and name != self.stack[0]:
            self.order.append(name)

    def leave(self) -> None:
        now = time.perf_counter()
        self.time[self.stack.pop()] += now - self.mark
        self.mark = now

    @contextmanager
    def part(self, name: str) -> Iterator[None]:
        self.enter(name)
        try:
            yield
        finally:
            self.leave()

    def wrap(self, func: Callable[..., Any], name: str) -> Callable[..., Any]:
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            self.enter(name)
            try:
                return func(*args, **kwargs)
            finally:
                self.leave()

        wrapped.__wrapped__ = func  # type: ignore[attr-defined]
        return wrapped

    def sql(self, execute: Callable[..., Any], sql: str, params: Any, many: bool, context: Any) -> Any:
        issuer = self.stack[-1]
        began = time.perf_counter()
        self.enter("SQL")
        try:
            return execute(sql, params, many, context)
        finally:
            self.leave()
            self.sql_count[issuer] += 1
            self.sql_time[issuer] += time.perf_counter() - began

    def reset(self) -> None:
        self.__init__()  # type: ignore[misc]


def instrument(phases: Phases, handler: Any) -> None:
    """Wrap the parts of Django and SafetyOps that every request passes through (for this process)."""
    from importlib import import_module

    from django.conf import settings
    from django.db import connection
    from django.template import engines
    from django.utils import translation
    from django.utils.module_loading import import_string

    def patch(owner: Any, attr: str, name: str) -> None:
        if hasattr(owner, attr):
            setattr(owner, attr, phases.wrap(getattr(owner, attr), name))

    for dotted in settings.MIDDLEWARE:
        cls = import_string(dotted)
        patch(cls, "__call__", f"middleware {cls.__name__}")
    store = import_module(settings.SESSION_ENGINE).SessionStore
    patch(store, "load", "session load")
    patch(store, "save", "session save")
    import django.contrib.auth

    patch(django.contrib.auth, "get_user", "auth: the user")
    from django.urls.resolvers import URLResolver

    patch(URLResolver, "_reverse_with_prefix", "reverse()")
    patch(handler, "resolve_request", "URL resolution")
    make_view_atomic = handler.make_view_atomic
    handler.make_view_atomic = lambda view: phases.wrap(make_view_atomic(view), "view (own code)")
    import django.template.base

    patch(django.template.base.Template, "render", "template rendering")
    engine = engines["django"].engine  # type: ignore[attr-defined]
    engine.__dict__["template_context_processors"] = tuple(
        phases.wrap(processor, f"context processor {processor.__module__.rsplit('.', 1)[-1]}.{processor.__name__}")
        for processor in engine.template_context_processors
    )
    import safetyops.orgs.scope

    patch(safetyops.orgs.scope, "_build_scope", "scope: membership")
    for dotted, attr in (("safetyops.notify.templatetags.notify_tags", "unread_count"),):
        patch(import_module(dotted), attr, "inbox count")
    translation._trans.gettext = phases.wrap(translation._trans.gettext, "gettext")  # type: ignore[attr-defined]
    connection.execute_wrappers.append(phases.sql)


def print_split(phases: Phases, n: int, total_ms: float) -> None:
    print(f"\nTime split over {n} requests: {total_ms / n:.2f} ms per request (instrumented)\n")
    print(f"{'part':52} {'own ms':>7} {'%':>5} {'calls':>6} {'SQL':>5} {'SQL ms':>7}")
    rows = [*phases.order, "handler (rest)"]
    for name in rows:
        if name == "SQL":
            continue
        own = phases.time[name] * 1000 / n
        print(
            f"{name[:52]:52} {own:7.2f} {100 * phases.time[name] / (total_ms / 1000):5.1f} "
            f"{phases.calls[name] / n:6.1f} {phases.sql_count[name] / n:5.1f} {phases.sql_time[name] * 1000 / n:7.2f}"
        )
    sql_n = sum(phases.sql_count.values()) / n
    sql_ms = phases.time["SQL"] * 1000 / n
    print(f"{'all SQL (in the parts above)':52} {sql_ms:7.2f} {100 * sql_ms / (total_ms / n):5.1f} {'':6} {sql_n:5.1f}")


# Main ---------------------------------------------------------------------------------------------


def parse(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="bin/bench --profile", description=__doc__.split("\n\n")[0])
    parser.add_argument("--profile", dest="page", default=os.environ.get("BENCH_PROFILE"), help="page name or path")
    parser.add_argument("--user", default=os.environ.get("BENCH_USER"), help="log in as (default: the page's user)")
    parser.add_argument("--requests", type=int, default=int(os.environ.get("BENCH_REQUESTS", "200")))
    parser.add_argument("--only", choices=["plain", "profile", "split"], help="one pass only")
    parser.add_argument("--interval", type=float, default=0.0005, help="pyinstrument's sampling interval (s)")
    args = parser.parse_args(argv)
    if not args.page:
        parser.error("--profile PAGE (or BENCH_PROFILE) is needed")
    return args


def main(argv: list[str]) -> None:
    args = parse(argv)
    name, path, user = find_page(args.page, args.user)
    setup_django()
    n = args.requests
    page = Page(path, user)
    status = page.get()
    if status != 200:
        raise SystemExit(f"{path} answers {status} for {user}")
    for _ in range(min(20, n)):  # warm up: templates compiled, caches and connections open
        page.get()
    print(f"{name}: GET {path} as {user}, {n} requests per pass, one process", flush=True)
    if args.only in (None, "plain"):
        ceiling = Page("/bench/ceiling/", None)
        for _ in range(20):
            ceiling.get()
        (page_ms, page_cpu), (ceiling_ms, ceiling_cpu) = page.ms_per_request(n), ceiling.ms_per_request(n)
        print(
            f"\nplain: {page_ms:.2f} ms per request (CPU {page_cpu:.2f}); ceiling {ceiling_ms:.2f} ms "
            f"(CPU {ceiling_cpu:.2f}); ratio {ceiling_ms / page_ms:.2f} (CPU {ceiling_cpu / page_cpu:.2f}) "
            "in process, one client",
            flush=True,
        )
    if args.only in (None, "profile"):
        from pyinstrument import Profiler

        profiler = Profiler(interval=args.interval, async_mode="disabled")
        profiler.start()
        for _ in range(n):
            page.get()
        profiler.stop()
        tree = profiler.output_text(unicode=True, show_all=False)
        flat = profiler.output_text(unicode=True, flat=True, flat_time="self")
        flat_top = "\n".join(line for line in flat.splitlines() if line.strip())
        flat_lines = [ln for ln in flat_top.splitlines() if re.match(r"^\s*\d", ln)][:30]
        print(tree)
        print(f"Functions with the most time of their own ({n} requests):")
        print("\n".join(flat_lines))
        OUT.mkdir(parents=True, exist_ok=True)
        slug = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-") or "page"
        (OUT / f"profile-{slug}.html").write_text(profiler.output_html())
        (OUT / f"profile-{slug}.txt").write_text(tree + "\n" + flat)
        print(f"\nwritten var/bench/profile-{slug}.html and .txt", flush=True)
    if args.only in (None, "split"):
        phases = Phases()
        instrument(phases, page.handler)
        for _ in range(10):
            page.get()
        phases.reset()
        began = time.perf_counter()
        for _ in range(n):
            page.get()
        phases.enter("handler (rest)")  # close the last stretch
        phases.leave()
        print_split(phases, n, (time.perf_counter() - began) * 1000)
