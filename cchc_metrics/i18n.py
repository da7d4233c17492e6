"""Every label a person reads, Vietnamese first and English second, and locale-aware formatting."""

from __future__ import annotations

from cchc_metrics.model import FIELD_ENGLISH, LEVEL_LABELS, SURVEY, TOTAL
from cchc_metrics.numbers import format_number, format_pct

LANGS = ("vi", "en")

STRINGS: dict[str, tuple[str, str]] = {
    "app_title": ("Chỉ số cải cách hành chính", "Administrative reform index (PAR INDEX)"),
    "language": ("Ngôn ngữ", "Language"),
    "sample_data": ("DỮ LIỆU MẪU — tỉnh giả định, không phải số liệu thật",
                    "SAMPLE DATA — a fictional province, not real figures"),
    "page_overview": ("Tổng quan", "Overview"),
    "page_profile": ("Hồ sơ đơn vị", "Unit profile"),
    "page_compare": ("So sánh", "Compare"),
    "page_trends": ("Xu hướng", "Trends"),
    "page_fields": ("Lĩnh vực", "Fields"),
    "page_data": ("Dữ liệu & xuất", "Data & export"),
    "page_upload": ("Tải dữ liệu lên", "Upload data"),
    "filters": ("Bộ lọc", "Filters"),
    "year": ("Năm", "Year"),
    "level": ("Cấp", "Level"),
    "block": ("Khối xếp hạng", "Ranking block"),
    "parent": ("Đơn vị cấp huyện", "District"),
    "province": ("Tỉnh", "Province"),
    "all": ("Tất cả", "All"),
    "bands": ("Thang xếp loại", "Band scheme"),
    "search": ("Tìm đơn vị", "Find a unit"),
    "search_help": ("Không phân biệt hoa thường, có dấu hay không dấu: «my loc» tìm được «Mỹ Lộc».",
                    "Ignores case and diacritics: «my loc» finds «Mỹ Lộc»."),
    "no_data": ("Chưa có dữ liệu cho lựa chọn này.", "No data for this selection."),
    "no_level_year": ("Năm {year} không có {level} (cấp huyện đã kết thúc từ ngày 01/7/2025).",
                      "There is no {level} level in {year} (districts ended on 1 July 2025)."),
    "units_ranked": ("Số đơn vị xếp hạng", "Units ranked"),
    "mean_index": ("Chỉ số trung bình", "Mean index"),
    "best_unit": ("Cao nhất", "Highest"),
    "worst_unit": ("Thấp nhất", "Lowest"),
    "vs_prev": ("so với năm {year}", "vs {year}"),
    "unchanged": ("không đổi", "unchanged"),
    "ranking": ("Bảng xếp hạng", "Ranking"),
    "tab_charts": ("Biểu đồ", "Charts"),
    "view_as": ("Xem dạng", "Show as"),
    "tab_fields": ("Điểm theo lĩnh vực", "Points by field"),
    "distribution": ("Phân bố chỉ số", "Index distribution"),
    "new": ("mới", "new"),
    "col_rank": ("Hạng", "Rank"),
    "col_unit": ("Đơn vị", "Unit"),
    "col_parent": ("Đơn vị cấp huyện", "District"),
    "col_points": ("Điểm đạt", "Points"),
    "col_max": ("Điểm tối đa", "Maximum"),
    "col_index": ("Chỉ số (%)", "Index (%)"),
    "col_band": ("Xếp loại", "Band"),
    "col_rank_change": ("Thay đổi hạng", "Rank change"),
    "col_delta": ("Thay đổi chỉ số (điểm %)", "Index change (pp)"),
    "col_history": ("Các năm", "Years"),
    "col_year": ("Năm", "Year"),
    "col_block": ("Khối", "Block"),
    "col_n_ranked": ("Số đơn vị", "Units"),
    "col_self": ("Điểm tự đánh giá", "Self-assessed"),
    "col_field": ("Lĩnh vực", "Field"),
    "col_pct": ("Tỷ lệ đạt (%)", "Share of maximum (%)"),
    "col_block_pct": ("Trung bình khối (%)", "Block mean (%)"),
    "col_lost": ("Điểm bị trừ", "Points lost"),
    "unit": ("Đơn vị", "Unit"),
    "pick_unit": ("Chọn đơn vị", "Choose a unit"),
    "pick_units": ("Chọn 2–8 đơn vị để so sánh", "Choose 2–8 units to compare"),
    "strongest": ("Lĩnh vực mạnh nhất", "Strongest field"),
    "weakest": ("Lĩnh vực yếu nhất", "Weakest field"),
    "self_gap": ("Chênh lệch tự đánh giá − thẩm định", "Self-assessed minus appraised"),
    "communes_of": ("Các xã, phường, thị trấn của {unit}", "Communes of {unit}"),
    "profile_other_year": ("{unit} không có kết quả năm {year}; trang này hiển thị năm {shown}, "
                           "năm mới nhất đơn vị có kết quả.",
                           "{unit} has no result for {year}; this page shows {shown}, the "
                           "latest year with its results."),
    "communes_mean": ("Chỉ số trung bình cấp xã", "Communes' mean index"),
    "differences": ("Bảng chênh lệch", "Differences"),
    "gainers": ("Tăng mạnh nhất", "Biggest gainers"),
    "decliners": ("Giảm mạnh nhất", "Biggest decliners"),
    "band_counts": ("Số đơn vị theo xếp loại", "Units per band"),
    "heatmap": ("Tỷ lệ đạt theo lĩnh vực", "Share of maximum by field"),
    "field_means": ("Trung bình khối theo lĩnh vực", "Block mean by field"),
    "points_lost": ("Điểm bị trừ theo lĩnh vực", "Points lost by field"),
    "download_csv": ("Tải CSV", "Download CSV"),
    "download_xlsx": ("Tải Excel", "Download Excel"),
    "download_html": ("Tải biểu đồ (HTML)", "Download chart (HTML)"),
    "source": ("Nguồn", "Source"),
}

LEVEL_UNIT_WORDS = {
    "department": ("sở, ban, ngành", "departments"),
    "district": ("huyện, thị xã, thành phố", "districts"),
    "commune": ("xã, phường, thị trấn", "communes"),
}


def t(key: str, lang: str = "vi", **fmt) -> str:
    """The label for key in lang, formatted with fmt."""
    vi, en = STRINGS[key]
    text = vi if lang == "vi" else en
    return text.format(**fmt) if fmt else text


def level_label(level: str, lang: str = "vi") -> str:
    """"UBND cấp huyện" / "District People's Committees"."""
    vi, en = LEVEL_LABELS[level]
    return vi if lang == "vi" else en


def field_label(component: str, lang: str = "vi") -> str:
    """A component as a person reads it: field names, "Điều tra xã hội học", "Tổng điểm"."""
    if lang == "vi":
        return {SURVEY: "Điều tra xã hội học", TOTAL: "Tổng điểm"}.get(component, component)
    return FIELD_ENGLISH.get(component, component)


def number(value, decimals: int = 2, lang: str = "vi") -> str:
    return format_number(value, decimals, lang)


def pct(value, decimals: int = 2, lang: str = "vi") -> str:
    return format_pct(value, decimals, lang)


def rank_change_text(change, prev_rank, lang: str = "vi") -> str:
    """▲ 2 / ▼ 1 / = / "mới" when the unit has no previous year."""
    import pandas as pd

    if prev_rank is None or pd.isna(prev_rank):
        return t("new", lang)
    if change is None or pd.isna(change):
        return "—"
    change = int(change)
    return f"▲ {change}" if change > 0 else f"▼ {-change}" if change < 0 else "="

STRINGS.update({
    "upload_file": ("Chọn tệp kết quả (.xlsx, .xlsm, .xls, .ods, .csv)",
                    "Choose a results file (.xlsx, .xlsm, .xls, .ods, .csv)"),
    "upload_help": ("Tệp như tỉnh vẫn ban hành: có thể có dòng tiêu đề, hai dòng tiêu đề cột, "
                    "dòng khối đánh số La Mã. Hoặc dùng mẫu nhập điểm bên dưới.",
                    "The file as the province publishes it: title rows, one or two header rows "
                    "and Roman-numeral block rows are fine. Or use the template below."),
    "template": ("Tải mẫu nhập điểm (.xlsx)", "Download the blank template (.xlsx)"),
    "corrections": ("Điều chỉnh khi tệp không ghi rõ", "Corrections when the file is unclear"),
    "auto": ("Tự nhận biết", "Detect"),
    "block_override": ("Đặt khối xếp hạng cho toàn bộ tệp (để trống: theo tệp)",
                       "Ranking block for the whole file (empty: as in the file)"),
    "columns": ("Cột trong tệp", "Columns in the file"),
    "columns_help": ("Cột nào chưa được nhận biết, chọn ý nghĩa của nó; lựa chọn được ghi nhớ cho "
                     "tệp sau có cùng tiêu đề cột.",
                     "Choose what each unrecognised column holds; the choice is remembered for "
                     "the next file with the same headers."),
    "reading": ("Đang đọc tệp…", "Reading the file…"),
    "detected": ("Đã nhận biết", "Detected"),
    "preview": ("Xem trước bảng xếp hạng", "Ranking preview"),
    "errors_found": ("Tệp có {n} lỗi, chưa thể nhập. Hãy sửa trong tệp rồi tải lên lại.",
                     "The file has {n} errors and cannot be imported. Fix them and upload again."),
    "warnings_found": ("Có {n} cảnh báo: số liệu trong tệp khác với kết quả tính lại.",
                       "{n} warnings: the file's own figures differ from the recomputed ones."),
    "confirm_warnings": ("Tôi đã xem các cảnh báo và vẫn muốn nhập",
                         "I have read the warnings and still want to import"),
    "vs_active": ("So với dữ liệu đang dùng", "Compared with the active data"),
    "no_changes": ("Không có đơn vị nào thay đổi so với dữ liệu đang dùng.",
                   "No unit differs from the active data."),
    "all_new": ("Chưa có dữ liệu đang dùng cho các năm và khối này: tất cả là mới.",
                "No active data for these years and blocks yet: everything is new."),
    "note": ("Ghi chú (vd. Quyết định số 2729/QĐ-UBND ngày 25/12/2023)",
             "Note (e.g. the publishing decision)"),
    "user": ("Người nhập", "Imported by"),
    "confirm_import": ("Xác nhận nhập dữ liệu", "Confirm the import"),
    "storing": ("Đang lưu…", "Storing…"),
    "see_overview": ("Xem tổng quan năm {year}", "See the {year} overview"),
    "history": ("Lịch sử các phiên bản", "Version history"),
    "download_original": ("Tải tệp gốc", "Download the original"),
    "rollback": ("Dùng lại phiên bản này", "Make this version active"),
    "rollback_pick": ("Phiên bản", "Version"),
    "status_active": ("đang dùng", "active"),
    "status_superseded": ("đã thay thế", "superseded"),
    "status_partial": ("dùng một phần", "partly active"),
    "page_data_intro": ("Bảng dưới đây đúng như tệp tải về: chọn năm, cấp, khối ở thanh bên.",
                        "The table below is exactly what the download holds: pick year, level "
                        "and block in the sidebar."),
    "all_blocks": ("Tất cả các khối", "All blocks"),
})

STRINGS.update({
    "page_login": ("Đăng nhập", "Sign in"),
    "page_admin": ("Quản trị", "Administration"),
    "sign_in": ("Đăng nhập", "Sign in"),
    "sign_out": ("Đăng xuất", "Sign out"),
    "sign_in_sso": ("Đăng nhập bằng tài khoản của cơ quan", "Sign in with your organisation"),
    "login_name": ("Tên đăng nhập", "User name"),
    "login_password": ("Mật khẩu", "Password"),
    "signed_in_as": ("Đang đăng nhập: {name} ({role})", "Signed in: {name} ({role})"),
    "signed_in": ("Đã đăng nhập với vai trò {role}.", "Signed in as {role}."),
    "session_expired": ("Phiên đăng nhập đã hết hạn do lâu không thao tác. Hãy đăng nhập lại.",
                        "Your session ended after a period of inactivity. Please sign in again."),
    "need_role": ("Trang này cần quyền {role}. Hãy đăng nhập bằng tài khoản có quyền đó.",
                  "This page needs the {role} role. Sign in with an account that has it."),
    "login_required": ("Cần đăng nhập để xem bảng điều khiển.",
                       "Signing in is required to view the dashboard."),
    "no_admin": ("Chưa có tài khoản quản trị. Người quản trị máy chủ tạo tài khoản đầu tiên bằng "
                 "lệnh:\n\n`python -m cchc_metrics users add TEN_DANG_NHAP --role admin`\n\n"
                 "(mật khẩu được hỏi khi chạy lệnh; không có mật khẩu mặc định).",
                 "There is no administrator yet. The server's operator creates the first account "
                 "with:\n\n`python -m cchc_metrics users add NAME --role admin`\n\n(the password "
                 "is asked for; there is no default password)."),
    "role_viewer": ("người xem", "viewer"),
    "role_editor": ("biên tập", "editor"),
    "role_admin": ("quản trị", "admin"),
    "users": ("Tài khoản", "Users"),
    "add_user": ("Thêm tài khoản", "Add a user"),
    "display_name": ("Tên hiển thị", "Display name"),
    "role": ("Vai trò", "Role"),
    "password_again": ("Nhập lại mật khẩu", "Password again"),
    "passwords_differ": ("Hai lần nhập mật khẩu không khớp.", "The two passwords differ."),
    "disable_user": ("Khóa tài khoản", "Disable the account"),
    "change_role": ("Đổi vai trò", "Change the role"),
    "audit_log": ("Nhật ký hoạt động", "Audit log"),
    "done": ("Đã thực hiện.", "Done."),
    "already_imported": ("Tệp này đã được nhập trước đây (bộ dữ liệu #{id}, {status}); không cần "
                         "nhập lại. Muốn dùng lại phiên bản đó, chọn nó trong lịch sử bên dưới.",
                         "This file was imported before (dataset #{id}, {status}); no need to "
                         "import it again. To make that version active, pick it in the history "
                         "below."),
})

STRINGS.update({
    "bars_capped": ("Thẻ «Bảng xếp hạng» có đủ cả {total} đơn vị.",
                    "The «Ranking» tab lists all {total} units."),
    "narrow_search": ("Tìm đơn vị ở thanh bên để xem ít đơn vị hơn.",
                      "Search in the sidebar to see fewer units."),
    "picker_capped": ("Danh sách chỉ có {shown} trong {total} đơn vị, theo vần chữ cái. Gõ tên "
                      "đơn vị vào ô «Tìm đơn vị» ở thanh bên, hoặc chọn một đơn vị cấp huyện, để "
                      "tìm đơn vị khác.",
                      "The list holds {shown} of {total} units, in alphabetical order. Type the "
                      "unit's name in «Find a unit» in the sidebar, or choose a district, to find "
                      "another."),
    "narrow_parent": ("Chọn một huyện ở thanh bên để xem riêng các xã, phường, thị trấn của huyện đó.",
                      "Pick a district in the sidebar to see each of its units."),
})
