"""What each page shows, as plain data: pages render it, exports write the very same tables."""

from __future__ import annotations

from dataclasses import dataclass, replace
from functools import lru_cache

import numpy as np
import pandas as pd

from cchc_metrics.i18n import LEVEL_UNIT_WORDS, field_label, number, pct, t
from cchc_metrics.metrics import (
    UNIT_KEYS,
    band_counts,
    band_of,
    block_summary,
    field_summary,
    group_ids,
    unit_fields,
    unit_strengths,
)
from cchc_metrics.model import (
    DEFAULT_BAND_PRESET,
    DEFAULT_BLOCKS,
    LEVELS,
    SURVEY,
    TOTAL,
    Bands,
    fold,
    parse_bands,
)
from cchc_metrics.numbers import round_half_up


@dataclass(frozen=True)
class View:
    """The filters a page is showing; the URL holds them so a copied link reopens the view."""

    year: int | None = None
    level: str | None = None
    block: str | None = None
    province: str | None = None
    parent: str | None = None
    search: str = ""
    bands: str = DEFAULT_BAND_PRESET
    lang: str = "vi"

    def but(self, **changes) -> View:
        return replace(self, **changes)


# ---- choices for the controls ------------------------------------------------------------------

CATALOG_COLUMNS = ["year", "level", "block", "province", "parent"]
HISTORY_KEYS = ["level", "province", "parent", "unit"]  # one unit across years, for sparklines


def catalog(units: pd.DataFrame) -> pd.DataFrame:
    """The distinct year × level × block × province × parent of the unit table.

    Small (a few thousand rows even for the whole country), and every function below that offers
    choices (years, levels, blocks, parents, settle, level_missing) gives the same answer on it as
    on the unit table itself: the controls are built from it without touching 100,000 rows.
    """
    return units[CATALOG_COLUMNS].drop_duplicates(ignore_index=True)


def prepared(units: pd.DataFrame) -> pd.DataFrame:
    """The unit table with `unit_series`: one integer per unit across years (for sparklines).

    Computed once per data revision; history_lists then needs no text matching at all.
    """
    return units.assign(unit_series=group_ids(units, HISTORY_KEYS))


def with_bands(units: pd.DataFrame, bands: Bands | str | None) -> pd.DataFrame:
    """The unit table under another band scheme: only the band depends on it, not the ranks."""
    return units.assign(band=band_of(units["index_pct"], parse_bands(bands)))


def years(units: pd.DataFrame) -> list[int]:
    """Years with data, newest first."""
    return sorted({int(y) for y in units["year"].unique()}, reverse=True)


def levels(units: pd.DataFrame, year: int | None = None) -> list[str]:
    """Levels present (in a year when given), in the domain's order."""
    present = set((units.loc[units["year"] == year, "level"] if year else units["level"]).unique())
    return [lv for lv in LEVELS if lv in present]


def blocks(units: pd.DataFrame, year: int | None, level: str | None) -> list[str]:
    """Ranking blocks of a year and level, the level's default block first."""
    sel = units
    if year:
        sel = sel[sel["year"] == year]
    if level:
        sel = sel[sel["level"] == level]
    found = sorted(set(sel["block"].unique()))
    default = DEFAULT_BLOCKS.get(level or "")
    return ([default] if default in found else []) + [b for b in found if b != default]


def _of(units: pd.DataFrame, year: int | None, level: str | None) -> pd.DataFrame:
    return units[(units["year"] == year) & (units["level"] == level)] if year and level else units


def provinces(units: pd.DataFrame, year: int | None = None, level: str | None = None) -> list[str]:
    """Provinces present (in a year and level when given), sorted."""
    return sorted(p for p in set(_of(units, year, level)["province"].fillna("").unique()) if p)


def parents(units: pd.DataFrame, year: int | None, level: str | None,
            province: str | None = None) -> list[str]:
    """Districts present in a year and level (of one province when given), sorted."""
    sel = _of(units, year, level)
    if province:
        sel = sel[sel["province"] == province]
    return sorted(p for p in set(sel["parent"].fillna("").unique()) if p)


def province_of(units: pd.DataFrame, parent: str | None) -> str | None:
    """The one province a district belongs to; None if it is not found or the name repeats."""
    found = provinces(units[units["parent"] == parent]) if parent else []
    return found[0] if len(found) == 1 else None


def settle(units: pd.DataFrame, view: View) -> View:
    """The view with every filter set to a value that exists (newest year, first level …)."""
    ys = years(units)
    year = view.year if view.year in ys else (ys[0] if ys else None)
    lvs = levels(units, year)
    level = view.level if view.level in lvs else (lvs[0] if lvs else None)
    bls = blocks(units, year, level)
    block = view.block if view.block in bls else (bls[0] if bls else None)
    return view.but(year=year, level=level, block=block)


# ---- selection ---------------------------------------------------------------------------------

@lru_cache(maxsize=262_144)
def folded(name: str) -> str:
    """fold() of a unit name, remembered: a search over 10,000 names then costs lookups only."""
    return fold(name)


def matches(names: pd.Series, search: str) -> pd.Series:
    """Search ignoring case and diacritics: "my loc" finds "Mỹ Lộc"."""
    needle = fold(search or "").strip()
    if not needle:
        return pd.Series(True, index=names.index)
    codes, uniques = pd.factorize(names.astype(str))
    hit = np.array([needle in folded(u) for u in uniques], dtype=bool)
    return pd.Series(hit[codes] if len(codes) else np.zeros(0, bool), index=names.index)


def unit_count(rows: pd.DataFrame) -> int:
    """How many units rows of unit_table or unit_fields hold.

    A unit is a year, block, district and name: unit_fields has one row per field."""
    return int(rows.drop_duplicates(["year", "block", "parent", "unit"]).shape[0])


def select(units: pd.DataFrame, view: View, *, year: bool = True) -> pd.DataFrame:
    """Rows of the unit table for the view's year, level, block, province, parent and search."""
    mask = pd.Series(True, index=units.index)
    if year and view.year:
        mask &= units["year"] == view.year
    if view.level:
        mask &= units["level"] == view.level
    if view.block:
        mask &= units["block"] == view.block
    if view.province:
        mask &= units["province"] == view.province
    if view.parent:
        mask &= units["parent"] == view.parent
    sel = units[mask]
    if view.search:
        sel = sel[matches(sel["unit"], view.search)]
    return sel


def row_runs(frame: pd.DataFrame, keys: list[str]) -> dict[tuple, list[tuple[int, int]]]:
    """Where each combination of the keys sits in the frame, as runs of consecutive rows.

    The store returns scores by year, level and block, so a year × block is one run: taking it is
    a slice (no copy), where a boolean filter over 800,000 rows costs tens of milliseconds.
    """
    if frame.empty:
        return {}
    change = np.zeros(len(frame), dtype=bool)
    change[0] = True
    for key in keys:
        column = frame[key].reset_index(drop=True)
        differs = column.iloc[1:].reset_index(drop=True) != column.iloc[:-1].reset_index(drop=True)
        change[1:] |= differs.to_numpy(dtype=bool, na_value=True)
    starts = np.flatnonzero(change)
    ends = np.append(starts[1:], len(frame))
    runs: dict[tuple, list[tuple[int, int]]] = {}
    firsts = frame[keys].iloc[starts].itertuples(index=False, name=None)
    for key, start, end in zip(firsts, starts.tolist(), ends.tolist(), strict=True):
        runs.setdefault(key, []).append((start, end))
    return runs


def rows_of(frame: pd.DataFrame, runs: dict[tuple, list[tuple[int, int]]], key: tuple
            ) -> pd.DataFrame:
    """The rows of one key of row_runs, as slices of the frame."""
    parts = [frame.iloc[start:end] for start, end in runs.get(key, [])]
    rows = parts[0] if len(parts) == 1 else pd.concat(parts) if parts else frame.iloc[0:0]
    return rows.reset_index(drop=True)


def level_missing(units: pd.DataFrame, view: View) -> str | None:
    """A message when the chosen level has no data in the chosen year (no districts after 2024)."""
    if view.year and view.level and view.level not in levels(units, view.year):
        words = LEVEL_UNIT_WORDS[view.level][0 if view.lang == "vi" else 1]
        return t("no_level_year", view.lang, year=view.year, level=words)
    return None


# ---- overview -----------------------------------------------------------------------------------

def history_column(units: pd.DataFrame, rows: pd.DataFrame) -> pd.Series:
    """Each row's index in earlier years up to its year (for the sparkline column).

    A unit is the same unit across years when level, province, parent and name agree. Fully
    vectorised: the unit table is sorted once by (unit, year), each row's history is a run of it,
    and the runs become one Arrow list column (no Python list per row: 10,000 rows of history
    stay one buffer, which is also what the browser receives).
    """
    import pyarrow as pa

    if "unit_series" in units and "unit_series" in rows:  # see prepared()
        unit_gid = units["unit_series"].to_numpy(dtype=np.int64)
        row_gid = rows["unit_series"].to_numpy(dtype=np.int64)
    else:
        both = pd.concat([units[HISTORY_KEYS], rows[HISTORY_KEYS]], ignore_index=True)
        gid = group_ids(both, HISTORY_KEYS).astype(np.int64)
        unit_gid, row_gid = gid[:len(units)], gid[len(units):]
    unit_year = units["year"].to_numpy(dtype=np.int64)
    row_year = rows["year"].to_numpy(dtype=np.int64)
    order = np.lexsort((unit_year, unit_gid))  # stable: a unit twice in a year keeps its order
    span = int(max(unit_year.max(initial=0), row_year.max(initial=0))) + 1
    position = unit_gid[order] * span + unit_year[order]
    start = np.searchsorted(position, row_gid * span, side="left")
    end = np.searchsorted(position, row_gid * span + row_year, side="right")
    length = end - start
    offsets = np.concatenate([[0], np.cumsum(length)]).astype(np.int32)
    # positions start[i], start[i] + 1, … end[i] - 1 of every row, back to back
    take = np.arange(offsets[-1]) - np.repeat(offsets[:-1] - start, length)
    values = units["index_pct"].to_numpy(dtype=float)[order][take]
    lists = pa.ListArray.from_arrays(pa.array(offsets), pa.array(values, type=pa.float64()))
    return pd.Series(pd.arrays.ArrowExtensionArray(lists), index=rows.index)


def history_lists(units: pd.DataFrame, rows: pd.DataFrame) -> list[list[float]]:
    """history_column as plain lists."""
    return history_column(units, rows).tolist() if not rows.empty else []


def rank_change_texts(rows: pd.DataFrame, lang: str) -> np.ndarray:
    """rank_change_text of every row at once: ▲ 2 / ▼ 1 / = / "mới"; "—" when not comparable."""
    change = pd.to_numeric(rows["rank_change"], errors="coerce").to_numpy(dtype=float)
    new = pd.isna(rows["prev_rank"]).to_numpy()
    size = pd.Series(np.abs(np.nan_to_num(change)).astype(np.int64)).astype(str).to_numpy()
    text = np.where(change > 0, "▲ " + size.astype(object), "▼ " + size.astype(object))
    text = np.where(change == 0, "=", text)
    text = np.where(np.isnan(change), "—", text)
    return np.where(new, t("new", lang), text).astype(object)


def ranking_table(units: pd.DataFrame, view: View, *, history: bool = True) -> pd.DataFrame:
    """The ranking table on screen and in exports: localized headers, rank order."""
    lang = view.lang
    rows = select(units, view).sort_values(["year", "block", "rank", "unit"], kind="stable")
    table = pd.DataFrame({
        t("col_year", lang): rows["year"].astype(int),
        t("col_block", lang): rows["block"],
        t("col_rank", lang): rows["rank"],
        t("col_unit", lang): rows["unit"],
        t("col_parent", lang): rows["parent"].fillna(""),
        t("col_points", lang): rows["points"],
        t("col_max", lang): rows["max_points"],
        t("col_index", lang): rows["index_pct"],
        t("col_band", lang): rows["band"],
        t("col_rank_change", lang): rank_change_texts(rows, lang).tolist(),
        t("col_delta", lang): rows["delta_pct"],
    })
    if not (table[t("col_parent", lang)] != "").any():
        table = table.drop(columns=[t("col_parent", lang)])
    if history:
        table[t("col_history", lang)] = history_column(units, rows)
    return table.reset_index(drop=True)


# ---- tables on screen ---------------------------------------------------------------------------

BAR_COLUMN = " "  # the index bar drawn beside the index's formatted number


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
    index_col, bar = t("col_index", lang), None
    if index_col in table.columns and index_col in numbers:
        bar = BAR_COLUMN
        frame.insert(frame.columns.get_loc(index_col) + 1, bar, table[index_col])
    history = t("col_history", lang) if t("col_history", lang) in frame.columns else None
    return Screen(frame, tuple(numbers), bar, history, compact_arrow(frame))


@dataclass
class Card:
    """One headline number with its change from last year."""

    label: str
    value: str
    delta: str | None = None
    delta_color: str = "normal"  # "normal": up is good; "off": neutral
    delta_arrow: str = "auto"  # "off" for no change: no arrow beside «không đổi»


def overview_cards(units: pd.DataFrame, view: View) -> list[Card]:
    """Units ranked, mean index and its change, best and worst unit, one card per band."""
    lang = view.lang
    block_units = select(units, view.but(search="", parent=None, province=None), year=False)
    if block_units.empty or view.year is None:
        return []
    # the cards compare with the year before only: no need to summarise every other year
    block_units = block_units.loc[block_units["year"].isin([view.year, view.year - 1]),
                                  ["year", "level", "block", "unit", "index_pct", "points",
                                   "max_points", "band"]]
    summary = block_summary(block_units).set_index("year")
    if view.year not in summary.index:
        return []
    s = summary.loc[view.year]
    prev = t("vs_prev", lang, year=view.year - 1)
    cards = [
        Card(t("units_ranked", lang), number(int(s["n_units"]), 0, lang)),  # 10.035
        Card(t("mean_index", lang), pct(s["mean_index_pct"], 2, lang),
             *change_from(s["delta_mean_pct"], prev, lang)),
        Card(f"{t('best_unit', lang)}: {s['best_unit']}", pct(s["best_index_pct"], 2, lang)),
        Card(f"{t('worst_unit', lang)}: {s['worst_unit']}", pct(s["worst_index_pct"], 2, lang)),
    ]
    counts = band_counts(block_units, view.bands)
    year_counts = counts[counts["year"] == view.year]
    for i, r in enumerate(year_counts.itertuples()):
        change, color, arrow = change_from(r.count_change, prev, lang, 0)
        # more units in the best band is good news, more in the worst band is bad news
        if color == "normal":
            color = "normal" if i == 0 else "inverse" if i == len(year_counts) - 1 else "off"
        cards.append(Card(f"{t('col_band', lang)} {r.band} ({pct(r.share_pct, 2, lang)})",
                          number(r.count, 0, lang), change, color, arrow))
    return cards


def change_from(value: float, prev: str, lang: str, decimals: int = 2) -> tuple:
    """A card's (delta, colour, arrow): «+0,88 so với năm 2024», or «không đổi …» with neither
    colour nor arrow when the change rounds to zero, or nothing for a first year."""
    if pd.isna(value):
        return None, "normal", "auto"
    if round_half_up(abs(float(value)), decimals) == 0:
        return f"{t('unchanged', lang)} {prev}", "off", "off"
    return f"{signed(value, lang, decimals)} {prev}", "normal", "auto"


def signed(value: float, lang: str, decimals: int = 2) -> str:
    """+3,37 / -1,20 (points of index; ASCII minus, which st.metric reads as a fall); +1.234."""
    text = number(abs(value), decimals, lang)
    return ("+" if value >= 0 else "-") + text


# ---- unit profile ------------------------------------------------------------------------------

def unit_choices(units: pd.DataFrame, view: View) -> list[str]:
    """Units of the view's level, block, province and district (any year) matching the search,
    for the unit picker: a district chosen in the sidebar narrows 10,000 communes to its own."""
    mask = np.ones(len(units), dtype=bool)
    for column in ("level", "block", "province", "parent"):
        if getattr(view, column):
            mask &= (units[column] == getattr(view, column)).to_numpy(dtype=bool, na_value=False)
    names = pd.Series(units["unit"][mask].unique())  # the column alone: no copy of whole rows
    if view.search:
        names = names[matches(names, view.search)]
    return sorted(names.dropna().tolist(), key=folded)


PICKER_LIMIT = 1_000  # names; ten thousand cost a browser 0.7 s of CPU on every profile visit


def picker_names(names: list[str], keep: str | None, limit: int | None = None) -> list[str]:
    """At most `limit` (PICKER_LIMIT) of the sorted choices, always with `keep` (the unit a link
    or the person chose): no one scrolls 10,000 communes; the sidebar's search and district find
    the rest."""
    limit = PICKER_LIMIT if limit is None else limit
    if len(names) <= limit:
        return names
    head = names[:limit]
    if keep is not None and keep not in head and keep in names:
        head = sorted([*head[:limit - 1], keep], key=folded)
    return head


def unit_history(units: pd.DataFrame, unit: str, level: str | None) -> pd.DataFrame:
    """One unit's rows over the years, matched by its name key (so renamed spellings join)."""
    key = units.loc[units["unit"] == unit, "unit_key"]
    if key.empty:
        return units.iloc[0:0]
    sel = units[units["unit_key"] == key.iloc[0]]
    if level:
        sel = sel[sel["level"] == level]
    return sel.sort_values("year")


def in_prose(unit: str) -> str:
    """"Huyện Mỹ Lộc" → "huyện Mỹ Lộc" inside a sentence, as the seeds write it."""
    for prefix in ("Huyện ", "Xã ", "Phường ", "Thị trấn ", "Thị xã ", "Thành phố ", "Đặc khu "):
        if unit.startswith(prefix):
            return prefix.lower() + unit[len(prefix):]
    return unit


def profile_paragraph(units: pd.DataFrame, scores: pd.DataFrame, row: pd.Series,
                      lang: str = "vi") -> str:
    """The sentence officials write: "Năm 2022, huyện Mỹ Lộc đứng thứ 7/10 … tăng 2 bậc …"."""
    year, level, block = int(row["year"]), row["level"], row["block"]
    words = LEVEL_UNIT_WORDS[level][0 if lang == "vi" else 1] if block == DEFAULT_BLOCKS.get(
        level) else (f"đơn vị khối «{block}»" if lang == "vi" else f"units of «{block}»")
    pts = f"{number(row['points'], 2, lang)}/{number(row['max_points'], 2, lang)}"
    idx = pct(row["index_pct"], 2, lang)
    change = rank_sentence(row, lang)
    strengths = unit_strengths(scores[(scores["year"] == year) & (scores["block"] == block) &
                                      (scores["unit"] == row["unit"])])
    if lang == "vi":
        text = (f"Năm {year}, {in_prose(row['unit'])} đứng thứ {number(row['rank'], 0, lang)}/"
                f"{number(row['n_ranked'], 0, lang)} "
                f"{words} về Chỉ số CCHC, đạt {pts} điểm ({idx}){change}.")
        if not strengths.empty:
            s = strengths.iloc[0]
            text += (f" Lĩnh vực đạt cao nhất: {s['strongest_field']} "
                     f"({pct(s['strongest_pct'], 1, lang)}); thấp nhất: {s['weakest_field']} "
                     f"({pct(s['weakest_pct'], 1, lang)}).")
        return text
    text = (f"In {year}, {row['unit']} ranked {number(row['rank'], 0, lang)} of "
            f"{number(row['n_ranked'], 0, lang)} {words} on the "
            f"PAR INDEX, with {pts} points ({idx}){change}.")
    if not strengths.empty:
        s = strengths.iloc[0]
        text += (f" Strongest field: {field_label(s['strongest_field'], 'en')} "
                 f"({pct(s['strongest_pct'], 1, lang)}); weakest: "
                 f"{field_label(s['weakest_field'], 'en')} ({pct(s['weakest_pct'], 1, lang)}).")
    return text


def rank_sentence(row: pd.Series, lang: str) -> str:
    """", tăng 2 bậc so với năm 2021; chỉ số tăng 3,37 điểm %" (empty for a new unit)."""
    if pd.isna(row["prev_index_pct"]):
        return "" if lang == "en" else ", năm đầu có kết quả"
    prev_year = int(row["year"]) - 1
    delta = row["delta_pct"]
    parts = []
    ch = row["rank_change"]
    if lang == "vi":
        if not pd.isna(ch):
            parts.append(f"tăng {number(ch, 0, lang)} bậc" if ch > 0 else
                         f"giảm {number(-ch, 0, lang)} bậc" if ch < 0
                         else "giữ nguyên thứ hạng")
        verb = "tăng" if delta >= 0 else "giảm"
        parts.append(f"chỉ số {verb} {number(abs(delta), 2, lang)} điểm %")
        return ", " + ", ".join(parts) + f" so với năm {prev_year}"
    if not pd.isna(ch):
        parts.append(f"up {number(ch, 0, lang)} places" if ch > 0 else
                     f"down {number(-ch, 0, lang)} places" if ch < 0 else "same rank")
    parts.append(f"index {'up' if delta >= 0 else 'down'} {number(abs(delta), 2, lang)} points")
    return ", " + ", ".join(parts) + f" from {prev_year}"


def district_communes(units: pd.DataFrame, district: str, year: int) -> dict | None:
    """A district's communes that year: mean index, highest and lowest (seed 003)."""
    from cchc_metrics.model import unit_key

    key = unit_key(district)
    sel = units[(units["level"] == "commune") & (units["year"] == year) &
                (units["parent"].fillna("").map(unit_key) == key)]
    if sel.empty:
        return None
    ordered = sel.sort_values("index_pct", ascending=False)
    exact = 100 * sel["points"] / sel["max_points"]
    return {"n": len(sel), "mean_index_pct": float(np.round(exact.mean() + 1e-9, 2)),
            "best": ordered.iloc[0], "worst": ordered.iloc[-1], "rows": ordered}


def unit_field_table(scores: pd.DataFrame, row: pd.Series, lang: str, *,
                     fields: pd.DataFrame | None = None) -> pd.DataFrame:
    """One unit-year per field: points, maximum, % of maximum, block mean and self-assessment.

    `fields`: unit_fields of the row's year and block when already at hand (then `scores` is
    not read).
    """
    if fields is None:
        fields = unit_fields(scores[(scores["year"] == row["year"]) &
                                    (scores["block"] == row["block"])])
    keys = {k: row[k] for k in UNIT_KEYS}
    mine = fields
    for k, v in keys.items():
        mine = mine[mine[k].fillna("") == (v if not pd.isna(v) else "")]
    mine = mine[mine["component"] != TOTAL]
    return pd.DataFrame({
        t("col_field", lang): [field_label(c, lang) for c in mine["component"]],
        t("col_points", lang): mine["points"].to_numpy(),
        t("col_max", lang): mine["max_points"].to_numpy(),
        t("col_pct", lang): mine["pct"].to_numpy(),
        t("col_block_pct", lang): mine["block_mean_pct"].to_numpy(),
        t("col_self", lang): mine["self_points"].to_numpy(dtype=float),
    }), mine


# ---- compare, trends, fields -------------------------------------------------------------------

def compare_fields(scores: pd.DataFrame, units_rows: pd.DataFrame, *,
                   fields: pd.DataFrame | None = None) -> pd.DataFrame:
    """unit_fields rows for the chosen unit-years (2 to 8 units).

    `fields`: unit_fields covering the chosen units' years and blocks when already at hand.
    """
    keys = units_rows[UNIT_KEYS].drop_duplicates()
    if fields is None:
        fields = unit_fields(scores[scores["year"].isin(keys["year"].unique())])
    return fields.merge(keys, on=UNIT_KEYS)


def differences_table(fields: pd.DataFrame, lang: str) -> pd.DataFrame:
    """Field × unit % of maximum, with the gap between the best and worst unit."""
    fields = fields[fields["component"] != TOTAL]
    if fields.empty:
        return pd.DataFrame()
    wide = fields.pivot_table(index="component", columns="unit", values="pct", aggfunc="first")
    wide[t("differences", lang)] = wide.max(axis=1) - wide.min(axis=1)
    wide.index = [field_label(c, lang) for c in wide.index]
    wide.index.name = t("col_field", lang)
    return wide.reset_index()


def trend_rows(units: pd.DataFrame, view: View, names: list[str] | None = None) -> pd.DataFrame:
    """The level and block over all years (optionally only some units)."""
    sel = select(units, view.but(search="", year=None), year=False)
    if names is not None:  # an empty list (a search that found nobody) gives no rows
        sel = sel[sel["unit"].isin(names)]
    return sel.sort_values(["year", "rank"])


def block_band_counts(units: pd.DataFrame, view: View) -> pd.DataFrame:
    """Band counts for the view's level and block over all years."""
    return band_counts(select(units, view.but(search="", parent=None, province=None), year=False),
                       view.bands)


def fields_of_block(scores: pd.DataFrame, view: View) -> tuple[pd.DataFrame, pd.DataFrame]:
    """unit_fields and field_summary for the view's year, level and block (and place)."""
    sel = scores[(scores["year"] == view.year) & (scores["level"] == view.level)]
    if view.block:
        sel = sel[sel["block"] == view.block]
    if view.province:
        sel = sel[sel["province"] == view.province]
    if view.parent:
        sel = sel[sel["parent"] == view.parent]
    return unit_fields(sel), field_summary(sel)


def field_table(fsum: pd.DataFrame, lang: str) -> pd.DataFrame:
    """Per field: mean points, maximum, % and points lost, most lost first."""
    fsum = fsum[fsum["component"] != TOTAL].sort_values("mean_points_lost", ascending=False)
    return pd.DataFrame({
        t("col_field", lang): [field_label(c, lang) for c in fsum["component"]],
        t("col_points", lang): fsum["mean_points"].round(2).to_numpy(),
        t("col_max", lang): fsum["mean_max_points"].round(2).to_numpy(),
        t("col_pct", lang): fsum["mean_pct"].to_numpy(),
        t("col_lost", lang): fsum["mean_points_lost"].round(2).to_numpy(),
    })


# ---- upload -------------------------------------------------------------------------------------

def detected_table(result, lang: str) -> pd.DataFrame:
    """What the reader found in each sheet: layout, year, level, blocks, units and fields."""
    from cchc_metrics.i18n import level_label

    layouts = {"wide": ("Mỗi lĩnh vực một nhóm cột", "A column group per field"),
               "totals": ("Chỉ có tổng điểm", "Totals only"),
               "long": ("Mỗi dòng một đơn vị × lĩnh vực", "One row per unit × field")}
    i = 0 if lang == "vi" else 1
    return pd.DataFrame([{
        ("Trang tính" if lang == "vi" else "Sheet"): info.sheet,
        ("Bố cục" if lang == "vi" else "Layout"): layouts[info.layout][i],
        ("Dòng tiêu đề" if lang == "vi" else "Header rows"):
            f"{info.header_rows[0]}–{info.header_rows[1]}" if info.header_rows[0] !=
            info.header_rows[1] else str(info.header_rows[0]),
        t("year", lang): ", ".join(str(y) for y in info.years),
        t("level", lang): ", ".join(level_label(lv, lang) for lv in info.levels),
        t("block", lang): "; ".join(info.blocks),
        t("col_n_ranked", lang): info.n_units,
        t("page_fields", lang): len([f for f in info.fields if f not in (TOTAL, SURVEY)]) or "—",
    } for info in result.tables])


def problem_table(problems, lang: str) -> pd.DataFrame:
    """Errors and warnings with sheet, row and column, in the language shown."""
    vi = lang == "vi"
    return pd.DataFrame([{
        ("Mức độ" if vi else "Severity"): ("Lỗi" if vi else "Error") if p.severity == "error"
        else ("Cảnh báo" if vi else "Warning"),
        ("Trang tính" if vi else "Sheet"): p.sheet or "",
        ("Dòng" if vi else "Row"): "" if p.row is None else str(p.row),
        ("Cột" if vi else "Column"): p.column or "",
        ("Giá trị" if vi else "Value"): "" if p.value is None else str(p.value),
        ("Nội dung" if vi else "Message"): p.vi if vi else p.en,
    } for p in problems])


def compare_with_active(new_units: pd.DataFrame, active_units: pd.DataFrame,
                        lang: str) -> pd.DataFrame:
    """Units added, removed and changed against the active data of the same years and blocks.

    Largest changes first; unchanged units are left out.
    """
    keys = ["year", "block", "unit_key"]
    scope = new_units[["year", "block"]].drop_duplicates()
    old = active_units.merge(scope, on=["year", "block"])
    both = new_units[keys + ["unit", "index_pct", "rank"]].merge(
        old[keys + ["unit", "index_pct", "rank"]], on=keys, how="outer",
        suffixes=("_new", "_old"), indicator=True)
    status = {"left_only": ("thêm mới", "added"), "right_only": ("bị bỏ", "removed"),
              "both": ("thay đổi", "changed")}
    both["change"] = both["index_pct_new"] - both["index_pct_old"]
    changed = (both["_merge"] != "both") | (both["change"].abs() > 1e-9) | (
        both["rank_new"].astype("Float64") != both["rank_old"].astype("Float64")).fillna(True)
    both = both[changed].copy()
    both["order"] = both["change"].abs().fillna(np.inf)
    both = both.sort_values(["order", "year"], ascending=[False, True])
    i = 0 if lang == "vi" else 1
    return pd.DataFrame({
        t("col_year", lang): both["year"].astype(int).to_numpy(),
        t("col_block", lang): both["block"].to_numpy(),
        t("col_unit", lang): both["unit_new"].fillna(both["unit_old"]).to_numpy(),
        ("Tình trạng" if lang == "vi" else "Status"): [status[str(m)][i] for m in both["_merge"]],
        ("Chỉ số đang dùng" if lang == "vi" else "Active index"): both["index_pct_old"].to_numpy(
            dtype=float),
        ("Chỉ số mới" if lang == "vi" else "New index"): both["index_pct_new"].to_numpy(
            dtype=float),
        t("col_delta", lang): both["change"].round(2).to_numpy(dtype=float),
    })


# ---- export -------------------------------------------------------------------------------------

def field_detail_table(scores: pd.DataFrame, units_rows: pd.DataFrame, lang: str) -> pd.DataFrame:
    """Per unit × field detail for the units of an export (the "Chi tiết lĩnh vực" sheet)."""
    fields = compare_fields(scores, units_rows) if not units_rows.empty else pd.DataFrame()
    if fields.empty:
        return pd.DataFrame()
    fields = fields[fields["component"] != TOTAL].sort_values(["year", "block", "unit"])
    return pd.DataFrame({
        t("col_year", lang): fields["year"].astype(int).to_numpy(),
        t("col_block", lang): fields["block"].to_numpy(),
        t("col_unit", lang): fields["unit"].to_numpy(),
        t("col_field", lang): fields["component"].map(  # a label per field, not per row
            {c: field_label(c, lang) for c in fields["component"].unique()}).to_numpy(),
        t("col_max", lang): fields["max_points"].to_numpy(dtype=float),
        t("col_self", lang): fields["self_points"].to_numpy(dtype=float),
        t("col_points", lang): fields["points"].to_numpy(dtype=float),
        t("col_pct", lang): fields["pct"].to_numpy(dtype=float),
        t("col_block_pct", lang): fields["block_mean_pct"].to_numpy(dtype=float),
    })


def export_sheets(units: pd.DataFrame, scores: pd.DataFrame, view: View) -> dict[str, pd.DataFrame]:
    """The workbook of an export: the ranking table once per block, then the per-field detail."""
    table = ranking_table(units, view, history=False)
    block_col = t("col_block", view.lang)
    sheets = {str(b): part.reset_index(drop=True) for b, part in table.groupby(block_col,
                                                                              sort=False)}
    detail = field_detail_table(scores, select(units, view), view.lang)
    if not detail.empty:
        sheets["Chi tiết lĩnh vực" if view.lang == "vi" else "Field detail"] = detail
    return sheets or {t("ranking", view.lang): table}


def with_block(scores: pd.DataFrame, block: str) -> pd.DataFrame:
    """The scores with every row in one ranking block, when the person sets one."""
    return scores.assign(block=block) if block else scores


def mapping_choices(lang: str) -> dict[str, str]:
    """What an unrecognised column can be mapped to: code → label."""
    from cchc_metrics.headers import MAPPABLE_ROLES
    from cchc_metrics.model import FIELDS

    vi = lang == "vi"
    names = {"ignore": ("(bỏ qua)", "(ignore)"), "unit": ("Tên đơn vị", "Unit name"),
             "code": ("Mã đơn vị", "Unit code"), "province": ("Tỉnh", "Province"),
             "parent": ("Đơn vị cấp huyện", "District"), "block": ("Khối xếp hạng", "Block"),
             "year": ("Năm", "Year"), "level": ("Cấp", "Level"),
             "field": ("Tên lĩnh vực", "Field name"), "max": ("Điểm tối đa", "Maximum"),
             "self": ("Điểm tự đánh giá", "Self-assessed"),
             "points": ("Điểm thẩm định", "Appraised points"),
             "index": ("Chỉ số (%)", "Index (%)"), "rank": ("Xếp hạng", "Rank"),
             "band": ("Xếp loại", "Band")}
    out = {role: names[role][0 if vi else 1] for role in MAPPABLE_ROLES}
    for field, en, _ in FIELDS + [("survey", "Survey", ())]:
        label = field_label(field, lang) if field != "survey" else (
            "Điều tra xã hội học" if vi else en)
        for role in ("max", "self", "points"):
            out[f"{role}:{field}"] = f"{label} — {names[role][0 if vi else 1]}"
    return out


def header_signature(columns: pd.DataFrame) -> str:
    """Identifies "a file with the same headers", to remember its column mapping."""
    import hashlib

    text = "\n".join(sorted(set(columns["header"].astype(str))))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]


def trend_table(rows: pd.DataFrame, lang: str) -> pd.DataFrame:
    """Units × years of index (%), newest year's order: the table behind the trend lines."""
    if rows.empty:
        return pd.DataFrame()
    wide = rows.pivot_table(index="unit", columns="year", values="index_pct", aggfunc="first")
    wide = wide.sort_values(wide.columns[-1], ascending=False, na_position="last")
    wide.columns = [str(c) for c in wide.columns]
    wide.index.name = t("col_unit", lang)
    return wide.reset_index()


# ---- administration -----------------------------------------------------------------------------

def users_table(users: pd.DataFrame, lang: str) -> pd.DataFrame:
    """Accounts as an admin sees them: never a password or hash."""
    vi = lang == "vi"
    cols = {"name": t("login_name", lang), "display_name": t("display_name", lang),
            "role": t("role", lang), "enabled": "Đang dùng" if vi else "Enabled",
            "last_login": "Lần đăng nhập cuối" if vi else "Last sign-in",
            "locked_until": "Khóa đến" if vi else "Locked until"}
    shown = users[[c for c in cols if c in users.columns]].copy()
    for column in ("last_login", "locked_until"):
        if column in shown:
            shown[column] = [local_time(v, lang) for v in shown[column]]
    if "role" in shown:
        shown["role"] = shown["role"].map(lambda r: t(f"role_{r}", lang))
    return shown.rename(columns=cols)


def local_time(value, lang: str) -> str:
    """A UTC timestamp as Vietnam's local time ("24/11/2026 07:21"); "—" when there is none."""
    if value is None or pd.isna(value):
        return "—"
    stamp = pd.Timestamp(value)
    stamp = stamp.tz_localize("UTC") if stamp.tzinfo is None else stamp
    return stamp.tz_convert("Asia/Ho_Chi_Minh").strftime(
        "%d/%m/%Y %H:%M" if lang == "vi" else "%Y-%m-%d %H:%M")


def audit_table(audit: pd.DataFrame, lang: str) -> pd.DataFrame:
    """The audit log, newest first, with Vietnamese or English headers."""
    vi = lang == "vi"
    names = {"ts": "Thời điểm" if vi else "When", "actor": "Người thực hiện" if vi else "Actor",
             "action": "Hoạt động" if vi else "Action",
             "dataset_id": "Bộ dữ liệu" if vi else "Dataset",
             "detail": "Chi tiết" if vi else "Detail"}
    shown = audit[[c for c in names if c in audit.columns]].iloc[::-1].copy()
    if "ts" in shown:
        shown["ts"] = shown["ts"].dt.tz_convert("Asia/Ho_Chi_Minh").dt.strftime(
            "%d/%m/%Y %H:%M:%S" if vi else "%Y-%m-%d %H:%M:%S")
    return shown.rename(columns=names).reset_index(drop=True)


def earlier_import(datasets: pd.DataFrame, sha256: str) -> tuple[int, str] | None:
    """(dataset id, status) when these exact bytes were imported before."""
    hit = datasets[datasets["sha256"] == sha256]
    if hit.empty:
        return None
    return int(hit["dataset_id"].iloc[0]), str(hit["status"].iloc[0])
