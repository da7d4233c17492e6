"""What a person sees in a table AppTest rendered: the shown texts, not the numbers behind them."""

from __future__ import annotations

import pandas as pd
from streamlit import dataframe_util


def shown(element) -> pd.DataFrame:
    """The table as displayed: a sortable table sends numbers with their texts (a Styler's
    display values); those texts are what the person reads."""
    texts = element.proto.arrow_data.styler.display_values
    if not texts:
        return element.value
    data, display = element.value, dataframe_util.convert_arrow_bytes_to_pandas_df(texts)
    data = data.copy()
    for i, column in enumerate(data.columns):
        texts, values = display.iloc[:, i], data[column]
        if pd.api.types.is_list_like(values.iloc[0] if len(values) else None):
            continue  # sparklines
        # numbers written as texts (85,65 · ▲ 3 · —); a plain number or name stays as it is
        if not texts.astype(str).equals(values.astype(str)):
            data[column] = texts.to_numpy()
    return data


def values(element) -> pd.DataFrame:
    """The numbers behind the table (what a click on a header sorts)."""
    return element.value
