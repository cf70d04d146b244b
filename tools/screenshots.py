"""Screenshots of the main pages for the README and for review, from a running `bin/run`.

Usage: .venv/bin/python tools/screenshots.py [BASE_URL]   (default http://127.0.0.1:8000)
Writes docs/screenshots/<page>-<width>.png at 1280 px and 390 px wide.
"""

from __future__ import annotations

import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

BASE = sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:8000"
OUT = Path(__file__).resolve().parents[1] / "docs" / "screenshots"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
PASSWORD = "demo-pass-2026"  # noqa: S105 (the published demo password)

# (name, user, path)
PAGES = [
    ("login", None, "/accounts/login/"),
    ("dashboard-county", "admin", "/"),
    ("dashboard-township", "official1", "/"),
    ("enterprise-list", "official1", "/enterprises/"),
    ("enterprise-detail", "admin", None),
    ("enterprise-form", "official1", "/enterprises/new/"),
    ("nodes", "admin", "/nodes/"),
    ("import", "official1", "/enterprises/import/"),
    ("dashboard-enterprise", "ent1", "/"),
    ("my-hazards", "ent1", "/hazards/mine/"),
    ("hazard-ledger", "official1", "/hazards/"),
    ("hazard-detail", "admin", "HAZARD"),
    ("inspections", "official1", "/inspections/"),
    ("inspection-new", "official1", "/inspections/new/"),
    ("inbox", "ent1", "/inbox/"),
    ("briefings", "leader", "/briefings/"),
]


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
        for width, height in ((1280, 900), (390, 844)):
            contexts: dict[str | None, object] = {}
            for name, user, path in PAGES:
                if user not in contexts:
                    ctx = browser.new_context(viewport={"width": width, "height": height}, locale="zh-CN")
                    if user:
                        page = ctx.new_page()
                        page.goto(f"{BASE}/accounts/login/")
                        page.fill("input[name=username]", user)
                        page.fill("input[name=password]", PASSWORD)
                        page.click("button[type=submit]")
                        page.wait_for_url(f"{BASE}/")
                        page.close()
                    contexts[user] = ctx
                page = contexts[user].new_page()  # type: ignore[attr-defined]
                if path == "HAZARD":
                    page.goto(f"{BASE}/hazards/?listed=on")
                    page.click("main table a >> nth=0")
                    page.wait_for_load_state()
                elif path is None:
                    page.goto(f"{BASE}/enterprises/?risk_level=major")
                    page.click("table.enterprise-table a >> nth=0")
                    page.wait_for_load_state()
                else:
                    page.goto(f"{BASE}{path}")
                page.wait_for_timeout(600)  # charts animate in
                # The vendored CJK font (1.1 MB per weight) swaps in when loaded: wait for it, or a
                # machine without system CJK fonts shows boxes in the bold text.
                page.evaluate("document.fonts.ready.then(() => document.fonts.size)")
                page.wait_for_load_state("networkidle")
                overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
                target = OUT / f"{name}-{width}.png"
                page.screenshot(path=str(target), full_page=True)
                print(f"{target.relative_to(OUT.parent.parent)}  overflow={overflow}px")
                page.close()
        browser.close()


if __name__ == "__main__":
    main()
