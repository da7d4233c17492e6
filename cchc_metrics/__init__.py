"""CCHC metrics: read provincial PAR INDEX score files and compute what provinces publish.

Imports no streamlit: everything here works in a notebook or a script.
"""

from cchc_metrics.metrics import (
    block_summary,
    field_summary,
    unit_fields,
    unit_table,
)
from cchc_metrics.model import (
    BAND_PRESETS,
    LEVELS,
    SCORE_COLUMNS,
    UNIT_COLUMNS,
    parse_bands,
    unit_key,
)
from cchc_metrics.problems import Problem, ScoreFileError
from cchc_metrics.readers import ReadResult, read_scores, read_workbook

__all__ = [
    "BAND_PRESETS", "LEVELS", "SCORE_COLUMNS", "UNIT_COLUMNS", "Problem", "ReadResult",
    "ScoreFileError", "block_summary", "field_summary", "parse_bands", "read_scores",
    "read_workbook", "unit_fields", "unit_key", "unit_table",
]
