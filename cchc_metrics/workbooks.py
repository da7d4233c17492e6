"""Untrusted bytes → grids of cell values, refusing anything unsafe before it is parsed."""

from __future__ import annotations

import codecs
import csv
import io
import os
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from cchc_metrics import calamine_grids, settings
from cchc_metrics.problems import ScoreFileError, problem
from cchc_metrics.reach import reach

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ODS_MIME = b"application/vnd.oasis.opendocument.spreadsheet"


@dataclass
class Sheet:
    """One sheet as a grid: rows[0] is Excel row 1, cells are python values ("" when empty)."""

    name: str
    rows: list[list]
    merges: list[tuple[tuple[int, int], tuple[int, int]]] = field(default_factory=list)


@dataclass
class Workbook:
    """What was loaded: the file's name, its kind, its bytes and its sheets."""

    name: str
    kind: str  # xlsx, xlsm, xls, ods, csv
    data: bytes
    sheets: list[Sheet]
    notes: list = field(default_factory=list)  # warnings about the container (macros ignored)


def refuse(code: str, vi: str, en: str, **where) -> ScoreFileError:
    """A ScoreFileError with one problem."""
    return ScoreFileError([problem(code, vi, en, **where)])


def read_source(source, name: str | None = None) -> tuple[bytes, str]:
    """Bytes and a display name from a path, bytes or a file-like object, within the size limit."""
    limit = settings.get("max_file_mb") * 1024 * 1024
    if isinstance(source, (str, os.PathLike)):
        path = Path(source)
        name = name or path.name
        try:
            size = path.stat().st_size
            if size > limit:
                raise too_big(size, limit)
            data = path.read_bytes()
        except OSError as exc:
            raise refuse("unreadable", f"Không mở được tệp: {exc.strerror or exc}.",
                         f"Cannot open the file: {exc.strerror or exc}.", value=str(path)) from None
    elif isinstance(source, (bytes, bytearray, memoryview)):
        data = bytes(source)
    elif hasattr(source, "read"):
        name = name or getattr(source, "name", None)
        if hasattr(source, "seek"):
            source.seek(0)
        data = source.read(limit + 1)
        if isinstance(data, str):
            data = data.encode("utf-8")
    else:
        raise refuse("unreadable", "Không đọc được nguồn dữ liệu này.",
                     "This source cannot be read.", value=type(source).__name__)
    if len(data) > limit:
        raise too_big(len(data), limit)
    return data, str(name or "tệp tải lên")


def too_big(size: int, limit: int) -> ScoreFileError:
    mb = f"{size / 1048576:.1f}".replace(".", ",")
    lim = limit // 1048576
    return refuse("file_too_large",
                  f"Tệp quá lớn ({mb} MB, giới hạn {lim} MB). Hãy tách theo năm hoặc theo cấp.",
                  f"File too large ({mb} MB, limit {lim} MB). Split it by year or level.")


def sniff(data: bytes, name: str) -> str:
    """The file's real kind from its first bytes (never from its name alone)."""
    if not data.strip():
        raise refuse("empty_file", "Tệp rỗng, không có dữ liệu.", "The file is empty.")
    if data.startswith(b"PK\x03\x04") or data.startswith(b"PK\x05\x06"):
        return "zip"
    if data.startswith(OLE_MAGIC):
        return "xls"
    if data.startswith(b"%PDF"):
        raise refuse("pdf", "Đây là tệp PDF. Hãy dùng bảng Excel (.xlsx) hoặc CSV gốc của kết quả.",
                     "This is a PDF. Upload the original Excel (.xlsx) or CSV table.")
    head = data[:2048].lstrip(codecs.BOM_UTF8).lstrip().lower()
    if head.startswith((b"<html", b"<!doctype html", b"<table", b"<?xml")):
        raise refuse("html", "Tệp này là trang web (HTML/XML) mang đuôi bảng tính. Hãy mở bằng "
                     "Excel rồi lưu lại dạng .xlsx.",
                     "This file is a web page (HTML/XML) with a spreadsheet extension. Open it in "
                     "Excel and save it as .xlsx.")
    return "text"


def inspect_zip(data: bytes) -> tuple[str, list[str]]:
    """Check a zip container's sizes before parsing; return its kind and notes."""
    max_total = settings.get("max_uncompressed_mb") * 1024 * 1024
    max_ratio = settings.get("max_compression_ratio")
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
        infos = zf.infolist()
    except (zipfile.BadZipFile, ValueError, OSError, EOFError, NotImplementedError) as exc:
        raise refuse("corrupt", f"Tệp hỏng hoặc không đầy đủ (không mở được dạng nén): {exc}. "
                     "Hãy lưu lại tệp từ Excel rồi tải lên lại.",
                     f"The file is corrupt or truncated ({exc}). Save it again from Excel and "
                     "upload it again.") from None
    if len(infos) > 10_000:
        raise refuse("zip_members", "Tệp chứa quá nhiều thành phần nén.", "Too many zip members.")
    declared = sum(i.file_size for i in infos)
    if declared > max_total or declared > max_ratio * max(len(data), 1):
        raise zip_bomb(declared, len(data), max_total, max_ratio)
    names = {i.filename for i in infos}
    kind = container_kind(zf, names)
    # Decompress once with a running cap: sizes in headers can lie, CRCs catch truncation.
    # Sheet XML is also scanned for the cells it reaches, since the parser allocates the
    # whole rectangle up to the farthest cell before any row limit could be checked.
    seen = 0
    try:
        for info in infos:
            extent = Extent(info.filename, kind)
            with zf.open(info) as member:
                while chunk := member.read(1 << 20):
                    seen += len(chunk)
                    if seen > max_total or seen > max_ratio * max(len(data), 1):
                        raise zip_bomb(seen, len(data), max_total, max_ratio)
                    extent.feed(chunk)
            extent.check()
    except ScoreFileError:
        raise
    except Exception as exc:  # zlib.error, BadZipFile (CRC), EOFError …
        raise refuse("corrupt", f"Tệp hỏng hoặc bị cắt cụt ({exc}). Hãy lưu lại từ Excel.",
                     f"The file is corrupt or truncated ({exc}). Save it again from Excel.") from None
    notes = []
    if any(n.lower().endswith("vbaproject.bin") for n in names):
        notes.append(problem("macros_ignored", "Tệp có macro (VBA): macro bị bỏ qua, chỉ đọc giá trị.",
                             "The file contains macros (VBA): they are ignored; only values are "
                             "read.", severity="warning"))
    return kind, notes


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


def zip_bomb(size: int, packed: int, max_total: int, max_ratio: int) -> ScoreFileError:
    return refuse("zip_bomb",
                  f"Tệp giải nén ra quá lớn ({size // 1048576} MB từ {packed // 1024} KB; giới hạn "
                  f"{max_total // 1048576} MB, tỷ lệ nén {max_ratio}:1). Tệp này không an toàn.",
                  f"The file expands too much ({size // 1048576} MB from {packed // 1024} KB; limit "
                  f"{max_total // 1048576} MB, ratio {max_ratio}:1). It is not safe to open.")


def container_kind(zf: zipfile.ZipFile, names: set[str]) -> str:
    """xlsx, xlsm or ods; a clear refusal for Word/PowerPoint files and other zips."""
    if "xl/workbook.xml" in names or "xl/workbook.bin" in names:
        if "xl/workbook.bin" in names:
            raise refuse("xlsb", "Tệp .xlsb (nhị phân) chưa được hỗ trợ. Hãy lưu lại dạng .xlsx.",
                         "Binary .xlsb workbooks are not supported. Save it as .xlsx.")
        return "xlsm" if "xl/vbaProject.bin" in names else "xlsx"
    if "mimetype" in names:
        mime = zf.read("mimetype")[:100]
        if mime.startswith(ODS_MIME):
            return "ods"
    if "word/document.xml" in names or "mimetype" in names and b"text" in zf.read("mimetype")[:100]:
        raise refuse("word", "Đây là văn bản Word, không phải bảng tính. Hãy sao chép bảng kết quả "
                     "sang Excel (.xlsx) rồi tải lên.",
                     "This is a Word document, not a spreadsheet. Copy the results table into "
                     "Excel (.xlsx) and upload that.")
    raise refuse("not_spreadsheet", "Tệp nén này không phải bảng tính Excel hay OpenDocument.",
                 "This zip file is not an Excel or OpenDocument spreadsheet.")


def load_calamine(data: bytes, kind: str, only: str | None) -> list[Sheet]:
    """All (or one) sheets of an xlsx/xlsm/xls/ods via python-calamine, values only."""
    most = limits()
    try:
        if kind == "xls":  # its reader can abort the process on a corrupt record: not ours
            result = calamine_grids.in_child(data, only, most, settings.get("xls_memory_mb"),
                                             settings.get("xls_timeout_s"))
        else:
            result = calamine_grids.grids(data, only, most)
    except calamine_grids.ChildFailed as exc:
        raise unreadable(data, kind, exc.vi, exc.en) from None
    except (KeyboardInterrupt, SystemExit):
        raise
    except BaseException as exc:  # calamine raises its own errors, Rust panics are BaseException
        raise unreadable(data, kind, str(exc).split("\n")[0][:200]) from None
    if "refuse" in result:
        raise calamine_refusal(result, only, most)
    return [Sheet(name, rows, merges) for name, rows, merges in result["sheets"]]


def calamine_refusal(result: dict, only: str | None, limits: dict) -> ScoreFileError:
    """The located refusal for a limit calamine_grids found passed before reading cells."""
    if result["refuse"] == "too_many_sheets":
        n, most = result["count"], limits["max_sheets"]
        return refuse("too_many_sheets", f"Tệp có {n} trang tính, vượt giới hạn {most}. "
                      "Hãy tách tệp.", f"The file has {n} sheets, over the limit of {most}. "
                      "Split it.")
    if result["refuse"] == "no_such_sheet":
        names = ", ".join(result["names"])
        return refuse("no_such_sheet", f"Không có trang tính «{only}». Các trang có: {names}.",
                      f"No sheet named «{only}». Sheets: {names}.", value=only)
    return sheet_too_big(result["height"], result["width"], result["sheet"])


def unreadable(data: bytes, kind: str, text: str, text_en: str | None = None) -> ScoreFileError:
    """Why calamine could not read the file: a password, or damage, with what to do."""
    text_en = text if text_en is None else text_en
    what = {"xls": ("bảng tính Excel 97-2003 (.xls)", "Excel 97-2003 workbook (.xls)")}.get(
        kind, ("bảng tính", "spreadsheet"))
    if "password" in text.lower() or "encrypt" in text.lower() or (
            kind == "xls" and (b"EncryptedPackage" in data[:65536].replace(b"\x00", b"")
                               or has_filepass(data))):
        return refuse("encrypted", "Tệp có mật khẩu. Hãy gỡ mật khẩu trong Excel rồi tải lên lại.",
                      "The file is password-protected. Remove the password in Excel and "
                      "upload it again.")
    return refuse("corrupt", f"Không đọc được {what[0]}: tệp hỏng, bị cắt cụt hoặc không phải "
                  f"bảng tính ({text}). Hãy mở bằng Excel và lưu lại dạng .xlsx.",
                  f"Cannot read this {what[1]}: it is corrupt, truncated or not a spreadsheet "
                  f"({text_en}). Open it in Excel and save it as .xlsx.")


def has_filepass(data: bytes) -> bool:
    """An .xls saved with a password: a FILEPASS record (0x002F) right after the first BOF."""
    start = data.find(b"\x09\x08\x10\x00")
    while start != -1:
        pos = start + 4 + 16
        for _ in range(8):  # the records that may come before FILEPASS
            if pos + 4 > len(data):
                break
            rec, size = int.from_bytes(data[pos:pos + 2], "little"), int.from_bytes(
                data[pos + 2:pos + 4], "little")
            if rec == 0x002F:
                return True
            pos += 4 + size
        start = data.find(b"\x09\x08\x10\x00", start + 1)
        if start > 1 << 20:
            break
    return False


def decode_text(data: bytes) -> str:
    """CSV/TXT bytes to text: UTF-8 (with or without BOM) or UTF-16; else a clear refusal."""
    if data.startswith(codecs.BOM_UTF8):
        encodings = ["utf-8-sig"]
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        encodings = ["utf-16"]
    elif len(data) > 3 and data[1:2] == b"\x00" and data[3:4] == b"\x00":
        encodings = ["utf-16-le"]
    elif len(data) > 3 and data[0:1] == b"\x00" and data[2:3] == b"\x00":
        encodings = ["utf-16-be"]
    else:
        encodings = ["utf-8"]
    for enc in encodings:
        try:
            text = data.decode(enc)
        except UnicodeDecodeError:
            continue
        if "\x00" in text or sum(ch < " " and ch not in "\r\n\t" for ch in text[:4096]) > 8:
            break
        return text
    raise refuse("not_text", "Tệp không phải bảng tính hay văn bản CSV UTF-8 (có thể là tệp nhị "
                 "phân hoặc mã hóa khác). Hãy lưu dạng .xlsx hoặc «CSV UTF-8».",
                 "The file is neither a spreadsheet nor UTF-8 CSV text (binary, or another "
                 "encoding). Save it as .xlsx or «CSV UTF-8».")


def load_csv(data: bytes, name: str) -> list[Sheet]:
    """A CSV/TXT table (comma, semicolon or tab separated) as one sheet of strings."""
    text = decode_text(data)
    lines = text.splitlines()
    if len(lines) > settings.get("max_rows"):
        raise refuse("too_many_rows", f"Tệp có {len(lines)} dòng, vượt giới hạn "
                     f"{settings.get('max_rows')} dòng.",
                     f"The file has {len(lines)} lines, over the limit of "
                     f"{settings.get('max_rows')}.")
    try:
        delimiter = guess_delimiter([ln[:65536] for ln in lines[:50]])
        rows = [row for row in csv.reader(io.StringIO(text), delimiter=delimiter)]
    except csv.Error as exc:
        raise refuse("corrupt", f"Không đọc được tệp CSV ({exc}): có dòng hoặc ô quá dài, hoặc "
                     "dấu ngoặc kép không khớp. Hãy mở bằng Excel và lưu lại dạng CSV UTF-8.",
                     f"Cannot parse the CSV ({exc}): a line or cell is too long, or quotes do "
                     "not match. Open it in Excel and save it as CSV UTF-8.") from None
    if rows and max(len(r) for r in rows) > settings.get("max_columns"):
        raise refuse("too_many_columns", "Tệp có quá nhiều cột.", "The file has too many columns.")
    return [Sheet(re.sub(r"\.\w+$", "", name) or "CSV", rows)]


def guess_delimiter(lines: list[str]) -> str:
    """The separator that splits the sample most consistently (;, tab or comma)."""
    best, best_score = ",", -1.0
    for delim in (";", "\t", ","):
        counts = [len(next(csv.reader([ln], delimiter=delim))) for ln in lines if ln.strip()]
        if not counts:
            continue
        wide = [c for c in counts if c > 1]
        score = len(wide) * (max(wide) if wide else 0)
        if score > best_score:
            best, best_score = delim, score
    return best


def load_workbook(source, name: str | None = None, sheet: str | None = None) -> Workbook:
    """Any accepted input → a Workbook, or ScoreFileError; nothing else escapes."""
    data, name = read_source(source, name)
    kind = sniff(data, name)
    notes: list = []
    if kind == "zip":
        kind, notes = inspect_zip(data)
        sheets = load_calamine(data, kind, sheet)
    elif kind == "xls":  # its reach is measured in the child that reads it
        sheets = load_calamine(data, kind, sheet)
    else:
        kind = "csv"
        sheets = load_csv(data, name)
    return Workbook(name=name, kind=kind, data=data, sheets=sheets, notes=notes)
