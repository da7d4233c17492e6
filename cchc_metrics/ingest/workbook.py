"""Untrusted bytes → grids of cell values: the checks first, then the right parser."""

from __future__ import annotations

from dataclasses import dataclass, field

from cchc_metrics import settings
from cchc_metrics.ingest import calamine_grids
from cchc_metrics.ingest.extent import limits, sheet_too_big
from cchc_metrics.ingest.problems import ScoreFileError, refuse


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


def load_workbook(source, name: str | None = None, sheet: str | None = None) -> Workbook:
    """Any accepted input → a Workbook, or ScoreFileError; nothing else escapes. A Workbook
    already loaded is returned as it is (the upload page loads a file once for every reader
    that asks whether the file is its kind)."""
    if isinstance(source, Workbook) and sheet is None:
        return source
    from cchc_metrics.ingest.containers import inspect_zip, read_source, sniff
    from cchc_metrics.ingest.csv_text import load_csv

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
