"""The load run's control: Streamlit alone, with the dashboard's two pages and a 10,035-row table.

    python bench/bench_load.py --app-dir bench/control --label "…"

The same titles, links and signals the run waits for (a «Hạng» column with cells, a paragraph
with « đứng thứ »), and nothing else: no filters, cards, tabs or downloads. What the browsers
need for it is what Streamlit itself costs them under the run's pace; the difference from the
app's run is what the app's page adds.
"""

import numpy as np
import pandas as pd
import streamlit as st

st.set_page_config(page_title="Chỉ số CCHC", layout="wide")
N_COMMUNES = 10_035


@st.cache_data
def ranking() -> pd.DataFrame:
    """Ranks, names and indices shaped like the overview's (fixed seed)."""
    rng = np.random.default_rng(0)
    index = np.sort(rng.uniform(50, 95, N_COMMUNES))[::-1]
    return pd.DataFrame({
        "Hạng": np.arange(1, N_COMMUNES + 1),
        "Đơn vị": [f"Xã {i + 1}" for i in range(N_COMMUNES)],
        "Huyện": [f"Huyện {i % 700 + 1}" for i in range(N_COMMUNES)],
        "Chỉ số": [f"{v:.2f}".replace(".", ",") for v in index],
    })


def overview() -> None:
    st.title("Tổng quan")
    st.dataframe(ranking(), hide_index=True, width="stretch")


def profile() -> None:
    st.title("Hồ sơ đơn vị")
    st.write(f"Xã 1 đứng thứ 1/{N_COMMUNES:,}.".replace(",", "."))


st.navigation([st.Page(overview, title="Tổng quan", default=True),
               st.Page(profile, title="Hồ sơ đơn vị", url_path="ho-so")]).run()
