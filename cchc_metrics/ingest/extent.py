"""How far a sheet's cells reach, read from its XML before the parser allocates them."""

from __future__ import annotations

import re

from cchc_metrics import settings
from cchc_metrics.ingest import calamine_grids
from cchc_metrics.ingest.problems import ScoreFileError, refuse
from cchc_metrics.ingest.reach import reach

# Quote- and blank-tolerant patterns: XML allows r='1', r = "1" …
_ROW_TAG = re.compile(rb"<(?:\w+:)?row\b([^>]*)>")
_FAR_ROW = re.compile(rb'<row r="(\d{5,})"')
_R_ATTR = re.compile(rb"""\br\s*=\s*["'](\d+)["']""")
# Only far cells matter: a column past Z or a row past 9999. No leading \b, so that re can
# jump between the letter r's (three times faster on a 10,000-row sheet).
_FAR_CELL = re.compile(rb"""r\s*=\s*["'](?:([A-Za-z]{2,})(\d+)|[A-Za-z](\d{5,}))["']""")
_ODS_REPEAT = re.compile(rb"""number-(?:rows|columns)-repeated\s*=\s*["'](\d{3,})""")
_ODS_ROW = re.compile(rb"<table:table-row\b([^>]*?)(?:/>|>(.*?)</table:table-row>)", re.S)
_ODS_CELL = re.compile(rb"<table:(?:covered-)?table-cell\b([^>]*?)(?:/>|>(.*?)</table:(?:covered-)?"
                       rb"table-cell>)", re.S)
_REPEAT = re.compile(rb"""number-(rows|columns)-repeated\s*=\s*["'](\d+)""")



class Extent:
    """How far the cells of one sheet reach, read from its XML before the real parser runs."""

    def __init__(self, member: str, kind: str):
        self.is_sheet = kind in ("xlsx", "xlsm") and member.startswith("xl/worksheets/") \
            and member.endswith(".xml")
        self.is_ods = kind == "ods" and member == "content.xml"
        self.rows = self.cols = self.row = 0
        self.tail = b""
        self.ods_parts: list[bytes] = []

    def feed(self, chunk: bytes) -> None:
        if self.is_sheet:
            text = self.tail + chunk
            self.tail = text[-64:]  # a reference cut in two by the chunk boundary
            found = reach(text)  # the common form, vectorised; None: read it the slow way
            if found is not None:
                rows, cols, last = found
                self.rows, self.cols = max(self.rows, rows), max(self.cols, cols)
                self.row = self.row if last is None else last
                return
            if chunk.count(b"<row") == chunk.count(b'<row r="') and b":row" not in chunk:
                # every row states its number: only far rows (and the last one) need reading
                far = [int(n) for n in _FAR_ROW.findall(text)]
                last = chunk.rfind(b'<row r="')
                if last >= 0 and (m := _R_ATTR.search(chunk, last)):
                    self.row = int(m.group(1))
                self.rows = max([self.rows, self.row, *far])
            else:  # rows without r= follow the previous one
                for attrs in _ROW_TAG.findall(chunk):
                    m = _R_ATTR.search(attrs)
                    self.row = int(m.group(1)) if m else self.row + 1
                    self.rows = max(self.rows, self.row)
            found = _FAR_CELL.findall(text)
            if found:
                letters, rows, far_rows = zip(*found, strict=True)
                self.rows = max([self.rows, *(int(r) for r in {*rows, *far_rows} if r)])
                self.cols = max([self.cols, *(column_number(c) for c in set(letters) if c)])
        elif self.is_ods:
            self.ods_parts.append(chunk)

    def check(self) -> None:
        """Refuse a sheet whose cells span more than the limits allow."""
        if self.is_ods:
            self.rows, self.cols = ods_extent(b"".join(self.ods_parts))
        if not self.rows and not self.cols:
            return
        if calamine_grids.too_big(self.rows, self.cols, limits()):
            raise sheet_too_big(self.rows, self.cols)


def limits() -> dict:
    """The reading limits, as calamine_grids takes them (it cannot import settings)."""
    return {name: settings.get(name)
            for name in ("max_sheets", "max_rows", "max_columns", "max_cells")}


def sheet_too_big(rows: int, cols: int, sheet: str | None = None) -> ScoreFileError:
    """The refusal of a sheet that spans more rows, columns or cells than the limits."""
    max_rows, max_cols, max_cells = (settings.get(k) for k in ("max_rows", "max_columns",
                                                                 "max_cells"))
    return refuse("too_many_rows",
                  f"Bảng tính trải tới {rows} dòng × {max(cols, 1)} cột, vượt giới hạn "
                  f"({max_rows} dòng, {max_cols} cột, {max_cells} ô). "
                  "Hãy xóa các ô thừa ở xa bảng rồi lưu lại.",
                  f"The sheet reaches {rows} rows × {max(cols, 1)} columns, over the limits "
                  f"({max_rows} rows, {max_cols} columns, {max_cells} cells). Delete stray "
                  "far-away cells.", sheet=sheet)


def column_number(letters: bytes) -> int:
    """b"XFD" → 16384."""
    n = 0
    for ch in letters.upper():
        n = n * 26 + ch - 64
    return n


def ods_extent(content: bytes) -> tuple[int, int]:
    """(rows, columns) an ODS table reaches, counting repeated rows and cells that hold values."""
    if not _ODS_REPEAT.search(content):
        return 0, 0  # no large repeats: the parser's own size is bounded by the file's
    rows = cols = cells = 0
    for row_attrs, inner in _ODS_ROW.findall(content):
        repeat = repeated(row_attrs, b"rows")
        width = reach = 0
        for cell_attrs, cell_inner in _ODS_CELL.findall(inner or b""):
            width += repeated(cell_attrs, b"columns")
            if b"office:value" in cell_attrs or (cell_inner or b"").strip():
                reach = width
        rows += repeat
        if reach:
            cols = max(cols, reach)
            cells += repeat * reach
        elif repeat > 1:
            rows -= repeat  # trailing empty rows LibreOffice writes: nothing is allocated
    return rows, max(cols, -(-cells // max(rows, 1)))


def repeated(attrs: bytes, what: bytes) -> int:
    for kind, n in _REPEAT.findall(attrs):
        if kind == what:
            return int(n)
    return 1
