"""Every generated document re-opened with python-docx: its text and tables against the library's
numbers (the same functions build the screen, the export and the document), and its format."""

from __future__ import annotations

import io

import pytest
from docx import Document

from cchc_metrics import reports, views
from cchc_metrics.metrics import unit_table
from cchc_metrics.numbers import format_number
from cchc_metrics.sample.criteria import demo_criteria
from cchc_metrics.sample.demo import build_demo_scores
from cchc_metrics.sample.services import demo_indicators, demo_targets

HEAD = reports.Letterhead(parent_body="UBND tỉnh An Hòa", issuing_body="Sở Nội vụ",
                          place="An Hòa", signer_title="KT. GIÁM ĐỐC\nPHÓ GIÁM ĐỐC",
                          signer_name="Nguyễn Văn An", recipients=["- UBND tỉnh;", "- Lưu: VT."])


@pytest.fixture(scope="module")
def demo():
    scores = build_demo_scores()
    return scores, unit_table(scores)


def opened(data: bytes):
    return Document(io.BytesIO(data))


def table_texts(table) -> list[list[str]]:
    return [[c.text for c in row.cells] for row in table.rows]


def body_text(doc) -> str:
    return "\n".join(p.text for p in doc.paragraphs)


def test_a_block_report_holds_the_library_s_numbers_and_tables(demo):
    scores, units = demo
    view = views.View(year=2025, level="department")
    report = reports.build("block", units, scores, view, criteria=demo_criteria(),
                           indicators=demo_indicators(), targets=demo_targets(), sample=True)
    doc = opened(reports.to_docx(report, HEAD))
    text = body_text(doc)
    rows = units[(units["year"] == 2025) & (units["level"] == "department")]
    # the headline, computed here from the units: mean and median, best and worst
    assert f"bình quân đạt {format_number(rows['index_pct'].mean(), 2)}" in text
    assert f"trung vị {format_number(rows['index_pct'].median(), 2)}" in text
    best = rows.sort_values("index_pct", ascending=False).iloc[0]
    assert f"Đứng đầu là {best['unit']} ({format_number(best['index_pct'], 2)}" in text
    assert "Số liệu mẫu" in text  # sample data says so
    # the ranking: the screen's own table, cell for cell, in rank order
    ranking = views.ranking_table(units, view, history=False, note_column=False)
    want = [list(ranking.columns), *reports.cell_texts(ranking, "vi")]
    found = [t for t in doc.tables if table_texts(t)[0] == want[0]]
    assert found and table_texts(found[0]) == want
    assert [r[1] for r in want[1:]] == rows.sort_values(["rank", "unit"])["unit"].tolist()
    # the criteria most units lose points on, and the indicators, since the data has them
    assert "Tiêu chí nhiều đơn vị mất điểm nhất" in text and "Chỉ số phục vụ" in text
    assert len(doc.inline_shapes) >= 2  # the ranking's and the fields' charts


def test_a_level_of_several_blocks_is_reported_as_a_whole(demo):
    """Communes ranked within their districts: the headline counts every block together."""
    scores, units = demo
    view = views.View(year=2024, level="commune")
    report = reports.build("block", units, scores, view)
    rows = units[(units["year"] == 2024) & (units["level"] == "commune")]
    assert rows["block"].nunique() > 1
    text = " ".join(report.sections[0].paragraphs)
    assert f"có {len(rows)} đơn vị" in text
    ranking = report.sections[1].table
    assert len(ranking) == len(rows) and "Khối" in ranking.columns


def test_the_format_is_the_state_s(demo):
    """A4, NĐ 30's margins, Times New Roman, the motto block, place and date, the signature."""
    scores, units = demo
    view = views.View(year=2024, level="district")
    doc = opened(reports.to_docx(reports.build("block", units, scores, view), HEAD))
    section = doc.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)  # twips
    assert 20 <= round(section.top_margin.mm) <= 25 and 20 <= round(section.bottom_margin.mm) <= 25
    assert 30 <= round(section.left_margin.mm) <= 35 and 15 <= round(section.right_margin.mm) <= 20
    normal = doc.styles["Normal"].font
    assert normal.name == "Times New Roman" and 13 <= normal.size.pt <= 14
    masthead = table_texts(doc.tables[0])[0]
    assert masthead[0].splitlines() == ["UBND TỈNH AN HÒA", "SỞ NỘI VỤ", "Số:        /BC-SNV"]
    assert masthead[1].splitlines()[:2] == ["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
                                            "Độc lập - Tự do - Hạnh phúc"]
    assert masthead[1].splitlines()[2].startswith("An Hòa, ngày")
    dated = reports.Letterhead(place="An Hòa", date=__import__("datetime").date(2026, 2, 5))
    doc2 = opened(reports.to_docx(reports.build("block", units, scores, view), dated,
                                  images=False))
    assert "An Hòa, ngày 05 tháng 02 năm 2026" in doc2.tables[0].rows[0].cells[1].text
    dated.date = __import__("datetime").date(2026, 3, 15)
    doc2 = opened(reports.to_docx(reports.build("block", units, scores, view), dated,
                                  images=False))
    assert "An Hòa, ngày 15 tháng 3 năm 2026" in doc2.tables[0].rows[0].cells[1].text
    motto = doc.tables[0].rows[0].cells[1].paragraphs[1].runs[0]
    assert motto.bold and motto.underline
    signature = table_texts(doc.tables[-1])[0]
    assert signature[0].splitlines() == ["Nơi nhận:", "- UBND tỉnh;", "- Lưu: VT."]
    assert signature[1].splitlines()[:2] == ["KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC"]
    assert signature[1].splitlines()[-1] == "Nguyễn Văn An"
    assert "BÁO CÁO" in body_text(doc)


def test_a_unit_report_tells_its_paragraph_fields_plan_and_criteria(demo):
    scores, units = demo
    view = views.View(year=2025, level="department")
    criteria = demo_criteria()
    report = reports.build("unit", units, scores, view, unit="Sở Nội vụ", criteria=criteria)
    doc = opened(reports.to_docx(report, HEAD, images=False))
    text = body_text(doc)
    row = units[(units["year"] == 2025) & (units["unit"] == "Sở Nội vụ")].iloc[0]
    assert views.profile_paragraph(units, scores[scores["year"] == 2025], row) in text
    assert f"đứng thứ {int(row['rank'])}/{int(row['n_ranked'])}" in text
    named = views.weakest_criteria(criteria, "Sở Nội vụ", 2025, "department", "vi")
    assert named and named in text  # the plan names the criteria with most points lost
    history = [t for t in doc.tables if table_texts(t)[0][0] == "Năm"][0]
    assert [r[0] for r in table_texts(history)[1:]] == [
        str(y) for y in sorted(units.loc[units["unit"] == "Sở Nội vụ", "year"])]
    with pytest.raises(LookupError):
        reports.build("unit", units, scores, view, unit="Sở Không Có")


def test_the_appendix_prints_each_block_as_a_decision_s_appendix(demo):
    scores, units = demo
    view = views.View(year=2024, level="commune")
    doc = opened(reports.to_docx(reports.build("appendix", units, scores, view), HEAD))
    section = doc.sections[0]
    assert section.page_width > section.page_height  # landscape: ten columns
    tables = doc.tables[1:]  # after the masthead; no number nor signature: the decision's
    assert "Số:" not in doc.tables[0].rows[0].cells[0].text
    assert "Nơi nhận:" not in "\n".join(c.text for t in tables for c in t.rows[0].cells)
    blocks = sorted(units.loc[(units["year"] == 2024) & (units["level"] == "commune"), "block"]
                    .unique())
    assert len(tables) == len(blocks)
    header = table_texts(tables[0])[0]
    assert header == ["STT", "Đơn vị", "Điểm tối đa", "Điểm tự đánh giá", "Điểm thẩm định",
                      "Điểm ĐTXHH", "Tổng điểm", "Chỉ số (%)", "Hạng", "Xếp loại"]
    first = units[(units["year"] == 2024) & (units["block"] == blocks[0])].sort_values(
        ["rank", "unit"])
    body = table_texts(tables[0])[1:]
    assert [r[1] for r in body] == first["unit"].tolist()
    assert [r[7] for r in body] == [format_number(v, 2) for v in first["index_pct"]]
    assert [r[6] for r in body] == [format_number(v, 2) for v in first["points"]]
    # appraised fields + survey = total, as the decision prints it
    for r in body:
        fields = float(r[4].replace(".", "").replace(",", "."))
        survey = 0.0 if r[5] == "—" else float(r[5].replace(".", "").replace(",", "."))
        assert fields + survey == pytest.approx(float(r[6].replace(".", "").replace(",", ".")))


def test_english_on_request(demo):
    scores, units = demo
    view = views.View(year=2024, level="district", lang="en")
    doc = opened(reports.to_docx(reports.build("block", units, scores, view), HEAD,
                                 images=False))
    masthead = table_texts(doc.tables[0])[0][1]
    assert "Independence - Freedom - Happiness" in masthead
    rows = units[(units["year"] == 2024) & (units["level"] == "district")]
    assert f"mean PAR Index was {format_number(rows['index_pct'].mean(), 2, 'en')}" in \
        body_text(doc)


def test_the_chart_images_are_pngs_drawn_without_a_browser(demo):
    from cchc_metrics.reports.images import render

    scores, units = demo
    rows = units[(units["year"] == 2024) & (units["level"] == "commune")]
    png = render("ranking", rows, "vi", "Tốt:80,Khá:60,Kém:0", "Bảng xếp hạng")
    assert png.startswith(b"\x89PNG") and len(png) > 5000
    history = views.unit_history(units, rows["unit"].iloc[0], "commune")
    assert render("history", history, "vi").startswith(b"\x89PNG")


def test_cchc_report_writes_the_same_document_from_the_store(tmp_path, monkeypatch):
    from cchc_metrics.cli import main
    from cchc_metrics.sample.demo import write_demo_files
    from cchc_metrics.store import open_store

    url = f"sqlite:///{tmp_path / 'r.sqlite'}"
    with open_store(url) as s:
        for path in write_demo_files(tmp_path / "demo"):
            s.import_file(path, user=s.accounts.system_actor("demo"), note="mẫu")
    out = tmp_path / "bao_cao.docx"
    code = main(["report", "--db", url, "--year", "2024", "--level", "district", "--kind",
                 "block", "--issuer", "Sở Nội vụ", "-o", str(out)])
    assert code == 0
    doc = opened(out.read_bytes())
    assert "SỞ NỘI VỤ" in table_texts(doc.tables[0])[0][0]
    with open_store(url) as s:
        scores = s.scores()
    units = unit_table(scores, bands="Tốt:80,Khá:60,Kém:0")
    ranking = views.ranking_table(units, views.View(year=2024, level="district"), history=False,
                                  note_column=False)
    assert any(table_texts(t) == [list(ranking.columns), *reports.cell_texts(ranking, "vi")]
               for t in doc.tables)
    assert main(["report", "--db", url, "--year", "2024", "--level", "district", "--kind",
                 "unit", "--unit", "Không Có", "-o", str(tmp_path / "x.docx")]) == 2


def test_the_headline_table_gives_each_number_beside_last_year_s_and_the_change(demo):
    """Counted here from the units: units ranked, mean, median and each band's count."""
    scores, units = demo
    table = views.headline_table(units, views.View(year=2024, level="commune"))
    rows = units[units["level"] == "commune"]
    now, before = rows[rows["year"] == 2024], rows[rows["year"] == 2023]
    by = dict(zip(table["Nội dung"], table.itertuples(index=False), strict=True))
    assert by["Số đơn vị xếp hạng"][1:3] == (str(len(now)), str(len(before)))
    mean_change = round(now["index_pct"].mean(), 2) - round(before["index_pct"].mean(), 2)
    assert by["Chỉ số trung bình"][3] == \
        f"{'+' if mean_change >= 0 else '-'}{format_number(abs(mean_change), 2)} điểm phần trăm"
    good_now, good_before = (now["band"] == "Tốt").sum(), (before["band"] == "Tốt").sum()
    assert by["Xếp loại Tốt"][1].startswith(f"{good_now} (")
    assert by["Xếp loại Tốt"][3].startswith(f"{good_now - good_before:+d} (")


@pytest.mark.parametrize("year,level", [(2022, "district"), (2023, "district"),
                                        (2024, "commune"), (2025, "department")])
def test_the_headline_sentence_says_what_the_headline_table_shows(demo, year, level):
    scores, units = demo
    view = views.View(year=year, level=level)
    section = reports.build("block", units, scores, view).sections[0]
    table = section.table.set_index("Nội dung")
    text = section.paragraphs[0]
    assert f"bình quân đạt {table.loc['Chỉ số trung bình', str(year)]}" in text
    assert f"trung vị {table.loc['Chỉ số trung vị', str(year)]}" in text
    change = table.loc["Chỉ số trung bình", "Thay đổi"]  # «+0,89 điểm phần trăm»
    words = "tăng" if change.startswith("+") else "giảm"
    assert f"chỉ số {words} {change[1:]}" in text


def test_a_unit_without_an_index_is_left_out_of_the_headline_and_chart(demo):
    """metrics.rank leaves a unit without an index unranked: the report counts only the
    ranked, draws them, and the unit's own report says it is not ranked."""
    import numpy as np

    scores, _ = demo
    scores = scores.copy()
    scores.loc[(scores["year"] == 2025) & (scores["unit"] == "Sở Nội vụ"), "points"] = np.nan
    units = unit_table(scores)
    view = views.View(year=2025, level="department")
    ranked = units[(units["year"] == 2025) & (units["level"] == "department") &
                   units["index_pct"].notna()]
    report = reports.build("block", units, scores, view)
    assert f"có {len(ranked)} đơn vị" in report.sections[0].paragraphs[0]
    worst = ranked.sort_values("index_pct").iloc[0]
    assert f"thấp nhất là {worst['unit']} ({format_number(worst['index_pct'], 2)}" in \
        report.sections[0].paragraphs[0]
    assert opened(reports.to_docx(report, HEAD)).inline_shapes  # the chart is drawn
    own = reports.build("unit", units, scores, view, unit="Sở Nội vụ")
    assert "chưa được xếp hạng" in own.sections[0].paragraphs[0]
    reports.to_docx(own, HEAD)
