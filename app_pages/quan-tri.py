"""Quản trị: user accounts and the audit log (admins only)."""

import streamlit as st

from cchc_metrics import escape, views
from cchc_metrics.i18n import msg, t
from cchc_metrics.store import StoreError
from dashboard import auth, data, url, widgets

lang = url.lang()
widgets.page_header("page_admin", views.View(lang=lang), data.revision())
auth.require("admin")
store, me = data.store(), auth.actor()
roles = ["viewer", "editor", "admin"]
st.subheader(t("users", lang))
st.dataframe(views.users_table(store.accounts.list_users(), lang), hide_index=True,
             placeholder="—")
with st.form("add_user", clear_on_submit=True):
    st.markdown(f"**{t('add_user', lang)}**")
    c1, c2, c3 = st.columns(3)
    name = c1.text_input(t("login_name", lang))
    display = c2.text_input(t("display_name", lang))
    role = c3.selectbox(t("role", lang), roles, format_func=lambda r: t(f"role_{r}", lang))
    p1 = c1.text_input(t("login_password", lang), type="password")
    p2 = c2.text_input(t("password_again", lang), type="password")
    if st.form_submit_button(t("add_user", lang), type="primary"):
        try:
            if p1 != p2:
                raise StoreError(msg("passwords_differ"))
            store.accounts.add_user(name, p1, role, display_name=display or None, by=me)
            st.success(t("done", lang))
        except StoreError as exc:
            st.error(escape.markdown(exc.msg.text(lang)))
names = store.accounts.list_users()["name"].tolist()
if names:
    c1, c2, c3, c4 = st.columns([2, 1, 1, 1], vertical_alignment="bottom")
    who = c1.selectbox(t("login_name", lang), names, key="admin_user")
    users = store.accounts.list_users().set_index("name")
    if st.session_state.get("_admin_user_seen") != who:  # the chosen account's own role
        st.session_state["admin_role"] = users.loc[who, "role"]
        st.session_state["_admin_user_seen"] = who
    url.relabel("admin_role")
    new_role = c2.selectbox(t("role", lang), roles, key="admin_role",
                            format_func=lambda r: t(f"role_{r}", lang))
    try:
        if c3.button(t("change_role", lang), key="admin_set_role"):
            store.accounts.set_role(who, new_role, by=me)
            st.success(t("done", lang))
        if c4.button(t("disable_user", lang), key="admin_disable"):
            store.accounts.disable_user(who, by=me)
            st.success(t("done", lang))
    except StoreError as exc:
        st.error(escape.markdown(exc.msg.text(lang)))
st.subheader(t("audit_log", lang))
audit = views.audit_table(store.audit(limit=2000), lang)
widgets.table_downloads(audit, views.View(lang=lang), key="audit", title=t("audit_log", lang))
st.dataframe(audit, hide_index=True, placeholder="—")  # a sign-in concerns no dataset
