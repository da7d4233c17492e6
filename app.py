"""Entry point: page set-up, language, sign-in, and navigation over the pages in app_pages/."""

# Not pages/: with a folder of that name, Streamlit runs a process's first script run as an
# old-style multipage app, which knows no URL path like /ho-so and shows «Page not found»
# over the page to whoever opens a link first after a (re)start.

import streamlit as st

import auth_ui
import ui
from cchc_metrics import settings
from cchc_metrics.i18n import t

st.set_page_config(page_title="Chỉ số CCHC", page_icon=":material/analytics:", layout="wide")
ui.freeze_imports()
lang = ui.language_switch()


# Each page's sidebar filters (ui.controls' options; None: the page has none).
filters_of: dict[int, dict | None] = {}


def page(script: str, key: str, icon: str, url: str, *, filters: dict | None = None,
         **options) -> st.Page:
    shown = st.Page(f"app_pages/{script}", title=t(key, lang), icon=f":material/{icon}:",
                    url_path=url, **options)
    filters_of[id(shown)] = filters  # st.navigation returns this same object
    return shown


DASHBOARD = [
    page("overview.py", "page_overview", "leaderboard", "tong-quan", filters={}, default=True),
    page("profile.py", "page_profile", "account_balance", "ho-so", filters={}),
    page("compare.py", "page_compare", "compare_arrows", "so-sanh", filters={"search": False}),
    page("trends.py", "page_trends", "trending_up", "xu-huong", filters={}),
    page("fields.py", "page_fields", "grid_view", "linh-vuc", filters={"search": False}),
    page("data.py", "page_data", "table_view", "du-lieu", filters={"all_blocks": True}),
]
LOGIN = page("login.py", "page_login", "login", "dang-nhap")

if auth_ui.actor() is None and settings.get("require_login"):
    pages = [page("login.py", "page_login", "login", "dang-nhap", default=True)]
else:
    pages = list(DASHBOARD)
    if auth_ui.allowed("editor"):
        pages.append(page("upload.py", "page_upload", "upload_file", "tai-len"))
    if auth_ui.allowed("admin"):
        pages.append(page("admin.py", "page_admin", "admin_panel_settings", "quan-tri"))
    if auth_ui.actor() is None:
        pages.append(LOGIN)
auth_ui.sidebar()
current = st.navigation(pages)
ui.filters(filters_of.get(id(current)))  # here, so they stay put across pages
current.run()
