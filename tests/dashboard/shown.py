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
    floats = [i for i, c in enumerate(data.columns) if pd.api.types.is_float_dtype(data[c])]
    data = data.copy()
    for i in floats:  # the formatted numbers; other cells are shown as they are
        data[data.columns[i]] = display.iloc[:, i].to_numpy()
    return data


def values(element) -> pd.DataFrame:
    """The numbers behind the table (what a click on a header sorts)."""
    return element.value
