"""CSV and text files as offices save them: encoding, delimiter, one sheet of strings."""

from __future__ import annotations

import codecs
import csv
import io
import re
import unicodedata
from collections import Counter

from cchc_metrics import settings
from cchc_metrics.ingest.problems import refuse
from cchc_metrics.ingest.workbook import Sheet


def decode_text(data: bytes) -> str:
    """CSV/TXT bytes to text in composed (NFC) form, the encoding found from the bytes.

    UTF-8 (with or without BOM) or UTF-16 first; else Windows-1258, what Excel on Vietnamese
    Windows writes (tones as combining marks, hence the NFC); else a clear refusal.
    """
    if data.startswith(codecs.BOM_UTF8):
        encodings = ["utf-8-sig"]
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        encodings = ["utf-16"]
    elif len(data) > 3 and data[1:2] == b"\x00" and data[3:4] == b"\x00":
        encodings = ["utf-16-le"]
    elif len(data) > 3 and data[0:1] == b"\x00" and data[2:3] == b"\x00":
        encodings = ["utf-16-be"]
    else:
        encodings = ["utf-8", None]  # None: Windows-1258 or -1252, looked for only when needed
    for enc in encodings:
        enc = enc or windows_encoding(data)
        try:
            text = data.decode(enc)
        except UnicodeDecodeError:
            continue
        if "\x00" in text or sum(ch < " " and ch not in "\r\n\t" for ch in text[:4096]) > 8:
            break
        return unicodedata.normalize("NFC", text)
    raise refuse("not_text", "Không đọc được tệp văn bản này: không phải UTF-8, UTF-16 hay "
                 "Windows-1258 (có thể là tệp nhị phân hoặc mã hóa khác). Hãy lưu dạng .xlsx hoặc "
                 "«CSV UTF-8».",
                 "This text file could not be read: it is neither UTF-8, UTF-16 nor Windows-1258 "
                 "(binary, or another encoding). Save it as .xlsx or «CSV UTF-8».")


# Windows-1258 writes Vietnamese tones as combining marks after the vowel they sit on
_TONE_AFTER_VOWEL = re.compile(rb"[aeiouyAEIOUY\xe2\xea\xf4\xe3\xf5\xfd\xc2\xca\xd4\xc3\xd5\xdd]"
                               rb"[\xcc\xec\xd2\xde\xf2]")


def windows_encoding(data: bytes) -> str:
    """Windows-1258 or -1252 for a file that is not UTF-8: the one that wrote it.

    Excel on Vietnamese Windows writes Windows-1258, where a tone follows its vowel as a
    combining mark (0xEC after «i» is the acute of «í»); some offices save "CSV" as
    Windows-1252 / Latin-1, where 0xEC is «ì» itself. A toned vowel written the first way
    tells Windows-1258 apart; without one the text reads the same either way or is 1252.
    """
    return "cp1258" if _TONE_AFTER_VOWEL.search(data) else "cp1252"


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
        delimiter = guess_delimiter([ln[:65536] for ln in lines[:200]])
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
    """The separator whose rows agree: most lines split into the same number (>1) of cells.

    Title lines above the table and decimal commas inside it split unevenly on a comma; the
    table's own separator gives every row the same count.
    """
    best, best_score = ",", (-1, -1)
    for delim in (";", "\t", ","):
        counts = Counter(len(next(csv.reader([ln], delimiter=delim))) for ln in lines
                         if ln.strip())
        wide = [(n, width) for width, n in counts.items() if width > 1]
        score = max(wide) if wide else (0, 0)  # (lines of the commonest width, that width)
        if score > best_score:
            best, best_score = delim, score
    return best
