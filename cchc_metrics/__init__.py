"""CCHC metrics: read provincial PAR INDEX score files and compute what provinces publish.

Imports no streamlit: everything here works in a notebook or a script. The store's names
(Store, Actor, AuthError, StoreError) load on first use, so reading and ranking a file never
imports the database layer.
"""

from cchc_metrics.bands import BAND_PRESETS, parse_bands
from cchc_metrics.contract import LEVELS, SCORE_COLUMNS, UNIT_COLUMNS
from cchc_metrics.ingest import Problem, ReadResult, ScoreFileError, read_scores, read_workbook
from cchc_metrics.metrics import block_summary, field_summary, unit_fields, unit_table
from cchc_metrics.names import unit_key

_STORE_NAMES = {"Store", "Actor", "AuthError", "StoreError", "StoreBusyError", "open_store"}


def __getattr__(name: str):
    if name in _STORE_NAMES:
        from cchc_metrics import store

        return getattr(store, name)
    raise AttributeError(f"module 'cchc_metrics' has no attribute {name!r}")


__all__ = [
    "BAND_PRESETS", "LEVELS", "SCORE_COLUMNS", "UNIT_COLUMNS", "Actor", "AuthError", "Problem",
    "ReadResult", "ScoreFileError", "Store", "StoreBusyError", "StoreError", "block_summary",
    "field_summary", "open_store", "parse_bands", "read_scores", "read_workbook", "unit_fields",
    "unit_key", "unit_table",
]
