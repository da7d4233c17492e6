"""AppTest of «Báo cáo»: the preview shows the document's text and tables; the button makes the
.docx the download gives, and the overview and profile link to it."""

from __future__ import annotations

import io

from docx import Document

from tests.dashboard import test_pages as pages

app, demo_db, run_page, set_widget, texts = (pages.app, pages.demo_db, pages.run_page,
                                             pages.set_widget, pages.texts)


def test_the_report_page_previews_then_makes_the_word_document(app):
    at = run_page(app, "app_pages/bao-cao.py", year=2025, level="department")
    said = texts(at)
    assert "**1. Kết quả chung**" in said and "**2. Bảng xếp hạng**" in said
    assert not [b for b in at.get("download_button") if b.key == "report_download"]  # on request
    at.button(key="report_make").click().run()
    assert not at.exception, [e.message for e in at.exception]
    (download,) = [b for b in at.get("download_button") if b.key == "report_download"]
    assert download.proto.label == "Tải văn bản (.docx)"
    made = at.session_state["_report_docx"][1]
    doc = Document(io.BytesIO(made))
    assert "Độc lập - Tự do - Hạnh phúc" in doc.tables[0].rows[0].cells[1].text
    preview = [m.value for m in at.markdown if m.value.startswith("Năm 2025,")][0]
    assert preview.replace("\\", "") in "\n".join(p.text for p in doc.paragraphs)


def test_a_unit_report_and_the_links_from_overview_and_profile(app):
    at = run_page(app, "app_pages/tong-quan.py", year=2025, level="department")
    links = [p for p in at.get("page_link") if p.proto.label == "Soạn báo cáo"]
    assert links and "kind=block" in str(links[0].proto)
    at = run_page(app, "app_pages/ho-so.py", year=2025, level="department")
    links = [p for p in at.get("page_link") if p.proto.label == "Soạn báo cáo"]
    assert links and "kind=unit" in str(links[0].proto) and "unit=" in str(links[0].proto)
    at = run_page(app, "app_pages/bao-cao.py", year=2025, level="department")
    set_widget(at, "kind", "unit")
    assert not at.exception, [e.message for e in at.exception]
    assert "**1. Kết quả Chỉ số CCHC**" in texts(at)
    assert "đứng thứ" in texts(at)


def test_an_editor_uploads_the_province_s_template_and_reports_use_it(tmp_path, monkeypatch):
    import streamlit as st

    from cchc_metrics.reports.template import default_template
    from cchc_metrics.store import open_store
    from tests.dashboard import test_upload as up

    url = up.db.__wrapped__(tmp_path, monkeypatch)  # an empty store and an editor
    at = up.signed_in_app()
    at.switch_page("app_pages/bao-cao.py").run()
    assert not at.exception, [e.message for e in at.exception]
    bad = default_template().replace(b"word/document.xml", b"word/documenx.xml")
    at.file_uploader(key="report_template_file").set_value(("hong.docx", bad, DOCX)).run()
    assert any("Chưa dùng được mẫu này" in e.value for e in at.error)
    with open_store(url) as s:
        assert s.report_template() is None  # nothing kept
    mine = default_template()
    at.file_uploader(key="report_template_file").set_value(("mau_tinh.docx", mine, DOCX)).run()
    at.button(key="report_template_use").click().run()
    assert not at.exception, [e.message for e in at.exception]
    with open_store(url) as s:
        assert s.report_template() == ("mau_tinh.docx", mine)
        assert s.audit()["action"].tolist()[-1] == "report_template"
    at.run()
    assert any("«mau_tinh.docx»" in c.value for c in at.caption)
    at.button(key="report_make").click().run()
    assert not at.exception, [e.message for e in at.exception]
    assert at.get("download_button")
    st.cache_resource.clear()


DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
