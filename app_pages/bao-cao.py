"""Báo cáo: the documents officials write, drafted from the data — preview, then Word."""

import datetime as dt
import hashlib

import streamlit as st

from cchc_metrics import escape, reports, views
from cchc_metrics.i18n import t
from cchc_metrics.reports.template import PLACEHOLDERS, default_template
from dashboard import auth, data, filters, upload, url, widgets

view, units, rev = filters.page("page_reports")
lang = view.lang
if widgets.no_data(view):
    st.stop()
kinds = {k: t(f"report_kind_{k}", lang) for k in reports.KINDS}
kind = url.bound(st.selectbox, t("report_kind", lang), list(kinds), "kind",
                 format_func=kinds.get) or "block"
unit = None
if kind == "unit":
    names = data.memo("unit_choices", rev, (view.level, view.block, view.province, view.parent,
                                          view.search), lambda: views.unit_choices(units, view))
    if not names:
        widgets.nothing_found(view)
        st.stop()
    unit = widgets.unit_picker(names, lang)

with st.expander(t("report_letterhead", lang)):
    base = reports.Letterhead.from_settings(lang)
    left, right = st.columns(2)
    head = reports.Letterhead(
        parent_body=left.text_input(t("report_parent_body", lang), base.parent_body,
                                    key="report_parent_body"),
        issuing_body=left.text_input(t("report_issuing_body", lang), base.issuing_body,
                                     key="report_issuing_body"),
        number=left.text_input(t("report_number", lang), base.number, key="report_number",
                               placeholder=t("report_number_hint", lang)),
        place=right.text_input(t("report_place", lang), base.place, key="report_place"),
        date=right.date_input(t("report_date_field", lang), None, key="report_date",
                              format="DD/MM/YYYY", help=t("report_date_help", lang)),
        signer_title=right.text_area(t("report_signer_title", lang), base.signer_title,
                                     key="report_signer_title", height=68),
        signer_name=right.text_input(t("report_signer_name", lang), base.signer_name,
                                     key="report_signer_name"),
        recipients=[line for line in st.text_area(
            t("report_recipients", lang), "\n".join(base.recipients),
            key="report_recipients").splitlines() if line.strip()])

with st.expander(t("report_template", lang)):  # a province's own Word template (docxtpl)
    stored = data.store().report_template()
    st.caption(t("report_template_help", lang, fields=", ".join(
        f"{{{{ {k} }}}} ({m.text(lang)})" for k, m in PLACEHOLDERS.items())))
    st.download_button(t("report_template_default", lang), lambda: default_template(lang),
                       "mau_bao_cao.docx", icon=":material/download:", on_click="ignore",
                       key="report_template_default")
    st.caption(t("report_template_current", lang, file=stored[0]) if stored
               else t("report_template_none", lang))
    if auth.allowed("editor"):
        upload.report_template(data.store(), lang)
        stored = data.store().report_template()

report = data.memo("report", rev, (view, kind, unit), lambda: reports.build(
    kind, units, data.scores(rev), view, unit=unit, lineage=data.lineage(rev),
    criteria=data.criteria(rev), indicators=data.indicators(rev), targets=data.targets(rev),
    sample=data.is_sample(rev)))

# the document: made on request (a national ranking takes seconds), then downloaded
key = (rev, view, kind, unit, head, hashlib.sha256(stored[1]).hexdigest() if stored else None)
made = st.session_state.get("_report_docx")
if st.button(t("report_make", lang), type="primary", icon=":material/description:",
             key="report_make"):
    bar = st.progress(0.0, t("report_making", lang))
    made = (key, reports.to_docx(report, head, template=stored[1] if stored else None,
                                 progress=lambda f, m: bar.progress(
                                     min(f, 1.0), f"{t('report_making', lang)} "
                                                  f"{escape.markdown(m)}")))
    st.session_state["_report_docx"] = made
    bar.empty()
if made is not None and made[0] == key:
    stem = reports.file_name(kind, view, unit)
    st.download_button(t("report_download", lang), made[1], stem, key="report_download",
                       icon=":material/download:", on_click="ignore", type="primary",
                       mime="application/vnd.openxmlformats-officedocument."
                            "wordprocessingml.document")

# the preview: the document's text and tables, as they will print
st.divider()
st.subheader(report.title.upper())
st.markdown(f"**{escape.markdown(report.subtitle.splitlines()[0])}**")
if report.sample:
    st.caption(t("report_sample", lang))
for i, (heading, part) in enumerate(reports.numbered(report), start=1):
    st.markdown(f"**{escape.markdown(heading)}**")
    for text in part.paragraphs:
        st.markdown(escape.markdown(text))
    if part.table is not None and not part.table.empty:
        widgets.show_table(views.screen_table(part.table, lang), lang, key=f"report_table_{i}")
    if part.caption:
        st.caption(escape.markdown(part.caption))
st.caption(t("report_preview_note", lang, today=dt.date.today().strftime("%d/%m/%Y")))
