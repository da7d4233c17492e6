"""AppTest of the officials' daily loop: upload → preview → confirm → overview; refusals."""

from __future__ import annotations

from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from cchc_metrics.store import open_store
from tests import builders as B
from tests.dashboard.shown import shown
from tests.dashboard.test_pages import set_widget

ROOT = Path(__file__).resolve().parents[2]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


PASSWORD = "mật-khẩu-biên-tập-viên"


@pytest.fixture
def db(tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path / 'upload.sqlite'}"
    monkeypatch.setenv("CCHC_DATABASE_URL", url)
    with open_store(url) as s:
        s.accounts.add_user("bientap", PASSWORD, "editor", by=s.accounts.system_actor("kiểm thử", role="admin"))
    st.cache_resource.clear()
    st.cache_data.clear()
    st.set_option("client.showErrorDetails", "full")
    return url


def signed_in_app() -> AppTest:
    """The app with an editor signed in through the sign-in page."""
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    at.run()
    at.switch_page("app_pages/dang-nhap.py").run()
    at.text_input(key="login_name").set_value("bientap")
    at.text_input(key="login_password").set_value(PASSWORD)
    next(b for b in at.button if b.label == "Đăng nhập").click().run()
    assert "actor" in at.session_state
    return at


def upload_page(files: tuple[str, bytes]) -> AppTest:
    at = signed_in_app()
    at.switch_page("app_pages/tai-len.py").run()
    at.file_uploader(key="upload").set_value((files[0], files[1], XLSX)).run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def counts(url: str) -> tuple[int, int]:
    with open_store(url) as s:
        return len(s.datasets()), s.revision()


def test_valid_upload_previews_then_confirm_stores_it_and_the_overview_shows_it(db):
    at = upload_page(("huyen_2026.xlsx", B.xlsx({"S": B.totals_table(2026)})))
    detected = at.table[0].value  # a wrapping table: the page fits 1366 px
    assert detected["Năm"].tolist() == ["2026"] and detected["Số đơn vị"].tolist() == [3]
    # what was found, for a person to check: layout, the title's province, the file's bands
    assert detected["Bố cục"].tolist() == ["Chỉ có tổng điểm"]
    assert detected["Tỉnh"].tolist() == ["Tỉnh Nam Định"]
    assert detected["Thang xếp loại"].tolist() == ["Tốt:80, Khá:60, Kém:0"]
    preview = shown(at.dataframe[0])
    assert preview["Đơn vị"].tolist() == ["Thành phố Nam Định", "Huyện Mỹ Lộc", "Huyện Vụ Bản"]
    # official codes for a person to check: Huyện Mỹ Lộc merged in January 2025, not listed
    assert any(e.label == "Mã đơn vị hành chính (1 tên cần xem lại)" for e in at.expander)
    assert any("1 tên không khớp đúng một đơn vị" in w.value for w in at.warning)
    before = counts(db)
    at.text_input(key="upload_note").set_value("QĐ 123/QĐ-UBND ngày 15/3/2027").run()
    at.button(key="upload_go").click().run()
    assert not at.exception
    assert any("Đã nhập" in s.value for s in at.success)
    assert counts(db)[0] == before[0] + 1 and counts(db)[1] > before[1]
    at.switch_page("app_pages/tong-quan.py").run()
    set_widget(at, "year", 2026)
    set_widget(at, "level", "district")
    table = shown(at.dataframe[0])
    assert table["Đơn vị"].tolist()[:2] == ["Thành phố Nam Định", "Huyện Mỹ Lộc"]
    assert table["Chỉ số (%)"].tolist()[1] == "85,65"  # shown with a decimal comma
    assert at.dataframe[0].value["Thanh chỉ số"].tolist()[1] == 85.65  # and drawn as a bar from the number


def test_invalid_upload_shows_located_errors_and_stores_nothing(db):
    rows = B.totals_table(2026)
    rows[6][4] = -3  # negative appraised points
    rows[7][4] = "bốn mươi"
    at = upload_page(("sai.xlsx", B.xlsx({"Kết quả": rows})))
    before = counts(db)
    assert any("2 lỗi" in e.value for e in at.error)
    problems = at.table[0].value  # a table that shows each message whole
    assert problems["Dòng"].tolist() == ["7", "8"]
    assert all(c.startswith("E") for c in problems["Cột"])
    assert set(problems["Trang tính"]) == {"Kết quả"}
    assert not [b for b in at.button if b.key == "upload_go"]
    assert counts(db) == before


def test_a_damaged_xls_is_refused_on_the_page_and_the_next_file_still_reads(db):
    """Its reader aborted the whole server before it ran in a child process of its own."""
    from tests.ingest.hostile_files import damaged_xls

    at = upload_page(("ket_qua_2026.xls", damaged_xls(1624)()))
    before = counts(db)  # (the app loaded the demo province into the empty store first)
    at.run()
    assert any("1 lỗi" in e.value for e in at.error)
    (message,) = at.table[0].value["Nội dung"].tolist()
    assert message.startswith("Không đọc được bảng tính Excel 97-2003 (.xls): tệp hỏng")
    assert "lưu lại dạng .xlsx" in message and counts(db) == before
    at = upload_page(("ket_qua_2026.xls", B.xls({"S": B.totals_table(2026)})))
    assert not at.error and shown(at.dataframe[0])["Đơn vị"].tolist()[0] == "Thành phố Nam Định"


def test_warnings_need_an_explicit_confirmation(db):
    rows = B.totals_table(2026)
    rows[6][6] = 90  # the stated total disagrees with the components
    at = upload_page(("canh_bao.xlsx", B.xlsx({"S": rows})))
    assert any("cảnh báo" in w.value for w in at.warning)
    assert at.button(key="upload_go").disabled
    at.checkbox(key="upload_confirm_warnings").check().run()
    assert not at.button(key="upload_go").disabled
    at.button(key="upload_go").click().run()
    assert any("Đã nhập" in s.value for s in at.success)


def test_the_same_file_twice_is_recognised(db):
    data = B.xlsx({"S": B.totals_table(2026)})
    at = upload_page(("a.xlsx", data))
    at.button(key="upload_go").click().run()
    n = counts(db)
    at = upload_page(("a-copy.xlsx", data))
    at.button(key="upload_go").click().run()
    assert any("đã được nhập trước đây" in i.value for i in at.info)
    assert counts(db) == n


def test_comparison_with_the_active_data_lists_the_largest_change_first(db):
    first = B.xlsx({"S": B.totals_table(2026)})
    at = upload_page(("v1.xlsx", first))
    at.button(key="upload_go").click().run()
    rows = B.totals_table(2026)
    rows[7] = [3, "Huyện Vụ Bản", 70, 65, 60, 20, 80, "80%", 3, "Tốt"]  # +10 points
    rows[5][4] = 66.0  # −0.5 for Nam Định; the stated total now disagrees: a warning
    at = upload_page(("v2.xlsx", B.xlsx({"S": rows})))
    diff = next(d.value for d in at.dataframe if "Tình trạng" in d.value.columns)
    assert diff["Đơn vị"].tolist()[:2] == ["Huyện Vụ Bản", "Thành phố Nam Định"]
    assert diff["Tình trạng"].tolist()[0] == "thay đổi"


def test_history_lists_versions_and_rollback_restores_the_earlier_one(db):
    at = upload_page(("v1.xlsx", B.xlsx({"S": B.totals_table(2026)})))
    at.button(key="upload_go").click().run()
    rows = B.totals_table(2026)
    rows[7] = [3, "Huyện Vụ Bản", 70, 65, 60, 20, 80, "80%", 3, "Tốt"]
    at = upload_page(("v2.xlsx", B.xlsx({"S": rows})))
    at.button(key="upload_go").click().run()
    with open_store(db) as s:
        ds = s.datasets()
    v1 = int(ds.loc[ds["file_name"] == "v1.xlsx", "dataset_id"].iloc[0])
    assert ds.set_index("dataset_id").loc[v1, "status"] == "superseded"
    newest = at.selectbox(key="history_pick")
    assert newest.value == ds["dataset_id"].max()  # the picker shows the version just imported
    history = shown(at.dataframe[-1])
    assert list(history.columns[:2]) == ["#", "Trạng thái"]  # status in view
    at.selectbox(key="history_pick").set_value(v1).run()
    at.button(key="history_rollback").click().run()
    assert any(f"Dùng lại phiên bản #{v1}" in w.value for w in at.warning)  # asks first
    at.button(key="history_rollback_no").click().run()
    with open_store(db) as s:
        assert s.datasets().set_index("dataset_id").loc[v1, "status"] == "superseded"
    at.button(key="history_rollback").click().run()
    at.button(key="history_rollback_yes").click().run()
    assert not at.exception
    with open_store(db) as s:
        assert s.datasets().set_index("dataset_id").loc[v1, "status"] == "active"
    assert any(f"#{v1}" in m.value for m in at.success)  # still said after the rerun


def test_template_download_is_offered(db):
    at = signed_in_app()
    at.switch_page("app_pages/tai-len.py").run()
    assert not at.exception
    labels = [b.label for b in at.get("download_button")]
    assert "Tải mẫu nhập điểm (.xlsx)" in labels


def test_a_block_typed_on_the_page_is_checked_like_one_in_the_file(db):
    """A too-long block in the override is refused with its message and stores nothing."""
    at = upload_page(("huyen_2027.xlsx", B.xlsx({"S": B.totals_table(2027)})))
    before = counts(db)
    at.text_input(key="upload_block").set_value("Khối " + "x" * 400).run()
    assert not at.exception
    assert any("1" in e.value and "lỗi" in e.value for e in at.error)
    assert "block_too_long" not in str(at.table[0].value)  # shown as words, not a code
    assert "upload_go" not in [b.key for b in at.button]
    at.text_input(key="upload_block").set_value("Khối\u202e huyện").run()
    assert any(c.value.endswith("· Khối huyện") for c in at.caption)  # the preview names it
    assert counts(db) == before


def test_a_busy_store_is_said_in_its_own_words_on_the_page(db, monkeypatch):
    """Another writer holding the database showed Streamlit's redacted English error."""
    from cchc_metrics.store import StoreBusyError
    from cchc_metrics.store.database import Store

    def busy(*args, **kwargs):
        raise StoreBusyError("database is locked")

    at = upload_page(("huyen_2028.xlsx", B.xlsx({"S": B.totals_table(2028)})))
    before = counts(db)
    monkeypatch.setattr(Store, "import_scores", busy)
    at.button(key="upload_go").click().run()
    assert not at.exception
    assert any("đang bận" in e.value for e in at.error)
    assert counts(db) == before


def test_a_file_that_changed_since_its_preview_is_not_imported(db):
    at = upload_page(("huyen_2026.xlsx", B.xlsx({"S": B.totals_table(2026)})))
    before = counts(db)
    at.session_state["upload_key"] = ("another file's preview",)  # what a swap leaves behind
    at.button(key="upload_go").click().run()
    assert any("Tệp đã thay đổi" in w.value for w in at.warning)
    assert counts(db) == before
    at.button(key="upload_go").click().run()  # the preview now shows this file: it imports
    assert counts(db)[0] == before[0] + 1


def test_a_crosswalk_uploaded_on_the_page_is_previewed_then_stored(db):
    from cchc_metrics.sample.demo import crosswalk_workbook

    at = upload_page(("doi_chieu.xlsx", crosswalk_workbook()))
    assert any("Bảng đối chiếu đơn vị sau sắp xếp: 161 dòng" in h.value for h in at.subheader)
    with open_store(db) as s:
        before = len(s.lineage.sets())
    at.button(key="crosswalk_go").click().run()
    assert not at.exception and any("Đã nhập bảng đối chiếu" in m.value for m in at.success)
    with open_store(db) as s:
        assert len(s.lineage.sets()) == before + 1


def test_the_common_department_mergers_are_offered_and_stored_when_confirmed(db):
    at = signed_in_app()
    at.switch_page("app_pages/tai-len.py").run()
    assert not at.exception
    assert any("Sáp nhập sở, ban, ngành phổ biến năm 2025 (11 dòng" in e.label
               for e in at.expander)
    with open_store(db) as s:
        before = len(s.lineage.sets())
    at.button(key="preset_go").click().run()
    with open_store(db) as s:
        sets = s.lineage.sets()
        assert len(sets) == before + 1 and sets["file_name"].iloc[-1] == "sap-nhap-so-2025.csv"


def test_real_communes_are_found_in_the_official_conversion_and_stored_when_confirmed(db):
    import pandas as pd

    real = pd.DataFrame({  # two real communes of Ninh Bình before the reform
        "year": 2024, "level": "commune", "block": "Huyện Nho Quan", "province": "Tỉnh Ninh Bình",
        "parent": "Huyện Nho Quan", "unit": ["Xã Gia Lâm", "Xã Gia Tường"], "unit_code": "",
        "component": "total", "max_points": 100.0, "points": [81.5, 77.25],
        "self_points": float("nan"), "source": "kiểm thử"})
    with open_store(db) as s:
        s.import_scores(real, file_name="nho_quan.xlsx", file_bytes=b"nho quan",
                        user=s.accounts.system_actor("kiểm thử"))
        before = len(s.lineage.sets())
    at = signed_in_app()
    at.switch_page("app_pages/tai-len.py").run()
    assert any("danh mục chuyển đổi 01/7/2025" in e.label for e in at.expander)
    at.button(key="package_look").click().run()
    assert not at.exception
    table = at.expander[[i for i, e in enumerate(at.expander)
                         if "danh mục chuyển đổi" in e.label][0]].dataframe[0].value
    assert set(table["Đơn vị cũ"]) == {"Xã Gia Lâm", "Xã Gia Tường"}
    at.button(key="package_go").click().run()
    with open_store(db) as s:
        sets = s.lineage.sets()
        assert len(sets) == before + 1
        assert sets["file_name"].iloc[-1] == "vietnamadminunits-2025-07-01.csv"
        rows = s.lineage.rows()
        assert set(rows.loc[rows["source"] == "package", "predecessor"]) == {"Xã Gia Lâm",
                                                                             "Xã Gia Tường"}


# ---- service indicators and targets (issue 23) --------------------------------------------------

def test_an_indicator_file_is_previewed_by_period_then_stored_and_withdrawn(db):
    header = ["STT", "Đơn vị", "Tổng số", "Đã giải quyết", "Trước hạn", "Đúng hạn", "Trễ hạn",
              "Đang giải quyết"]
    data = B.xlsx({"T01-2026": [["THỐNG KÊ HỒ SƠ THÁNG 1 NĂM 2026"], [], header,
                                [1, "Sở Tư pháp", 100, 90, 50, 35, 5, 10],
                                [2, "Sở Y tế", 80, 80, 10, 70, 0, 0]]})
    at = upload_page(("thong_ke_t1_2026.xlsx", data))
    assert any("Số liệu chỉ số phục vụ: 12 dòng" in h.value for h in at.subheader)
    preview = at.table[0].value
    assert preview.iloc[0].tolist()[:3] == ["Tháng 1/2026", "Sở, ban, ngành", "2"]
    with open_store(db) as s:
        before = len(s.indicators.sets())
    at.button(key="indicator_go").click().run()
    assert any("Đã nhập bộ số liệu" in m.value for m in at.success)
    with open_store(db) as s:
        sets = s.indicators.sets()
        assert len(sets) == before + 1
        new = int(sets["set_id"].iloc[-1])
        rows = s.indicators.rows()
        assert len(rows[rows["year"] == 2026]) == 12
    at.selectbox(key="ind_set").set_value(new).run()
    at.button(key="ind_set_go").click().run()
    with open_store(db) as s:
        assert s.indicators.rows().query("year == 2026").empty


def test_counts_that_do_not_add_up_are_shown_located_and_nothing_is_stored(db):
    header = ["STT", "Đơn vị", "Đã giải quyết", "Trước hạn", "Đúng hạn", "Trễ hạn"]
    data = B.xlsx({"S": [["THÁNG 2/2026"], header, [1, "Sở Tư pháp", 90, 50, 45, 5]]})
    at = upload_page(("t2.xlsx", data))
    assert any("lỗi" in e.value.lower() for e in at.error)
    with open_store(db) as s:
        assert s.indicators.rows().query("year == 2026").empty


def test_targets_are_replaced_from_a_sheet_and_edited_on_the_page(db):
    rows = [["Chỉ tiêu", "Cấp", "Năm", "Đơn vị", "Giá trị"],
            ["Tỷ lệ giải quyết trước hạn, đúng hạn", "Sở, ban, ngành", 2026, "", 99],
            ["Thứ hạng CCHC đăng ký", "Sở, ban, ngành", 2026, "Sở Y tế", 5]]
    at = upload_page(("chi_tieu_2026.xlsx", B.xlsx({"S": rows})))
    assert any("Bảng chỉ tiêu: 2 dòng" in h.value for h in at.subheader)
    at.button(key="targets_sheet_go").click().run()
    with open_store(db) as s:
        assert sorted(s.targets.rows()["measure"]) == ["on_time_rate", "par_rank"]
        n_sets = len(s.targets.sets())
    at.button(key="targets_go").click().run()  # the editor, unchanged, saves a new version
    assert not at.exception
    with open_store(db) as s:
        assert len(s.targets.sets()) == n_sets + 1 and len(s.targets.rows()) == 2


def test_a_column_the_indicator_reader_does_not_know_is_mapped_by_the_person(db):
    header = ["STT", "Đơn vị", "Tổng số", "Đã giải quyết", "Đúng hạn", "Trễ hạn", "HS số hóa TP"]
    data = B.xlsx({"S": [["THÁNG 4/2026"], header, [1, "Sở Tư pháp", 100, 90, 85, 5, 70]]})
    at = upload_page(("t4.xlsx", data))
    assert any("Cột chưa nhận ra (1)" in e.label for e in at.expander)
    assert any("Số liệu chỉ số phục vụ: 4 dòng" in h.value for h in at.subheader)
    at.selectbox(key="indmap_S_G").set_value("digitised_dossiers").run()
    assert any("Số liệu chỉ số phục vụ: 5 dòng" in h.value for h in at.subheader)
    at.button(key="indicator_go").click().run()
    with open_store(db) as s:
        rows = s.indicators.rows().query("year == 2026")
        assert rows.loc[rows["measure"] == "digitised_dossiers", "value"].tolist() == [70]


def test_a_criterion_table_is_previewed_with_its_sums_checked_then_stored(db):
    from cchc_metrics.sample.criteria import criteria_workbook

    at = upload_page(("tong_hop_2025.xlsx", criteria_workbook(2025)))
    assert any(h.value.startswith("Điểm theo tiêu chí:") for h in at.subheader)
    preview = at.table[0].value
    assert preview.iloc[0].tolist()[3:] == ["8", "35", "75"]
    assert not any("cảnh báo" in w.value for w in at.warning)  # the trees add up
    with open_store(db) as s:
        before = len(s.criteria.sets())
    at.button(key="criteria_go").click().run()
    with open_store(db) as s:
        assert len(s.criteria.sets()) == before + 1


def test_a_criterion_tree_that_differs_from_the_stored_field_is_a_warning_to_confirm(db):
    rows = [["BẢNG TỔNG HỢP NĂM 2025"],
            ["STT", "Tiêu chí", "Điểm tối đa", "Sở Nội vụ", None, "Sở Tư pháp", None],
            [None, None, None, "Tự ĐG", "Thẩm định", "Tự ĐG", "Thẩm định"],
            ["I", "Công tác chỉ đạo, điều hành CCHC", 9, 9, 1, 9, 1],
            ["1", "Kế hoạch CCHC năm", 9, 9, 1, 9, 1]]
    at = upload_page(("sai.xlsx", B.xlsx({"S": rows})))
    with open_store(db) as s:
        before = len(s.criteria.sets())
    assert any("cảnh báo" in w.value for w in at.warning)
    assert "các tiêu chí cộng lại 1,00 điểm, khác điểm lĩnh vực đang lưu" in \
        " ".join(str(v) for t in at.table for v in t.value.to_numpy().ravel())
    at.button(key="criteria_go").click().run()  # not confirmed: nothing stored
    with open_store(db) as s:
        assert len(s.criteria.sets()) == before


def test_forms_one_per_unit_uploaded_together_are_previewed_then_stored_all_at_once(db):
    from tests.ingest import forms as F

    files = F.render_criteria(F.CriterionForm(layout="form", container="xlsx"))
    at = signed_in_app()
    at.switch_page("app_pages/tai-len.py").run()
    at.file_uploader(key="upload").set_value([(n, b, XLSX) for n, b in files]).run()
    assert not at.exception, [e.message for e in at.exception]
    assert any(h.value.startswith(f"{len(files)} tệp,") for h in at.subheader)
    preview = at.table[0].value
    assert preview["Tệp"].tolist() == [n for n, _ in files]
    assert preview["Đơn vị"].tolist()[0] == F.BLOCKS["Khối phường"][0]
    with open_store(db) as s:
        before = len(s.criteria.sets())
    at.button(key="batch_go").click().run()
    assert any("Đã nhập 18 tệp" in m.value for m in at.success)
    with open_store(db) as s:
        assert len(s.criteria.sets()) == before + len(files)
        assert set(s.criteria.rows()["unit"]) >= set(F.BLOCKS["Khối xã"])


def test_several_files_that_are_not_forms_are_sent_back_one_at_a_time(db):
    at = signed_in_app()
    at.switch_page("app_pages/tai-len.py").run()
    table = B.xlsx({"S": B.totals_table()})
    at.file_uploader(key="upload").set_value([("a.xlsx", table, XLSX),
                                              ("b.xlsx", table, XLSX)]).run()
    assert not at.exception
    assert any("từng tệp một" in w.value for w in at.warning)
    assert not any(b.key == "batch_go" for b in at.button)
