"""A corpus of hostile files built in code, and a bounded child process that reads one of them.

Each case is a small builder (nothing downloaded): corrupt and lying zips, zip bombs, wrong file
types, XML entity tricks, huge sheets, formulas and names that try to run as formulas. The
reader is run on it in a fresh child process with a cap on its address space and a wall-clock
timeout, so a case that hangs, eats memory or aborts the interpreter fails one test instead of
taking the test run down with it.
"""

from __future__ import annotations

import contextlib
import io
import os
import random
import re
import resource
import struct
import sys
import threading
import time
import traceback
import types
import unicodedata
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from xml.sax.saxutils import escape

MB = 1024 * 1024
ADDRESS_SPACE_LIMIT = 1536 * MB  # RLIMIT_AS of the child reading a case
TIMEOUT_S = 30.0  # CPU seconds a case may use (a shared machine stretches wall time, not CPU)
WALL_FACTOR = 5  # … and the wall-clock backstop, as a multiple of it
SECRET_MARKER = "root:x:0:0"  # in /etc/passwd; must never surface from an XXE case

# ---- a score table the reader accepts, to hide hostile things in ------------------------------

TITLE = "KẾT QUẢ CHỈ SỐ CCHC NĂM 2022 CỦA CÁC SỞ, BAN, NGÀNH TỈNH"
HEADER = ["STT", "Tên đơn vị", "Điểm tối đa", "Điểm thẩm định"]


def score_rows(first_unit: object = "Sở Nội vụ") -> list[list]:
    """Title, header and three departments; the first unit's name can be anything."""
    return [[TITLE], HEADER, [1, first_unit, 100, 77], [2, "Sở Y tế", 100, 70],
            [3, "Sở Tư pháp", 100, 65.5]]


# ---- a zip writer that can lie ----------------------------------------------------------------

@dataclass
class Member:
    """One zip member: its stored bytes and what the headers claim about them."""

    name: str
    payload: bytes  # as stored (raw deflate when method 8)
    size: int  # true uncompressed size
    crc: int
    method: int = 8
    local_size: int | None = None  # uncompressed size claimed in the local header
    cd_size: int | None = None  # … and in the central directory
    offset: int | None = None  # point the central directory somewhere else (overlap)


def deflate(data: bytes, level: int = 9) -> bytes:
    """Raw deflate, as zip members hold it."""
    co = zlib.compressobj(level, zlib.DEFLATED, -15)
    return co.compress(data) + co.flush()


def member(name: str, data: bytes, method: int = 8, **lies) -> Member:
    """A member holding `data` (deflated unless method 0)."""
    payload = deflate(data) if method == 8 else data
    return Member(name, payload, len(data), zlib.crc32(data), method, **lies)


def repeated_member(name: str, head: bytes, unit: bytes, count: int, tail: bytes = b"",
                    **lies) -> Member:
    """A member holding head + unit × count + tail, built without ever holding it inflated.

    After a full flush deflate starts afresh, so the compressed unit is the same every time and
    can simply be repeated.
    """
    co = zlib.compressobj(9, zlib.DEFLATED, -15)
    first = co.compress(head) + co.flush(zlib.Z_FULL_FLUSH)
    block = co.compress(unit) + co.flush(zlib.Z_FULL_FLUSH)
    assert co.compress(unit) + co.flush(zlib.Z_FULL_FLUSH) == block
    last = co.compress(tail) + co.flush()
    crc = zlib.crc32(head)
    for _ in range(count):
        crc = zlib.crc32(unit, crc)
    crc = zlib.crc32(tail, crc)
    size = len(head) + len(unit) * count + len(tail)
    return Member(name, first + block * count + last, size, crc, 8, **lies)


def zeros_member(name: str, size: int, **lies) -> Member:
    """A member of `size` (a multiple of 1 MB) zero bytes: ~1000:1."""
    assert size % MB == 0
    return repeated_member(name, b"", b"\x00" * MB, size // MB, **lies)


def raw_zip(members: list[Member]) -> bytes:
    """A zip file written by hand, so its headers can say whatever a case needs."""
    out, central, offsets = io.BytesIO(), [], {}
    for m in members:
        if m.name in offsets and m.offset is not None:
            continue
        offsets[m.name] = out.tell()
        name = m.name.encode()
        size = m.size if m.local_size is None else m.local_size
        out.write(struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0x800, m.method, 0, 0x21, m.crc,
                              len(m.payload), size, len(name), 0) + name + m.payload)
    for m in members:
        name = m.name.encode()
        size = m.size if m.cd_size is None else m.cd_size
        offset = offsets[m.name] if m.offset is None else m.offset
        central.append(struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 20, 20, 0x800, m.method, 0,
                                   0x21, m.crc, len(m.payload), size, len(name), 0, 0, 0, 0, 0,
                                   offset) + name)
    cd_start = out.tell()
    for entry in central:
        out.write(entry)
    count = len(central)
    out.write(struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, count, count, out.tell() - cd_start,
                          cd_start, 0))
    return out.getvalue()


def rezip(data: bytes, replace: dict[str, bytes | str] | None = None,
          add: dict[str, bytes | str] | None = None, method: int = zipfile.ZIP_DEFLATED) -> bytes:
    """A copy of a zip container with some members replaced or added."""
    zin = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", method) as zout:
        for item in zin.infolist():
            body = (replace or {}).get(item.filename, zin.read(item.filename))
            zout.writestr(item.filename, body)
        for name, body in (add or {}).items():
            zout.writestr(name, body)
    return out.getvalue()


# ---- an .xlsx writer with full control over the XML -------------------------------------------

NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
XML_DECL = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'


def col_letter(index: int) -> str:
    """0 → A, 16383 → XFD."""
    letters, index = "", index + 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def xml_text(text: str) -> str:
    """Text for an .xlsx: XML-escaped, control characters as Excel writes them (_x0001_)."""
    out = []
    for ch in escape(text):
        code = ord(ch)
        if (code < 32 and ch not in "\t\n\r") or code in (0xFFFE, 0xFFFF):
            out.append(f"_x{code:04X}_")
        else:
            out.append(ch)
    return "".join(out)


def cell_xml(ref: str, value) -> str:
    """One <c>: numbers as <v>, text inline, ("f", formula, cached) as a formula cell."""
    if value is None or value == "":
        return ""
    if isinstance(value, tuple) and value[0] == "f":
        _, formula, cached = value
        if cached is None:
            return f'<c r="{ref}"><f>{escape(formula)}</f></c>'
        if isinstance(cached, str):
            return (f'<c r="{ref}" t="str"><f>{escape(formula)}</f>'
                    f"<v>{xml_text(cached)}</v></c>")
        return f'<c r="{ref}"><f>{escape(formula)}</f><v>{cached}</v></c>'
    if isinstance(value, tuple) and value[0] == "raw":
        return value[1]
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return f'<c r="{ref}"><v>{value!r}</v></c>'
    return (f'<c r="{ref}" t="inlineStr"><is><t xml:space="preserve">{xml_text(str(value))}'
            "</t></is></c>")


def sheet_xml(rows: list[list], dimension: str | None = None, extra_rows: str = "",
              doctype: str = "") -> str:
    """A worksheet part for the given rows (row 1 first)."""
    body = []
    for r, row in enumerate(rows, 1):
        cells = "".join(cell_xml(f"{col_letter(c)}{r}", v) for c, v in enumerate(row))
        body.append(f'<row r="{r}">{cells}</row>')
    dim = f'<dimension ref="{dimension}"/>' if dimension else ""
    head = XML_DECL + doctype
    return (f'{head}<worksheet xmlns="{NS}" xmlns:r="{REL_NS}">{dim}<sheetData>'
            f'{"".join(body)}{extra_rows}</sheetData></worksheet>')


def xlsx_parts(sheets: list[tuple[str, str]], *, shared: str | None = None,
               workbook_doctype: str = "", sheet_targets: list[str] | None = None,
               macro: bool = False) -> dict[str, str | bytes]:
    """The parts of a minimal .xlsx: (sheet name, worksheet XML) pairs, optional sharedStrings."""
    targets = sheet_targets or [f"worksheets/sheet{i}.xml" for i in range(1, len(sheets) + 1)]
    main_type = ("application/vnd.ms-excel.sheet.macroEnabled.main+xml" if macro else
                 "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml")
    overrides = [f'<Override PartName="/xl/workbook.xml" ContentType="{main_type}"/>']
    overrides += [f'<Override PartName="/xl/{t}" ContentType="application/vnd.openxmlformats-'
                  'officedocument.spreadsheetml.worksheet+xml"/>' for t in dict.fromkeys(targets)]
    parts: dict[str, str | bytes] = {
        "[Content_Types].xml": (
            f'{XML_DECL}<Types xmlns="http://schemas.openxmlformats.org/package/2006/'
            'content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats'
            '-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
            f'{"".join(overrides)}</Types>'),
        "_rels/.rels": (
            f'{XML_DECL}<Relationships xmlns="{PKG_REL}"><Relationship Id="rId1" '
            f'Type="{REL_NS}/officeDocument" Target="xl/workbook.xml"/></Relationships>'),
    }
    unique = list(dict.fromkeys(targets))
    rels = [f'<Relationship Id="rId{i}" Type="{REL_NS}/worksheet" Target="{t}"/>'
            for i, t in enumerate(unique, 1)]
    if shared is not None:
        rels.append(f'<Relationship Id="rId{len(unique) + 1}" Type="{REL_NS}/sharedStrings" '
                    'Target="sharedStrings.xml"/>')
        parts["xl/sharedStrings.xml"] = shared
    rid = {t: i for i, t in enumerate(unique, 1)}
    entries = "".join(
        f'<sheet name="{name}" sheetId="{i}" r:id="rId{rid[t]}"/>'
        for i, ((name, _), t) in enumerate(zip(sheets, targets, strict=True), 1))
    parts["xl/workbook.xml"] = (f'{XML_DECL}{workbook_doctype}<workbook xmlns="{NS}" '
                                f'xmlns:r="{REL_NS}"><sheets>{entries}</sheets></workbook>')
    parts["xl/_rels/workbook.xml.rels"] = (f'{XML_DECL}<Relationships xmlns="{PKG_REL}">'
                                           f'{"".join(rels)}</Relationships>')
    for (_, xml), target in zip(sheets, targets, strict=True):
        parts.setdefault(f"xl/{target}", xml)
    return parts


def zip_parts(parts: dict[str, str | bytes], method: int = zipfile.ZIP_DEFLATED) -> bytes:
    """Parts → zip bytes (text as UTF-8)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", method) as z:
        for name, body in parts.items():
            z.writestr(name, body.encode() if isinstance(body, str) else body)
    return out.getvalue()


def raw_xlsx(rows: list[list] | None = None, sheet_name: str = "Điểm",
             method: int = zipfile.ZIP_DEFLATED, **sheet_kw) -> bytes:
    """A one-sheet .xlsx from rows, every text cell stored as text (never as a formula)."""
    return zip_parts(xlsx_parts([(escape(sheet_name, {'"': "&quot;"}),
                                  sheet_xml(rows or score_rows(), **sheet_kw))]), method)


def valid_xlsx() -> bytes:
    """The plain score table as openpyxl saves it (a realistic container to damage)."""
    from tests import builders as B

    return B.xlsx({"Điểm": score_rows()})


# ---- OLE compound files (encrypted workbooks) -------------------------------------------------

FREESECT, ENDOFCHAIN, FATSECT, NOSTREAM = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD, 0xFFFFFFFF


def cfb(streams: dict[str, bytes]) -> bytes:
    """A minimal compound file (v3, 512-byte sectors) holding the given streams at the root.

    Streams are padded to 4096 bytes so they live in ordinary sectors (no mini stream).
    """
    names = list(streams)
    assert len(names) <= 3
    bodies = [streams[n].ljust(4096, b"\x00") for n in names]
    bodies = [b.ljust(-(-len(b) // 512) * 512, b"\x00") for b in bodies]
    fat = [FATSECT, ENDOFCHAIN]  # sector 0: the FAT, sector 1: the directory
    starts = []
    for body in bodies:
        n = len(body) // 512
        first = len(fat)
        starts.append(first)
        fat += list(range(first + 1, first + n)) + [ENDOFCHAIN]
    assert len(fat) <= 128
    fat += [FREESECT] * (128 - len(fat))

    def entry(name: str, kind: int, child=NOSTREAM, right=NOSTREAM, start=ENDOFCHAIN, size=0):
        raw = name.encode("utf-16-le")
        return (raw + b"\x00" * (64 - len(raw)) + struct.pack("<HBB", len(raw) + 2, kind, 1)
                + struct.pack("<III", NOSTREAM, right, child) + b"\x00" * 16 + b"\x00" * 4
                + b"\x00" * 16 + struct.pack("<IQ", start, size))

    dirs = [entry("Root Entry", 5, child=1 if names else NOSTREAM)]
    for i, (name, start) in enumerate(zip(names, starts, strict=True)):
        right = i + 2 if i + 1 < len(names) else NOSTREAM
        dirs.append(entry(name, 2, right=right, start=start, size=len(bodies[i])))
    while len(dirs) < 4:
        dirs.append(b"\x00" * 64 + struct.pack("<HBB", 0, 0, 0)
                    + struct.pack("<III", NOSTREAM, NOSTREAM, NOSTREAM) + b"\x00" * 48)
    header = (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 16
              + struct.pack("<HHHHH", 0x3E, 3, 0xFFFE, 9, 6) + b"\x00" * 6
              + struct.pack("<IIIIIIIII", 0, 1, 1, 0, 4096, ENDOFCHAIN, 0, ENDOFCHAIN, 0)
              + struct.pack("<109I", 0, *([FREESECT] * 108)))
    assert len(header) == 512
    return (header + struct.pack("<128I", *fat) + b"".join(dirs)[:512].ljust(512, b"\x00")
            + b"".join(bodies))


def encrypted_ooxml() -> bytes:
    """What Excel saves for "Encrypt with password": an OLE file with EncryptedPackage."""
    info = struct.pack("<HHI", 4, 4, 0x40) + b"<?xml version=\"1.0\"?><encryption/>"
    package = struct.pack("<Q", 9000) + bytes(random.Random(6).randbytes(4096))
    return cfb({"EncryptionInfo": info, "EncryptedPackage": package})


def cfb_stream(data: bytes, want: str) -> bytes:
    """One stream of a compound file (ordinary sectors only: enough for xlwt's output)."""
    size = 1 << struct.unpack_from("<H", data, 30)[0]
    n_fat, first_dir = struct.unpack_from("<II", data, 44)
    sector = lambda i: data[512 + i * size:512 + (i + 1) * size]  # noqa: E731
    fat: list[int] = []
    for s in struct.unpack_from("<109I", data, 76)[:n_fat]:
        fat += struct.unpack(f"<{size // 4}I", sector(s))

    def chain(i: int) -> bytes:
        out = b""
        while i < 0xFFFFFFFA:
            out, i = out + sector(i), fat[i]
        return out

    directory = chain(first_dir)
    for k in range(0, len(directory), 128):
        e = directory[k:k + 128]
        n = struct.unpack_from("<H", e, 64)[0]
        if e[:max(n - 2, 0)].decode("utf-16-le") == want:
            start, length = struct.unpack_from("<IQ", e, 116)
            return chain(start)[:length]
    raise KeyError(want)


def encrypted_xls() -> bytes:
    """A real Excel 97-2003 workbook with a FILEPASS (RC4 password) record after its BOF."""
    from tests import builders as B

    stream = cfb_stream(B.xls({"Điểm": score_rows()}), "Workbook")
    bof = 4 + struct.unpack_from("<H", stream, 2)[0]
    filepass = struct.pack("<HH", 0x002F, 54) + struct.pack("<HHH", 1, 1, 1) + bytes(range(48))
    return cfb({"Workbook": (stream[:bof] + filepass + stream[bof:])[:8192]})


# ---- text files -------------------------------------------------------------------------------

def csv_text(rows: list[list], sep: str = ";") -> str:
    """Rows as CSV text (no quoting needed for the tables here)."""
    return "\r\n".join(sep.join("" if v is None else str(v) for v in row) for row in rows) + "\r\n"


def cp1258(text: str) -> bytes:
    """Vietnamese as Windows-1258 writes it: base letters with combining tone marks."""
    out = bytearray()
    for ch in unicodedata.normalize("NFC", text):
        try:
            out += ch.encode("cp1258")
        except UnicodeEncodeError:
            d = unicodedata.normalize("NFD", ch)
            tone = next(m for m in d if m in "\u0300\u0301\u0303\u0309\u0323")
            base = unicodedata.normalize("NFC", d.replace(tone, ""))
            out += base.encode("cp1258") + tone.encode("cp1258")
    return bytes(out)


def lines_csv(n: int) -> bytes:
    """A header and n short data lines (built by repetition: cheap for millions of lines)."""
    head = csv_text([[TITLE], HEADER]).encode("utf-8")
    return head + b"1;S\xe1\xbb\x9f X;100;77\r\n" * n


# ---- the cases --------------------------------------------------------------------------------

REFUSE, ACCEPT, EITHER = "refuse", "accept", "either"


@dataclass
class Case:
    """One hostile input and what the reader must do with it."""

    id: str
    build: Callable[[], bytes]
    name: str = "upload.xlsx"
    expect: str = REFUSE  # refuse, accept or either
    codes: frozenset[str] = frozenset()  # acceptable refusal codes (empty: any but unreadable)
    env: dict[str, str] = field(default_factory=dict)
    units: tuple[str, ...] | None = None  # when accepted: the unit names, in file order
    points: tuple[float, ...] | None = None  # when accepted: the points, in file order
    forbid: tuple[str, ...] = ()  # text that must appear in no value and no message
    max_rss_mb: float = 600.0  # peak resident memory of the child
    timeout_s: float = TIMEOUT_S
    bug: str | None = None  # a known reader bug: the test is expected to fail (strict xfail)


UNITS = ("Sở Nội vụ", "Sở Y tế", "Sở Tư pháp")
POINTS = (77.0, 70.0, 65.5)


def case(id_: str, build, **kw) -> Case:
    return Case(id_, build, **kw)


def truncated(fraction_or_offset) -> Callable[[], bytes]:
    def build() -> bytes:
        data = valid_xlsx()
        cut = fraction_or_offset
        if isinstance(cut, float):
            cut = int(len(data) * cut)
        elif cut < 0:
            cut = len(data) + cut
        return data[:cut]
    return build


def garbled_central_directory() -> bytes:
    """Every central-directory header signature overwritten."""
    return valid_xlsx().replace(b"PK\x01\x02", b"PK\x09\x09")


def eocd_points_past_the_end() -> bytes:
    """The end record says the central directory starts beyond the file."""
    data = bytearray(valid_xlsx())
    eocd = data.rfind(b"PK\x05\x06")
    data[eocd + 16:eocd + 20] = struct.pack("<I", len(data) + 4096)
    return bytes(data)


def bad_crc() -> bytes:
    """A stored (uncompressed) sheet whose bytes were changed after the CRC was written."""
    data = bytearray(rezip(valid_xlsx(), method=zipfile.ZIP_STORED))
    at = data.find(b"STT")  # ASCII: found however the XML writer escapes Vietnamese text
    assert at > 0
    data[at:at + 3] = b"SXT"  # still valid XML: only the CRC can tell
    return bytes(data)


def bomb_honest_members() -> bytes:
    """120 members of 4 MB of zeros each: 480 MB declared honestly, ~500 KB on disk."""
    zeros = zeros_member("x", 4 * MB)
    members = [member("[Content_Types].xml", b"<Types/>"), member("xl/workbook.xml", b"<workbook/>")]
    members += [Member(f"xl/worksheets/sheet{i}.xml", zeros.payload, zeros.size, zeros.crc)
                for i in range(1, 121)]
    return raw_zip(members)


def bomb_lying_sizes() -> bytes:
    """One sheet of 64 MB of zeros whose local and central headers both claim 1 KB."""
    return raw_zip([member("[Content_Types].xml", b"<Types/>"),
                    member("xl/workbook.xml", b"<workbook/>"),
                    zeros_member("xl/worksheets/sheet1.xml", 64 * MB, local_size=1024,
                                 cd_size=1024)])


def bomb_lying_forged_crc() -> bytes:
    """A real workbook whose sheet (64 MB of blanks inside <sheetData>) claims to be 1 KB.

    The CRC is that of the first 1 KB, so a reader that stops at the claimed size finds nothing
    wrong: only the parser that inflates the whole stream meets the 64 MB.
    """
    xml = sheet_xml(score_rows()).encode()
    at = xml.index(b"<sheetData>") + len(b"<sheetData>")
    head, blanks = xml[:at], b" " * MB
    parts = xlsx_parts([("Điểm", "")])
    members = [member(n, b.encode() if isinstance(b, str) else b) for n, b in parts.items()
               if not n.endswith("sheet1.xml")]
    sheet = repeated_member("xl/worksheets/sheet1.xml", head, blanks, 64, xml[at:],
                            local_size=1024, cd_size=1024)
    sheet.crc = zlib.crc32((head + blanks)[:1024])
    return raw_zip(members + [sheet])


def bomb_overlapping_entries() -> bytes:
    """2,000 central-directory entries all pointing at one 8 MB local member (16 GB declared)."""
    zeros = zeros_member("xl/worksheets/sheet1.xml", 8 * MB)
    members = [member("xl/workbook.xml", b"<workbook/>"), zeros]
    members += [Member(zeros.name, zeros.payload, zeros.size, zeros.crc, offset=0) for _ in
                range(2000)]
    data = raw_zip(members)
    # the overlapping copies point at the real local header of the sheet
    local = data.find(b"PK\x03\x04", 10)
    return data.replace(struct.pack("<I", 0) + zeros.name.encode(),
                        struct.pack("<I", local) + zeros.name.encode())


def nested_bomb_inside_valid_xlsx() -> bytes:
    """A valid workbook carrying an embedded zip of 64 MB of zeros (stored, never opened)."""
    inner = raw_zip([zeros_member("big.bin", 64 * MB)])
    return rezip(valid_xlsx(), add={"xl/embeddings/oleObject1.bin": inner},
                 method=zipfile.ZIP_STORED)


def nested_zip_only() -> bytes:
    """A zip whose only member is another zip (bomb) — not a spreadsheet at all."""
    inner = raw_zip([zeros_member("xl/worksheets/sheet1.xml", 64 * MB)])
    return zip_parts({"inner.xlsx.zip": inner}, method=zipfile.ZIP_STORED)


def many_sheets(n: int) -> Callable[[], bytes]:
    """n one-cell sheets (stored members: quick to build)."""
    def build() -> bytes:
        cell = sheet_xml([["x"]])
        parts = xlsx_parts([(f"S{i}", cell) for i in range(n)])
        return raw_zip([member(k, v.encode() if isinstance(v, str) else v, method=0)
                        for k, v in parts.items()])
    return build


def sheets_sharing_one_part(n: int, rows: int) -> Callable[[], bytes]:
    """workbook.xml lists n sheets that all point at the same worksheet part."""
    def build() -> bytes:
        table = sheet_xml(score_rows() + [[i + 4, f"Sở thứ {i}", 100, 50] for i in range(rows)])
        sheets = [(f"S{i}", table) for i in range(n)]
        return zip_parts(xlsx_parts(sheets, sheet_targets=["worksheets/sheet1.xml"] * n))
    return build


def many_members(n: int) -> Callable[[], bytes]:
    """A valid workbook's parts plus n empty members."""
    def build() -> bytes:
        parts = xlsx_parts([("Điểm", sheet_xml(score_rows()))])
        members = [member(k, v.encode() if isinstance(v, str) else v) for k, v in parts.items()]
        return raw_zip(members + [member(f"junk/{i}.txt", b"", method=0) for i in range(n)])
    return build


def far_cell(ref: str) -> Callable[[], bytes]:
    """The score table plus one numeric cell far away (a sparse sheet with a huge extent)."""
    def build() -> bytes:
        row = re.sub(r"[A-Z]", "", ref)
        return raw_xlsx(extra_rows=f'<row r="{row}"><c r="{ref}"><v>1</v></c></row>')
    return build


def far_cell_xml(extra_row: str) -> Callable[[], bytes]:
    """The score table plus one hand-written far row (attribute spellings XML allows)."""
    def build() -> bytes:
        return raw_xlsx(extra_rows=extra_row)
    return build


def xls_far_cell() -> bytes:
    """An Excel 97-2003 file with the table and one number in its very last cell (IV65536)."""
    import xlwt

    wb = xlwt.Workbook(encoding="utf-8")
    ws = wb.add_sheet("Điểm")
    for r, row in enumerate(score_rows()):
        for c, value in enumerate(row):
            ws.write(r, c, value)
    ws.write(65535, 255, 1)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def mutate(data: bytes, rng: random.Random, flips: int) -> bytes:
    """`flips` random bytes overwritten, and three times in ten the file cut short."""
    out = bytearray(data)
    for _ in range(flips):
        out[rng.randrange(len(out))] = rng.randrange(256)
    if rng.random() < 0.3:
        out = out[: rng.randrange(len(out))]
    return bytes(out)


def damaged_xls(seed: int) -> Callable[[], bytes]:
    """The score table as .xls, mutated as test_fuzz mutates it, from a seed that found a bug."""
    def build() -> bytes:
        from tests import builders as B

        rng = random.Random(seed)
        return mutate(B.xls({"S": B.totals_table(2022)}), rng, rng.randint(1, 40))
    return build


def ods_content(table: str, doctype: str = "") -> str:
    return ('<?xml version="1.0" encoding="UTF-8"?>' + doctype + '<office:document-content '
            'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
            'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
            'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
            f'<office:body><office:spreadsheet>{table}</office:spreadsheet></office:body>'
            '</office:document-content>')


def ods_rows(rows: list[list]) -> str:
    out = []
    for row in rows:
        cells = []
        for v in row:
            if isinstance(v, (int, float)):
                cells.append(f'<table:table-cell office:value-type="float" office:value="{v}">'
                             f"<text:p>{v}</text:p></table:table-cell>")
            elif isinstance(v, tuple) and v[0] == "raw":
                cells.append(v[1])
            else:
                cells.append(f'<table:table-cell office:value-type="string"><text:p>'
                             f"{escape(str(v))}</text:p></table:table-cell>")
        out.append(f"<table:table-row>{''.join(cells)}</table:table-row>")
    return "".join(out)


def ods_file(content: str) -> bytes:
    """An .ods container around a content.xml."""
    from tests import builders as B

    return rezip(B.ods({"S": [["x"]]}), replace={"content.xml": content})


def ods_repeat_bomb() -> bytes:
    """One row of 1,000 filled cells repeated 100,000 times: 10^8 cells from 1.5 KB."""
    return ods_file(ods_content(
        '<table:table table:name="S"><table:table-row table:number-rows-repeated="100000">'
        '<table:table-cell table:number-columns-repeated="1000" office:value-type="float" '
        'office:value="1"><text:p>1</text:p></table:table-cell></table:table-row></table:table>'))


def ods_many_small_repeats() -> bytes:
    """100 rows each repeated 999 times, of one value repeated 999 times: 10^8 cells, no repeat
    count reaching 1,000."""
    block = ('<table:table-row table:number-rows-repeated="999"><table:table-cell '
             'table:number-columns-repeated="999" office:value-type="float" office:value="1">'
             "<text:p>1</text:p></table:table-cell></table:table-row>")
    return ods_file(ods_content(f'<table:table table:name="S">{block * 100}</table:table>'))


def ods_repeat_bomb_single_quotes() -> bytes:
    """The repeat bomb with its attributes in single quotes (as valid XML as double ones)."""
    return ods_file(ods_content(
        "<table:table table:name='S'><table:table-row table:number-rows-repeated='100000'>"
        "<table:table-cell table:number-columns-repeated='1000' office:value-type='float' "
        "office:value='1'><text:p>1</text:p></table:table-cell></table:table-row></table:table>"))


def ods_libreoffice_tail() -> bytes:
    """The score table followed by the empty repeated rows/columns LibreOffice always writes."""
    rows = ods_rows(score_rows()).replace(
        "</table:table-row>", '<table:table-cell table:number-columns-repeated="1020"/>'
        "</table:table-row>")
    tail = ('<table:table-row table:number-rows-repeated="1048571"><table:table-cell '
            'table:number-columns-repeated="1024"/></table:table-row>')
    return ods_file(ods_content(f'<table:table table:name="Điểm">{rows}{tail}</table:table>'))


def ods_formula() -> bytes:
    """Formula cells with cached values (and one without) in an .ods."""
    rows = score_rows()
    rows[2][3] = ("raw", '<table:table-cell table:formula="of:=100-1" office:value-type="float" '
                  'office:value="77"><text:p>77</text:p></table:table-cell>')
    rows[3][1] = ("raw", '<table:table-cell table:formula="of:=WEBSERVICE(&quot;http://evil.'
                  'example/&quot;)" office:value-type="string" office:string-value="Sở Y tế">'
                  "<text:p>Sở Y tế</text:p></table:table-cell>")
    return ods_file(ods_content(f'<table:table table:name="Điểm">{ods_rows(rows)}</table:table>'))


LOL = ('<!DOCTYPE lolz [<!ENTITY lol "lol">'
       + "".join(f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">'
                 for i in range(1, 10)) + "]>")
XXE = '<!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'


def laughs_in_shared_strings() -> bytes:
    rows = score_rows(("raw", '<c r="B3" t="s"><v>0</v></c>'))
    shared = (f'{XML_DECL}{LOL}<sst xmlns="{NS}" count="1" uniqueCount="1"><si><t>&lol9;</t></si>'
              "</sst>")
    return zip_parts(xlsx_parts([("Điểm", sheet_xml(rows))], shared=shared))


def laughs_in_workbook() -> bytes:
    return zip_parts(xlsx_parts([("&lol9;", sheet_xml(score_rows()))], workbook_doctype=LOL))


def laughs_in_sheet() -> bytes:
    rows = score_rows(("raw", '<c r="B3" t="inlineStr"><is><t>&lol9;</t></is></c>'))
    return raw_xlsx(rows, doctype=LOL)


def xxe_in_sheet() -> bytes:
    rows = score_rows(("raw", '<c r="B3" t="inlineStr"><is><t>&xxe;</t></is></c>'))
    return raw_xlsx(rows, doctype=XXE)


def xxe_in_shared_strings() -> bytes:
    rows = score_rows(("raw", '<c r="B3" t="s"><v>0</v></c>'))
    shared = f'{XML_DECL}{XXE}<sst xmlns="{NS}"><si><t>Sở &xxe;</t></si></sst>'
    return zip_parts(xlsx_parts([("Điểm", sheet_xml(rows))], shared=shared))


def xxe_in_ods() -> bytes:
    rows = ods_rows(score_rows("&xxe;")).replace("&amp;xxe;", "&xxe;")
    return ods_file(ods_content(f'<table:table table:name="S">{rows}</table:table>', XXE))


def deep_nesting() -> bytes:
    """200,000 nested elements inside a cell (parsers that recurse overflow their stack)."""
    depth = 200_000
    rows = score_rows(("raw", '<c r="B3" t="inlineStr"><is>' + "<r>" * depth + "</r>" * depth
                       + "<t>Sở Nội vụ</t></is></c>"))
    return raw_xlsx(rows, method=zipfile.ZIP_STORED)  # stored: the compression-ratio cap is not
    # what should stop it


def shared_string_index_out_of_range() -> bytes:
    rows = score_rows(("raw", '<c r="B3" t="s"><v>999999999</v></c>'))
    shared = f'{XML_DECL}<sst xmlns="{NS}"><si><t>Sở Nội vụ</t></si></sst>'
    return zip_parts(xlsx_parts([("Điểm", sheet_xml(rows))], shared=shared))


def error_and_odd_cells() -> bytes:
    """#REF! in a score, booleans and a date serial: refused as not numbers, never crashing."""
    rows = score_rows()
    rows[2][3] = ("raw", '<c r="D3" t="e"><v>#REF!</v></c>')
    rows[3][3] = ("raw", '<c r="D4" t="b"><v>1</v></c>')
    rows[4][3] = ("raw", '<c r="D5" t="d"><v>2022-13-45T99:99:99</v></c>')
    return raw_xlsx(rows)


def infinite_maximum() -> bytes:
    """A maximum of 1e309: infinity once parsed, which makes any points look small."""
    rows = score_rows()
    rows[2][2] = ("raw", '<c r="C3"><v>1e309</v></c>')
    return raw_xlsx(rows)


def words_for_numbers_csv() -> bytes:
    """Maxima typed as "inf" and "1e999" in a CSV."""
    rows = score_rows()
    rows[2][2], rows[3][2] = "inf", "1e999"
    return csv_text(rows).encode("utf-8")


# wrong types -------------------------------------------------------------------------------

def pdf() -> bytes:
    return (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]"
            b"/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n")


def png() -> bytes:
    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(
            ">I", zlib.crc32(kind + body))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(b"\x00\xff\x00\x00")) + chunk(b"IEND", b""))


def jpeg() -> bytes:
    return (b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"
            b"\xff\xdb\x00\x43\x00" + bytes(range(1, 65)) + b"\xff\xd9")


def gif() -> bytes:
    return (b"GIF89a\x01\x00\x01\x00\x80\x00\x00\x00\x00\x00\xff\xff\xff!\xf9\x04\x01\x00\x00"
            b"\x00\x00,\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;")


def elf() -> bytes:
    header = (b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 8 + struct.pack("<HHIQQQIHHHHHH", 2, 62, 1,
              0x401000, 64, 0, 0, 64, 56, 1, 0, 0, 0))
    return header + bytes(random.Random(7).randbytes(2048))


def docx() -> bytes:
    """A Word document whose body is a score table (officials paste tables into Word)."""
    cells = "".join(f"<w:tc><w:p><w:r><w:t>{escape(h)}</w:t></w:r></w:p></w:tc>" for h in HEADER)
    return zip_parts({
        "[Content_Types].xml": '<Types xmlns="http://schemas.openxmlformats.org/package/2006/'
                               'content-types"/>',
        "_rels/.rels": f'<Relationships xmlns="{PKG_REL}"/>',
        "word/document.xml": '<w:document xmlns:w="http://schemas.openxmlformats.org/'
                             f'wordprocessingml/2006/main"><w:body><w:tbl><w:tr>{cells}</w:tr>'
                             "</w:tbl></w:body></w:document>"})


def pptx() -> bytes:
    return zip_parts({
        "[Content_Types].xml": '<Types xmlns="http://schemas.openxmlformats.org/package/2006/'
                               'content-types"/>',
        "_rels/.rels": f'<Relationships xmlns="{PKG_REL}"/>',
        "ppt/presentation.xml": '<p:presentation xmlns:p="http://schemas.openxmlformats.org/'
                                'presentationml/2006/main"/>',
        "ppt/slides/slide1.xml": "<p:sld/>"})


def opendocument(mime: str) -> Callable[[], bytes]:
    def build() -> bytes:
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w") as z:
            z.writestr(zipfile.ZipInfo("mimetype"), mime)  # first and stored, as the spec says
            z.writestr("content.xml", ods_content(ods_rows(score_rows())))
            z.writestr("META-INF/manifest.xml", "<manifest/>")
        return out.getvalue()
    return build


def zip_of_text_files() -> bytes:
    """A zip of CSV and text files (a score CSV inside is still not a spreadsheet)."""
    return zip_parts({"diem.csv": csv_text(score_rows()), "readme.txt": "Bảng điểm CCHC"})


def xlsb() -> bytes:
    return zip_parts({"[Content_Types].xml": "<Types/>", "xl/workbook.bin": b"\x83\x01\x00",
                      "xl/worksheets/sheet1.bin": b"\x81\x01\x00"})


def html_saved_as_xls() -> bytes:
    """Excel's "Web page" export renamed .xls, with a UTF-8 BOM and leading blank lines."""
    rows = "".join("<tr>" + "".join(f"<td>{escape(str(v))}</td>" for v in row) + "</tr>"
                   for row in score_rows())
    return ("\ufeff\r\n  <html xmlns:o=\"urn:schemas-microsoft-com:office:office\" "
            "xmlns:x=\"urn:schemas-microsoft-com:office:excel\"><body><table>" + rows
            + "</table></body></html>").encode()


def html_fragment() -> bytes:
    """An HTML table without <html>: starts with <meta>, as some web systems export it."""
    rows = "".join("<tr>" + "".join(f"<td>{escape(str(v))}</td>" for v in row) + "</tr>\n"
                   for row in score_rows())
    return f'<meta charset="utf-8">\n<table border="1">\n{rows}</table>\n'.encode()


def spreadsheetml_2003() -> bytes:
    cells = "".join(f'<Cell><Data ss:Type="String">{escape(h)}</Data></Cell>' for h in HEADER)
    return ('<?xml version="1.0"?>\n<?mso-application progid="Excel.Sheet"?>\n<Workbook '
            'xmlns="urn:schemas-microsoft-com:office:spreadsheet" xmlns:ss="urn:schemas-microsoft-'
            f'com:office:spreadsheet"><Worksheet ss:Name="Điểm"><Table><Row>{cells}</Row></Table>'
            "</Worksheet></Workbook>").encode()


def rtf() -> bytes:
    rows = "".join("\\trowd " + "".join(f"\\cellx{1000 * (i + 1)}" for i in range(4)) + " "
                   + "".join(f"{v}\\cell " for v in row) + "\\row\n" for row in score_rows()[1:])
    return ("{\\rtf1\\ansi\\ansicpg1258\\deff0 {\\fonttbl{\\f0 Times New Roman;}}\n" + rows
            + "}").encode("ascii", "backslashreplace")


def noise(seed: int, prefix: bytes = b"", size: int = 65536) -> Callable[[], bytes]:
    def build() -> bytes:
        return prefix + random.Random(seed).randbytes(size)
    return build


def utf16(encoding: str, ascii_first: bool = False) -> Callable[[], bytes]:
    """The score table as UTF-16 without a byte-order mark (ASCII first: detectable)."""
    def build() -> bytes:
        rows = score_rows()
        if ascii_first:
            rows[0] = ["2022 - " + TITLE]
        return csv_text(rows).encode(encoding)
    return build


def latin1_csv() -> bytes:
    """Latin-1 (what "CSV" means on many Windows setups); names that Latin-1 can hold."""
    rows = [["KET QUA CHI SO CCHC NAM 2022 CAC SO, BAN, NGANH"], ["STT", "Ten don vi",
            "Diem toi da", "Diem tham dinh"], [1, "Xã Tân Thành", 100, 77], [2, "Xã Ðông Hà", 100,
                                                                                 70]]
    return csv_text(rows).encode("latin-1")


def cp1258_csv() -> bytes:
    return cp1258(csv_text(score_rows()))


def csv_single_line(size: int, sep: str = "") -> Callable[[], bytes]:
    def build() -> bytes:
        unit = ("A" + sep) if sep else "A"
        return unit.encode() * (size // len(unit))
    return build


def unbalanced_quotes() -> bytes:
    rows = score_rows('"Sở Nội vụ')
    return csv_text(rows).encode("utf-8-sig")


def unbalanced_quote_huge_field() -> bytes:
    """An opening quote followed by 1 MB of text over many lines (past csv's field limit)."""
    return csv_text(score_rows('"Sở Nội vụ')).encode("utf-8-sig") + b"x;y\r\n" * 250_000


def budget_table() -> bytes:
    from tests import builders as B

    return B.xlsx({"Dự toán": [["DỰ TOÁN NGÂN SÁCH NĂM 2022"],
                               ["STT", "Nội dung", "Dự toán", "Thực hiện", "Tỷ lệ (%)"],
                               [1, "Chi thường xuyên", 1200, 1100, "91,7%"],
                               [2, "Chi đầu tư", 800, 640, "80%"]]})


def staff_list() -> bytes:
    from tests import builders as B

    return B.xlsx({"Cán bộ": [["DANH SÁCH CÁN BỘ, CÔNG CHỨC NĂM 2022"],
                              ["STT", "Họ và tên", "Chức vụ", "Đơn vị công tác", "Ghi chú"],
                              [1, "Nguyễn Văn A", "Giám đốc", "Sở Nội vụ", ""],
                              [2, "Trần Thị B", "Phó Giám đốc", "Sở Y tế", ""]]})


def units_without_scores() -> bytes:
    from tests import builders as B

    return B.xlsx({"S": [[TITLE], ["STT", "Tên đơn vị", "Địa chỉ", "Điện thoại"],
                         [1, "Sở Nội vụ", "Số 1 Lê Lợi", "0203 3820 000"],
                         [2, "Sở Y tế", "Số 2 Lê Lợi", "0203 3820 001"]]})


# formulas --------------------------------------------------------------------------------------

def formula_rows(unit, points) -> bytes:
    rows = score_rows(unit)
    rows[2][3] = points
    return raw_xlsx(rows)


DDE = "=cmd|' /C calc'!A0"


def external_link() -> bytes:
    """A cell formula into an external workbook on a network share (cached value only)."""
    rows = score_rows()
    rows[2][3] = ("f", "[1]Sheet1!$A$1", 77)
    parts = xlsx_parts([("Điểm", sheet_xml(rows))])
    parts["xl/externalLinks/externalLink1.xml"] = (
        f'{XML_DECL}<externalLink xmlns="{NS}" xmlns:r="{REL_NS}"><externalBook r:id="rId1">'
        '<sheetNames><sheetName val="Sheet1"/></sheetNames></externalBook></externalLink>')
    parts["xl/externalLinks/_rels/externalLink1.xml.rels"] = (
        f'{XML_DECL}<Relationships xmlns="{PKG_REL}"><Relationship Id="rId1" Type="{REL_NS}/'
        'externalLinkPath" Target="file:///\\\\evil.example\\share\\x.xlsx" '
        'TargetMode="External"/></Relationships>')
    return zip_parts(parts)


def macros_under_xlsx_name() -> bytes:
    """A macro-enabled workbook renamed .xlsx: the VBA project is found and ignored."""
    vba = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"Attribute VB_Name = \"Auto_Open\"" + b"\x00" * 600
    parts = xlsx_parts([("Điểm", sheet_xml(score_rows()))], macro=True)
    parts["xl/vbaProject.bin"] = vba
    return zip_parts(parts)


# names -----------------------------------------------------------------------------------------

HOSTILE_NAMES = {
    "dde-cmd": DDE,
    "at-sum": "@SUM(1+1)",
    "plus-formula": "+1-1",
    "minus-formula": "-2+3",
    "tab-prefixed": "\t=1+1",
    "cr-prefixed": "\r=HYPERLINK(\"http://evil.example\",\"x\")",
    "long-100k": "Sở " + "Nội vụ " * 14_300,
    "control-chars": "Sở\x01Nội\x07vụ\x1b[31m",
    "rtl-override": "Sở Nội vụ\u202egpj.exe",
    "zero-width": "Sở\u200bNội\u200d vụ\ufeff",
}


CONTROL_CHARS = tuple(chr(c) for c in [*range(0, 9), 11, 12, *range(14, 32), 127])
BIDI_CONTROLS = ("\u200e", "\u200f", *map(chr, range(0x202A, 0x202F)),
                 *map(chr, range(0x2066, 0x206A)))
# Kept out of names: control characters break exports (openpyxl refuses them, a terminal runs
# ESC sequences) and bidirectional overrides make a name read differently from what it is.
# Zero-width characters and the soft hyphen: two names that look the same are the same.
ZERO_WIDTH = ("\u00ad", "\u200b", "\u200c", "\u200d", "\u2060", "\ufeff")
INVISIBLE = frozenset(CONTROL_CHARS + BIDI_CONTROLS + ZERO_WIDTH)



def name_in_xlsx(name: str) -> Callable[[], bytes]:
    def build() -> bytes:
        return raw_xlsx(score_rows(name))
    return build


def name_in_csv(name: str) -> Callable[[], bytes]:
    def build() -> bytes:
        rows = score_rows(name.replace('"', '""'))
        rows[2][1] = f'"{rows[2][1]}"'
        return csv_text(rows).encode("utf-8-sig")
    return build


def hostile_sheet_name(name: str) -> Callable[[], bytes]:
    def build() -> bytes:
        return raw_xlsx(sheet_name=name)
    return build


def name_expect(name: str) -> str:
    """The unit name the reader should keep: the text, with runs of whitespace collapsed."""
    return " ".join(name.split())


def same_text(kept: str, name: str) -> bool:
    """The kept name is the given one minus invisible characters (however blanks came out)."""
    def visible(text: str) -> str:
        return "".join(ch for ch in "".join(text.split()) if ch not in INVISIBLE)
    return visible(kept) == visible(name)


def _cases() -> list[Case]:
    out: list[Case] = []
    add = out.append
    # containers: truncated, corrupt, lying
    for label, cut in [("10-bytes", 10), ("100-bytes", 100), ("quarter", 0.25), ("half", 0.5),
                       ("no-end-record", -22), ("last-byte", -1)]:
        add(case(f"truncated-xlsx-{label}", truncated(cut), codes=frozenset({"corrupt"})))
    add(case("zip-central-directory-garbled", garbled_central_directory,
             codes=frozenset({"corrupt"})))
    add(case("zip-end-record-points-past-eof", eocd_points_past_the_end,
             codes=frozenset({"corrupt"})))
    add(case("zip-bad-crc", bad_crc, codes=frozenset({"corrupt"})))
    add(case("zip-bomb-honest-120x4mb", bomb_honest_members, codes=frozenset({"zip_bomb"})))
    add(case("zip-bomb-lying-sizes", bomb_lying_sizes, codes=frozenset({"zip_bomb", "corrupt"})))
    add(case("zip-bomb-lying-sizes-forged-crc", bomb_lying_forged_crc,
             codes=frozenset({"zip_bomb", "corrupt"})))
    add(case("zip-bomb-overlapping-entries", bomb_overlapping_entries,
             codes=frozenset({"zip_bomb", "zip_members", "corrupt"})))
    add(case("zip-nested-bomb-in-valid-xlsx", nested_bomb_inside_valid_xlsx, expect=ACCEPT,
             units=UNITS, points=POINTS))
    add(case("zip-nested-zip-only", nested_zip_only, codes=frozenset({"not_spreadsheet"})))
    add(case("xlsx-10000-sheets", many_sheets(10_000), codes=frozenset({"zip_members"})))
    add(case("xlsx-3000-sheets", many_sheets(3000),
             codes=frozenset({"too_many_sheets", "no_header", "empty"})))
    add(case("xlsx-20000-members", many_members(20_000), codes=frozenset({"zip_members"})))
    # 5,000 sheets naming one 200-row part (10 KB): ~30 ms a sheet, minutes without a limit
    add(case("xlsx-5000-sheets-share-one-part", sheets_sharing_one_part(5000, 200), timeout_s=10,
             codes=frozenset({"too_many_sheets"})))
    # huge extents
    add(case("xlsx-dimension-A1-XFD1048576", lambda: raw_xlsx(dimension="A1:XFD1048576"),
             expect=ACCEPT, units=UNITS, points=POINTS))
    # calamine allocates the whole rectangle up to the farthest cell (32 bytes a cell) before
    # any row limit can be checked: 512 GiB for XFD1048576, the process aborts
    add(case("xlsx-cell-at-A1048576", far_cell("A1048576"), codes=frozenset({"too_many_rows", "too_many_columns", "too_many_cells"})))
    add(case("xlsx-cell-at-XFD1", far_cell("XFD1"), codes=frozenset({"too_many_rows", "too_many_columns", "too_many_cells"})))
    add(case("xlsx-cell-at-XFD1048576", far_cell("XFD1048576"), codes=frozenset({"too_many_rows", "too_many_columns", "too_many_cells"})))
    add(case("xlsx-cell-at-ALL100000", far_cell("ALL100000"), codes=frozenset({"too_many_rows", "too_many_columns", "too_many_cells"})))
    add(case("xlsx-far-cell-character-reference",
             far_cell_xml('<row r="&#49;048576"><c r="&#88;FD1048576"><v>1</v></c></row>')))
    add(case("xlsx-far-cell-in-row-without-r",
             far_cell_xml('<row><c r="ZZ99999"><v>1</v></c></row>'), codes=frozenset({"too_many_rows", "too_many_columns", "too_many_cells"})))
    add(case("xlsx-far-cell-single-quoted",
             far_cell_xml("<row r='1048576'><c r='XFD1048576'><v>1</v></c></row>"), codes=frozenset({"too_many_rows", "too_many_columns", "too_many_cells"})))
    add(case("xlsx-far-cell-spaces-around-equals",
             far_cell_xml('<row r = "1048576"><c r = "XFD1048576"><v>1</v></c></row>'),
             codes=frozenset({"too_many_rows", "too_many_columns", "too_many_cells"})))
    # calamine's .xls reader aborted the interpreter on these (Rust asked for 1.3 TB): the
    # reader now runs .xls in a child process of its own, and the abort becomes a refusal
    for seed in (1624, 1819, 1855, 3810):
        add(case(f"xls-damaged-aborts-calamine-{seed}", damaged_xls(seed), name="ket-qua.xls",
                 codes=frozenset({"corrupt"})))
    add(case("xls-cell-at-IV65536", xls_far_cell, name="ket-qua.xls", codes=frozenset({"too_many_rows", "too_many_columns", "too_many_cells"})))
    add(case("ods-repeat-bomb-100000x1000", ods_repeat_bomb, codes=frozenset({"too_many_rows", "too_many_columns", "too_many_cells"})))
    add(case("ods-999-repeats-x100", ods_many_small_repeats, codes=frozenset({"too_many_rows", "too_many_columns", "too_many_cells"})))
    add(case("ods-repeat-bomb-single-quoted", ods_repeat_bomb_single_quotes, codes=frozenset({"too_many_rows", "too_many_columns", "too_many_cells"})))
    add(case("ods-libreoffice-empty-tail", ods_libreoffice_tail, expect=ACCEPT, name="diem.ods",
             units=UNITS, points=POINTS))
    # XML tricks
    add(case("xml-billion-laughs-shared-strings", laughs_in_shared_strings, expect=EITHER,
             forbid=("lol" * 100,)))
    add(case("xml-billion-laughs-workbook", laughs_in_workbook, expect=EITHER,
             forbid=("lol" * 100,)))
    add(case("xml-billion-laughs-sheet", laughs_in_sheet, expect=EITHER, forbid=("lol" * 100,)))
    add(case("xml-xxe-passwd-sheet", xxe_in_sheet, expect=EITHER, forbid=(SECRET_MARKER,)))
    add(case("xml-xxe-passwd-shared-strings", xxe_in_shared_strings, expect=EITHER,
             forbid=(SECRET_MARKER,)))
    add(case("xml-xxe-passwd-ods", xxe_in_ods, expect=EITHER, name="diem.ods",
             forbid=(SECRET_MARKER,)))
    add(case("xml-200k-nested-elements", deep_nesting, expect=EITHER))
    add(case("xlsx-shared-string-index-out-of-range", shared_string_index_out_of_range))
    add(case("xlsx-error-bool-bad-date-cells", error_and_odd_cells,
             codes=frozenset({"not_a_number", "missing_points"})))
    # infinity as a maximum would give every unit an index of 0 % and a band
    add(case("xlsx-maximum-1e309", infinite_maximum, codes=frozenset({"not_a_number"})))
    add(case("csv-maximum-inf-and-1e999", words_for_numbers_csv, name="diem.csv",
             codes=frozenset({"not_a_number"})))
    # wrong types
    add(case("pdf", pdf, name="ket-qua.xlsx", codes=frozenset({"pdf"})))
    for id_, build in [("png", png), ("jpeg", jpeg), ("gif", gif), ("elf-binary", elf)]:
        add(case(id_, build, name="ket-qua.xlsx", codes=frozenset({"not_text"})))
    add(case("docx-with-score-table", docx, name="ket-qua.docx", codes=frozenset({"word"})))
    add(case("pptx", pptx, name="ket-qua.pptx", codes=frozenset({"not_spreadsheet"})))
    add(case("odt", opendocument("application/vnd.oasis.opendocument.text"), name="ket-qua.odt",
             codes=frozenset({"word"})))
    add(case("odp", opendocument("application/vnd.oasis.opendocument.presentation"),
             name="ket-qua.odp", codes=frozenset({"not_spreadsheet"})))
    add(case("zip-of-text-files", zip_of_text_files, name="ket-qua.zip",
             codes=frozenset({"not_spreadsheet"})))
    add(case("xlsb", xlsb, name="ket-qua.xlsb", codes=frozenset({"xlsb"})))
    add(case("html-saved-as-xls", html_saved_as_xls, name="ket-qua.xls", codes=frozenset({"html"})))
    add(case("html-fragment-as-xls", html_fragment, name="ket-qua.xls"))
    add(case("spreadsheetml-2003", spreadsheetml_2003, name="ket-qua.xml",
             codes=frozenset({"html"})))
    add(case("rtf", rtf, name="ket-qua.rtf"))
    add(case("empty-file", lambda: b"", codes=frozenset({"empty_file"})))
    add(case("nul-bytes-64k", lambda: b"\x00" * 65536, codes=frozenset({"not_text"})))
    add(case("noise-64k", noise(1), codes=frozenset({"not_text"})))
    add(case("noise-with-zip-magic", noise(2, b"PK\x03\x04"), codes=frozenset({"corrupt"})))
    add(case("noise-with-ole-magic", noise(3, b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"),
             codes=frozenset({"corrupt"})))
    add(case("encrypted-ooxml-in-ole", encrypted_ooxml, codes=frozenset({"encrypted"})))
    add(case("encrypted-xls-filepass", encrypted_xls, name="ket-qua.xls",
             codes=frozenset({"encrypted"})))
    add(case("utf16le-csv-without-bom", utf16("utf-16-le"), name="diem.csv", expect=EITHER,
             units=UNITS, points=POINTS))
    add(case("utf16be-csv-without-bom", utf16("utf-16-be"), name="diem.csv", expect=EITHER,
             units=UNITS, points=POINTS))
    add(case("utf16le-csv-without-bom-ascii-first", utf16("utf-16-le", True), name="diem.csv",
             expect=EITHER, units=UNITS, points=POINTS))
    # Windows "ANSI" text: read as Windows-1252 or -1258, whichever reads as Vietnamese
    add(case("latin1-csv", latin1_csv, name="diem.csv", expect=ACCEPT,
             units=("Xã Tân Thành", "Xã Ðông Hà")))
    add(case("cp1258-csv", cp1258_csv, name="diem.csv", expect=ACCEPT,
             units=("Sở Nội vụ", "Sở Y tế", "Sở Tư pháp")))
    # CSV shapes
    # past csv's 131,072-character field limit (once escaped as _csv.Error)
    add(case("csv-10mb-single-line", csv_single_line(10 * MB), name="diem.csv",
             codes=frozenset({"corrupt", "too_many_columns"})))
    add(case("csv-10mb-single-line-of-fields", csv_single_line(10 * MB, ";"), name="diem.csv",
             codes=frozenset({"corrupt", "too_many_columns"})))
    add(case("csv-2m-rows-low-limit", lambda: lines_csv(2_000_000), name="diem.csv",
             env={"CCHC_MAX_ROWS": "1000"}, codes=frozenset({"too_many_rows"})))
    add(case("csv-300k-rows-just-over-default", lambda: lines_csv(300_000), name="diem.csv",
             codes=frozenset({"too_many_rows"})))
    add(case("csv-unbalanced-quote", unbalanced_quotes, name="diem.csv", expect=EITHER))
    add(case("csv-unbalanced-quote-1mb-field", unbalanced_quote_huge_field, name="diem.csv"))
    # unrelated tables
    add(case("budget-table", budget_table, codes=frozenset({"no_header"})))
    add(case("staff-list", staff_list, codes=frozenset({"no_header"})))
    add(case("unit-names-without-scores", units_without_scores, codes=frozenset({"no_header"})))
    # formulas and macros
    add(case("formula-text-with-cached-value",
             lambda: formula_rows(("f", 'CONCATENATE("Sở ","Nội vụ")', "Sở Nội vụ"),
                                  ("f", "100-1", 77)),
             expect=ACCEPT, units=UNITS, points=POINTS, forbid=("CONCATENATE",)))
    add(case("formula-without-cached-value",
             lambda: formula_rows("Sở Nội vụ", ("f", "100-23", None)),
             codes=frozenset({"missing_points"})))
    add(case("formula-dde", lambda: formula_rows(("f", DDE[1:], "Sở Nội vụ"),
                                                 ("f", "cmd|' /C calc'!A0", 77)),
             expect=ACCEPT, units=UNITS, points=POINTS, forbid=("cmd|",)))
    add(case("formula-hyperlink",
             lambda: formula_rows(("f", 'HYPERLINK("http://evil.example/x","Sở Nội vụ")',
                                   "Sở Nội vụ"), 77),
             expect=ACCEPT, units=UNITS, points=POINTS, forbid=("evil.example",)))
    add(case("formula-external-link", external_link, expect=ACCEPT, units=UNITS, points=POINTS,
             forbid=("evil.example",)))
    add(case("ods-formula-cached", ods_formula, name="diem.ods", expect=ACCEPT, units=UNITS,
             points=POINTS, forbid=("evil.example",)))
    add(case("macros-under-xlsx-name", macros_under_xlsx_name, expect=ACCEPT, units=UNITS,
             points=POINTS))
    # names that try to become formulas, or to fool the eye
    for key, name in HOSTILE_NAMES.items():
        kw = {"units": (name_expect(name),) + UNITS[1:], "points": POINTS}
        if key in ("control-chars", "rtl-override", "zero-width"):  # kept without invisibles
            kw = {"forbid": tuple(INVISIBLE), "points": POINTS}
        if key == "long-100k":  # longer than any name: refused, located (it slowed every page)
            add(case(f"unit-name-{key}-xlsx", name_in_xlsx(name),
                     codes=frozenset({"unit_name_too_long"})))
            continue
        add(case(f"unit-name-{key}-xlsx", name_in_xlsx(name), expect=ACCEPT, **kw))
        if key in ("dde-cmd", "at-sum", "minus-formula", "control-chars", "rtl-override"):
            add(case(f"unit-name-{key}-csv", name_in_csv(name), name="diem.csv", expect=ACCEPT,
                     **kw))
    for key in ("dde-cmd", "rtl-override", "long-100k"):
        name = HOSTILE_NAMES[key] if key != "long-100k" else "S" * 100_000
        add(case(f"sheet-name-{key}", hostile_sheet_name(name), expect=EITHER, units=UNITS,
                 points=POINTS))
    return out


CASES = {c.id: c for c in _cases()}


# ---- the child process ------------------------------------------------------------------------

def values_of(result) -> list[str]:
    """Every text the reader handed back (scores, stated values, sheet names)."""
    texts = []
    for frame in (result.scores, result.stated):
        for col in frame.columns:
            if frame[col].dtype == object:
                texts += [v for v in frame[col].unique().tolist() if isinstance(v, str)]
    texts += [t.sheet for t in result.tables]
    return texts


def run_case(case_id: str, send, stderr_path: str | None = None) -> None:
    """Child process: cap memory, build the case, read it, send back what happened."""
    import gc

    if stderr_path:  # what a native library prints before aborting, for the parent to show
        fd = os.open(stderr_path, os.O_WRONLY)
        os.dup2(fd, 2)
        os.close(fd)
    gc.freeze()  # the inherited heap is never collected (and so never copied page by page)
    # Arrow's default allocator (mimalloc) reserves ~1 GB of address space on first use; with
    # the system allocator the address-space cap measures memory actually asked for.
    os.environ["ARROW_DEFAULT_MEMORY_POOL"] = "system"
    resource.setrlimit(resource.RLIMIT_AS, (ADDRESS_SPACE_LIMIT, ADDRESS_SPACE_LIMIT))
    spec = CASES[case_id]
    cpu = int(spec.timeout_s + 0.999)
    resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 2))  # SIGXCPU, then SIGKILL
    os.environ.update(spec.env)
    out: dict = {"id": case_id}
    try:
        start = time.perf_counter()
        data = spec.build()
        out["size"], out["build_s"] = len(data), time.perf_counter() - start
        out["rss_before_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        import cchc_metrics as cm

        start = time.perf_counter()
        try:
            result = cm.read_workbook(data, name=spec.name)
        except cm.ScoreFileError as exc:
            out["outcome"] = "refused"
            out["problems"] = [(p.code, p.vi, p.en, None if p.value is None else str(p.value))
                               for p in exc.problems]
            out["texts"] = [t for p in exc.problems for t in (p.vi, p.en, str(p.value or ""),
                                                               str(p.sheet or ""))]
        else:
            out["outcome"] = "accepted"
            out["kind"] = result.kind
            out["warnings"] = [w.code for w in result.warnings]
            scores = result.scores
            out["scores"] = scores if len(scores) <= 10_000 else scores.head(0)
            out["texts"] = values_of(result)
        out["seconds"] = time.perf_counter() - start
        # the upload page lists the file's columns (for mapping) before it reads the scores
        from cchc_metrics.ingest.reader import describe_columns

        try:
            columns = describe_columns(data, name=spec.name)
        except BaseException as exc:  # must not happen: the page has no handler for it
            out["describe"] = f"{type(exc).__module__}.{type(exc).__name__}: {exc}"[:500]
        else:
            out["describe"] = "ok"
            out["texts"] += [str(v) for v in columns["header"].tolist()]
    except MemoryError:
        out["outcome"] = "escaped"
        out["error"] = "MemoryError"
    except BaseException as exc:  # anything but ScoreFileError is a reader bug: say what
        out["outcome"] = "escaped"
        out["error"] = f"{type(exc).__name__}: {exc}"[:500]
        out["traceback"] = traceback.format_exc()[-3000:]
    usage = resource.getrusage(resource.RUSAGE_SELF)
    out["peak_rss_mb"] = usage.ru_maxrss / 1024
    out["cpu_s"] = usage.ru_utime + usage.ru_stime
    send.send(out)
    send.close()


def context():
    """A forkserver that has imported the reader once: each case then starts in milliseconds."""
    import multiprocessing as mp
    from multiprocessing import forkserver

    ctx = mp.get_context("forkserver")
    # (pytest too: each child re-imports the parent's main module, which is pytest's)
    ctx.set_forkserver_preload(["tests.ingest.hostile_files", "tests.builders", "cchc_metrics",
                                "cchc_metrics.ingest.reader", "python_calamine", "openpyxl",
                                "odf.opendocument", "pytest"])
    # Python 3.11's forkserver ignores the parent's sys.path: hand it the project by environment
    # (and the system allocator to Arrow, see run_case), only while the server starts.
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    path = os.environ.get("PYTHONPATH")
    server_env = {"PYTHONPATH": root + (os.pathsep + path if path else ""),
                  "ARROW_DEFAULT_MEMORY_POOL": "system"}
    saved = {k: os.environ.get(k) for k in server_env}
    os.environ.update(server_env)
    try:
        forkserver.ensure_running()
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
    return ctx


_MAIN_LOCK = threading.Lock()


@contextlib.contextmanager
def _plain_main():
    """Start a child with no main module to re-run: an AppTest leaves app.py as __main__.

    Streamlit's script runner puts the script it ran in sys.modules["__main__"] and leaves it
    there; multiprocessing then runs that file in every child it starts (as __mp_main__), so
    after the AppTest suites each case ran the whole app first, and one failed with the store
    busy. Cases start from two threads, hence the lock.
    """
    with _MAIN_LOCK:
        saved = sys.modules["__main__"]
        sys.modules["__main__"] = types.ModuleType("__main__")
        try:
            yield
        finally:
            sys.modules["__main__"] = saved


def run_in_child(case_id: str, ctx=None) -> dict:
    """Run one case in a fresh child; a hang is killed, a crash reported by its exit code."""
    import signal
    import tempfile

    ctx = ctx or context()
    spec = CASES[case_id]
    recv, send = ctx.Pipe(duplex=False)
    fd, stderr_path = tempfile.mkstemp(prefix="hostile-", suffix=".stderr")
    os.close(fd)
    proc = ctx.Process(target=run_case, args=(case_id, send, stderr_path), daemon=True)
    start = time.perf_counter()
    with _plain_main():
        proc.start()
    send.close()
    out = None
    if recv.poll(spec.timeout_s * WALL_FACTOR):
        try:
            out = recv.recv()
        except EOFError:  # the child died without a word (abort, kill)
            out = None
    proc.join(5 if out is not None else 0.1)
    if proc.is_alive():
        proc.kill()
        proc.join()
    wall = time.perf_counter() - start
    if out is None:
        timed_out = proc.exitcode == -signal.SIGXCPU or (
            proc.exitcode == -signal.SIGKILL and wall >= spec.timeout_s)
        out = {"id": case_id, "outcome": "timeout" if timed_out else "killed",
               "exitcode": proc.exitcode}
    out["wall_s"] = wall
    out["exitcode"] = proc.exitcode
    with open(stderr_path, "rb") as f:
        lines = f.read().decode("utf-8", "replace").strip().splitlines()
    os.unlink(stderr_path)
    out["stderr"] = "\n".join(line for line in lines if not line.startswith(" "))[-1000:]
    if out["outcome"] == "killed":
        out["error"] = out["stderr"].splitlines()[0] if out["stderr"] else ""
    return out
