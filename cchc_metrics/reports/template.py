"""A province's own Word template (docxtpl): checked like any untrusted upload — size, zip limits,
macros, what the file really is — its Jinja run in a sandbox, the report poured into it."""

from __future__ import annotations

import io
import re

from cchc_metrics.i18n import Msg
from cchc_metrics.ingest.problems import ScoreFileError, problem, refuse

# Each place a template may fill: the masthead, the title, the body, the signature.
PLACEHOLDERS: dict[str, Msg] = {
    "co_quan_chu_quan": Msg("cơ quan chủ quản, vd. UBND TỈNH AN HÒA", "the parent body"),
    "co_quan_ban_hanh": Msg("cơ quan ban hành, vd. SỞ NỘI VỤ", "the issuing body"),
    "so_hieu": Msg("số, ký hiệu văn bản", "the document's number"),
    "quoc_hieu": Msg("quốc hiệu", "the nation's name"),
    "tieu_ngu": Msg("tiêu ngữ", "the motto"),
    "dia_danh_ngay": Msg("địa danh, ngày tháng năm", "place and date"),
    "tieu_de": Msg("tên loại văn bản, vd. BÁO CÁO", "the kind of document, e.g. REPORT"),
    "trich_yeu": Msg("trích yếu nội dung", "what the document is about"),
    "noi_dung": Msg("nội dung báo cáo (viết {{p noi_dung }} trên một đoạn riêng)",
                    "the report's body (write {{p noi_dung }} in a paragraph of its own)"),
    "noi_nhan": Msg("danh sách nơi nhận", "the recipients"),
    "chuc_vu_nguoi_ky": Msg("chức vụ người ký", "the signer's title"),
    "nguoi_ky": Msg("họ tên người ký", "the signer's name"),
}
# a province's template may write the nation's name, the motto and the parent body as text
OPTIONAL = {"co_quan_chu_quan", "quoc_hieu", "tieu_ngu"}
REQUIRED = [k for k in PLACEHOLDERS if k not in OPTIONAL]


def _sandbox():
    """Jinja that cannot reach Python's internals, with no globals (range, lipsum …): a template
    is an uploaded file. The template itself may hold only placeholders (check_template)."""
    from jinja2.sandbox import SandboxedEnvironment

    env = SandboxedEnvironment()
    env.globals.clear()
    return env


def check_template(data: bytes, name: str = "") -> bytes:
    """The template's bytes when it can be used; else ScoreFileError saying what is wrong: not
    a Word document, too large, macros or links to outside, anything but placeholders, a
    placeholder missing or unknown, the body's placeholder inside a sentence."""
    from cchc_metrics.ingest.containers import read_source, sniff, unpacked_within_limits

    data, name = read_source(data, name)
    if sniff(data, name) != "zip":
        raise _not_docx()
    names = unpacked_within_limits(data)
    if "word/document.xml" not in names:
        raise _not_docx()
    if any(n.lower().endswith("vbaproject.bin") for n in names):
        raise refuse("template_macros", "Mẫu có macro (.docm): hãy lưu lại dạng .docx không "
                     "macro.", "The template has macros (.docm): save it as a .docx without "
                     "macros.")
    _nothing_from_outside(data, names)
    parsed = _parsed(data)
    problems = _expressions(parsed)
    found = {n.name for n in parsed.find_all(_jinja_nodes().Name)}
    problems += [problem("template_missing", f"Mẫu thiếu chỗ điền {{{{ {k} }}}} "
                         f"({PLACEHOLDERS[k].vi}).", f"The template lacks the placeholder "
                         f"{{{{ {k} }}}} ({PLACEHOLDERS[k].en}).", value=k)
                 for k in REQUIRED if k not in found]
    known = ", ".join(PLACEHOLDERS)
    problems += [problem("template_unknown", f"{{{{ {k} }}}} không phải chỗ điền của báo cáo; "
                         f"các chỗ điền: {known}.", f"{{{{ {k} }}}} is not a placeholder of "
                         f"reports; they are: {known}.", value=k)
                 for k in sorted(found) if k not in PLACEHOLDERS]
    if problems:
        raise ScoreFileError(problems)
    if not _BODY.search(_text_of(data)):  # inside a sentence, a body breaks the paragraph
        raise _body_refusal()
    _trial(data)
    return data


def _jinja_nodes():
    from jinja2 import nodes

    return nodes


# What a document may not carry in from outside: a remote template (macros through a
# «macro-free» .docx), objects, controls, embedded files, and fields that run or fetch things.
_REFUSED_RELATIONS = ("/attachedTemplate", "/oleObject", "/control", "/aFChunk", "/package",
                      "/subDocument", "/frame")
_REFUSED_FIELDS = re.compile(r"^\s*(DDE|DDEAUTO|INCLUDETEXT|INCLUDEPICTURE|IMPORT|LINK)\b", re.I)


def _nothing_from_outside(data: bytes, names: set[str]) -> None:
    import zipfile

    said = []
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        for member in sorted(names):
            low = member.lower()
            if low.startswith(("word/embeddings/", "word/activex/")):
                said.append(member)
            elif low.endswith(".rels"):
                text = zf.read(member).decode("utf-8", "replace")
                for rel in re.findall(r"<Relationship\b[^>]*>", text):
                    kind = re.search(r'Type="([^"]*)"', rel)
                    kind = kind.group(1) if kind else ""
                    outside = re.search(r'TargetMode="External"', rel) is not None
                    if kind.endswith(_REFUSED_RELATIONS) or (
                            outside and not kind.endswith("/hyperlink")):
                        said.append(f"{member}: {kind.rsplit('/', 1)[-1]}")
            elif low.startswith("word/") and low.endswith(".xml"):
                text = zf.read(member).decode("utf-8", "replace")
                codes = re.findall(r'w:instr="([^"]*)"', text) + re.findall(
                    r"<w:instrText[^>]*>([^<]*)</w:instrText>", text)
                said += [f"{member}: {c.strip()[:40]}" for c in codes if _REFUSED_FIELDS.match(c)]
    if said:
        raise refuse("template_outside", "Mẫu có nội dung lấy từ bên ngoài hoặc tự chạy (mẫu "
                     "đính kèm từ xa, đối tượng nhúng, trường DDE/INCLUDE): hãy dùng văn bản Word "
                     "thường rồi tải lại.", "The template brings in content from outside or runs "
                     "something (a remote template, embedded objects, DDE/INCLUDE fields): use a "
                     "plain Word document and upload it again.", value="; ".join(said[:5]))


def _parsed(data: bytes):
    """The Jinja of the body, headers and footers, as docxtpl joins Word's runs back."""
    from docx import Document
    from docx.oxml import parse_xml
    from docxtpl import DocxTemplate
    from jinja2 import TemplateError

    try:
        tpl = DocxTemplate(io.BytesIO(data))
        doc = Document(io.BytesIO(data))
        xml = tpl.patch_xml(tpl.xml_to_string(doc.element.body))
        for rel in doc.part.rels.values():
            if rel.reltype in (tpl.HEADER_URI, tpl.FOOTER_URI) and rel.target_part.blob:
                xml += tpl.patch_xml(tpl.xml_to_string(parse_xml(rel.target_part.blob)))
    except Exception:  # noqa: BLE001 — lxml, a missing part: the file is broken
        raise refuse("template_corrupt", "Không mở được mẫu: hãy mở bằng Word rồi lưu lại dạng "
                     ".docx.", "The template cannot be opened: open it in Word and save it "
                     "again as .docx.") from None
    try:
        return _sandbox().parse(xml)
    except TemplateError as exc:
        raise refuse("template_syntax", "Có chỗ điền viết sai (thiếu hoặc thừa dấu ngoặc): mỗi "
                     "chỗ điền có dạng {{ so_hieu }}.", f"A placeholder is malformed ({exc}): each "
                     "is written like {{ so_hieu }}.") from None


def _expressions(parsed) -> list:
    """Anything but a plain placeholder: calculations, filters, loops, conditions — a
    report's template needs none, and they can stall the server (a string times 10⁷)."""
    nodes = _jinja_nodes()
    allowed = (nodes.Template, nodes.Output, nodes.TemplateData, nodes.Name)
    odd = {type(n).__name__ for n in parsed.find_all(nodes.Node) if not isinstance(n, allowed)}
    if not odd:
        return []
    return [problem("template_expression", "Mẫu chỉ được có các chỗ điền như {{ so_hieu }}: "
                    "không dùng phép tính, bộ lọc, vòng lặp hay điều kiện.", "A template may "
                    "hold only placeholders such as {{ so_hieu }}: no calculations, filters, "
                    "loops or conditions.", value=", ".join(sorted(odd)))]


def _not_docx() -> ScoreFileError:
    return refuse("template_not_docx", "Mẫu văn bản phải là tệp Word (.docx).",
                  "The template must be a Word document (.docx).")


def _trial(data: bytes) -> None:
    """A small report poured into the template and opened again: «{{ noi_dung }}» written
    inside a sentence instead of on a paragraph of its own breaks the document."""
    from docx import Document

    from cchc_metrics.reports.content import Report, Section

    report = Report("block", "Báo cáo", "Thử mẫu", [Section("Thử", ["Một đoạn."])])
    fill = {k: k for k in PLACEHOLDERS}
    from jinja2.exceptions import SecurityError

    try:
        out = render_template(data, report, fill,
                              lambda doc, width: doc.add_paragraph("Một đoạn."))
        Document(io.BytesIO(out))
    except SecurityError:
        raise refuse("template_unsafe", "Mẫu có biểu thức không được phép (chỉ dùng các chỗ "
                     "điền như {{ so_hieu }}).", "The template holds an expression that is not "
                     "allowed (use only placeholders such as {{ so_hieu }}).") from None
    except Exception:  # noqa: BLE001 — the checks above passed, yet it does not fill
        raise refuse("template_fill", "Không điền được mẫu này: hãy bắt đầu lại từ mẫu mặc "
                     "định và giữ nguyên các chỗ điền.", "This template cannot be filled: start "
                     "again from the default template and keep its placeholders.") from None


_BODY = re.compile(r"\{\{p\s+noi_dung\s*\}\}")


def _text_of(data: bytes) -> str:
    """The document's text with Word's run boundaries taken out («{{p noi_» «dung }}»)."""
    import zipfile

    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        xml = zf.read("word/document.xml").decode("utf-8", "replace")
    return re.sub(r"<[^>]+>", "", xml)


def _body_refusal() -> ScoreFileError:
    return refuse("template_body", "Chỗ điền nội dung phải đứng riêng một đoạn và viết "
                  "{{p noi_dung }} (có chữ p).", "The body's placeholder must be a paragraph of "
                  "its own, written {{p noi_dung }} (with the p).")


def render_template(template: bytes, report, fill: dict[str, str], write_body) -> bytes:
    """The template filled: `fill`'s texts (lines kept), the body written by `write_body`
    into a sub-document at {{p noi_dung }} (`write_body(doc, text width in cm)`); values
    escaped, Jinja sandboxed."""
    from docxtpl import DocxTemplate, Listing

    tpl = DocxTemplate(io.BytesIO(template))
    sub = tpl.new_subdoc()
    page = tpl.get_docx().sections[-1]  # the body is as wide as the template's own text
    write_body(sub, (page.page_width - page.left_margin - page.right_margin) / 360_000)
    context = {k: Listing(v) if "\n" in v else v for k, v in fill.items()}
    context["noi_dung"] = sub
    tpl.render(context, jinja_env=_sandbox(), autoescape=True)
    out = io.BytesIO()
    tpl.save(out)
    return out.getvalue()


def default_template(lang: str = "vi") -> bytes:
    """The default layout with a placeholder in each place: a province edits it in Word and
    uploads it back."""
    from docx import Document

    from cchc_metrics.reports.content import Report
    from cchc_metrics.reports.word import _para, layout

    doc = Document()
    report = Report("block", "", "", [], lang)
    fill = {k: f"{{{{ {k} }}}}" for k in PLACEHOLDERS}
    layout(doc, report, fill, lambda: _para(doc, "{{p noi_dung }}"))
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()
