"""The audit log in words, the one rule the admin page and `cchc audit` share (issue 20)."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pandas as pd
import pytest

from cchc_metrics.views import audit_table
from cchc_metrics.views.admin import audit_text


@pytest.mark.parametrize(("action", "dataset_id", "detail", "vi", "en"), [
    ("login", None, {"method": "password", "role": "admin"}, "Đăng nhập", "Signed in"),
    ("login", None, {"method": "sso"}, "Đăng nhập qua SSO", "Signed in through SSO"),
    ("logout", None, {}, "Đăng xuất", "Signed out"),
    ("login_failed", None, {"reason": "locked", "failures": 5},
     "Đăng nhập không thành công: tài khoản đang bị tạm khóa",
     "Sign-in refused: the account is locked"),
    ("import", 3, {"file_name": "xa.xlsx", "n_rows": 1296, "superseded": [1, 2]},
     "Nhập dữ liệu tệp «xa.xlsx» (1.296 dòng); thay thế #1, #2",
     "Imported the file «xa.xlsx» (1,296 rows); supersedes #1, #2"),
    ("rollback", 1, {"superseded": [3], "note": "sai số liệu"},
     "Dùng lại bộ dữ liệu #1; thay thế #3; ghi chú: sai số liệu",
     "Made dataset #1 active again; supersedes #3; note: sai số liệu"),
    ("user_add", None, {"user": "an", "role": "editor"},
     "Thêm tài khoản «an» (vai trò biên tập)", "Added the user «an» (role editor)"),
    ("user_role", None, {"user": "an", "role": "admin", "from": "viewer"},
     "Đổi vai trò của «an» từ người xem thành quản trị",
     "Changed the role of «an» from viewer to admin"),
    ("user_disable", None, {"user": "an", "enabled": False}, "Khóa tài khoản «an»",
     "Disabled the user «an»"),
    ("something_new", None, {"a": 1}, "something_new (a: 1)", "something_new (a: 1)"),
])
def test_each_audit_entry_reads_as_words(action, dataset_id, detail, vi, en):
    assert audit_text(action, dataset_id, json.dumps(detail), "vi") == vi
    assert audit_text(action, dataset_id, detail, "en") == en


def test_the_audit_table_shows_vietnam_time_and_words_newest_first():
    audit = pd.DataFrame({
        "id": [1, 2], "ts": pd.to_datetime([datetime(2026, 12, 5, 23, 30, tzinfo=UTC),
                                            datetime(2026, 12, 6, 1, 0, tzinfo=UTC)]),
        "actor": ["an", "an"], "action": ["login", "logout"],
        "dataset_id": pd.array([None, None], dtype="Int64"), "detail": ["{}", "{}"]})
    page = audit_table(audit, "vi")
    assert page.columns.tolist() == ["Thời điểm", "Người thực hiện", "Hoạt động", "Bộ dữ liệu"]
    assert page["Thời điểm"].tolist() == ["06/12/2026 08:00:00", "06/12/2026 06:30:00"]
    assert page["Hoạt động"].tolist() == ["Đăng xuất", "Đăng nhập"]
    cli = audit_table(audit, "en", newest_first=False, seconds=False)
    assert cli.iloc[0].tolist()[:3] == ["2026-12-06 06:30", "an", "Signed in"]


def test_unlocks_and_taken_sessions_are_said_in_words():
    from cchc_metrics.views.admin import audit_text

    assert audit_text("user_unlock", None, '{"user": "quantri", "clients": true}', "vi") == \
        "Mở khóa đăng nhập «quantri»; Mở mọi địa chỉ máy bị tạm chặn"
    assert audit_text("logout", None, '{"reason": "session_taken"}', "en") == \
        "Session ended: its id was used from another browser"
    assert "client" not in audit_text("login_failed", None, '{"reason": "client_locked"}', "vi")
