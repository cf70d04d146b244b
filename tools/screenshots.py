"""Screenshots of the main pages for the README and for review, from a running `bin/run`.

Usage: .venv/bin/python tools/screenshots.py [BASE_URL] [PAGE ...]   (default http://127.0.0.1:8000)
Writes docs/screenshots/<page>-<width>.png at 1280 px and 390 px wide.

Chromium runs as on a device without CJK fonts: fontconfig offers it only DejaVu (Latin), so the
pages must draw every Chinese character with the vendored "SafetyOps Sans" (tools/fontcheck.py).
Each page's line reports the font slices it fetched and any Chinese text another font drew (a box).
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

from playwright.sync_api import sync_playwright

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from tools.fontcheck import font_usage, latin_only_fontconfig, not_vendored

ARGV = [a for a in sys.argv[1:] if "://" not in a]
BASE = next((a for a in sys.argv[1:] if "://" in a), "http://127.0.0.1:8000")
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
    # bin/run with EXPORT_SYNC_MAX_ROWS=5: the ledger's 导出Excel becomes a job (its progress page)
    ("export-job", "official1", "/hazards/|main a[href*='export'] >> nth=0|"),
    ("export-job-done", "official1", "/exports/1/"),
    ("inspections", "official1", "/inspections/"),
    ("inspection-new", "official1", "/inspections/new/"),
    ("inbox", "ent1", "/inbox/"),
    ("briefings", "leader", "/briefings/"),
    ("campaigns", "admin", "/campaigns/"),
    ("campaign-new", "admin", "/campaigns/new/?kind=safety_month"),
    ("campaign-detail", "admin", "/campaigns/?status=active|main .list-group a >> nth=0|"),
    ("campaign-progress", "admin", "/campaigns/?status=active|main .list-group a >> nth=0|progress/"),
    ("campaign-progress-township", "official1", "/campaigns/?status=active|main .list-group a >> nth=0|progress/"),
    ("campaign-task", "admin", "/campaigns/?status=active|main .list-group a >> nth=0|"),
    ("campaign-month", "admin", "/campaigns/?status=summarised|main .list-group a >> nth=0|"),
    ("campaign-summary", "admin", "/campaigns/?status=summarised|main .list-group a >> nth=0|summary/"),
    ("campaign-my-work", "official1", "/campaigns/mine/"),
    ("campaign-report", "official4", "/campaigns/mine/|main .list-group a >> nth=0|"),
    ("campaign-activity", "admin", "/campaigns/?status=summarised|main .list-group a >> nth=0|"),
    ("campaign-enterprise", "ent1", "/campaigns/mine/"),
    ("accountability", "admin", "/accountability/"),
    ("accountability-township", "official1", "/accountability/"),
    ("accountability-leader", "leader", "/accountability/"),
    ("accountability-enterprise", "ent2", "/accountability/"),
    ("letter-template", "admin", "/accountability/|main a[href^='/accountability/letters/'] >> nth=0|"),
    ("letter-new", "admin", "/accountability/letters/new/?kind=responsibility"),
    ("letter-copy", "admin", "/accountability/|main a[href^='/accountability/letters/'] >> nth=2|"),
    ("letter-sign", "zhenzhang8", "/accountability/|main a[href$='/sign/'] >> nth=0|"),
    ("letter-coverage", "admin", "/accountability/coverage/"),
    ("letter-verify", "admin", "/accountability/verify/"),
    ("daily-board", "admin", "/accountability/daily/|main a:has-text('前一天')|"),
    ("daily-history", "admin", "/accountability/daily/|main a[href^='/accountability/daily/enterprise/'] >> nth=0|"),
    ("daily-pledge", "admin", "/accountability/daily/|main a[href^='/accountability/daily/enterprise/'] >> nth=0|"),
    ("daily-publish", "ent2", "/accountability/daily/publish/"),
    ("accidents", "admin", "/accountability/accidents/"),
    ("accidents-township", "official1", "/accountability/accidents/"),
    ("accident-larger", "admin", "/accountability/accidents/?level=larger|main a:has-text('加油站') >> nth=0|"),
    ("accident-late", "admin", "/accountability/accidents/|main a:has-text('货车侧翻') >> nth=0|"),
    ("accident-new", "official1", "/accountability/accidents/new/"),
    ("indicators", "admin", "/accountability/indicators/"),
    ("summonses", "admin", "/accountability/summonses/"),
    ("summons", "admin", "/accountability/summonses/|main a:has-text('河口镇') >> nth=0|"),
    ("assessments", "admin", "/accountability/assessments/?year=2025"),
    ("assessment-vetoed", "admin", "/accountability/assessments/?year=2025|main a:has-text('西山镇') >> nth=0|"),
    ("assessments-current", "admin", "/accountability/assessments/?year=2026"),
    ("admin", "admin", "/admin/"),
    ("admin-user", "admin", "ADMIN_USER"),
]


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, **latin_only_fontconfig(Path(tempfile.mkdtemp(prefix="fontconfig-")))}
    boxes = 0
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS, env=env)
        for width, height in ((1280, 900), (390, 844)):
            contexts: dict[str | None, object] = {}
            for name, user, path in PAGES:
                if ARGV and name not in ARGV:
                    continue
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
                fetched: list[int] = []
                page.on(
                    "requestfinished",
                    lambda r, fetched=fetched: (
                        fetched.append(r.sizes()["responseBodySize"])
                        if r.url.endswith(".woff2") and "/vendor/fonts/" in r.url
                        else None
                    ),
                )
                if path == "ADMIN_USER":
                    page.goto(f"{BASE}/admin/orgs/user/?q=official1")
                    page.click("#result_list tbody th a >> nth=0")
                    page.wait_for_load_state()
                elif path == "HAZARD":
                    page.goto(f"{BASE}/hazards/?listed=on")
                    page.click("main table a >> nth=0")
                    page.wait_for_load_state()
                elif path and path.count("|") == 2:  # go to a list, follow a link, then a sub-path
                    start, link, suffix = path.split("|")
                    page.goto(f"{BASE}{start}")
                    href = page.get_attribute(link, "href") or ""
                    if href.startswith("?"):  # a link to the same page with other parameters
                        href = start.split("?")[0] + href
                    then = {
                        "campaign-task": "/campaigns/tasks/",
                        "campaign-activity": "/campaigns/activities/",
                        "daily-pledge": "/accountability/daily/",
                        "letter-copy": "/accountability/copies/",
                    }.get(name)
                    if then:  # the campaign's first report task or activity, an enterprise's first 公告
                        page.goto(f"{BASE}{href}")
                        href = page.get_attribute(f"main a[href^='{then}'] >> nth=0", "href")
                    page.goto(f"{BASE}{href}{suffix}")
                elif path is None:
                    page.goto(f"{BASE}/enterprises/?risk_level=major")
                    page.click("table.enterprise-table a >> nth=0")
                    page.wait_for_load_state()
                else:
                    page.goto(f"{BASE}{path}")
                page.wait_for_timeout(600)  # charts animate in
                # The font slices the page needs swap in when loaded (font-display: swap): wait for them.
                page.evaluate("document.fonts.ready.then(() => document.fonts.size)")
                page.wait_for_load_state("networkidle")
                overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
                target = OUT / f"{name}-{width}.png"
                page.screenshot(path=str(target), full_page=True)
                bad = not_vendored(font_usage(page))
                boxes += len(bad)
                print(
                    f"{target.relative_to(OUT.parent.parent)}  overflow={overflow}px  "
                    f"font slices={len(fetched)} ({sum(fetched) / 1024:.0f} KiB)  not vendored={len(bad)}"
                )
                for line in bad[:5]:
                    print(f"    {line}")
                page.close()
        browser.close()
    if boxes:
        sys.exit(f"{boxes} Chinese text nodes were drawn by another font than the vendored one")


if __name__ == "__main__":
    main()
