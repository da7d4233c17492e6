"""Screenshots of every page at 1366×768 and 390×844, in Vietnamese and English, for a person.

Starts the dashboard on a fresh SQLite database (demo data), signs in an administrator so the
upload and admin pages show too, and saves PNGs to bench/out/screens/pages/ (git-ignored). With
--readme, it also refreshes the overview, profile and compare pictures under docs/screens/.

    python scripts/screenshots.py [--readme] [--only tong-quan,ho-so]
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.browser import support  # noqa: E402

PAGES = ["tong-quan", "ho-so", "so-sanh", "xu-huong", "linh-vuc", "phuc-vu", "ban-do", "du-lieu",
         "bao-cao",
         "tai-len", "quan-tri"]
SIZES = {"desktop": (1366, 768), "phone": (390, 844)}
CHART_PANES = {p: {"vi": "Biểu đồ", "en": "Charts"} for p in ("tong-quan", "ho-so")}
README = {"tong-quan": "tong-quan", "ho-so": "ho-so", "so-sanh": "so-sanh"}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--readme", action="store_true", help="refresh docs/screens/")
    parser.add_argument("--only", default="", help="comma-separated page paths")
    parser.add_argument("--tall", type=int, default=0, help="a taller window, e.g. 2400")
    args = parser.parse_args()
    pages = [p for p in args.only.split(",") if p] or PAGES
    out = support.SCREENS / "pages"
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as tmp:
        db = f"sqlite:///{tmp}/cchc.sqlite"
        server = support.start_app(db, Path(tmp))
        try:
            with sync_playwright() as pw:
                browser = support.launch_browser(pw)
                support.warm_up(server, browser)
                support.add_user(db, *support.ADMIN[:1], "admin", support.ADMIN[1])
                for size, (w, h) in SIZES.items():
                    h = args.tall if args.tall else h
                    context = browser.new_context(viewport={"width": w, "height": h},
                                                  locale="vi-VN", timezone_id="Asia/Ho_Chi_Minh")
                    page = context.new_page()
                    support.sign_in(page, server, *support.ADMIN)
                    for lang in ("vi", "en"):
                        if lang == "en":
                            open_sidebar(page)
                            page.get_by_role("radio", name="English", exact=True).click()
                            support.settle(page)
                        for name in pages:
                            # a link in the sidebar, not a new address: a reload is a new session
                            nav = page.locator('[data-testid="stSidebarNav"] a')
                            link = nav.first if name == PAGES[0] else \
                                page.locator(f'[data-testid="stSidebarNav"] a[href$="/{name}"]')
                            open_sidebar(page)  # a phone folds it away after each click
                            link.click()
                            page.locator("h1").first.wait_for(timeout=support.FIRST_LOAD_MS)
                            support.settle(page)
                            if size == "phone":  # the page, not the sidebar over it
                                close_sidebar(page)
                            page.wait_for_timeout(800)  # charts draw after the run ends
                            path = out / f"{name}-{size}-{lang}.png"
                            page.screenshot(path=str(path))
                            if args.readme and size == "desktop" and lang == "vi" \
                                    and name in README:
                                dest = ROOT / "docs" / "screens" / f"{README[name]}.png"
                                dest.parent.mkdir(exist_ok=True)
                                shutil.copy(path, dest)
                            print(path.relative_to(ROOT))
                            if name in CHART_PANES:  # the page's charts, behind its switch
                                page.get_by_role("radio", name=CHART_PANES[name][lang],
                                                 exact=True).click()
                                support.settle(page)
                                page.wait_for_timeout(800)
                                path = out / f"{name}-charts-{size}-{lang}.png"
                                page.screenshot(path=str(path))
                                print(path.relative_to(ROOT))
                        if lang == "en":
                            open_sidebar(page)
                            page.get_by_role("radio", name="Tiếng Việt", exact=True).click()
                            support.settle(page)
                    context.close()
                browser.close()
            if errors := server.errors():
                print("app errors:", *errors, sep="\n")
        finally:
            server.stop()


def open_sidebar(page) -> None:
    """Unfold the sidebar (the page links, the language switch) if a narrow window folded it."""
    expand = page.locator('[data-testid="stExpandSidebarButton"]')
    if expand.count() and expand.first.is_visible():
        expand.first.click()
        page.wait_for_timeout(400)


def close_sidebar(page) -> None:
    """Fold the sidebar away (on a phone it covers the page)."""
    collapse = page.locator('[data-testid="stSidebarCollapseButton"] button')
    if collapse.count() and collapse.first.is_visible():
        collapse.first.click()
        page.wait_for_timeout(400)


if __name__ == "__main__":
    main()
