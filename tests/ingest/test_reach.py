"""The pre-parse scan's fast path (cchc_metrics.reach) agrees with the regular expressions."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cchc_metrics.ingest import extent as extent_module
from cchc_metrics.ingest.reach import reach

SHEET = "xl/worksheets/sheet1.xml"


def letters_of(n: int) -> str:
    """1 → A, 28 → AB."""
    out = ""
    while n:
        n, r = divmod(n - 1, 26)
        out = chr(65 + r) + out
    return out


def scan(xml: bytes, chunk: int, fast: bool) -> tuple[int, int]:
    """(rows, cols) the Extent finds, with the fast path allowed or not."""
    with pytest.MonkeyPatch.context() as m:
        if not fast:
            m.setattr(extent_module, "reach", lambda text: None)
        extent = extent_module.Extent(SHEET, "xlsx")
        for i in range(0, len(xml), chunk):
            extent.feed(xml[i:i + chunk])
    return extent.rows, extent.cols


cells = st.tuples(st.integers(1, 20_000), st.integers(0, 12_000_000))  # (column, row or 0: same)
rows = st.lists(st.tuples(st.integers(1, 2_000_000), st.lists(cells, max_size=4)), max_size=12)


def sheet_xml(spec, numbered: bool = True) -> bytes:
    """Sheet XML as Excel writes it: numbered rows, cells name="value", a value and a style."""
    body = []
    for row, row_cells in spec:
        refs = "".join(f'<c r="{letters_of(col)}{r}" s="1"><v>1.5</v></c>'
                       for col, r in row_cells)
        body.append(f'<row r="{row}" spans="1:3" x14ac:dyDescent="0.25">{refs}</row>'
                    if numbered else f"<row>{refs}</row>")
    return ('<?xml version="1.0"?><worksheet xmlns="x"><dimension ref="A1"/><sheetData>'
            + "".join(body) + "</sheetData></worksheet>").encode()


def truth(spec) -> tuple[int, int]:
    """The farthest row (row tags, and far cells) and far column (two letters or more)."""
    far = [(col, r) for _, cs in spec for col, r in cs if r >= 10_000 or col > 26]
    rows = max([0, *(row for row, _ in spec), *(r for _, r in far)])
    return rows, max([0, *(col for col, _ in far if col > 26)])


@settings(max_examples=150, deadline=None)
@given(spec=rows, chunk=st.sampled_from([97, 13]))
def test_fast_path_finds_what_the_regular_expressions_find(spec, chunk):
    """Whole, both find the truth; cut in pieces, never less than the far reach."""
    # rows in ascending order, as every writer saves them; a cell's row 0 stands for its own
    spec = [(row, [(col, r or row) for col, r in cs]) for row, cs in sorted(dict(spec).items())]
    xml = sheet_xml(spec)
    assert scan(xml, 1 << 20, True) == scan(xml, 1 << 20, False) == truth(spec)
    if spec:
        assert reach(xml) is not None  # the common form really takes the fast path
    rows_found, cols_found = scan(xml, chunk, True)
    far_rows = max([0, *(r for r in (truth([(0, cs)])[0] for _, cs in spec) if r >= 10_000)])
    assert rows_found >= far_rows and cols_found == truth(spec)[1]


@pytest.mark.parametrize("xml", [
    b'<row r="3"><c r = "AB3"/></row>',  # blanks around =
    b"<row r='3'><c r='AB3'/></row>",  # single quotes
    b'<row r="3"><c r="AB3"/></row><row><c r="A9"/></row>',  # a row without its number
    b'<x:row r="4"><x:c r="AAA4"/></x:row>',  # a namespaced row
    b'<row r="1"><c r="A1"><f>IF(A2=1,1,0)</f></c></row>',  # "=" in a formula
])
def test_other_forms_are_left_to_the_regular_expressions(xml):
    assert reach(xml) is None
    assert scan(xml, 1 << 20, True) == scan(xml, 1 << 20, False)


def test_absurd_references_count_as_far():
    """Column letters or row numbers too long to be real are over every limit, not ignored."""
    rows, cols, _ = reach(b'<row r="1"><c r="ABCDEFGHIJK1"/><c r="A123456789012"/></row>')
    assert rows >= 10**12 and cols >= 10**12
