"""Canonical score frames in and out of the store: checking, row tuples and Arrow dataset frames."""

from __future__ import annotations

import io

import numpy as np
import pandas as pd

from cchc_metrics.contract import DEFAULT_BLOCKS, LEVELS, LOCATION_COLUMNS, SCORE_COLUMNS
from cchc_metrics.i18n import Msg, MsgError

TEXT_COLUMNS = ["level", "block", "province", "parent", "unit", "unit_code", "component", "source"]
NUMBER_COLUMNS = ["max_points", "points", "self_points"]
# Columns of the `scores` table after dataset_id, in insert order.
ROW_COLUMNS = ["year", "level", "block", "seq", "province", "parent", "unit", "unit_code",
               "component", "max_points", "points", "self_points", "source", "sheet", "sheet_row"]
FRAME_FORMAT = "arrow-ipc/1"


def empty_scores() -> pd.DataFrame:
    """A canonical frame with no rows but the right dtypes, so callers need no special case."""
    return canonical(pd.DataFrame({c: [] for c in SCORE_COLUMNS}))


def canonical(frame: pd.DataFrame) -> pd.DataFrame:
    """The canonical columns with fixed dtypes; MsgError when a frame cannot be stored.

    Text columns hold "" (never missing) so what is stored reads back identically.
    """
    missing = [c for c in SCORE_COLUMNS if c not in frame.columns]
    if missing:
        raise MsgError(Msg(f"Bảng điểm thiếu cột: {', '.join(missing)}.",
                           f"The scores lack columns: {', '.join(missing)}."))
    out = pd.DataFrame(index=pd.RangeIndex(len(frame)))
    year = pd.to_numeric(frame["year"].reset_index(drop=True), errors="coerce")
    if year.isna().any() or (year != year.round()).any():
        raise MsgError(Msg("Cột «year» phải là số năm nguyên, không để trống.",
                           "Column «year» must hold whole years, none missing."))
    out["year"] = year.astype("int64")
    for col in TEXT_COLUMNS:
        out[col] = frame[col].reset_index(drop=True).astype("str").fillna("")
    for col in NUMBER_COLUMNS:
        try:
            out[col] = pd.to_numeric(frame[col].reset_index(drop=True)).astype("float64")
        except (TypeError, ValueError):
            raise MsgError(Msg(f"Cột «{col}» phải là số.",
                               f"Column «{col}» must be numeric.")) from None
    bad_levels = sorted(set(out["level"].unique()) - set(LEVELS))
    if bad_levels:
        raise MsgError(Msg(f"Cấp không hợp lệ: {', '.join(bad_levels)} (dùng {', '.join(LEVELS)}).",
                           f"Unknown level: {', '.join(bad_levels)} (use {', '.join(LEVELS)})."))
    no_block = out["block"] == ""
    if no_block.any():
        out.loc[no_block, "block"] = out.loc[no_block, "level"].map(DEFAULT_BLOCKS)
    if (out["unit"] == "").any():
        raise MsgError(Msg("Có dòng không có tên đơn vị.", "Some rows have no unit name."))
    # where each row was read, when the reader said so (stored in the `scores` table)
    if "sheet" in frame:
        out["sheet"] = frame["sheet"].reset_index(drop=True).astype("str").fillna("")
    if "row" in frame:
        try:
            out["row"] = pd.to_numeric(frame["row"].reset_index(drop=True)).astype("Int64")
        except (TypeError, ValueError):
            raise MsgError(Msg("Cột «row» phải là số dòng nguyên.",
                               "Column «row» must hold whole row numbers.")) from None
    return out[SCORE_COLUMNS + [c for c in LOCATION_COLUMNS if c in out]]


def _pylist(column: pd.Series) -> list:
    """A text column as a Python list, one str object per distinct value (faster, less memory)."""
    codes, uniques = pd.factorize(column)
    return np.asarray(uniques, dtype=object)[codes].tolist()


def row_tuples(frame: pd.DataFrame, dataset_id: int) -> list[tuple]:
    """The `scores` table rows of a canonical frame (missing numbers as None), in frame order."""
    sheets = _pylist(frame["sheet"]) if "sheet" in frame else [""] * len(frame)
    rows = (frame["row"].astype(object).where(frame["row"].notna(), None).tolist()
            if "row" in frame else [None] * len(frame))
    columns = {c: _pylist(frame[c]) for c in TEXT_COLUMNS}
    for col in NUMBER_COLUMNS:
        values = frame[col].to_numpy(dtype="float64")
        columns[col] = np.where(np.isnan(values), None, values).tolist()
    return list(zip(
        [dataset_id] * len(frame), frame["year"].tolist(), columns["level"], columns["block"],
        range(len(frame)), columns["province"], columns["parent"], columns["unit"],
        columns["unit_code"], columns["component"], columns["max_points"], columns["points"],
        columns["self_points"], columns["source"], sheets, rows, strict=True))


def by_slice(frame: pd.DataFrame) -> tuple[pd.DataFrame, list[tuple[tuple[int, str, str], int]]]:
    """The frame ordered by (year, level, block) then file order, and each slice's row count.

    Slices are ordered by Python's tuple order, the same order the store uses to find a slice's
    offset in a dataset frame.
    """
    grouped = frame.groupby(["year", "level", "block"], sort=False)
    sizes = grouped.size()
    keys = [(int(y), str(lv), str(b)) for y, lv, b in sizes.index]
    order = sorted(range(len(keys)), key=keys.__getitem__)
    rank = np.empty(len(keys), dtype=np.int64)
    rank[order] = np.arange(len(keys))
    perm = np.argsort(rank[grouped.ngroup().to_numpy()], kind="stable")
    counts = sizes.to_numpy()
    return (frame.take(perm).reset_index(drop=True),
            [(keys[i], int(counts[i])) for i in order])


def frames_available() -> bool:
    """Dataset frames need pyarrow; without it the store reads (slower) from the rows."""
    try:
        import pyarrow  # noqa: F401
    except ImportError:
        return False
    return True


def encode(frame: pd.DataFrame, columns: list[str] = SCORE_COLUMNS) -> bytes:
    """A canonical frame (its `columns`) as an Arrow IPC stream: text dictionary-encoded,
    zstd-compressed."""
    import pyarrow as pa
    import pyarrow.compute as pc

    table = pa.Table.from_pandas(frame[columns], preserve_index=False)
    arrays = [pc.dictionary_encode(col.combine_chunks())
              if col.type in (pa.string(), pa.large_string()) else col for col in table.columns]
    table = pa.table(arrays, names=table.column_names)  # no pandas metadata: tables concatenate
    codec = "zstd" if pa.Codec.is_available("zstd") else None
    sink = io.BytesIO()
    with pa.ipc.new_stream(sink, table.schema,
                           options=pa.ipc.IpcWriteOptions(compression=codec)) as writer:
        writer.write_table(table)
    return sink.getvalue()


def read_table(blob: bytes):
    """One encoded frame as an Arrow table (slice it by row ranges before converting)."""
    import pyarrow as pa

    return pa.ipc.open_stream(blob).read_all()


def to_frame(tables: list) -> pd.DataFrame:
    """Arrow tables (or row ranges of them) as one canonical frame, converted once."""
    import pyarrow as pa

    if not tables:
        return empty_scores()
    table = pa.concat_tables(tables)  # dictionary chunks may differ; the cast below unifies them
    table = pa.table([col.cast(pa.large_string()) if pa.types.is_dictionary(col.type) else col
                      for col in table.columns], names=table.column_names)
    frame = table.to_pandas()
    return frame.astype({"year": "int64", **{c: "float64" for c in NUMBER_COLUMNS},
                         **{c: "str" for c in TEXT_COLUMNS}})[SCORE_COLUMNS]


def from_rows(rows: list[tuple]) -> pd.DataFrame:
    """Canonical frame from `scores` rows selected in SCORE_COLUMNS order (the slow path)."""
    return canonical(pd.DataFrame.from_records(rows, columns=SCORE_COLUMNS))
