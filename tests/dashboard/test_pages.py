"""AppTest: every page renders from the demo data, in Vietnamese and English, and controls work."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from cchc_metrics import views
from cchc_metrics.metrics import unit_table as cm_unit_table
from tests.dashboard.shown import shown

ROOT = Path(__file__).resolve().parents[2]
PAGES = [
    ("app_pages/tong-quan.py", "Tổng quan", "Overview"),
    ("app_pages/ho-so.py", "Hồ sơ đơn vị", "Unit profile"),
    ("app_pages/so-sanh.py", "So sánh", "Compare"),
    ("app_pages/xu-huong.py", "Xu hướng", "Trends"),
    ("app_pages/linh-vuc.py", "Lĩnh vực", "Fields"),
    ("app_pages/phuc-vu.py", "Chỉ số phục vụ", "Service indicators"),
    ("app_pages/ban-do.py", "Bản đồ", "Map"),
    ("app_pages/du-lieu.py", "Dữ liệu & xuất", "Data & export"),
    ("app_pages/dang-nhap.py", "Đăng nhập", "Sign in"),
]


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory):
    """One demo database for the module (pages only read it)."""
    path = tmp_path_factory.mktemp("db") / "demo.sqlite"
    return f"sqlite:///{path}"


@pytest.fixture
def app(demo_db, monkeypatch):
    monkeypatch.setenv("CCHC_DATABASE_URL", demo_db)
    st.cache_resource.clear()
    st.cache_data.clear()
    st.set_option("client.showErrorDetails", "full")  # tests see real errors, users do not
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    return at


def set_widget(at: AppTest, key: str, value) -> None:
    """Set a control by its key, as a person would (AppTest does not apply URL bindings)."""
    for kind in ("button_group", "selectbox", "text_input", "multiselect"):
        try:
            widget = getattr(at, kind)(key=key)
        except KeyError:
            continue
        widget.set_value(value).run()
        return
    raise KeyError(key)


def run_page(at: AppTest, page: str, **controls) -> AppTest:
    at.run()
    if page != "app_pages/tong-quan.py":
        at.switch_page(page)
        at.run()
    for key, value in controls.items():
        set_widget(at, key, value)
    assert not at.exception, [e.message for e in at.exception]
    return at


def texts(at: AppTest) -> str:
    parts = [m.value for m in at.markdown] + [h.value for h in at.title] + \
        [h.value for h in at.subheader] + [w.value for w in at.warning] + [i.value for i in at.info]
    parts += [f"{m.label} {m.value}" for m in at.metric]
    return "\n".join(str(p) for p in parts)


@pytest.mark.parametrize("page, vi, en", PAGES)
def test_every_page_renders_in_vietnamese_with_the_sample_label(app, page, vi, en):
    at = run_page(app, page)
    assert at.title[0].value == vi
    assert "DỮ LIỆU MẪU" in texts(at)


@pytest.mark.parametrize("page, vi, en", PAGES)
def test_every_page_renders_in_english(app, page, vi, en):
    at = run_page(app, page, lang="en")
    assert at.title[0].value == en
    assert "SAMPLE DATA" in texts(at)


def test_overview_shows_cards_and_the_ranking_of_the_newest_year(app):
    at = run_page(app, "app_pages/tong-quan.py")
    labels = [m.label for m in at.metric]
    assert "Số đơn vị xếp hạng" in labels and "Chỉ số trung bình" in labels
    table = shown(at.dataframe[0])
    assert len(table) > 0 and table["Hạng"].iloc[0] == 1
    assert "," in at.metric[1].value  # 85,65 % — decimal comma in Vietnamese


def test_ranking_table_shows_vietnamese_numbers_a_bar_and_sparklines(app):
    at = run_page(app, "app_pages/tong-quan.py", year=2024, level="district")
    table = shown(at.dataframe[0])
    assert table["Chỉ số (%)"].str.fullmatch(r"\d{1,3},\d\d").all()  # 85,65
    bar = at.dataframe[0].value["Thanh chỉ số"]  # the bar draws the number behind the text
    assert bar.tolist() == [float(v.replace(",", ".")) for v in table["Chỉ số (%)"]]
    assert "Năm" not in table and "Khối" not in table  # one year, one block: said above it
    assert table["Hạng"].tolist() == sorted(table["Hạng"])  # ranks stay numbers
    assert {text[0] for text in table["Thay đổi hạng"]} <= {"▲", "▼", "="}
    behind = at.dataframe[0].value  # what a click on a header sorts: numbers, not the texts
    assert pd.api.types.is_numeric_dtype(behind["Thay đổi hạng"])
    assert pd.api.types.is_float_dtype(behind["Chỉ số (%)"])
    assert all(len(h) == 4 for h in table["Các năm"])  # 2021–2024
    at.button_group(key="lang").set_value("en").run()
    assert shown(at.dataframe[0])["Index (%)"].str.fullmatch(r"\d{1,3}\.\d\d").all()


def test_year_level_and_block_controls_change_the_table(app):
    at = run_page(app, "app_pages/tong-quan.py")
    at.selectbox(key="year").set_value(2022).run()
    at.selectbox(key="level").set_value("district").run()
    table = shown(at.dataframe[0])
    assert at.selectbox(key="year").value == 2022 and len(table) == 10
    at.selectbox(key="level").set_value("commune").run()
    assert at.selectbox(key="block").options  # communes of 2022 are ranked per district
    at.selectbox(key="year").set_value(2025).run()
    at.selectbox(key="level").set_value("district").run()
    assert "không có" in texts(at).lower() or "không có" in texts(at)


def test_search_ignores_case_and_diacritics(app):
    at = run_page(app, "app_pages/tong-quan.py", level="department")
    at.text_input(key="q").set_value("so noi vu").run()
    units = set(shown(at.dataframe[0])["Đơn vị"])
    assert units and all("Nội vụ" in u for u in units)


@pytest.mark.parametrize("page, tab_key, first_tab, charts", [
    ("app_pages/tong-quan.py", "overview_tab", "Bảng xếp hạng", 2),
    ("app_pages/ho-so.py", "profile_tab", "Điểm theo lĩnh vực", 3),
])
def test_a_page_opens_on_its_table_and_draws_its_charts_in_their_tab(app, page, tab_key,
                                                                      first_tab, charts):
    """Charts cost a browser the most: they run only while the switch shows them."""
    at = run_page(app, page, year=2022, level="district")
    switch = at.button_group(key=tab_key)
    assert switch.options == [first_tab, "Biểu đồ"] and switch.value == 0
    assert len(at.dataframe) == 1 and not at.get("plotly_chart")
    switch.set_value(1).run()
    assert not at.exception, [e.message for e in at.exception]
    assert len(at.get("plotly_chart")) == charts and not at.dataframe
    if page == "app_pages/ho-so.py":  # the sentence officials copy stays above both tabs
        assert any(str(m.value).startswith("Năm 2022") for m in at.markdown)


def test_profile_writes_the_summary_paragraph(app):
    at = run_page(app, "app_pages/ho-so.py", year=2022, level="district")
    paragraph = next(m.value for m in at.markdown if str(m.value).startswith("Năm 2022"))
    assert "đứng thứ" in paragraph and "/10" in paragraph and "so với năm 2021" in paragraph


def test_a_profile_says_when_it_shows_another_year(app):
    """A department merged away in 2025 shows its last year, and the page says so."""
    at = run_page(app, "app_pages/ho-so.py", year=2025, level="department", unit="Ban Dân tộc")
    notes = [i.value for i in at.info]
    assert any("không có kết quả năm 2025" in n and "hiển thị năm 2024" in n for n in notes), notes
    assert any(str(m.value).startswith("Năm 2024, Ban Dân tộc") for m in at.markdown)
    set_widget(at, "unit", "Sở Ngoại vụ")  # there in 2025: no note
    assert not any("không có kết quả" in i.value for i in at.info)
    assert any(str(m.value).startswith("Năm 2025, Sở Ngoại vụ") for m in at.markdown)


def test_a_copied_link_reopens_the_view(app):
    for key, value in {"lang": "en", "year": "2022", "level": "district", "q": "my"}.items():
        app.query_params[key] = value
    app.run()
    assert not app.exception
    assert app.title[0].value == "Overview"
    table = shown(app.dataframe[0])
    assert app.selectbox(key="year").value == 2022 and len(table) >= 1
    assert all("Mỹ" in u for u in table["Unit"])
    # and the URL follows the controls, with codes that do not depend on the language
    app.selectbox(key="level").set_value("commune").run()
    assert app.query_params["level"] == "commune"
    app.selectbox(key="level").set_value("department").run()  # the default leaves the URL
    assert "level" not in app.query_params


def test_a_link_followed_mid_session_wins_over_the_last_choice(app):
    """The upload page's "see the overview of 2022" link sets the filters a person had changed."""
    at = run_page(app, "app_pages/tong-quan.py", year=2024, level="commune")
    at.query_params["year"], at.query_params["level"] = "2022", "district"  # what a link does
    at.run()
    assert (at.selectbox(key="year").value, at.selectbox(key="level").value) == (2022, "district")
    assert len(shown(at.dataframe[0])) == 10  # the ten districts of 2022
    at.selectbox(key="level").set_value("department").run()  # and the person's next choice holds
    assert at.selectbox(key="level").value == "department"
    assert at.selectbox(key="year").value == 2022


def test_a_long_unit_list_is_cut_but_keeps_the_chosen_unit(app, monkeypatch):
    """Past views.PICKER_LIMIT names the picker lists the first ones, the chosen unit among them,
    and says how to find the rest."""
    at = run_page(app, "app_pages/ho-so.py", year=2022, level="commune")
    full = at.selectbox(key="unit").options
    assert len(full) > 8, full
    monkeypatch.setattr(views.profile, "PICKER_LIMIT", 5)
    at.run()
    picker = at.selectbox(key="unit")
    assert picker.options == full[:5]
    caption = " ".join(c.value for c in at.caption)
    assert f"5 trong {len(full)} đơn vị" in caption and "Tìm đơn vị" in caption
    last = full[-1]
    set_widget(at, "q", views.folded(last).split()[-1])  # the sidebar search finds the others
    assert last in at.selectbox(key="unit").options
    at.selectbox(key="unit").set_value(last).run()
    set_widget(at, "q", "")
    picker = at.selectbox(key="unit")
    assert picker.value == last and len(picker.options) == 5 and last in picker.options
    assert not at.exception


def test_the_long_lived_objects_are_frozen_once(app, monkeypatch):
    """Streamlit's collection after each rerun must not walk the imported modules (the dashboard package)."""
    import gc

    app.run()
    assert gc.get_freeze_count() > 50_000  # Streamlit, pandas and plotly alone hold more
    calls = []
    monkeypatch.setattr(gc, "freeze", lambda: calls.append("freeze"))
    app.run()
    assert not calls and not app.exception  # once per process, not at every rerun


@pytest.fixture
def two_provinces(tmp_path, monkeypatch):
    """Communes of two provinces whose districts share names, as «Châu Thành» does in the country.

    Tỉnh An Giang and Tỉnh Bến Tre both have «Huyện 0»; «Huyện Mỏ Cày» is Bến Tre's alone.
    """
    from cchc_metrics.store import open_store
    from tests.store_fixtures import make_scores

    frames = [make_scores(2024, "commune", n_units=6, seed=1, province="Tỉnh An Giang",
                          prefix="Xã An"),
              make_scores(2024, "commune", n_units=6, seed=2, province="Tỉnh Bến Tre",
                          prefix="Xã Bến")]
    frames[1]["parent"] = frames[1]["parent"].replace("Huyện 1", "Huyện Mỏ Cày")
    url = f"sqlite:///{tmp_path / 'two.sqlite'}"
    with open_store(url) as store:  # one ranking block across both, as a national table is
        store.import_scores(pd.concat(frames, ignore_index=True), file_name="hai-tinh.xlsx",
                            file_bytes=b"hai tinh", user=store.accounts.system_actor("test"))
    monkeypatch.setenv("CCHC_DATABASE_URL", url)
    st.cache_resource.clear()
    st.cache_data.clear()
    return AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)


def ranked_units(at: AppTest) -> set[str]:
    return set(shown(at.dataframe[0])["Đơn vị"])


def test_one_province_has_no_province_box(app):
    at = run_page(app, "app_pages/tong-quan.py", year=2022, level="commune")  # 2025 has no districts
    assert not [s for s in at.selectbox if s.key == "province"]
    assert at.selectbox(key="parent").options[0] == "Tất cả"


def test_a_province_is_chosen_before_its_districts(two_provinces):
    """Many provinces: a province box first; its districts only, once it is chosen."""
    at = run_page(two_provinces, "app_pages/tong-quan.py")
    assert at.selectbox(key="province").options == ["Tất cả", "Tỉnh An Giang", "Tỉnh Bến Tre"]
    assert not [s for s in at.selectbox if s.key == "parent"]  # not 2 × «Huyện 0» in one list
    assert len(ranked_units(at)) == 12
    set_widget(at, "province", "Tỉnh Bến Tre")
    assert at.selectbox(key="parent").options == ["Tất cả", "Huyện 0", "Huyện Mỏ Cày"]
    assert ranked_units(at) == {f"Xã Bến {i}" for i in range(1, 7)}
    set_widget(at, "parent", "Huyện 0")  # Bến Tre's «Huyện 0», not An Giang's
    assert ranked_units(at) == {"Xã Bến 1", "Xã Bến 3", "Xã Bến 5"}
    assert at.query_params["province"] == "Tỉnh Bến Tre" and at.query_params["parent"] == "Huyện 0"
    set_widget(at, "parent", "Huyện Mỏ Cày")
    set_widget(at, "province", "Tỉnh An Giang")  # Mỏ Cày is not An Giang's: all its districts
    assert at.selectbox(key="parent").value == ""
    assert ranked_units(at) == {f"Xã An {i}" for i in range(1, 7)}
    set_widget(at, "province", "")  # all provinces: no district filter is left behind
    assert len(ranked_units(at)) == 12 and "parent" not in at.query_params
    assert not at.exception


@pytest.mark.parametrize("parent, province, units", [
    ("Huyện Mỏ Cày", "Tỉnh Bến Tre", {"Xã Bến 2", "Xã Bến 4", "Xã Bến 6"}),
    ("Huyện 0", "", {f"Xã {p} {i}" for p in ("An", "Bến") for i in range(1, 7)}),  # two of them
])
def test_a_link_to_a_district_finds_its_province(two_provinces, parent, province, units):
    """A link made before the province box (?parent= alone) still opens the district."""
    at = two_provinces
    at.query_params["level"], at.query_params["parent"] = "commune", parent
    at.run()
    assert not at.exception
    assert at.selectbox(key="province").value == province
    assert ranked_units(at) == units


def test_index_only_results_say_no_breakdown_was_published(tmp_path, monkeypatch):
    """A province that publishes only the index: the field views say so instead of zeros."""
    from cchc_metrics.store import open_store
    from tests import builders as B

    url = f"sqlite:///{tmp_path / 'index.sqlite'}"
    rows = [["KẾT QUẢ CHỈ SỐ CCHC NĂM 2024 CÁC SỞ, BAN, NGÀNH"],
            ["STT", "Cơ quan, đơn vị", "Chỉ số (%)"],
            [1, "Sở A", "91,20%"], [2, "Sở B", "85,65%"], [3, "Sở C", "64,70%"]]
    with open_store(url) as store:
        store.import_file(B.xlsx({"S": rows}), name="chi_so.xlsx",
                          user=store.accounts.system_actor("test"))
    monkeypatch.setenv("CCHC_DATABASE_URL", url)
    st.cache_resource.clear()
    st.cache_data.clear()
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120).run()
    assert shown(at.dataframe[0])["Chỉ số (%)"].iloc[1] == "85,65"
    for page in ("app_pages/ho-so.py", "app_pages/linh-vuc.py", "app_pages/so-sanh.py"):
        at.switch_page(page).run()
        assert not at.exception
        assert any("không có điểm theo từng lĩnh vực" in i.value for i in at.info), page


# ---- state that stays coherent (issue 20) --------------------------------------------------------

def test_a_level_missing_in_the_year_opens_its_latest_year_with_a_note(app):
    at = run_page(app, "app_pages/tong-quan.py", year=2025)
    set_widget(at, "level", "district")
    assert at.selectbox(key="year").value == 2024 and at.selectbox(key="level").value == "district"
    assert any("Năm 2025 không có kết quả của huyện" in i.value and "năm 2024" in i.value
               for i in at.info)
    assert len(shown(at.dataframe[0])) == 10  # the districts of 2024, not an empty page


def test_changing_the_year_keeps_the_block_one_of_that_year(app):
    at = run_page(app, "app_pages/tong-quan.py", year=2024, level="commune")
    assert at.selectbox(key="block").value.startswith("Huyện")
    set_widget(at, "year", 2025)
    block = at.selectbox(key="block")
    assert block.value in block.options and block.value == "Khối phường"


def test_a_search_without_diacritics_opens_the_block_of_the_commune_it_finds(app):
    at = run_page(app, "app_pages/tong-quan.py", year=2024, level="commune")
    assert at.selectbox(key="block").value != "Huyện Mỹ Lâm"
    set_widget(at, "q", "dong huong")
    assert at.selectbox(key="block").value == "Huyện Mỹ Lâm"
    assert shown(at.dataframe[0])["Đơn vị"].tolist() == ["Xã Đông Hương"]
    assert any("Xã Đông Hương" not in i.value and "tìm thấy «dong huong»" in i.value for i in at.info)
    set_widget(at, "q", "khong co dau")
    assert any(w.value == "Không tìm thấy đơn vị «khong co dau»." for w in at.warning)
    assert "Chưa có dữ liệu" not in texts(at)


def test_a_profile_link_without_block_opens_that_unit(app):
    app.query_params["unit"] = "Xã Đông Hương"
    at = app.run()
    at.switch_page("app_pages/ho-so.py").run()
    assert not at.exception
    assert at.selectbox(key="unit").value == "Xã Đông Hương"
    assert any(str(m.value).startswith("Năm 2024, xã Đông Hương đứng thứ") for m in at.markdown)


def test_the_profile_opens_on_a_unit_with_results_and_marks_those_without(app):
    at = run_page(app, "app_pages/ho-so.py", year=2025, level="department")
    picker = at.selectbox(key="unit")
    assert not any("không có kết quả năm 2025" in i.value for i in at.info)
    assert any(str(m.value).startswith("Năm 2025,") for m in at.markdown)
    ended = [o for o in picker.options if "(kết quả đến năm 2024)" in o]
    assert ended and picker.options[-len(ended):] == ended  # listed after the current units


def test_the_communes_section_says_its_year(app):
    at = run_page(app, "app_pages/ho-so.py", year=2023, level="district")
    assert any(h.value.startswith("Các xã, phường, thị trấn của") and h.value.endswith("năm 2023")
               for h in at.subheader)


# ---- mergers on the profile (issue 22) ------------------------------------------------------------

def test_a_merged_departments_profile_shows_its_predecessors_years(app):
    at = run_page(app, "app_pages/ho-so.py", year=2025, level="department")
    set_widget(at, "unit", "Sở Nông nghiệp và Môi trường")
    said = texts(at)
    assert "Sở Nông nghiệp và Môi trường được thành lập năm 2025 trên cơ sở" in said
    assert "Sở Tài nguyên và Môi trường" in said and "các đơn vị này đạt bình quân" in said
    (area,) = [shown(d) for d in at.dataframe
               if "Bình quân các đơn vị cũ (%)" in d.value.columns]
    assert area["Năm"].tolist() == [2021, 2022, 2023, 2024]
    assert area["Bình quân các đơn vị cũ (%)"].str.fullmatch(r"\d{1,3},\d\d").all()
    set_widget(at, "area_method", "pooled")
    assert "cộng lại đạt" in texts(at) and not at.exception
    # no population in the departments' crosswalk: not offered, and the page says what it needs
    assert any("cần cột «Dân số» trong bảng đối chiếu" in c.value for c in at.caption)


def test_a_new_wards_area_can_be_weighted_by_population(app):
    from cchc_metrics.sample.demo import demo_lineage

    ward = demo_lineage().query("level == 'commune'")["successor"].iloc[0]
    at = run_page(app, "app_pages/ho-so.py", year=2025, level="commune")
    set_widget(at, "unit", ward)
    set_widget(at, "area_method", "population")
    said = texts(at)
    assert "(bình quân theo dân số)" in said and not at.exception
    assert "Bình quân theo dân số (%)" in shown(at.dataframe[-2]).columns
    # then a department, where the population is unknown, falls back to the mean
    set_widget(at, "level", "department")
    set_widget(at, "unit", "Sở Nông nghiệp và Môi trường")
    assert not at.exception and "các đơn vị này đạt bình quân" in texts(at)


def test_a_merged_away_departments_profile_says_where_it_went(app):
    at = run_page(app, "app_pages/ho-so.py", year=2024, level="department")
    set_widget(at, "unit", "Sở Tài nguyên và Môi trường")
    assert any("đã sáp nhập vào Sở Nông nghiệp và Môi trường từ ngày 01/03/2025" in i.value
               for i in at.info)


def test_the_map_places_the_communes_of_a_block(app):
    at = run_page(app, "app_pages/ban-do.py", year=2024, level="commune")
    (fig,) = [c for c in at.get("plotly_chart")]
    import json

    data = json.loads(fig.proto.spec)["data"]
    placed = sum(len(trace["x"]) for trace in data)
    from cchc_metrics.sample.demo import build_demo_scores

    units = cm_unit_table(build_demo_scores())
    block = at.selectbox(key="block").value
    want = len(units[(units["year"] == 2024) & (units["level"] == "commune") &
                     (units["block"] == block)])
    assert placed == want and {t["marker"]["symbol"] for t in data} <= {"circle", "square", "diamond"}
    assert not at.info  # every demo commune has its (fictional) place
    at = run_page(app, "app_pages/ban-do.py", year=2024, level="department")
    assert any("Chưa có vị trí" in i.value for i in at.info)
    links = [link.label for link in at.get("page_link")]
    assert links == ["UBND cấp xã", "UBND cấp huyện"]  # no dead end: where the map has places


def test_a_block_of_up_to_40_units_shows_whole_and_a_report_says_phuong(app):
    from dashboard.widgets import table_height

    assert table_height(14) == 15 * 35 + 3  # the header and 14 rows: no inner scroll box
    assert table_height(40) == 41 * 35 + 3 and table_height(10_035) == table_height(40)
    at = run_page(app, "app_pages/ho-so.py", year=2025, level="commune")
    assert any("phường về Chỉ số CCHC" in str(m.value) or "xã, đặc khu về Chỉ số CCHC" in
               str(m.value) for m in at.markdown)


def test_the_profile_says_what_it_takes_to_move_up(app):
    at = run_page(app, "app_pages/ho-so.py", year=2024, level="department")
    set_widget(at, "unit", "Sở Tài chính")
    said = texts(at)
    assert "cần thêm 1,01 điểm để lên hạng 5/20; cần thêm 2,20 điểm để lên hạng 3/20" in said
    assert "Lĩnh vực còn nhiều điểm chưa đạt" in said and not at.exception


def test_the_ranking_marks_rank_changes_within_noise(app):
    at = run_page(app, "app_pages/tong-quan.py", year=2024, level="department")
    table = shown(at.dataframe[0])
    noted = table[table["Thay đổi hạng"].str.endswith("≈")]
    assert not noted.empty and "Ghi chú thứ hạng" not in table  # the reasons go under it
    (caption,) = [c.value for c in at.caption if c.value.startswith("≈ Thay đổi thứ hạng")]
    assert all(unit in caption for unit in noted["Đơn vị"])
