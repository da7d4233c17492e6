"""Widgets that take files: the upload page's (column mapping, remembered; forms uploaded
together; version history and rollback) and the reports page's template chooser."""

from __future__ import annotations

import threading

import pandas as pd
import streamlit as st

from cchc_metrics import settings, views
from cchc_metrics.i18n import t
from cchc_metrics.ingest.containers import BYTES_PER_MB
from dashboard.auth import actor
from dashboard.data import store
from dashboard.url import relabel
from dashboard.widgets import writing


def column_mapping(columns: pd.DataFrame, lang: str) -> dict[str, str]:
    """Let a person say what each column the reader did not recognise holds; remembered."""
    if columns.empty:
        return {}
    choices = views.mapping_choices(lang)
    signature = views.header_signature(columns)
    remembered = store().recall(f"mapping:{signature}") or {}
    unknown = columns[columns["role"].isna()]
    st.caption(t("columns_help", lang))
    mapping = {}
    for r in unknown.itertuples():
        default = remembered.get(r.header, "ignore")
        options = list(choices)
        picked = st.selectbox(f"{r.sheet} · {r.column} · «{r.header}»", options,
                              index=options.index(default) if default in options else 0,
                              format_func=choices.get, key=f"map_{signature}_{r.sheet}_{r.column}")
        if picked != "ignore":
            mapping[r.header] = picked
    return mapping


def save_mapping(columns: pd.DataFrame, mapping: dict[str, str]) -> None:
    """Remember a mapping for the next file with the same headers."""
    if mapping and not columns.empty:
        store().remember(f"mapping:{views.header_signature(columns)}", mapping,
                         user=actor())


def _probe(key: str, raw: bytes, read, extra=()):
    """What a reader makes of the file, read once per file and choices (`extra`, e.g. a column
    mapping): its result or its ScoreFileError; with the file's SHA-256."""
    import hashlib

    from cchc_metrics.ingest.problems import ScoreFileError

    sha = hashlib.sha256(raw).hexdigest()
    probe = st.session_state.get(key)
    if probe is None or probe[0] != (sha, extra):
        try:
            probe = ((sha, extra), read())
        except ScoreFileError as exc:
            probe = ((sha, extra), exc)
        st.session_state[key] = probe
    return probe[0][0], probe[1]


def loaded(raw: bytes, name: str):
    """The file loaded once (ingest.workbook.Workbook, or its ScoreFileError) for the readers
    that ask whether it is their kind, kept for this file only."""
    from cchc_metrics.ingest.workbook import load_workbook

    book = _probe("_loaded", raw, lambda: load_workbook(raw, name=name))[1]
    return raw if isinstance(book, Exception) else book  # a refusal: the reader says it


def _refused(found, not_mine: str, lang: str) -> bool | None:
    """A reader's refusal: False when the file is simply not of its kind (`not_mine`), True
    when its problems were shown; None when the file was read."""
    from cchc_metrics.ingest.problems import ScoreFileError
    from dashboard.widgets import problems

    if not isinstance(found, ScoreFileError):
        return None
    if [p.code for p in found.problems] == [not_mine]:
        return False
    st.error(t("errors_found", lang, n=len(found.problems)), icon=":material/error:")
    problems(views.problem_table(found.problems, lang))
    return True


def _confirmed(key: str, sha: str, label: str, lang: str) -> bool:
    """The confirm button, pressed for the file previewed (not one swapped in since)."""
    pressed = st.button(label, type="primary", key=f"{key}_go")
    seen = st.session_state.get(f"_{key}_seen")
    st.session_state[f"_{key}_seen"] = sha
    if pressed and seen != sha:
        st.warning(t("upload_changed", lang), icon=":material/sync_problem:")
        return False
    return pressed


def crosswalk(s, name: str, raw: bytes, lang: str) -> bool:
    """A merger crosswalk («Đơn vị mới | Đơn vị cũ | Từ ngày»): preview, problems, confirm.

    False when the file is not one (it is then read as something else).
    """
    from cchc_metrics.ingest.crosswalk import read_crosswalk

    book = loaded(raw, name)
    sha, frame = _probe("_crosswalk_probe", raw, lambda: read_crosswalk(book, name=name))
    if (shown := _refused(frame, "no_header", lang)) is not None:
        return shown
    st.subheader(t("crosswalk_preview", lang, n=len(frame)))
    st.dataframe(views.lineage_table(frame, lang), hide_index=True, placeholder="—")
    note = st.text_input(t("note", lang), key="crosswalk_note")
    if _confirmed("crosswalk", sha, t("crosswalk_confirm", lang), lang):
        with writing(lang):
            set_id = s.lineage.import_crosswalk(frame, file_name=name, file_bytes=raw,
                                                user=actor(), note=note)
            st.success(t("crosswalk_done", lang, id=set_id, n=len(frame)),
                       icon=":material/check_circle:")
    return True


def indicator_file(s, name: str, raw: bytes, lang: str) -> bool:
    """Service indicators (monthly announcements, one-stop statistics): what each period and
    level holds, the file's own rates that differ, then confirm. False when not such a file."""
    from cchc_metrics.ingest.indicators import indicator_columns, read_indicators

    book = loaded(raw, name)
    _, columns = _probe("_indicator_columns", raw, lambda: indicator_columns(book, name=name))
    if isinstance(columns, Exception) or columns.empty:
        return False  # not an indicator file (or one its own reader will refuse below)
    mapping = indicator_mapping(columns, lang)
    sha, result = _probe("_indicator_probe", raw, lambda: read_indicators(
        book, name=name, mapping=mapping), tuple(sorted(mapping.items())))
    if (shown := _refused(result, "no_indicator_header", lang)) is not None:
        return shown
    st.subheader(t("ind_preview", lang, n=len(result.rows)))
    st.table(views.indicator_preview(result.rows, lang), hide_index=True)
    _store_rows(s.indicators, "indicator", name, raw, sha, result.rows, result.warnings, lang)
    return True


def _store_rows(sets, key: str, name: str, raw: bytes, sha: str, rows: pd.DataFrame,
                warnings: list, lang: str) -> None:
    """The warnings to confirm, a note, the confirm button, then the rows stored as a set
    (store.indicators, store.criteria)."""
    from dashboard.widgets import problems

    ready = True
    if warnings:
        st.warning(t("warnings_found", lang, n=len(warnings)), icon=":material/warning:")
        problems(views.problem_table(warnings, lang))
        ready = st.checkbox(t("confirm_warnings", lang), key=f"{key}_warned")
    note = st.text_input(t("note", lang), key=f"{key}_note")
    if _confirmed(key, sha, t(f"{key}_confirm", lang), lang) and ready:
        with writing(lang):
            set_id = sets.import_rows(rows, file_name=name, file_bytes=raw, user=actor(),
                                      note=note)
            st.success(t(f"{key}_done", lang, id=set_id, n=len(rows)),
                       icon=":material/check_circle:")


def indicator_mapping(columns: pd.DataFrame, lang: str) -> dict[str, str]:
    """Let a person say what each column the indicator reader does not know holds."""
    from cchc_metrics.indicators import MEASURES, indicator_name
    from cchc_metrics.ingest.indicators import MAPPABLE

    unknown = columns[columns["role"].isna()]
    if unknown.empty:
        return {}
    options = ["ignore", *[k for k in MEASURES if k in MAPPABLE]]
    names = {"ignore": t("role_col_ignore", lang)} | {k: indicator_name(k, lang)
                                                      for k in options[1:]}
    mapping = {}
    with st.expander(t("ind_unknown_columns", lang, n=len(unknown)), expanded=True):
        st.caption(t("ind_unknown_help", lang))
        for r in unknown.itertuples():
            relabel(f"indmap_{r.sheet}_{r.column}")
            picked = st.selectbox(f"{r.sheet} · {r.column} · «{r.header}»", options,
                                  format_func=names.get, key=f"indmap_{r.sheet}_{r.column}")
            if picked != "ignore":
                mapping[r.header] = picked
    return mapping


def criteria_file(s, name: str, raw: bytes, lang: str) -> bool:
    """Criterion scores (the transposed table a council publishes): what each year holds, the
    sums that do not add up (within the file, and against the field points stored), then
    confirm. False when not such a file."""
    from cchc_metrics.ingest.criteria import read_criteria
    from dashboard.data import revision, scores

    book = loaded(raw, name)
    sha, result = _probe("_criteria_probe", raw, lambda: read_criteria(book, name=name))
    if (shown := _refused(result, "no_criteria_header", lang)) is not None:
        return shown
    st.subheader(t("criteria_preview", lang, n=len(result.rows)))
    st.table(views.criteria_preview(result.rows, lang), hide_index=True)
    said = result.warnings + views.field_warnings(result.rows, scores(revision()))
    _store_rows(s.criteria, "criteria", name, raw, sha, result.rows, said, lang)
    return True


def criteria_batch(s, files: list[tuple[str, bytes]], lang: str) -> None:
    """Several files at once, one self-assessment form per unit: every file's problems, the
    units each gives, then all stored together (each file its unit's version) or none."""
    import hashlib

    from cchc_metrics.ingest.criteria import read_criteria_files
    from cchc_metrics.ingest.problems import ScoreFileError
    from dashboard.data import revision, scores
    from dashboard.widgets import problems

    sha = hashlib.sha256(b"".join(hashlib.sha256(raw).digest() for _, raw in files)).hexdigest()
    seen = st.session_state.get("_batch_probe")  # (( SHA-256 of its key, extra), result)
    new = seen is None or seen[0][0] != hashlib.sha256(sha.encode()).hexdigest()
    bar = st.progress(0.0, t("reading", lang)) if new else None  # reading takes a moment
    _, read = _probe("_batch_probe", sha.encode(), lambda: read_criteria_files(files))
    if bar is not None:
        bar.empty()
    if isinstance(read, ScoreFileError):
        if {p.code for p in read.problems} == {"no_criteria_header"}:
            st.warning(t("batch_only_forms", lang), icon=":material/info:")
            return
        st.error(t("errors_found", lang, n=len(read.problems)), icon=":material/error:")
        problems(views.problem_table(read.problems, lang))
        return
    rows = pd.concat([r.rows for _, r in read], ignore_index=True)
    st.subheader(t("batch_preview", lang, files=len(read), n=len(rows)))
    st.table(views.batch_preview(read, lang), hide_index=True)
    said = [w for _, r in read for w in r.warnings] + views.field_warnings(rows, scores(revision()))
    ready = True
    if said:
        st.warning(t("warnings_found", lang, n=len(said)), icon=":material/warning:")
        problems(views.problem_table(said, lang))
        ready = st.checkbox(t("confirm_warnings", lang), key="batch_warned")
    note = st.text_input(t("note", lang), key="batch_note")
    if _confirmed("batch", sha, t("batch_confirm", lang, files=len(read)), lang) and ready:
        with writing(lang):
            ids = s.criteria.import_batch([(r.rows, name, raw) for (name, r), (_, raw)
                                           in zip(read, files, strict=True)],
                                          user=actor(), note=note)
            st.success(t("batch_done", lang, files=len(ids), first=ids[0], last=ids[-1]),
                       icon=":material/check_circle:")


def targets_file(s, name: str, raw: bytes, lang: str) -> bool:
    """A targets sheet («Chỉ tiêu | Cấp | Năm | Đơn vị | Giá trị»): preview, then replace the
    province's targets. False when not such a sheet."""
    from cchc_metrics.ingest.targets import read_targets

    book = loaded(raw, name)
    sha, frame = _probe("_targets_probe", raw, lambda: read_targets(book, name=name))
    if (shown := _refused(frame, "no_targets_header", lang)) is not None:
        return shown
    st.subheader(t("targets_preview", lang, n=len(frame)))
    st.dataframe(views.targets_table(frame, lang), hide_index=True)
    if _confirmed("targets_sheet", sha, t("targets_confirm", lang), lang):
        with writing(lang):
            set_id = s.targets.save(frame, user=actor(), file_name=name)
            st.success(t("targets_saved", lang, id=set_id, n=len(frame)),
                       icon=":material/check_circle:")
    return True


def targets_editor(s, targets: pd.DataFrame, lang: str) -> None:
    """The province's targets, edited in place by an editor and saved as a new version."""
    from cchc_metrics.contract import LEVELS
    from cchc_metrics.i18n import level_label
    from cchc_metrics.ingest.targets import check_targets, target_names
    from dashboard.widgets import problems

    with st.expander(t("targets_title", lang)):
        st.caption(t("targets_help", lang))
        table = views.targets_table(targets, lang)
        names = list(target_names(lang).values())
        edited = st.data_editor(
            table, num_rows="dynamic", hide_index=True, key="targets_edit", width="stretch",
            column_config={
                t("col_target_what", lang): st.column_config.SelectboxColumn(
                    options=names, required=True, width="large"),
                t("level", lang): st.column_config.SelectboxColumn(
                    options=[level_label(v, lang) for v in LEVELS], required=True),
                t("col_year", lang): st.column_config.NumberColumn(
                    min_value=2000, max_value=2100, step=1, format="%d"),
                t("col_target", lang): st.column_config.NumberColumn(min_value=0, step=0.01)})
        if st.button(t("targets_save", lang), key="targets_go"):
            frame, found = check_targets(views.targets_from_table(edited, lang),
                                         sheet=t("targets_title", lang))
            if found:
                st.error(t("errors_found", lang, n=len(found)), icon=":material/error:")
                problems(views.problem_table(found, lang))
                return
            with writing(lang):
                set_id = s.targets.save(frame, user=actor(), file_name="",
                                        note=t("targets_title", "vi"))
                st.success(t("targets_saved", lang, id=set_id, n=len(frame)),
                           icon=":material/check_circle:")


def indicator_history(s, lang: str) -> None:
    """Every indicator import; an editor withdraws one (its periods show the one before) or
    restores it."""
    sets = s.indicators.sets()
    if sets.empty:
        return
    with st.expander(t("ind_history", lang)):
        table = views.set_table(sets, lang)
        st.dataframe(table, hide_index=True)
        picked = st.selectbox(t("version", lang), sets["set_id"].tolist()[::-1],
                              key="ind_set", format_func=lambda i: f"#{i}")
        active = bool(sets.loc[sets["set_id"] == picked, "active"].iloc[0])
        label = t("ind_withdraw" if active else "ind_restore", lang, id=picked)
        if st.button(label, key="ind_set_go"):
            with writing(lang):
                s.indicators.set_active(int(picked), not active, user=actor())
                st.success(t("ind_withdrawn" if active else "ind_restored", lang, id=picked),
                           icon=":material/check_circle:")


def _offer(s, frame: pd.DataFrame, *, file_name: str, note: str, key: str, lang: str) -> None:
    """A lineage the library proposes: the table, then a button that stores it as a crosswalk."""
    st.dataframe(views.lineage_table(frame, lang), hide_index=True)
    if st.button(t("preset_confirm", lang), key=key):
        with writing(lang):
            set_id = s.lineage.import_crosswalk(
                frame, file_name=file_name, file_bytes=frame.to_csv(index=False).encode("utf-8"),
                user=actor(), note=note)
            st.success(t("crosswalk_done", lang, id=set_id, n=len(frame)),
                       icon=":material/check_circle:")


def department_preset(s, units: pd.DataFrame, lang: str) -> None:
    """The common 2025 department mergers that fit the data, offered for an official to
    confirm (places.department_preset); a province's own crosswalk takes precedence."""
    from cchc_metrics.places import department_preset as preset

    frame = preset(units)
    with st.expander(t("preset_title", lang, n=len(frame))):
        if frame.empty:
            st.info(t("preset_none", lang), icon=":material/info:")
            return
        st.caption(t("preset_help", lang))
        _offer(s, frame, file_name="sap-nhap-so-2025.csv", key="preset_go",
               note=t("preset_title", "vi", n=len(frame)), lang=lang)


def package_preset(s, units: pd.DataFrame, revision: int, lang: str) -> None:
    """The communes of the data found in the official 1 July 2025 conversion (places.
    package_lineage), looked up when asked (a few seconds for a whole province), offered for an
    official to confirm."""
    from cchc_metrics.places import package_lineage

    with st.expander(t("package_title", lang)):
        st.caption(t("package_help", lang))
        found = st.session_state.get("_package_lineage")
        if found is None or found[0] != revision:
            if not st.button(t("package_look", lang), key="package_look"):
                return
            with st.spinner(t("package_looking", lang)):
                found = (revision, package_lineage(units))
            st.session_state["_package_lineage"] = found
        frame = found[1]
        if frame.empty:
            st.info(t("package_none", lang), icon=":material/info:")
            return
        _offer(s, frame, file_name="vietnamadminunits-2025-07-01.csv", key="package_go",
               note="vietnamadminunits", lang=lang)


def history(s, lang: str) -> None:
    """Every version with who, when, file and note; the original file; rollback, confirmed."""
    if done := st.session_state.pop("_rollback_done", None):  # said after the rerun
        st.success(done, icon=":material/check_circle:")
    ds = s.datasets()
    if ds.empty:
        st.info(t("no_data", lang), icon=":material/info:")
        return
    history = views.history_table(ds, lang)
    long = {c: st.column_config.TextColumn(c, width="medium")  # fit 1366 px; whole on hover
            for c in (t("block", lang), t("col_file", lang), t("col_note", lang))}
    st.dataframe(history, hide_index=True, column_config=long, placeholder="—")
    ids = ds["dataset_id"].tolist()[::-1]
    if st.session_state.get("_history_ids") != ids:  # a new import: the picker shows it
        if "_history_ids" in st.session_state:
            st.session_state["history_pick"] = ids[0]  # set, so the browser's box shows it
        st.session_state["_history_ids"] = ids
    by_id = ds.set_index("dataset_id")
    c1, c2, c3 = st.columns([2, 1, 1], vertical_alignment="bottom")
    relabel("history_pick")
    picked = c1.selectbox(t("rollback_pick", lang), ids, key="history_pick",
                          format_func=lambda i: t("version_label", lang, id=i,
                                                  file=by_id.loc[i, "file_name"],
                                                  status=t(f"status_{by_id.loc[i, 'status']}",
                                                           lang)))
    row = by_id.loc[picked]
    c2.download_button(t("download_original", lang), s.file_bytes(row["sha256"]),
                       row["file_name"], key="history_download", icon=":material/download:",
                       on_click="ignore")
    me = actor()
    if me is None or not me.allows("editor"):
        return
    if c3.button(t("rollback", lang), key="history_rollback", disabled=row["status"] == "active"):
        st.session_state["_rollback_ask"] = int(picked)
    if st.session_state.get("_rollback_ask") == int(picked):
        confirm_rollback(s, int(picked), row, me, lang)


def confirm_rollback(s, picked: int, row, me, lang: str) -> None:
    """Ask before making an old version active again: it replaces what every page shows."""
    st.warning(t("rollback_ask", lang, id=picked, file=row["file_name"], years=row["years"],
                 blocks=row["blocks"]), icon=":material/history:")
    yes, no = st.columns(2)
    if no.button(t("cancel", lang), key="history_rollback_no"):
        st.session_state.pop("_rollback_ask", None)
        st.rerun()
    if yes.button(t("rollback_yes", lang, id=picked), key="history_rollback_yes",
                  type="primary"):
        st.session_state.pop("_rollback_ask", None)
        with writing(lang):
            st.session_state["_rollback_done"] = s.rollback(picked, user=me).message(lang)
            st.rerun()


# ---- what an anonymous client may leave in the server's memory -----------------------------------
# Streamlit keeps any file PUT to /_stcore/upload_file/<session id>/<any id> in memory for as
# long as that session lives, for any session, signed in or not, shown an upload widget or not
# (10 × 45 MB took a server from 78 MB to 641 MB). Streamlit has no setting for this, so the
# upload manager is wrapped once per process: files are kept only for sessions the upload page
# has shown its file chooser to (signed-in editors), within one file's budget per session
# (CCHC_MAX_FILE_MB in all, CCHC_MAX_UPLOAD_FILES files).

_UPLOADERS: set[str] = set()  # session ids shown the file chooser
_UPLOADERS_MAX = 10_000  # a bound on the set itself
_DROPPED: dict[str, list[str]] = {}  # session id → files let go to keep within the budget


def guard_uploads(manager=None) -> None:
    """Wrap the server's uploaded-file manager (once): see the comment above."""
    if manager is None:
        from streamlit.runtime import Runtime

        if not Runtime.exists():
            return  # a script run without a server (AppTest): nothing to guard
        manager = Runtime.instance().uploaded_file_mgr
    if getattr(manager, "_cchc_guarded", False):
        return
    add = manager.add_file
    guard = threading.Lock()

    def add_file(session_id, file):
        if session_id not in _UPLOADERS:
            return  # dropped: this session has no file chooser to fill
        with guard:
            held = getattr(manager, "file_storage", {}).get(session_id, {})
            if file.file_id in held:
                # Streamlit never sends a file id twice: a second PUT to the same URL (read
                # from a proxy log) would swap the file an editor previewed
                return
            # a batch (one form per unit) within one file's budget: the oldest files go first,
            # and the page says which (dropped())
            budget = settings.get("max_file_mb") * BYTES_PER_MB
            files = settings.get("max_upload_files")
            for other in list(held):
                if len(held) < files and sum(len(f.data) for f in held.values()) + \
                        len(file.data) <= budget:
                    break
                if len(_DROPPED) < _UPLOADERS_MAX:
                    _DROPPED.setdefault(session_id, []).append(held[other].name)
                manager.remove_file(session_id, other)
            add(session_id, file)

    manager.add_file = add_file
    manager._cchc_guarded = True


def dropped() -> list[str]:
    """The files this session chose that were let go to keep within the budget (once)."""
    from streamlit.runtime.scriptrunner import get_script_run_ctx

    ctx = get_script_run_ctx()
    return _DROPPED.pop(ctx.session_id, []) if ctx is not None else []


def allow_uploads() -> None:
    """This session is shown the file chooser (the upload page, an editor signed in)."""
    from streamlit.runtime.scriptrunner import get_script_run_ctx

    ctx = get_script_run_ctx()
    if ctx is None:
        return
    if len(_UPLOADERS) >= _UPLOADERS_MAX:  # forget sessions that have ended
        from streamlit.runtime import Runtime

        if Runtime.exists():
            _UPLOADERS.intersection_update(
                {s for s in _UPLOADERS if Runtime.instance().is_active_session(s)})
    if len(_UPLOADERS) < _UPLOADERS_MAX:
        _UPLOADERS.add(ctx.session_id)


def report_template(s, lang: str) -> None:
    """A province's Word template for reports: checked (reports.template), then kept; or back
    to the default layout. Editors only."""
    from cchc_metrics.ingest.problems import ScoreFileError
    from cchc_metrics.reports.template import check_template
    from dashboard.widgets import problems

    allow_uploads()
    chosen = st.file_uploader(t("report_template_upload", lang), type=["docx"],
                              key="report_template_file")
    if chosen is not None:
        try:
            data = check_template(chosen.getvalue(), chosen.name)
        except ScoreFileError as exc:
            st.error(t("report_template_refused", lang), icon=":material/error:")
            problems(views.problem_table(exc.problems, lang))
        else:
            if st.button(t("report_template_use", lang, file=chosen.name), type="primary",
                         key="report_template_use"):
                with writing(lang):
                    s.save_report_template(data, chosen.name, user=actor())
                st.success(t("report_template_saved", lang, file=chosen.name),
                           icon=":material/check_circle:")
    if s.report_template() is not None and st.button(t("report_template_reset", lang),
                                                     key="report_template_reset"):
        with writing(lang):
            s.save_report_template(None, user=actor())
        st.rerun()
