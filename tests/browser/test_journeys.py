"""Real-browser journeys: what an official does in Chromium, against `streamlit run app.py`.

Each journey starts its own app on a fresh SQLite file (the demo province loads at the first
page), drives Debian's Chromium through Playwright, saves a screenshot of each step (in the
test's tmp dir and bench/out/screens/<journey>/) and asserts what a person would see.
Skipped with the reason when /usr/bin/chromium or the playwright package is missing.
"""

from __future__ import annotations

import contextlib
import io
import re
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

import cchc_metrics as cm
from cchc_metrics.sample.demo import build_demo_scores
from cchc_metrics.views import in_prose
from tests.browser.support import (
    ADMIN,
    EDITOR,
    FIRST_LOAD_MS,
    NEW_YEAR,
    Screens,
    add_user,
    app_exceptions,
    browser_missing,
    chosen,
    chromium,
    download,
    grid_frame,
    heading,
    new_year_file,
    pick,
    ranking_grid,
    read_csv_download,
    settle,
    shows,
    sign_in,
    start_app,
    upload,
    url_has,
    warm_up,
)

pytestmark = pytest.mark.browser
DESKTOP = {"width": 1400, "height": 900}
PHONE = {"width": 390, "height": 844}


# ---- fixtures ----------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def browser():
    """Headless Debian Chromium (each journey gets its own context); skips when missing."""
    reason = browser_missing()
    if reason:
        pytest.skip(reason)
    with chromium() as shared:
        yield shared


@contextlib.contextmanager
def served(workdir: Path, browser):
    """The dashboard on an empty SQLite database of its own, warmed up (the demo loaded).

    Its log is checked for app errors when it stops.
    """
    server = start_app(f"sqlite:///{workdir / 'cchc.sqlite'}", workdir)
    try:
        warm_up(server, browser)
        yield server
    finally:
        server.stop()
    assert not server.errors(), server.log()[-4000:]


@pytest.fixture(scope="module")
def app(tmp_path_factory, browser):
    """One app for the journeys that only read (each journey is a new session of it)."""
    with served(tmp_path_factory.mktemp("app"), browser) as server:
        yield server


@pytest.fixture
def fresh_app(tmp_path, browser):
    """An app of the journey's own, for journeys that change the data."""
    with served(tmp_path, browser) as server:
        yield server


def new_page(browser, viewport=DESKTOP, **options):
    """A fresh browser context (a new person, no cookies) and its page."""
    context = browser.new_context(viewport=viewport, accept_downloads=True, locale="vi-VN",
                                  **options)
    page = context.new_page()
    page.set_default_timeout(30_000)
    return page


@pytest.fixture
def shot(request, tmp_path):
    """Screenshots of this journey, numbered in order."""
    return Screens(tmp_path, request.node.name)


@pytest.fixture
def page(browser, shot):
    """A desktop-sized page of a fresh context; its last state is saved as a screenshot."""
    p = new_page(browser)
    yield p
    shot(p, "end")
    p.context.close()


@pytest.fixture(scope="module")
def demo_units() -> pd.DataFrame:
    """The unit table of the demo province, computed by the library (what the page must show)."""
    return cm.unit_table(build_demo_scores(), bands="tot-kha-kem")


def expected(units: pd.DataFrame, year: int, level: str, block: str | None = None):
    """unit_table's rows for the filters, in the order the ranking shows them."""
    rows = units[(units["year"] == year) & (units["level"] == level)]
    if block:
        rows = rows[rows["block"] == block]
    return rows.sort_values(["block", "rank", "unit"], kind="stable").reset_index(drop=True)


def first_load(page, app, title: str, path: str = "/", **params) -> None:
    """Open a page of the app (a view given by its URL) and wait for its title."""
    page.goto(app.url(path, **params))
    heading(page, title, timeout=FIRST_LOAD_MS)
    settle(page, timeout=FIRST_LOAD_MS)


# ---- 1. filters, ranking, profile --------------------------------------------------------------

def test_ranking_and_profile_match_the_library(app, page, shot, demo_units, tmp_path):
    """Pick 2022 and the districts; the ranking is unit_table's; the profile tells the rank."""
    first_load(page, app, "Tổng quan")
    shot(page, "tong-quan")
    pick(page, "Năm", "2022")
    pick(page, "Cấp", "UBND cấp huyện")
    url_has(page, "year=2022", "level=district")
    settle(page)
    shot(page, "huyen-2022")
    want = expected(demo_units, 2022, "district")
    assert_grid_matches(ranking_grid(page), want)
    got = read_csv_download(download(page, "Tải CSV", tmp_path / "xep-hang.csv"))
    assert_rows_match(got, want)

    page.evaluate(TAG_FILTERS)
    page.locator('[data-testid="stSidebarNav"]').get_by_role("link", name="Hồ sơ đơn vị").click()
    heading(page, "Hồ sơ đơn vị")
    settle(page)
    shot(page, "ho-so")
    assert (chosen(page, "Năm"), chosen(page, "Cấp")) == ("2022", "UBND cấp huyện"), \
        "the filters picked on the overview were lost on the way to the profile"
    kept = page.evaluate(KEPT_FILTERS)
    assert len(kept) >= 3 and all(kept), \
        f"the sidebar's filters were built anew on the way to the profile, not kept: {kept}"
    unit = want.iloc[3]
    pick(page, "Chọn đơn vị", unit["unit"])
    sentence = (f"Năm 2022, {in_prose(unit['unit'])} đứng thứ {unit['rank']}/"
                f"{unit['n_ranked']} huyện, thị xã, thành phố")
    page.get_by_text(sentence).wait_for()
    shot(page, "ho-so-don-vi")
    assert f"({cm_pct(unit['index_pct'])})" in page.get_by_text(sentence).inner_text()
    assert not app_exceptions(page)


# The sidebar's filters belong to app.py and stay mounted from page to page (ui.filters): the
# elements marked before a page change are the ones there after it.
TAG_FILTERS = """() => document.querySelectorAll(
    '[data-testid="stSidebar"] [data-testid="stSelectbox"]').forEach(e => { e.__kept = true; })"""
KEPT_FILTERS = """() => [...document.querySelectorAll(
    '[data-testid="stSidebar"] [data-testid="stSelectbox"]')].map(e => e.__kept === true)"""


def cm_pct(value: float) -> str:
    """An index as the Vietnamese page writes it: 87,65 %."""
    return f"{value:.2f}".replace(".", ",") + "\u00a0%"  # never split from its number


def assert_grid_matches(grid, want: pd.DataFrame) -> None:
    """The rows the grid renders have unit_table's ranks, units and indices, in its order.

    The grid redraws its cells after a rerun: for a moment its accessible table can still
    hold the previous view's names, so the rows are read again (up to ten seconds) until the
    grid has drawn the new ones."""
    import time

    deadline = time.monotonic() + 10
    shown = grid_frame(grid)
    while shown.get("Đơn vị", pd.Series()).tolist() != want["unit"].tolist() and \
            time.monotonic() < deadline:
        grid.page.wait_for_timeout(250)
        shown = grid_frame(grid)
    assert len(shown) == len(want), shown
    assert shown["Hạng"].astype(int).tolist() == want["rank"].tolist()
    assert shown["Đơn vị"].tolist() == want["unit"].tolist()
    # the grid holds numbers (sorted as numbers; drawn as 85,65 — AppTest checks the texts)
    assert shown["Chỉ số (%)"].astype(float).tolist() == pytest.approx(
        want["index_pct"].round(2).tolist(), abs=0.005)


def assert_rows_match(got: pd.DataFrame, want: pd.DataFrame) -> None:
    """An exported ranking equals unit_table: rank, unit, points, maximum, index, band."""
    assert got["Hạng"].astype(int).tolist() == want["rank"].tolist()
    assert got["Đơn vị"].tolist() == want["unit"].tolist()
    for column, name in [("Điểm đạt", "points"), ("Điểm tối đa", "max_points"),
                         ("Chỉ số (%)", "index_pct")]:
        assert got[column].astype(float).tolist() == pytest.approx(
            want[name].round(2).tolist(), abs=0.005), column
    assert got["Xếp loại"].tolist() == want["band"].tolist()


# ---- 2. sign in, upload, confirm ---------------------------------------------------------------

def test_editor_uploads_a_new_year(fresh_app, page, shot):
    """An editor signs in, uploads a file, confirms, and finds its year on the overview."""
    app = fresh_app
    data = new_year_file()
    want = cm.unit_table(cm.read_scores(io.BytesIO(data)))
    database = app.env["CCHC_DATABASE_URL"]
    add_user(database, ADMIN[0], "admin", ADMIN[1])
    add_user(database, EDITOR[0], "editor", EDITOR[1], admin=ADMIN)
    elsewhere = []  # an offline intranet: nothing may come from another host
    page.on("request", lambda r: elsewhere.append(r.url)
            if not r.url.startswith(("http://127.0.0.1", "data:", "blob:")) else None)
    first_load(page, app, "Tổng quan")
    nav = page.locator('[data-testid="stSidebarNav"]')
    assert nav.get_by_role("link", name="Tải dữ liệu lên").count() == 0, "upload without sign-in"
    sign_in(page, app, *EDITOR)
    shot(page, "dang-nhap")
    nav.get_by_role("link", name="Tải dữ liệu lên").click()
    heading(page, "Tải dữ liệu lên")
    settle(page)
    shown = page.evaluate("""() => [...document.querySelectorAll(
        '[data-testid=stFileUploaderDropzone] p, [data-testid=stFileUploaderDropzoneInstructions] span')]
        .map(e => getComputedStyle(e, '::after').content + '|' + getComputedStyle(e).fontSize)""")
    assert shown == ['"Chọn tệp"|0px', '"Tối đa 50 MB mỗi tệp · hoặc kéo thả tệp vào đây"|0px'], \
        shown  # Streamlit's «Upload» and «50MB per file» hidden, the catalog's words shown
    upload(page, f"ket_qua_{NEW_YEAR}.xlsx", data)
    page.get_by_text("Xem trước bảng xếp hạng").wait_for()
    settle(page)
    shot(page, "xem-truoc")
    page.get_by_label("Ghi chú", exact=False).fill("QĐ số 01/QĐ-UBND (thử nghiệm)")
    page.get_by_role("button", name="Xác nhận nhập dữ liệu").click()
    page.get_by_text(re.compile(r"Đã nhập \d+ dòng điểm thành bộ dữ liệu #\d+")).wait_for()
    shot(page, "da-nhap")
    page.get_by_role("link", name=f"Xem tổng quan năm {NEW_YEAR}").click()
    heading(page, "Tổng quan")
    shows(page, "Năm", str(NEW_YEAR))
    shows(page, "Cấp", "Sở, ban, ngành")
    settle(page)
    shot(page, "tong-quan-nam-moi")
    assert_grid_matches(ranking_grid(page), want)
    assert not app_exceptions(page)
    assert not elsewhere, elsewhere
    icon = page.locator("link[rel*=icon]").first.get_attribute("href")
    assert icon and "material" not in icon, icon  # the app's own file, not a font CDN's


# ---- 3. the Excel export -----------------------------------------------------------------------

def test_excel_export_holds_the_filtered_table(app, page, shot, demo_units, tmp_path):
    """The data page's "Tải Excel" of one commune block: title block, header, unit_table's rows."""
    block = "Huyện Mỹ Lâm"
    first_load(page, app, "Dữ liệu & xuất", "/du-lieu", year=2022, level="commune", block=block)
    assert (chosen(page, "Năm"), chosen(page, "Cấp"), chosen(page, "Khối xếp hạng")) == (
        "2022", "UBND cấp xã", block)
    ranking_grid(page)
    shot(page, "du-lieu")
    path = download(page, "Tải Excel", tmp_path / "xuat.xlsx")
    book = openpyxl.load_workbook(path)
    assert book.sheetnames == [block, "Chi tiết lĩnh vực"]
    sheet = book[block]
    title = [row[0] for row in sheet.iter_rows(max_row=6, max_col=1, values_only=True)]
    assert title[0] == "KẾT QUẢ CHỈ SỐ CẢI CÁCH HÀNH CHÍNH NĂM 2022"
    assert title[1].startswith("Tỉnh An Hòa")  # the demo files' province, as read from them
    assert title[2] == "DỮ LIỆU MẪU — tỉnh giả định, không phải số liệu thật"
    assert re.fullmatch(r"Phiên bản dữ liệu: #\d+(, #\d+)*", title[3])
    assert title[4] == f"Năm: 2022 · Cấp: UBND cấp xã · Khối xếp hạng: {block}"
    assert re.fullmatch(r"Xuất lúc \d\d:\d\d ngày \d\d/\d\d/\d{4} \(giờ Việt Nam\)", title[5])
    got = sheet_table(sheet)
    assert list(got.columns[:2]) == ["Hạng", "Đơn vị"]  # year and block: in the title above
    assert sheet.title == block and any("2022" in str(c.value) for c in sheet["A"][:6])
    assert_rows_match(got, expected(demo_units, 2022, "commune", block))
    assert sheet.freeze_panes == f"A{header_row(sheet) + 1}"


def test_a_report_is_made_and_downloaded_as_word(app, page, shot, demo_units, tmp_path):
    """«Báo cáo»: the preview, then «Tạo văn bản Word» and the .docx it downloads — its motto and
    its ranking table hold the library's units and indices in rank order."""
    from docx import Document

    first_load(page, app, "Báo cáo", "/bao-cao", year=2024, level="district")
    page.get_by_text("1. Kết quả chung").first.wait_for()
    shot(page, "bao-cao")
    page.get_by_role("button", name="Tạo văn bản Word").click()
    page.get_by_role("button", name="Tải văn bản (.docx)").wait_for(timeout=FIRST_LOAD_MS)
    shot(page, "bao-cao-tao")
    path = download(page, "Tải văn bản (.docx)", tmp_path / "bao-cao.docx")
    doc = Document(str(path))
    assert "Độc lập - Tự do - Hạnh phúc" in doc.tables[0].rows[0].cells[1].text
    want = expected(demo_units, 2024, "district")
    ranking = next(t for t in doc.tables if [c.text for c in t.rows[0].cells][:2] == [
        "Hạng", "Đơn vị"])
    rows = [[c.text for c in r.cells] for r in ranking.rows[1:]]
    assert [r[1] for r in rows] == want["unit"].tolist()
    assert [r[2] for r in rows] == [cm_pct(v).replace("\u00a0%", "") for v in want["index_pct"]]
    assert not app_exceptions(page)


def header_row(sheet) -> int:
    """The row number of the column headers (the first row whose first cell is "Hạng")."""
    for number, (first,) in enumerate(sheet.iter_rows(max_col=1, values_only=True), 1):
        if first == "Hạng":
            return number
    raise AssertionError("no header row")


def sheet_table(sheet) -> pd.DataFrame:
    """The table under an exported sheet's title block."""
    rows = list(sheet.iter_rows(min_row=header_row(sheet), values_only=True))
    return pd.DataFrame(rows[1:], columns=rows[0])


# ---- 4. language -------------------------------------------------------------------------------

def test_switch_to_english_and_back(app, page, shot):
    """"Tiếng Việt / English": the title and controls change, the URL gets and loses lang=en."""
    first_load(page, app, "Tổng quan", year=2022, level="district")
    page.get_by_role("radio", name="English").click()
    heading(page, "Overview")
    url_has(page, "lang=en")
    settle(page)
    shot(page, "english")
    assert chosen(page, "Year") == "2022"
    assert chosen(page, "Level") == "District People's Committees"  # its words, not «UBND …»
    assert "Rank" in grid_frame(ranking_grid(page)).columns
    assert "year=2022" in page.url and "level=district" in page.url
    page.get_by_role("radio", name="Tiếng Việt").click()
    heading(page, "Tổng quan")
    url_has(page, "year=2022", without="lang=")
    settle(page)
    shot(page, "tieng-viet")
    assert chosen(page, "Năm") == "2022"
    assert chosen(page, "Cấp") == "UBND cấp huyện"
    page.goto(app.url("/so-sanh", lang="en"))
    heading(page, "Compare")
    shot(page, "link-english")
    assert not app_exceptions(page)


def test_a_link_is_the_first_visit_after_a_start(tmp_path, browser, page, shot):
    """A shared link opened first after a (re)start shows its page, without «Page not found».

    With the page scripts in a folder named pages/, Streamlit ran a process's first script run
    as an old-style multipage app, which does not know the URL path /ho-so.
    """
    server = start_app(f"sqlite:///{tmp_path / 'cchc.sqlite'}", tmp_path)  # no warm-up visit
    try:
        first_load(page, server, "Hồ sơ đơn vị", "/ho-so", year=2022, level="district")
        shot(page, "lien-ket-dau-tien")
        assert chosen(page, "Năm") == "2022"
        assert page.get_by_text("Page not found").count() == 0
        assert not app_exceptions(page)
    finally:
        server.stop()


# ---- 5. phone ----------------------------------------------------------------------------------

OVERFLOW = """() => {
  const main = document.querySelector('[data-testid="stMainBlockContainer"]');
  const outside = [...document.querySelectorAll('[data-testid="stMain"] *')]
    .filter(e => !(e instanceof SVGElement) || e.tagName === 'svg')
    .filter(e => !e.closest('[data-testid="stDataFrame"]'))
    .filter(e => e.getBoundingClientRect().width > 0)
    .filter(e => e.getBoundingClientRect().right > window.innerWidth + 1
                 || e.getBoundingClientRect().left < -1)
    .map(e => (e.dataset && e.dataset.testid) || e.tagName);
  return {page: document.documentElement.scrollWidth, viewport: window.innerWidth,
          main: main.scrollWidth, mainClient: main.clientWidth, outside};
}"""


def test_overview_is_usable_on_a_phone(app, browser, shot):
    """At 390×844 nothing but the table scrolls sideways, and the filters still work."""
    page = new_page(browser, PHONE, is_mobile=True, has_touch=True, device_scale_factor=2)
    try:
        first_load(page, app, "Tổng quan", year=2022, level="district")
        ranking_grid(page)
        shot(page, "dien-thoai")
        sizes = page.evaluate(OVERFLOW)
        assert sizes["page"] <= sizes["viewport"], sizes
        assert sizes["main"] <= sizes["mainClient"], sizes
        assert not sizes["outside"], sizes
        scroll_to(page, '[data-testid="stDataFrame"]')
        shot(page, "bang-xep-hang")
        page.locator('[data-testid="stButtonGroup"]').get_by_text("Biểu đồ").click()  # charts on ask
        page.locator('[data-testid="stPlotlyChart"]').first.wait_for()
        settle(page)
        sizes = page.evaluate(OVERFLOW)
        assert sizes["page"] <= sizes["viewport"] and not sizes["outside"], sizes
        scroll_to(page, '[data-testid="stPlotlyChart"]')
        shot(page, "bieu-do")
        open_sidebar(page)
        pick(page, "Năm", "2023")
        url_has(page, "year=2023")
        settle(page)
        shot(page, "doi-nam")
        assert not app_exceptions(page)
    finally:
        shot(page, "end")
        page.context.close()


def scroll_to(page, selector: str) -> None:
    """Bring an element into view inside Streamlit's scrolling main area."""
    page.locator(selector).first.scroll_into_view_if_needed()
    page.wait_for_timeout(300)


def open_sidebar(page) -> None:
    """Open the collapsed sidebar (the filters on a phone) and wait until it has slid in."""
    page.locator('[data-testid="stExpandSidebarButton"]').click()
    page.wait_for_function("() => document.querySelector('[data-testid=\"stSidebar\"]')"
                           ".getBoundingClientRect().left >= 0")
    page.wait_for_timeout(500)  # the end of the slide-in transition


# ---- 6. state that stays coherent, tables that fit (issue 20) -----------------------------------

def test_the_block_box_follows_the_year_and_the_search_finds_any_commune(app, page, shot):
    """The box shows the block the table shows; a search opens the block of what it finds."""
    first_load(page, app, "Tổng quan", year=2024, level="commune")
    assert chosen(page, "Khối xếp hạng").startswith("Huyện")
    pick(page, "Năm", "2025")
    settle(page)
    shows(page, "Khối xếp hạng", "Khối phường")  # not the 2024 district the box kept before
    shot(page, "nam-2025")
    pick(page, "Năm", "2024")
    settle(page)
    box = page.get_by_role("textbox", name="Tìm đơn vị")
    box.fill("dong huong")
    box.press("Enter")
    shows(page, "Khối xếp hạng", "Huyện Mỹ Lâm")
    settle(page)
    grid = ranking_grid(page)
    frame = grid_frame(grid)
    assert frame["Đơn vị"].tolist() == ["Xã Đông Hương"], frame.columns
    shot(page, "tim-thay")
    # Streamlit's English download error is replaced too: the rule is in the page's styles
    rules = page.evaluate("""() => [...document.styleSheets].flatMap(s => {
        try { return [...s.cssRules].map(r => r.cssText); } catch (e) { return []; } })
        .filter(t => t.includes('stDownloadButtonError'))""")
    assert any("Không tạo được tệp tải về" in r for r in rules), rules
    sizes = grid.locator(".dvn-scroller").first.evaluate("g => [g.scrollWidth, g.clientWidth]")
    assert sizes[0] <= sizes[1] + 1, sizes  # the ranking fits 1366 px: no sideways scrolling
    assert not app_exceptions(page)


# ---- 7. units through the 2025 reorganisation (issue 22) ----------------------------------------

def test_a_successors_profile_shows_its_predecessors_years(app, page, shot):
    """A link to a merged department opens it, with the years of the departments it came from."""
    first_load(page, app, "Hồ sơ đơn vị", "/ho-so", unit="Sở Nông nghiệp và Môi trường")
    page.get_by_role("heading", name="Trước khi sắp xếp").wait_for()
    page.get_by_text("được thành lập năm 2025 trên cơ sở", exact=False).wait_for()
    settle(page)
    shot(page, "don-vi-sap-nhap")
    grid = page.locator('[data-testid="stDataFrame"]').nth(1)  # after the fields' table
    grid.locator("td[role=gridcell]").first.wait_for(state="attached")
    area = grid_frame(grid)
    assert area["Năm"].tolist() == ["2021", "2022", "2023", "2024"], area
    assert not app_exceptions(page)


def test_the_map_draws_without_internet_and_a_click_opens_the_profile(app, page, shot):
    elsewhere = []
    page.on("request", lambda r: elsewhere.append(r.url)
            if not r.url.startswith(("http://127.0.0.1", "data:", "blob:")) else None)
    first_load(page, app, "Bản đồ", "/ban-do", year=2024, level="commune")
    point = page.locator(".scatterlayer .point").first
    point.wait_for()
    shot(page, "ban-do")
    box = point.bounding_box()  # plotly's drag layer lies over the points: click where it is
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    heading(page, "Hồ sơ đơn vị")
    url_has(page, "unit=")
    assert chosen(page, "Chọn đơn vị").startswith(("Xã", "Phường", "Thị trấn"))
    assert not elsewhere, elsewhere  # no map tiles, no geometry from a CDN
    assert not app_exceptions(page)


def test_the_services_page_ranks_a_quarter_and_its_export_holds_that_table(app, page, shot,
                                                                             tmp_path):
    """A link to the on-time rate of a quarter: the ranking and its Excel download agree."""
    first_load(page, app, "Chỉ số phục vụ", "/phuc-vu", year=2025, level="department",
               indicator="on_time_rate", period="quarter", quarter=1)
    page.get_by_text("Quý I/2025", exact=False).first.wait_for()
    settle(page)
    shot(page, "phuc-vu")
    grid = page.locator('[data-testid="stDataFrame"]').first
    grid.locator("td[role=gridcell]").first.wait_for(state="attached")
    shown = grid_frame(grid)
    saved = download(page, "Tải Excel", tmp_path / "phuc-vu.xlsx")
    ws = openpyxl.load_workbook(saved).active
    rows = [r for r in ws.iter_rows(values_only=True) if r and r[0] is not None]
    header = next(i for i, r in enumerate(rows) if r[0] == "Hạng")
    units = [r[1] for r in rows[header + 1:]]
    assert units[:len(shown)] == shown["Đơn vị"].tolist()
    assert not app_exceptions(page)
