"""AppTest of who may do what: anonymous, viewer, editor, admin; wrong passwords; lock-out."""

from __future__ import annotations

from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from cchc_metrics.store import open_store
from tests.dashboard.shown import shown

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "mật-khẩu-đủ-dài-123"


@pytest.fixture
def db(tmp_path, monkeypatch):
    """A database with the demo data and one account per role."""
    url = f"sqlite:///{tmp_path / 'auth.sqlite'}"
    monkeypatch.setenv("CCHC_DATABASE_URL", url)
    monkeypatch.setenv("CCHC_LOGIN_DELAY_S", "0")
    with open_store(url) as s:
        s.accounts.add_user("quantri", PASSWORD, "admin", by=None)
        admin = s.accounts.authenticate("quantri", PASSWORD)
        s.accounts.add_user("bientap", PASSWORD, "editor", by=admin,
                            display_name="Nguyễn Văn An")
        s.accounts.add_user("nguoixem", PASSWORD, "viewer", by=admin)
    st.cache_resource.clear()
    st.cache_data.clear()
    st.set_option("client.showErrorDetails", "full")
    return url


def app() -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def sign_in(at: AppTest, name: str, password: str = PASSWORD) -> AppTest:
    at.switch_page("app_pages/dang-nhap.py").run()
    at.text_input(key="login_name").set_value(name)
    at.text_input(key="login_password").set_value(password)
    next(b for b in at.button if b.label == "Đăng nhập").click().run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def can_upload(at: AppTest) -> bool:
    """Whether the navigation offers the upload page and it shows the file uploader."""
    at.run()
    try:
        at.switch_page("app_pages/tai-len.py").run()
    except ValueError:  # not in this person's navigation at all
        return False
    return len(at.get("file_uploader")) > 0


def test_an_anonymous_visitor_gets_no_upload_widget_and_a_sign_in_prompt(db):
    at = app()
    assert not can_upload(at)
    at.switch_page("app_pages/dang-nhap.py").run()
    assert at.text_input(key="login_name") and at.text_input(key="login_password")


def test_the_upload_page_itself_refuses_without_the_role(db):
    """Even run directly (not through the navigation), the page stops with a sign-in prompt."""
    at = AppTest.from_file(str(ROOT / "app_pages" / "tai-len.py"), default_timeout=120)
    at.run()
    assert not at.get("file_uploader")
    assert any("cần quyền" in w.value for w in at.warning)


def test_a_viewer_cannot_reach_upload_an_editor_can(db):
    assert not can_upload(sign_in(app(), "nguoixem"))
    assert can_upload(sign_in(app(), "bientap"))


def test_a_wrong_password_is_refused_and_nothing_is_granted(db):
    at = sign_in(app(), "bientap", "sai-mat-khau-roi")
    assert at.error and "mật khẩu" in at.error[0].value.lower()
    assert "actor" not in at.session_state
    assert not can_upload(at)


def test_repeated_failures_lock_the_account(db, monkeypatch):
    monkeypatch.setenv("CCHC_LOGIN_MAX_FAILURES", "3")
    at = app()
    for _ in range(3):
        sign_in(at, "bientap", "sai-mat-khau-roi")
    sign_in(at, "bientap")  # right password, but locked now
    assert "actor" not in at.session_state
    assert any("khóa" in e.value.lower() for e in at.error)


def test_only_an_admin_sees_users_and_the_audit_log_without_hashes(db):
    at = sign_in(app(), "bientap")
    with pytest.raises(ValueError):
        at.switch_page("app_pages/quan-tri.py")
    at = sign_in(app(), "quantri")
    at.switch_page("app_pages/quan-tri.py").run()
    assert not at.exception
    users = shown(at.dataframe[0])
    assert set(users["Tên đăng nhập"]) == {"quantri", "bientap", "nguoixem"}
    text = users.to_string() + shown(at.dataframe[1]).to_string()
    assert "argon2" not in text and PASSWORD not in text
    actions = set(shown(at.dataframe[1])["Hoạt động"])
    assert "Đăng nhập" in actions and "{" not in text  # in words, never raw JSON


def test_sign_out_and_session_timeout(db, monkeypatch):
    at = sign_in(app(), "bientap")
    assert can_upload(at)
    at.button(key="sign_out").click().run()
    assert not can_upload(at)
    at = sign_in(app(), "bientap")
    at.session_state["actor_seen"] = at.session_state["actor_seen"] - 61 * 60  # idle past 60 min
    at.run()
    assert "actor" not in at.session_state and not can_upload(at)
    at.switch_page("app_pages/dang-nhap.py").run()
    assert "actor" not in at.session_state


def test_viewing_can_require_sign_in(db, monkeypatch):
    monkeypatch.setenv("CCHC_REQUIRE_LOGIN", "true")
    at = app()
    assert at.title[0].value == "Đăng nhập"
    assert not at.dataframe
    sign_in(at, "nguoixem")
    at.switch_page("app_pages/tong-quan.py").run()
    assert at.title[0].value == "Tổng quan"


def test_without_an_admin_only_the_server_log_says_how_to_create_one(tmp_path, monkeypatch,
                                                                    caplog):
    monkeypatch.setenv("CCHC_DATABASE_URL", f"sqlite:///{tmp_path / 'empty.sqlite'}")
    st.cache_resource.clear()
    st.cache_data.clear()
    at = app()
    at.switch_page("app_pages/dang-nhap.py").run()
    assert any("Liên hệ quản trị viên" in i.value for i in at.info)
    assert not any("users add" in i.value for i in at.info)  # commands are for the operator
    assert "users add" in caplog.text and "--role admin" in caplog.text


def test_a_cache_clear_signs_nobody_out(db):
    """Any client may send Streamlit's clear_cache: sign-ins are in the database, not a cache."""
    at = sign_in(app(), "bientap")
    assert can_upload(at)
    st.cache_resource.clear()
    st.cache_data.clear()
    at.run()
    assert can_upload(at) and not at.exception


def test_the_role_box_shows_the_chosen_accounts_role(db):
    at = sign_in(app(), "quantri")
    at.switch_page("app_pages/quan-tri.py").run()
    at.selectbox(key="admin_user").set_value("quantri").run()
    assert at.selectbox(key="admin_role").value == "admin"
    at.selectbox(key="admin_user").set_value("bientap").run()
    assert at.selectbox(key="admin_role").value == "editor" and not at.exception


def test_a_sign_in_is_bound_to_the_token_under_the_cookies_fresh_mask():
    """Streamlit re-masks its XSRF cookie at every health check (each reconnect): the binding
    must not change with the mask, only with the browser."""
    import secrets

    from streamlit.web.server.starlette.starlette_app_utils import generate_xsrf_token_string

    from dashboard.auth import cookie_binding

    mine, theirs = secrets.token_bytes(16), secrets.token_bytes(16)
    first, again = (generate_xsrf_token_string(mine, 1700000000) for _ in range(2))
    assert first != again  # a new mask each time
    assert cookie_binding(first) == cookie_binding(again) is not None
    assert cookie_binding(generate_xsrf_token_string(theirs, 1700000000)) != cookie_binding(first)


def test_the_sidebar_names_the_person_by_display_name(db):
    at = sign_in(app(), "bientap")
    assert any(c.value == "Đang đăng nhập: Nguyễn Văn An (biên tập viên)" or
               c.value.startswith("Đang đăng nhập: Nguyễn Văn An (") for c in at.sidebar.caption)
