"""Entry point: page set-up, language, and navigation over the pages in pages/."""

import streamlit as st

import ui
from cchc_metrics.i18n import t

st.set_page_config(page_title="Chỉ số CCHC", page_icon=":material/analytics:", layout="wide")
lang = ui.language_switch()

PAGES = [
    st.Page("pages/overview.py", title=t("page_overview", lang), icon=":material/leaderboard:", url_path="tong-quan",
            default=True),
    st.Page("pages/profile.py", title=t("page_profile", lang), icon=":material/account_balance:", url_path="ho-so"),
    st.Page("pages/compare.py", title=t("page_compare", lang), icon=":material/compare_arrows:", url_path="so-sanh"),
    st.Page("pages/trends.py", title=t("page_trends", lang), icon=":material/trending_up:", url_path="xu-huong"),
    st.Page("pages/fields.py", title=t("page_fields", lang), icon=":material/grid_view:", url_path="linh-vuc"),
]
st.navigation(PAGES).run()
