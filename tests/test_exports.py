"""Exports hold exactly the table the page shows, formatted, and never run a formula."""

from __future__ import annotations

import csv
import io
from datetime import datetime

import openpyxl
import pandas as pd
import pytest

import cchc_metrics as cm
from cchc_metrics import views
from cchc_metrics.exports import to_csv_bytes, view_csv, view_xlsx
from cchc_metrics.model import SCORE_COLUMNS

NOW = datetime(2026, 11, 23, 9, 30)


@pytest.fixture(scope="module")
def demo():
    from cchc_metrics.demo import build_demo_scores

    scores = build_demo_scores()
    return scores, cm.unit_table(scores)


def sheet_rows(ws) -> tuple[int, list[list]]:
    """(header row number, rows from the header down) of an exported sheet."""
    rows = [list(r) for r in ws.iter_rows(values_only=True)]
    header = next(i for i, r in enumerate(rows) if r and r[0] in ("Năm", "Year"))
    return header + 1, rows[header:]


def test_xlsx_holds_the_screen_table_cell_by_cell(demo):
    scores, units = demo
    view = views.View(year=2022, level="commune", lang="vi")  # every district block
    screen = views.ranking_table(units, view, history=False)
    book = openpyxl.load_workbook(io.BytesIO(view_xlsx(units, scores, view, "#1, #2", NOW)))
    blocks = list(dict.fromkeys(screen["Khối"]))
    assert book.sheetnames[:len(blocks)] == [b[:31] for b in blocks]
    assert book.sheetnames[-1] == "Chi tiết lĩnh vực"
    for block in blocks:
        ws = book[block[:31]]
        header_row, rows = sheet_rows(ws)
        part = screen[screen["Khối"] == block].reset_index(drop=True)
        assert rows[0] == list(part.columns)
        for got, (_, want) in zip(rows[1:], part.iterrows(), strict=True):
            for g, w in zip(got, want, strict=True):
                if pd.isna(w):
                    assert g is None
                elif isinstance(w, float):
                    assert g == pytest.approx(w)
                else:
                    assert g == w
        assert ws.freeze_panes == f"A{header_row + 1}"
        assert ws.cell(header_row + 1, list(part.columns).index("Chỉ số (%)") + 1
                       ).number_format == "0.00"
        title = [ws.cell(r, 1).value for r in range(1, header_row)]
        assert "NĂM 2022" in title[0] and any("Phiên bản dữ liệu: #1, #2" in str(x) for x in title)
        assert any("23/11/2026 09:30" in str(x) for x in title)


def test_band_cells_are_coloured_and_arrows_kept(demo):
    scores, units = demo
    view = views.View(year=2023, level="district", lang="vi")
    book = openpyxl.load_workbook(io.BytesIO(view_xlsx(units, scores, view, None, NOW)))
    ws = book.worksheets[0]
    header_row, rows = sheet_rows(ws)
    band_col = rows[0].index("Xếp loại") + 1
    fills = {ws.cell(r, band_col).value: ws.cell(r, band_col).fill.fgColor.rgb
             for r in range(header_row + 1, ws.max_row + 1)}
    assert len(set(fills.values())) == len(fills) and all(v != "00000000" for v in fills.values())
    changes = [r[rows[0].index("Thay đổi hạng")] for r in rows[1:]]
    assert any(str(c).startswith(("▲", "▼", "=")) for c in changes)


def test_csv_has_a_bom_and_matches_the_screen_table(demo):
    _, units = demo
    view = views.View(year=2024, level="department", lang="vi")
    screen = views.ranking_table(units, view, history=False)
    data = view_csv(units, view)
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))
    assert rows[0] == list(screen.columns)
    assert len(rows) == len(screen) + 1
    first = screen.iloc[0]
    assert rows[1][list(screen.columns).index("Đơn vị")] == first["Đơn vị"]
    assert rows[1][list(screen.columns).index("Chỉ số (%)")] == f"{first['Chỉ số (%)']:.2f}".replace(
        ".", ",")


def test_english_csv_uses_comma_and_decimal_point(demo):
    _, units = demo
    view = views.View(year=2024, level="department", lang="en")
    rows = list(csv.reader(io.StringIO(view_csv(units, view).decode("utf-8-sig"))))
    assert rows[0][0] == "Year" and "." in rows[1][rows[0].index("Index (%)")]


def test_formula_injection_is_neutralised_in_csv_and_written_as_text_in_xlsx():
    evil = '=HYPERLINK("http://example.invalid","bấm vào")'
    scores = pd.DataFrame([{
        "year": 2024, "level": "commune", "block": "+Khối", "province": "", "parent": "@cmd",
        "unit": u, "unit_code": "", "component": "total", "max_points": 100, "points": p,
        "self_points": float("nan"), "source": "t"} for u, p in [(evil, 90), ("-1+1", 80)]]
    )[SCORE_COLUMNS]
    units = cm.unit_table(scores)
    view = views.View(year=2024, level="commune", lang="vi")
    text = view_csv(units, view).decode("utf-8-sig")
    assert "'=HYPERLINK" in text and "'-1+1" in text and "'@cmd" in text and "'+Khối" in text
    for line in text.splitlines()[1:]:
        assert not any(cell.startswith(("=", "+", "-", "@")) for cell in line.split(";"))
    ws = openpyxl.load_workbook(io.BytesIO(view_xlsx(units, scores, view, None, NOW))).worksheets[0]
    cells = [c for row in ws.iter_rows() for c in row if c.value == evil]
    assert cells and all(c.data_type == "s" for c in cells)
    assert not any(c.data_type == "f" for row in ws.iter_rows() for c in row)


def test_numbers_stay_numbers_in_csv():
    table = pd.DataFrame({"Đơn vị": ["Xã A"], "Thay đổi": [-1.5]})
    assert to_csv_bytes(table).decode("utf-8-sig").splitlines()[1] == "Xã A;-1,50"
