"""What a report says, as plain data: sections of paragraphs, a table and a chart each.

The paragraphs are the library's sentences (the profile's, the services page's), the tables the
very functions the pages and exports use; `word` lays them out in the state's format.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from cchc_metrics import views
from cchc_metrics.fields import field_label
from cchc_metrics.i18n import number, pct, t
from cchc_metrics.numbers import roman
from cchc_metrics.views import View

KINDS = ("block", "unit", "appendix")


@dataclass
class Chart:
    """A chart to draw as an image: its kind (reports.images) and the frame it draws."""

    kind: str
    data: pd.DataFrame
    title: str = ""
    bands: str | None = None  # the band scheme colouring a ranking's bars


@dataclass
class Section:
    """A heading, its paragraphs, then a table and/or a chart."""

    heading: str
    paragraphs: list[str] = field(default_factory=list)
    table: pd.DataFrame | None = None
    chart: Chart | None = None
    caption: str = ""  # a line under the table (a note on «≈», what the table is)


@dataclass
class Report:
    """A whole document: the kind, its title lines and sections (in the language asked)."""

    kind: str
    title: str
    subtitle: str
    sections: list[Section]
    lang: str = "vi"
    sample: bool = False
    landscape: bool = False  # an appendix's ten columns need the page's width


def numbered(report: Report) -> list[tuple[str, Section]]:
    """Each section with its heading as printed: «2. Bảng xếp hạng»; an appendix's blocks
    already carry their Roman numerals."""
    return [(part.heading if report.kind == "appendix" else f"{i}. {part.heading}", part)
            for i, part in enumerate(report.sections, start=1)]


def _words(view: View) -> str:
    """Who the report is of, as a report says it: «sở, ban, ngành», «xã, thị trấn của huyện
    Mỹ Lộc» (views.block_words), or the level's units."""
    from cchc_metrics.views.profile import block_words

    return block_words(view.level, view.block, view.lang) if view.block else \
        t(f"level_units_{view.level}", view.lang)


def block_report(units: pd.DataFrame, scores: pd.DataFrame, view: View, *,
                 criteria: pd.DataFrame | None = None, indicators: pd.DataFrame | None = None,
                 targets: pd.DataFrame | None = None, sample: bool = False,
                 progress=None) -> Report:
    """Báo cáo kết quả Chỉ số CCHC năm N of a level or block: headline, ranking, movers,
    fields, criteria and indicators where the data has them."""
    lang, year = view.lang, int(view.year)
    step = progress or (lambda fraction, text: None)
    rows = views.select(units, view)
    sections = []
    step(0.1, t("report_step_headline", lang))
    # the overview's note when the number of units changed (its cards are a block's)
    note = views.overview_cards(units, view).note if view.block or \
        rows["block"].nunique() == 1 else ""
    headline = views.headline_table(units, view)
    sections.append(Section(t("report_headline", lang),
                            [_headline_sentence(units, view)] + ([note] if note else []),
                            headline))
    step(0.3, t("report_step_ranking", lang))
    ranking = views.ranking_table(units, view, history=False, note_column=False)
    block, parent = t("col_block", lang), t("col_parent", lang)
    if block in ranking and parent in ranking and ranking[block].equals(ranking[parent]):
        ranking = ranking.drop(columns=parent)  # communes ranked by district: said once
    sections.append(Section(t("report_ranking", lang), [t("report_ranking_text", lang,
                                                          n=number(len(rows), 0, lang))],
                            ranking, Chart("ranking", rows, t("report_ranking", lang), view.bands),
                            ranking.attrs.get("noise_note", "")))
    up, down = views.movers(units, view)
    if not up.empty or not down.empty:
        sections.append(Section(t("report_movers", lang), [_movers_sentence(up, down, lang)],
                                views.movers_table(pd.concat([up, down]), lang)))
    step(0.6, t("report_step_fields", lang))
    fields, fsum = views.fields_of_block(scores, view)
    if views.by_field(fields):
        table = views.field_table(fsum, lang)
        sections.append(Section(t("report_fields", lang), [_fields_sentence(table, lang)],
                                table, Chart("fields", table, t("report_fields", lang))))
    if criteria is not None and views.has_criteria(criteria, view):
        table = views.criteria_table(criteria, view).head(10)
        text = [t("report_criteria_text", lang, items="; ".join(
            f"{c} ({pct(s, 2, lang)})" for c, s in zip(table.iloc[:3, 0], table.iloc[:3, 3],
                                                       strict=True)))]
        if note := views.framework_note(criteria, view):
            text.append(note)
        sections.append(Section(t("report_criteria", lang), text, table))
    step(0.8, t("report_step_indicators", lang))
    if indicators is not None and not indicators.empty:
        sections += _indicator_sections(indicators, targets, view)
    return Report("block", t("report_title_block", lang),
                  t("report_subtitle_block", lang, year=year, words=_words(view)), sections,
                  lang, sample)


def _headline_sentence(units: pd.DataFrame, view: View) -> str:
    """The headline table's numbers in a sentence (views.headline: the same summary row)."""
    lang = view.lang
    s = views.headline(units, view)
    if s is None:
        return ""
    text = t("report_headline_text", lang, year=view.year, words=_words(view),
             n=number(int(s["n_units"]), 0, lang), mean=pct(s["mean_index_pct"], 2, lang),
             median=pct(s["median_index_pct"], 2, lang))
    if pd.notna(s["delta_mean_pct"]):
        delta = float(s["delta_mean_pct"])
        text += t("report_headline_change", lang, prev=view.year - 1, change=t(
            "index_up" if delta >= 0 else "index_down", lang, d=number(abs(delta), 2, lang)))
    return text + t("report_headline_ends", lang, best=s["best_unit"],
                    best_idx=pct(s["best_index_pct"], 2, lang), worst=s["worst_unit"],
                    worst_idx=pct(s["worst_index_pct"], 2, lang))


def _movers_sentence(up: pd.DataFrame, down: pd.DataFrame, lang: str) -> str:
    parts = []
    if not up.empty:
        parts.append(t("report_up", lang, units="; ".join(
            t("report_moved", lang, unit=r.unit, n=number(abs(r.rank_change), 0, lang),
              rank=number(r.rank, 0, lang)) for r in up.itertuples())))
    if not down.empty:
        parts.append(t("report_down", lang, units="; ".join(
            t("report_moved", lang, unit=r.unit, n=number(abs(r.rank_change), 0, lang),
              rank=number(r.rank, 0, lang)) for r in down.itertuples())))
    return " ".join(parts)


def _fields_sentence(table: pd.DataFrame, lang: str) -> str:
    """The field tables' first rows lose most points (views.field_table's order)."""
    name, pct_col, lost = table.columns[0], table.columns[3], table.columns[4]
    ordered = table.sort_values(pct_col, kind="stable")
    return t("report_fields_text", lang,
             low=f"{ordered.iloc[0][name]} ({pct(ordered.iloc[0][pct_col], 2, lang)})",
             high=f"{ordered.iloc[-1][name]} ({pct(ordered.iloc[-1][pct_col], 2, lang)})",
             lost=f"{table.iloc[0][name]} ({number(table.iloc[0][lost], 2, lang)})")


def _indicator_sections(indicators, targets, view: View) -> list[Section]:
    from cchc_metrics.indicators import SERVICE_INDEX

    lang = view.lang
    month = views.latest_month(views.indicator_months(indicators), view.year, view.level)
    if month is None:
        return []
    texts, table = [], None
    for indicator in ("on_time_rate", SERVICE_INDEX):
        rows = views.indicator_rows(indicators, targets, view, indicator, month, month)
        if rows.empty:
            continue
        texts.append(views.indicator_sentence(rows, indicator, view, month, month))
        if table is None:
            table = views.indicator_ranking(rows, indicator, lang)
    if not texts:
        return []
    return [Section(t("report_indicators", lang), texts, table)]


def unit_report(units: pd.DataFrame, scores: pd.DataFrame, view: View, unit: str, *,
                lineage: pd.DataFrame | None = None, criteria: pd.DataFrame | None = None,
                indicators: pd.DataFrame | None = None, targets: pd.DataFrame | None = None,
                sample: bool = False) -> Report:
    """One unit's report: its paragraph and history, its fields against the block, self-
    assessed against appraised, what it takes to move up, its predecessors, its indicators."""
    lang = view.lang
    history = views.unit_history(units, unit, view.level)
    if history.empty:
        raise LookupError(unit)
    this_year = history[history["year"] == view.year]
    row = (this_year if not this_year.empty else history).iloc[-1]
    year = int(row["year"])
    block = scores[(scores["year"] == year) & (scores["block"] == row["block"])]
    sections = [Section(t("report_unit_result", lang),
                        [views.profile_paragraph(units, block, row, lang, lineage)],
                        views.unit_history_table(history, lang),
                        Chart("history", history, t("report_unit_history", lang)))]
    table, fields = views.unit_field_table(block, row, lang)
    if not table.empty and fields["points"].notna().any():
        sections.append(Section(t("report_unit_fields", lang), [_unit_fields_sentence(
            fields, lang)], table, Chart("vs_block", fields, t("report_unit_fields", lang))))
        assessed = fields[fields["self_points"].notna()]  # the survey has no self-assessment
        own, got = assessed["self_points"].sum(min_count=1), assessed["points"].sum()
        if pd.notna(own):
            sections.append(Section(t("report_unit_self", lang), [t(
                "report_self_text", lang, own=number(own, 2, lang), got=number(got, 2, lang),
                gap=number(own - got, 2, lang))]))
    plan = [views.plan_sentence(units, block, row, view.bands, lang, criteria)]
    if goals := views.par_targets(targets, units, row, lang):
        plan.append(goals)
    sections.append(Section(t("report_unit_plan", lang), plan))
    if criteria is not None and not criteria.empty:
        tree = views.unit_criteria_table(criteria, unit, year, row["level"], lang)
        if not tree.empty:
            sections.append(Section(t("report_unit_criteria", lang), [], tree))
    merged = views.unit_lineage(units, lineage, unit, row["level"], lang) \
        if lineage is not None else None
    if merged and "predecessors" in merged:
        sections.append(Section(t("report_unit_lineage", lang), [merged["sentence"]],
                                merged["predecessors"], caption=merged["method"]))
    if indicators is not None and not indicators.empty and (
            line := views.unit_indicators(indicators, targets, unit, row["level"], lang)):
        sections.append(Section(t("report_indicators", lang), [line]))
    return Report("unit", t("report_title_unit", lang),
                  t("report_subtitle_unit", lang, year=year, unit=unit), sections, lang, sample)


def _unit_fields_sentence(fields: pd.DataFrame, lang: str) -> str:
    above = fields[fields["pct"] >= fields["block_mean_pct"]]
    below = fields[fields["pct"] < fields["block_mean_pct"]]
    return t("report_unit_fields_text", lang,
             above=number(len(above), 0, lang), below=number(len(below), 0, lang),
             names=", ".join(field_label(c, lang) for c in below["component"]) or "—")


def appendix(units: pd.DataFrame, scores: pd.DataFrame, view: View, *,
             sample: bool = False) -> Report:
    """A decision's appendix: a ranking table per block, as the appendix prints it."""
    lang = view.lang
    rows = views.select(units, view)
    sections = []
    for i, block in enumerate(dict.fromkeys(rows.sort_values("block")["block"]), start=1):
        table = views.appendix_table(units, scores, view.but(block=block))
        sections.append(Section(f"{roman(i)}. {block}", [], table))
    return Report("appendix", t("report_title_appendix", lang),
                  t("report_subtitle_appendix", lang, year=view.year, words=_words(view),
                    year_next=int(view.year) + 1),
                  sections, lang, sample, landscape=True)


def build(kind: str, units: pd.DataFrame, scores: pd.DataFrame, view: View, *,
          unit: str | None = None, lineage=None, criteria=None, indicators=None, targets=None,
          sample: bool = False, progress=None) -> Report:
    """The report of `kind` (block, unit, appendix): the page and `cchc report` call this."""
    if kind == "block":
        return block_report(units, scores, view, criteria=criteria, indicators=indicators,
                            targets=targets, sample=sample, progress=progress)
    if kind == "unit":
        if not unit:
            raise LookupError("")
        return unit_report(units, scores, view, unit, lineage=lineage, criteria=criteria,
                           indicators=indicators, targets=targets, sample=sample)
    if kind == "appendix":
        return appendix(units, scores, view, sample=sample)
    raise ValueError(kind)


def file_name(kind: str, view: View, unit: str | None = None) -> str:
    """A download name that says what the document is, in Vietnamese:
    bao-cao-don-vi-so-noi-vu-2025.docx, phu-luc-2024-cap-xa.docx."""
    import re

    from cchc_metrics.exports import file_stem
    from cchc_metrics.names import fold

    words = {"block": "bao-cao", "unit": "bao-cao-don-vi", "appendix": "phu-luc"}[kind]
    if kind == "unit" and unit:
        return f"{words}-{re.sub(r'[^a-z0-9]+', '-', fold(unit)).strip('-')}-{view.year}.docx"
    return file_stem(view).replace("chi-so-cchc", words) + ".docx"
