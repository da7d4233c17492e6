"""Tải dữ liệu lên: read a file, show what was found and what would change, then store it."""

import hashlib

import streamlit as st

from cchc_metrics import escape, views
from cchc_metrics.contract import LEVELS
from cchc_metrics.exports.template import build_template
from cchc_metrics.i18n import level_label, t
from cchc_metrics.ingest.problems import ScoreFileError
from cchc_metrics.ingest.reader import describe_columns, read_workbook
from dashboard import auth, data, upload, url, widgets

rev = data.revision()
lang = url.lang()
widgets.page_header("page_upload", views.View(lang=lang), rev)
auth.require("editor")
store = data.store()
st.download_button(t("template", lang), build_template(), "mau_nhap_diem_cchc.xlsx",
                   icon=":material/download:", on_click="ignore")
upload.allow_uploads()  # this session may now hold the one file it chooses
chosen = st.file_uploader(t("upload_file", lang), help=t("upload_help", lang), key="upload",
                          type=["xlsx", "xlsm", "xls", "ods", "csv", "txt"],
                          accept_multiple_files=True)
if gone := upload.dropped():  # over the budget for files held at once: say which went
    st.warning(t("upload_dropped", lang, files=", ".join(f"«{n}»" for n in gone)),
               icon=":material/warning:")
if len(chosen) > 1:  # several files at once: one self-assessment form per unit
    upload.criteria_batch(store, [(f.name, f.getvalue()) for f in chosen], lang)
chosen = chosen[0] if len(chosen) == 1 else None
# a merger crosswalk, service indicators, criterion scores or a targets sheet are previewed and
# stored by their own readers (each says False when the file is not of its kind); any other
# file is scores
if chosen is not None and not any(
        handle(store, chosen.name, chosen.getvalue(), lang)
        for handle in (upload.crosswalk, upload.indicator_file, upload.criteria_file,
                       upload.targets_file)):
    raw = chosen.getvalue()
    sha = hashlib.sha256(raw).hexdigest()
    with st.expander(t("corrections", lang)):
        c1, c2, c3 = st.columns(3)
        year = c1.number_input(t("year", lang), min_value=0, max_value=2100, value=0, step=1,
                               help=t("auto", lang) + " = 0", key="upload_year") or None
        url.relabel("upload_level")
        level = c2.selectbox(t("level", lang), [None, *LEVELS], key="upload_level",
                             format_func=lambda x: t("auto", lang) if x is None
                             else level_label(x, lang))
        block = c3.text_input(t("block_override", lang), key="upload_block").strip()
        columns = describe_columns(raw, name=chosen.name)
        mapping = upload.column_mapping(columns, lang)
    key = (sha, year, level, tuple(sorted(mapping.items())), block)
    previewed = st.session_state.get("upload_key") == key  # what the person has seen
    if not previewed:
        bar = st.progress(0.0, t("reading", lang))
        try:
            result = read_workbook(raw, year=year, level=level, name=chosen.name, block=block or None,
                                   mapping=mapping, progress=lambda f, m: bar.progress(f, m.text(lang)))
            st.session_state["upload_result"] = result
        except ScoreFileError as exc:
            st.session_state["upload_result"] = exc
        st.session_state["upload_key"] = key
        bar.empty()
    result = st.session_state["upload_result"]
    if isinstance(result, ScoreFileError):
        st.error(t("errors_found", lang, n=len(result.problems)), icon=":material/error:")
        widgets.problems(views.problem_table(result.problems, lang))
    else:
        scores = result.scores
        st.subheader(t("detected", lang))
        st.table(views.detected_table(result, lang), hide_index=True)  # wraps: fits the page
        new_units = views.preview_units(scores, data.scores(rev), result.bands)
        st.subheader(t("preview", lang))
        for (y, lv), part in new_units.groupby(["year", "level"], sort=True):
            st.caption(escape.markdown(t("preview_of", lang, year=y, level=level_label(lv, lang),
                                         blocks="; ".join(part["block"].unique()))))
        widgets.show_table(views.ranking_table(new_units, views.View(lang=lang), history=False),
                           lang, key="preview")
        codes, look = views.code_check(scores, lang)
        if not codes.empty:  # communes and districts: their official codes, for a person to check
            with st.expander(t("codes_title", lang, n=look), expanded=bool(look)):
                if look:
                    st.warning(t("codes_look", lang, n=look), icon=":material/help:")
                st.dataframe(codes, hide_index=True)
        confirmed = True
        notes, warnings = result.notes, result.to_confirm
        if notes:
            st.info(t("notes_found", lang), icon=":material/info:")
            widgets.problems(views.problem_table(notes, lang))
        if warnings:
            st.warning(t("warnings_found", lang, n=len(warnings)), icon=":material/warning:")
            widgets.problems(views.problem_table(warnings, lang))
            confirmed = st.checkbox(t("confirm_warnings", lang), key="upload_confirm_warnings")
        st.subheader(t("vs_active", lang))
        diff = views.compare_with_active(new_units, data.units(rev, "tot-kha-kem"), lang)
        if diff.empty:
            st.info(t("no_changes", lang), icon=":material/info:")
        else:
            widgets.show_table(diff, lang, key="diff")
        earlier = views.earlier_import(store.datasets(), sha)
        if earlier is not None:
            st.info(t("already_imported", lang, id=earlier[0],
                      status=t(f"status_{earlier[1]}", lang)), icon=":material/info:")
        note = st.text_input(t("note", lang), key="upload_note")
        go = st.button(t("confirm_import", lang), type="primary", disabled=not confirmed,
                       key="upload_go")
        if go and not previewed:
            # the file changed since the preview the person confirmed: show the new one first
            st.warning(t("upload_changed", lang), icon=":material/sync_problem:")
        elif go:
            bar = st.progress(0.0, t("storing", lang))
            with widgets.writing(lang):
                upload.save_mapping(columns, mapping)
                outcome = store.import_scores(
                    scores, file_name=chosen.name, file_bytes=raw, user=auth.actor(), note=note,
                    bands=result.bands, warnings=result.warnings,
                    progress=lambda done, total: bar.progress(done / max(total, 1),
                                                              t("storing", lang)))
                (st.info if outcome.duplicate else st.success)(
                    escape.markdown(outcome.message(lang)))
                year_shown = int(scores["year"].max())
                st.page_link("app_pages/tong-quan.py",
                             label=t("see_overview", lang, year=year_shown),
                             icon=":material/leaderboard:",
                             query_params={"year": str(year_shown),
                                           "level": str(scores["level"].iloc[0])})
            bar.empty()
upload.department_preset(store, data.base_units(rev), lang)
upload.package_preset(store, data.base_units(rev), rev, lang)
upload.targets_editor(store, data.targets(rev), lang)
upload.indicator_history(store, lang)
st.divider()
st.subheader(t("history", lang))
upload.history(store, lang)
