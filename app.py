"""Entry point: page set-up, settings check, language, sign-in, and navigation over app_pages/.

Each page's URL path is its file's stem (app_pages/ho-so.py → /ho-so). The folder is not named
pages/: Streamlit treats a folder of that name as an old-style multipage app until st.navigation
runs, so a process's first script run (and every AppTest run) would run a linked page alone,
without this file's sign-in gate, language switch and filters.
"""

from pathlib import Path

import streamlit as st

from cchc_metrics import settings
from cchc_metrics.i18n import t
from dashboard import auth, chrome, data, filters, upload

# The icon is a file of the app: a Material icon name makes the browser fetch the favicon from a
# font CDN, which an offline intranet does not reach.
ICON = Path(__file__).parent / "assets" / "favicon.png"
st.set_page_config(page_title="Chỉ số CCHC", page_icon=str(ICON), layout="wide")
try:
    settings.validate()
except settings.SettingError as exc:  # a server misconfigured: say which variable, not a file
    st.error(f"{exc.msg.vi}\n\n{exc.msg.en}", icon=":material/settings:")
    st.stop()
data.freeze_imports()
upload.guard_uploads()  # files only for sessions shown the file chooser (dashboard/upload.py)
lang = filters.language_switch()
chrome.translate(lang)


# Each page's sidebar filters (filters.controls' options; None: the page has none).
filters_of: dict[int, dict | None] = {}


def page(stem: str, key: str, icon: str, *, filters: dict | None = None, **options) -> st.Page:
    """app_pages/<stem>.py at /<stem>, titled in the language shown, with its sidebar filters."""
    shown = st.Page(f"app_pages/{stem}.py", title=t(key, lang), icon=f":material/{icon}:",
                    url_path=stem, **options)
    filters_of[id(shown)] = filters  # st.navigation returns this same object
    return shown


DASHBOARD = [
    page("tong-quan", "page_overview", "leaderboard", filters={}, default=True),
    page("ho-so", "page_profile", "account_balance", filters={}),
    page("so-sanh", "page_compare", "compare_arrows", filters={"search": False}),
    page("xu-huong", "page_trends", "trending_up", filters={}),
    page("linh-vuc", "page_fields", "grid_view", filters={"search": False}),
    page("phuc-vu", "page_services", "support_agent", filters={"search": False}),
    page("ban-do", "page_map", "map", filters={"search": False}),
    page("du-lieu", "page_data", "table_view", filters={"all_blocks": True}),
    page("bao-cao", "page_reports", "description", filters={"search": False}),
]
LOGIN = page("dang-nhap", "page_login", "login")

if auth.actor() is None and settings.get("require_login"):
    pages = [page("dang-nhap", "page_login", "login", default=True)]
else:
    pages = list(DASHBOARD)
    if auth.allowed("editor"):
        pages.append(page("tai-len", "page_upload", "upload_file"))
    if auth.allowed("admin"):
        pages.append(page("quan-tri", "page_admin", "admin_panel_settings"))
    if auth.actor() is None:
        pages.append(LOGIN)
auth.sidebar()
current = st.navigation(pages)
filters.filters(filters_of.get(id(current)))  # here, so they stay put across pages
current.run()
