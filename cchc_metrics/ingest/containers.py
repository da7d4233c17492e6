"""A file's bytes, checked before any parser sees them: size, real kind, zip container sizes."""

from __future__ import annotations

import codecs
import io
import os
import zipfile
from pathlib import Path

from cchc_metrics import settings
from cchc_metrics.ingest.extent import Extent
from cchc_metrics.ingest.problems import ScoreFileError, problem, refuse

BYTES_PER_MB = 1_000_000
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ODS_MIME = b"application/vnd.oasis.opendocument.spreadsheet"


def read_source(source, name: str | None = None) -> tuple[bytes, str]:
    """Bytes and a display name from a path, bytes or a file-like object, within the size limit."""
    # megabytes of 10^6 bytes, as the browser's uploader counts them (50 MB = 50,000,000 bytes):
    # the person meets one limit, the same number, whichever part checks first
    limit = settings.get("max_file_mb") * BYTES_PER_MB
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
    mb = f"{size / BYTES_PER_MB:.1f}".replace(".", ",")
    lim = limit // BYTES_PER_MB
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
    kinds = []

    def extent_of(zf, names):
        kinds.append(container_kind(zf, names))
        return lambda name: Extent(name, kinds[0])

    names = unpacked_within_limits(data, extent_of)
    notes = []
    if any(n.lower().endswith("vbaproject.bin") for n in names):
        notes.append(problem("macros_ignored", "Tệp có macro (VBA): macro bị bỏ qua, chỉ đọc giá trị.",
                             "The file contains macros (VBA): they are ignored; only values are "
                             "read.", severity="warning"))
    return kinds[0], notes


def unpacked_within_limits(data: bytes, extent_of=None) -> set[str]:
    """A zip container decompressed once with a running cap (sizes in headers can lie, CRCs
    catch truncation) within CCHC_MAX_UNCOMPRESSED_MB and the compression ratio; its members'
    names. `extent_of(zf, names)` may give, per member name, a checker fed its bytes (a sheet's
    XML is scanned for the cells it reaches, since the parser allocates the whole rectangle)."""
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
    checker = extent_of(zf, names) if extent_of else None
    seen = 0
    try:
        for info in infos:
            extent = checker(info.filename) if checker else None
            with zf.open(info) as member:
                while chunk := member.read(1 << 20):
                    seen += len(chunk)
                    if seen > max_total or seen > max_ratio * max(len(data), 1):
                        raise zip_bomb(seen, len(data), max_total, max_ratio)
                    if extent is not None:
                        extent.feed(chunk)
            if extent is not None:
                extent.check()
    except ScoreFileError:
        raise
    except Exception as exc:  # zlib.error, BadZipFile (CRC), EOFError …
        raise refuse("corrupt", f"Tệp hỏng hoặc bị cắt cụt ({exc}). Hãy lưu lại từ Excel.",
                     f"The file is corrupt or truncated ({exc}). Save it again from Excel.") from None
    return names


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
