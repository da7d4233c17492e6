"""Đăng nhập: a local account (argon2id in the store) or the organisation's single sign-on."""

import streamlit as st

from cchc_metrics import escape, views
from cchc_metrics.i18n import t
from dashboard import auth, data, url, widgets

lang = url.lang()
widgets.page_header("page_login", views.View(lang=lang), data.revision())
if st.session_state.pop("expired", False):
    st.info(t("session_expired", lang), icon=":material/timer_off:")
if not data.store().accounts.has_admin():
    # how to create the first account is for the server's operator: in the server's log
    st.info(t("no_admin", lang), icon=":material/admin_panel_settings:")
if (problem := auth.sso_sign_in()) is not None:
    st.error(escape.markdown(problem), icon=":material/error:")
if auth.actor() is not None:
    st.success(t("signed_in", lang, role=t(f"role_{auth.role()}", lang)))
    st.page_link("app_pages/tong-quan.py", label=t("page_overview", lang),
                 icon=":material/leaderboard:")
    st.stop()
if auth.sso_configured():
    st.button(t("sign_in_sso", lang), on_click=st.login, icon=":material/badge:", key="sso")
with st.form("login", enter_to_submit=True):
    name = st.text_input(t("login_name", lang), key="login_name")
    password = st.text_input(t("login_password", lang), type="password", key="login_password")
    submitted = st.form_submit_button(t("sign_in", lang), type="primary")
if submitted:
    problem = auth.sign_in(name, password)
    if problem:
        st.error(escape.markdown(problem), icon=":material/error:")
    else:
        st.rerun()
