"""How far an .xls's cells reach, read record by record before calamine builds its grid.

calamine allocates a cell for every position up to the farthest one, so one number at IV65536
in a 20 KB file costs a gigabyte. Walking the BIFF records in order (not searching the bytes,
where a cell at row 512, column 14 looks like a DIMENSIONS record) finds the reach exactly.
Imports nothing from cchc_metrics: calamine_grids loads it by path in the .xls reader's child.
"""

from __future__ import annotations

import io
import struct

_HEADER = struct.Struct("<HH")  # record id, body length
_ROW_COL = struct.Struct("<HH")
_CELLS = {0x0006, 0x0201, 0x0203, 0x0204, 0x0205, 0x027E, 0x00FD, 0x00D6}  # formula … rstring
_MULTI = {0x00BD, 0x00BE}  # MULRK, MULBLANK: row, first column, …, last column
_DIMENSIONS = 0x0200


def xls_extent(data: bytes) -> tuple[int, int]:
    """(rows, columns) the cells of an .xls reach; (0, 0) when its container cannot be read."""
    stream = workbook_stream(data)
    rows = cols = pos = 0
    end = len(stream)
    while pos + 4 <= end:
        kind, size = _HEADER.unpack_from(stream, pos)
        body, pos = pos + 4, pos + 4 + size
        if pos > end:
            break
        if kind in _CELLS and size >= 4:
            row, col = _ROW_COL.unpack_from(stream, body)
        elif kind in _MULTI and size >= 6:
            row, col = _ROW_COL.unpack_from(stream, body)[0], _ROW_COL.unpack_from(stream, pos - 4)[1]
        elif kind == _DIMENSIONS and size >= 14:  # BIFF8: u32 first/last+1 row, u16 columns
            row, col = struct.unpack_from("<4xI2xH", stream, body)
            row, col = row - 1, col - 1
        elif kind == _DIMENSIONS and size >= 10:  # BIFF5
            row, col = struct.unpack_from("<2xH2xH", stream, body)
            row, col = row - 1, col - 1
        else:
            continue
        rows, cols = max(rows, row + 1), max(cols, col + 1)
    return rows, cols


def workbook_stream(data: bytes) -> bytes:
    """The Workbook (BIFF8) or Book (BIFF5) stream of an OLE file; b"" if it has none."""
    import olefile

    try:
        with olefile.OleFileIO(io.BytesIO(data)) as ole:
            for name in ("Workbook", "Book"):
                if ole.exists(name):
                    return ole.openstream(name).read()
    except Exception:  # a damaged container: calamine, in its own process, will say what is wrong
        return b""
    return b""
