"""Integer keys for grouping and matching units: one code per distinct value, fast on Arrow text."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pandas as pd
import pyarrow as pa

from cchc_metrics.names import unit_key


def group_ids(frame: pd.DataFrame | dict, columns: list[str]) -> np.ndarray:
    """One integer per distinct combination of the columns (faster than a groupby on text)."""
    ids, size = np.zeros(len(frame[columns[0]]), dtype=np.int64), 1
    for codes, uniques in factorized([frame[c] for c in columns]):
        if size * (len(uniques) + 1) > 2**62:  # renumber densely before the product overflows
            ids, distinct = pd.factorize(ids)
            size = len(distinct)
        ids = ids * (len(uniques) + 1) + codes
        size *= len(uniques) + 1
    return pd.factorize(ids)[0]


def factorized(columns: list) -> list[tuple[np.ndarray, object]]:
    """factorize of each column; large Arrow ones on two threads (Arrow releases the GIL)."""
    arrow = [c for c in columns if arrow_text(c) is not None]
    if len(arrow) < 2 or len(columns[0]) < 200_000:  # object columns hold the GIL: no gain
        return [factorize(c) for c in columns]
    with ThreadPoolExecutor(max_workers=2) as pool:
        return list(pool.map(factorize, columns))


def factorize(values) -> tuple[np.ndarray, object]:
    """pd.factorize keeping missing values as a code; Arrow text is encoded by Arrow itself."""
    chunked = arrow_text(values)
    if chunked is not None:
        array = chunked.chunk(0) if chunked.num_chunks == 1 else chunked.combine_chunks()
        encoded = array.dictionary_encode(null_encoding="encode")
        return encoded.indices.to_numpy(zero_copy_only=False).astype(np.int64), encoded.dictionary
    return pd.factorize(values, use_na_sentinel=False)


def arrow_text(values):
    """The Arrow array behind a pandas str column, else None."""
    chunked = getattr(getattr(values, "array", None), "_pa_array", None)
    if chunked is not None and (pa.types.is_string(chunked.type)
                                or pa.types.is_large_string(chunked.type)):
        return chunked
    return None


def keyed(values: pd.Series, fn=unit_key) -> np.ndarray:
    """fn of every value, computed once per distinct value."""
    codes, keys = distinct_keys(values, fn)
    return keys[codes]


def key_codes(values: pd.Series, fn=unit_key) -> np.ndarray:
    """One integer per distinct fn(value): keyed() for grouping, without building the keys."""
    codes, keys = distinct_keys(values, fn)
    return pd.factorize(keys)[0][codes]


def distinct_keys(values: pd.Series, fn) -> tuple[np.ndarray, np.ndarray]:
    """(each value's code, fn of each distinct value): fn runs once per distinct value."""
    codes, uniques = factorize(values)
    uniques = uniques.to_pylist() if isinstance(uniques, pa.Array) else list(uniques)
    return codes, np.array([fn(as_text(u)) for u in uniques], dtype=object)


def as_text(value) -> str:
    """A text cell as str; missing values as "" (pd.isna per value costs more than a name key)."""
    if isinstance(value, str):
        return value
    if value is None or value is pd.NA or value != value:  # value != value: NaN
        return ""
    return str(value)
