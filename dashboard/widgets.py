"""How pages draw the library's plain data: cards, tables, charts, switches, downloads."""

from __future__ import annotations

import contextlib

import pandas as pd
import streamlit as st

from cchc_metrics import escape, views
from cchc_metrics.i18n import number, t
from dashboard.data import catalog, criteria, data_version, is_sample, revision, scores
from dashboard.url import bound, lang


def unit_picker(names: list[str], lang: str, ended: dict[str, int] | None = None) -> str:
    """The unit picker, bound to ?unit=; a long list is cut (views.picker_names) and says so.

    `ended`: units without results in the chosen year and their last year, marked as such.
    """
    keep = st.session_state.get("unit", st.query_params.get("unit"))
    shown = views.picker_names(names, keep)
    ended = ended or {}
    unit = bound(st.selectbox, t("pick_unit", lang), shown, "unit",
                 format_func=lambda u: t("unit_ended", lang, unit=u, year=ended[u])
                 if u in ended else u)
    if len(shown) < len(names):
        st.caption(t("picker_capped", lang, shown=number(len(shown), 0, lang),
                     total=number(len(names), 0, lang)))
    return unit


def flash(message: str) -> None:
    """A note for the next run's page (the filters moved: say where and why)."""
    st.session_state["_flash"] = message


def page_header(title_key: str, view: views.View, revision: int) -> None:
    """The page title, the sample-data label, and a note on filters moved for the person."""
    st.title(t(title_key, view.lang))
    if is_sample(revision):
        st.warning(t("sample_data", view.lang), icon="⚠️")
    if note := st.session_state.pop("_flash", None):
        st.info(escape.markdown(note), icon=":material/my_location:")


def nothing_found(view: views.View) -> None:
    """Why a page is empty: the search found nothing, or there is no data for the filters."""
    if view.search.strip():
        st.warning(escape.markdown(t("unit_not_found", view.lang, q=view.search.strip())),
                   icon=":material/search_off:")
    else:
        st.info(t("no_data", view.lang), icon="ℹ️")


def show_cards(cards: list[views.Card]) -> None:
    """Headline numbers in rows of four."""
    for start in range(0, len(cards), 4):
        cols = st.columns(4)
        for col, card in zip(cols, cards[start:start + 4], strict=False):
            col.metric(escape.markdown(card.label), card.value, card.delta, delta_color=card.delta_color,
                       delta_arrow=card.delta_arrow, help=card.help, border=True)


ROW_PX, ALL_ROWS_UP_TO = 35, 40  # st.dataframe's row height; a block this long shows whole


def table_height(rows: int) -> int:
    """Pixels that show a header and up to ALL_ROWS_UP_TO rows whole (no inner scroll box)."""
    return (min(rows, ALL_ROWS_UP_TO) + 1) * ROW_PX + 3


def show_table(table: pd.DataFrame | views.Screen, lang: str, *, key: str | None = None) -> None:
    """A table with numbers in the language's format, a bar beside the index, sparklines.

    Takes a plain table (formatted here) or one already formatted by views.screen_table. Numbers
    sort as numbers when a header is clicked (Screen.sortable); up to 40 rows show without an
    inner scroll box.
    """
    screen = table if isinstance(table, views.Screen) else views.screen_table(table, lang)
    config = {} if screen.sortable else {
        c: st.column_config.TextColumn(c, alignment="right") for c in screen.numbers}
    for column, (label, full) in screen.short.items():
        kind = (st.column_config.NumberColumn if screen.sortable and column in screen.numbers
                else st.column_config.TextColumn)
        config[column] = kind(label, help=full, alignment="right")
    if (unit := t("col_unit", lang)) in screen.frame:
        config[unit] = st.column_config.TextColumn(unit, width="medium")
    if screen.bar:  # the bar only draws the index; its number stays formatted beside it
        config[screen.bar] = st.column_config.ProgressColumn(
            screen.bar, min_value=0, max_value=100, format=" ", width=100)
    if screen.history:
        config[screen.history] = st.column_config.LineChartColumn(
            screen.history, y_min=0, y_max=100, width="small")
    if screen.sortable:
        data = screen.styled()
    else:
        data = screen.arrow if screen.arrow is not None else screen.frame
    st.dataframe(data, hide_index=True, column_config=config, height=table_height(len(screen.frame)),
                 key=f"table_{key}" if key else None, width="stretch",
                 placeholder="—")  # a missing number (a unit's first year), not «None»


WHOLE_TEXT_ROWS = 50  # problems up to this many are shown with their messages wrapped, whole


def problems(table: pd.DataFrame) -> None:
    """Errors, warnings and notes of a file: each message whole (a grid cuts long text)."""
    if len(table) <= WHOLE_TEXT_ROWS:
        st.table(table, hide_index=True)  # wraps long messages
    else:
        st.dataframe(table, hide_index=True)


def no_data(view: views.View, all_units: pd.DataFrame | None = None) -> bool:
    """Say why there is nothing to show (a level that did not exist that year); True if so."""
    message = views.level_missing(catalog(revision()) if all_units is None else all_units, view)
    if message:
        st.info(message, icon="ℹ️")
        return True
    if view.year is None:
        st.info(t("no_data", view.lang), icon="ℹ️")
        return True
    return False


class Pane:
    """One of a page's views (its table, its charts): drawn only while the switch shows it."""

    def __init__(self, is_open: bool):
        self.open = is_open
        self._box = st.container() if is_open else None

    def __enter__(self):
        return self._box.__enter__()

    def __exit__(self, *exc):
        return self._box.__exit__(*exc)


def panes(labels: list[str], *, key: str) -> list[Pane]:
    """A switch between a page's views, the first open: only the open one runs and is drawn.

    Charts cost a browser more than anything else on a page, so a page opens on its table and
    draws its charts when asked. A segmented control rather than st.tabs: the same choice, and
    its code is already in the browser for the language switch; st.tabs cost every page load
    about 0.12 s more of browser CPU (one warmed Chromium, national overview, measured).
    The state is the view's position, so it survives a change of language.
    """
    chosen = st.segmented_control(t("view_as", lang()), list(range(len(labels))), default=0,
                                  format_func=lambda i: labels[i], key=key, required=True,
                                  label_visibility="collapsed")
    return [Pane(i == chosen) for i in range(len(labels))]


def chart(fig, *, key: str | None = None) -> None:
    """A plotly figure, full width: PNG from plotly's toolbar, standalone HTML from a button."""
    from cchc_metrics.charts import figure_html

    st.plotly_chart(fig, width="stretch", key=f"chart_{key}" if key else None,
                    config={"displaylogo": False, "toImageButtonOptions": {"format": "png",
                                                                          "scale": 2}})
    st.download_button(t("download_html", lang()), lambda: figure_html(fig),
                       f"bieu-do-{key or 'cchc'}.html", mime="text/html", type="tertiary",
                       icon=":material/download:", key=f"html_{key}" if key else None,
                       on_click="ignore")


def clickable_chart(fig, *, key: str):
    """A chart whose points can be clicked: the clicked point's customdata, else None."""
    event = st.plotly_chart(fig, width="stretch", key=f"chart_{key}", on_select="rerun",
                            selection_mode="points",
                            config={"displaylogo": False,
                                    "toImageButtonOptions": {"format": "png", "scale": 2}})
    points = event.selection.points if event and event.selection else []
    return points[0].get("customdata") if points else None


def downloads(units: pd.DataFrame, view: views.View, *, key: str, table=None,
              title=None) -> None:
    """Downloads of exactly the table on screen, as XLSX and CSV.

    Without `table`, the view's ranking (a sheet per block and the per-field detail).
    """
    from cchc_metrics.exports import file_stem, table_xlsx, to_csv_bytes, view_csv, view_xlsx

    rev = revision()
    stem = file_stem(view) + ("" if table is None else f"-{key}")
    version = data_version(rev, view) if view.year or view.level else None
    sample = is_sample(rev)
    if table is None:
        xlsx = lambda: view_xlsx(units, scores(rev), view, version, sample=sample,  # noqa: E731
                                 criteria=criteria(rev))
        csv = lambda: view_csv(units, view)  # noqa: E731
    else:
        xlsx = lambda: table_xlsx(table, view, title or key, version, sample=sample)  # noqa: E731
        csv = lambda: to_csv_bytes(table, view.lang)  # noqa: E731
    row = st.container(horizontal=True)
    row.download_button(
        t("download_xlsx", view.lang), xlsx, f"{stem}.xlsx", key=f"xlsx_{key}",
        icon=":material/table_view:", on_click="ignore",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    row.download_button(t("download_csv", view.lang), csv, f"{stem}.csv", key=f"csv_{key}",
                        icon=":material/download:", mime="text/csv", on_click="ignore")


def table_downloads(table: pd.DataFrame, view: views.View, *, key: str, title: str) -> None:
    """XLSX and CSV downloads of one table that is not a ranking (the audit log)."""
    downloads(table, view, key=key, table=table, title=title)


@contextlib.contextmanager
def writing(lang: str):
    """A write to the store: a refusal (another import holds it, the role is missing …) is shown
    as the store's own message, never as Streamlit's error view."""
    from cchc_metrics.store import StoreError

    try:
        yield
    except StoreError as exc:
        st.error(escape.markdown(exc.msg.text(lang)), icon=":material/error:")
