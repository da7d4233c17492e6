"""Two replicas, one PostgreSQL: what one replica stores, the other shows at its next rerun.

Two `streamlit run` processes on different loopback ports share one PostgreSQL schema
(CCHC_DATABASE_URL) and one cookie secret, as behind a load balancer with sticky sessions.
An editor uploads a new year through replica A in the browser; a person already looking at
replica B sees that year as soon as B reruns (any click), and after a reload.
Needs CCHC_TEST_POSTGRES_URL and Chromium; skipped with the reason otherwise.
"""

from __future__ import annotations

import contextlib
import io
import os
import secrets

import pytest

import cchc_metrics as cm
from tests.browser.support import (
    ADMIN,
    EDITOR,
    FIRST_LOAD_MS,
    NEW_YEAR,
    Screens,
    add_user,
    browser_missing,
    chromium,
    grid_frame,
    heading,
    new_year_file,
    pick,
    ranking_grid,
    settle,
    shows,
    sign_in,
    start_app,
    upload,
    warm_up,
)
from tests.store_fixtures import PG_ENV, postgres_schema

pytestmark = [pytest.mark.browser, pytest.mark.postgres, pytest.mark.slow]


@pytest.fixture
def database():
    """A fresh PostgreSQL schema, dropped afterwards."""
    base = os.environ.get(PG_ENV)
    if not base:
        pytest.skip(f"{PG_ENV} is not set: no PostgreSQL server for the replicas to share")
    url, drop = postgres_schema(base)
    try:
        yield url
    finally:
        drop()


@pytest.fixture
def browser():
    """Headless Debian Chromium (skips when it or playwright is missing)."""
    reason = browser_missing()
    if reason:
        pytest.skip(reason)
    with chromium() as shared:
        yield shared


@pytest.fixture
def replicas(database, browser, tmp_path):
    """Replicas A and B: same database, same cookie secret, different ports."""
    # Streamlit takes the secret only from config.toml or the environment, not the command line.
    secret = {"STREAMLIT_SERVER_COOKIE_SECRET": secrets.token_hex(32)}
    servers = []
    with contextlib.ExitStack() as stack:
        for name in ("a", "b"):
            workdir = tmp_path / name
            workdir.mkdir()
            server = start_app(database, workdir, env=secret)
            stack.callback(server.stop)
            warm_up(server, browser)  # A loads the demo into the empty schema; B finds it
            servers.append(server)
        yield servers
        for server in servers:
            assert not server.errors(), server.log()[-4000:]


def test_an_upload_on_one_replica_shows_on_the_other(replicas, database, browser, tmp_path):
    """Upload 2026 through A; B, open since before, lists 2026 at its next rerun."""
    a, b = replicas
    shot = Screens(tmp_path, "test_replicas")
    add_user(database, ADMIN[0], "admin", ADMIN[1])
    add_user(database, EDITOR[0], "editor", EDITOR[1], admin=ADMIN)
    viewer = browser.new_context(viewport={"width": 1400, "height": 900}).new_page()
    editor = browser.new_context(viewport={"width": 1400, "height": 900}).new_page()
    try:
        viewer.goto(b.url("/", level="department"))
        heading(viewer, "Tổng quan", timeout=FIRST_LOAD_MS)
        settle(viewer)
        assert str(NEW_YEAR) not in year_options(viewer)
        shot(viewer, "b-truoc")

        sign_in(editor, a, *EDITOR)
        editor.locator('[data-testid="stSidebarNav"]').get_by_role(
            "link", name="Tải dữ liệu lên").click()
        heading(editor, "Tải dữ liệu lên")
        upload(editor, f"ket_qua_{NEW_YEAR}.xlsx", new_year_file())
        editor.get_by_role("button", name="Xác nhận nhập dữ liệu").click()
        editor.get_by_text("Đã nhập ").first.wait_for()
        shot(editor, "a-da-nhap")

        pick(viewer, "Cấp", "UBND cấp xã")  # any click reruns B's script
        settle(viewer)
        assert str(NEW_YEAR) in year_options(viewer), "B does not see A's upload after a rerun"
        shot(viewer, "b-chay-lai")
        viewer.goto(b.url("/", level="department"))  # a reload: the newest year is 2026 now
        heading(viewer, "Tổng quan")
        shows(viewer, "Năm", str(NEW_YEAR))
        settle(viewer)
        shot(viewer, "b-tai-lai")
        want = cm.unit_table(cm.read_scores(io.BytesIO(new_year_file())))
        shown = grid_frame(ranking_grid(viewer))
        assert shown["Đơn vị"].tolist() == want["unit"].tolist()
        assert shown["Hạng"].astype(int).tolist() == want["rank"].tolist()
    finally:
        viewer.context.close()
        editor.context.close()


def year_options(page) -> list[str]:
    """The years the "Năm" control offers (opens its list, reads it, closes it)."""
    page.get_by_role("combobox", name="Năm", exact=True).click()
    options = page.get_by_role("option").all_inner_texts()
    page.keyboard.press("Escape")
    return [o.strip() for o in options]
