"""CSV and text files as offices save them: encoding, delimiter, one sheet of strings."""

from __future__ import annotations

import codecs
import csv
import io
import re

from cchc_metrics import settings
from cchc_metrics.ingest.problems import refuse
from cchc_metrics.ingest.workbook import Sheet


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
