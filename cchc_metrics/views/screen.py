"""Tables as the screen shows them: numbers formatted once, the index bar, compact Arrow."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from cchc_metrics.i18n import t
from cchc_metrics.numbers import round_half_up

# Up to this many rows a table goes to the browser as numbers with their texts beside them
# (a pandas Styler's display values), so a click on a header sorts numbers as numbers. Above it,
# the formatted text alone: a Styler costs about 0.06 s per 1,000 rows at every rerun.
SORTABLE_ROWS = 3000
SHORT_HEADERS = ("col_delta", "col_rank_change")  # long headers: short on screen, whole on hover


def number_texts(values, decimals: int = 2, lang: str = "vi") -> np.ndarray:
    """format_number of many values at once: "85,65" (Vietnamese), "85.65" (English), "—"."""
    rounded = round_half_up(np.asarray(values, dtype=float), decimals) + 0.0  # never "-0,00"
    codes, uniques = pd.factorize(rounded)  # scores repeat: format each distinct value once
    swap = str.maketrans(",.", ".,") if lang == "vi" else {}
    texts = [f"{v:,.{decimals}f}".translate(swap) for v in uniques.tolist()]
    return np.array(texts + ["—"], dtype=object)[codes]  # code -1 (missing) takes the "—"


@dataclass
class Screen:
    """A table as the page shows it: numbers as text in the language's format, a bar beside the
    index, the sparkline column; built from the very table that is exported."""

    frame: pd.DataFrame
    numbers: tuple[str, ...] = ()  # text columns holding formatted numbers
    bar: str | None = None  # the column drawing the index as a bar (values 0–100)
    history: str | None = None  # the sparkline column (lists of earlier years' indices)
    arrow: object = None  # the frame as a compact Arrow table, ready to send to the browser
    values: pd.DataFrame | None = None  # the frame with its numbers as numbers
    short: dict = field(default_factory=dict)  # column → (its short header, the full one)

    @property
    def sortable(self) -> bool:
        """Whether the browser gets numbers (sorted as such) with their texts to show."""
        return self.values is not None and bool(self.numbers) and len(self.frame) <= SORTABLE_ROWS

    def styled(self):
        """The numbers, shown as this table's texts: what a sortable table sends to the browser.

        A number's text mostly depends on the number alone, so each column's texts are looked
        up by value; where one number has several texts (a rank change «▼ 1» and one within
        noise «▼ 1 ≈») each text is set on its own rows. What is shown is exactly `frame`.
        """
        shown, by_rows = {}, []
        for c in self.numbers:
            pairs = dict(zip(self.values[c].tolist(), self.frame[c].tolist(), strict=True))
            if len(pairs) == len(set(zip(self.values[c].tolist(), self.frame[c].tolist(),
                                         strict=True))):
                shown[c] = pairs.get
            else:
                by_rows.append(c)
        style = self.values.style.format(shown, na_rep="—")
        for c in by_rows:
            for text, rows in self.frame.groupby(c, sort=False).groups.items():
                style = style.format(lambda _, text=text: text, subset=(list(rows), [c]))
        return style


def compact_arrow(frame: pd.DataFrame):
    """The frame as a compact Arrow table: what the browser receives, converted once.

    32-bit string offsets, repeated names (block, district, band) dictionary-encoded, float32
    sparkline points: a 10,035-row ranking weighs 1.2 MB instead of 2.8 MB, and the cached
    Screen spares the conversion at every rerun.
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    table = pa.Table.from_pandas(frame, preserve_index=False)
    types = []
    for f in table.schema:
        kind = f.type
        if pa.types.is_large_string(kind) and len(table) > 100 and \
                pc.count_distinct(table[f.name]).as_py() * 4 < len(table):
            kind = pa.dictionary(pa.int32(), pa.string())  # a block or district name repeated
        elif pa.types.is_large_string(kind):
            kind = pa.string()
        elif (pa.types.is_list(kind) or pa.types.is_large_list(kind)) and \
                pa.types.is_floating(kind.value_type):
            kind = pa.list_(pa.float32())
        types.append(pa.field(f.name, kind))
    # without pandas' metadata: it names dtypes ("list<item: double>[pyarrow]") that pandas
    # cannot read back, and the browser needs only the Arrow types
    return table.cast(pa.schema(types))


def screen_table(table: pd.DataFrame, lang: str) -> Screen:
    """The table with two decimals, decimal comma in Vietnamese, "—" for missing values.

    Formatting is done here, once per table and vectorised, rather than by a pandas Styler at
    every rerun (a Styler over 10,000 rows costs seconds and doubles what the browser receives).
    """
    frame = table.copy()
    numbers = [c for c in frame.columns if pd.api.types.is_float_dtype(frame[c])]
    for column in numbers:
        frame[column] = number_texts(frame[column], 2, lang)
    for column, texts in table.attrs.get("shown", {}).items():  # numbers written otherwise
        frame[column] = texts  # (a rank change: ▲ 3), still sorted as numbers
        numbers.append(column)
    index_col, bar = t("col_index", lang), None
    if index_col in table.columns and index_col in numbers:
        bar = t("col_bar", lang)
        # after the band when there is one: a phone shows rank, unit, index and band first
        after = t("col_band", lang) if t("col_band", lang) in frame.columns else index_col
        frame.insert(frame.columns.get_loc(after) + 1, bar, table[index_col])
    history = t("col_history", lang) if t("col_history", lang) in frame.columns else None
    values = frame.assign(**{c: table[c].to_numpy(dtype=float, na_value=np.nan) for c in numbers})
    if history and len(frame) <= SORTABLE_ROWS:  # a Styler takes plain lists, not Arrow's
        values[history] = frame[history].tolist()
    short = {t(k, lang): (t(f"{k}_short", lang), t(k, lang)) for k in SHORT_HEADERS
             if t(k, lang) in frame.columns}
    return Screen(frame, tuple(numbers), bar, history, compact_arrow(frame), values, short)
