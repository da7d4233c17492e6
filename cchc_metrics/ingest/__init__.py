"""Untrusted file → canonical scores: size and container checks, sheets, header, rows, checks."""

from cchc_metrics.ingest.problems import Problem, ScoreFileError
from cchc_metrics.ingest.reader import ReadResult, describe_columns, read_scores, read_workbook
from cchc_metrics.ingest.sheet import TableInfo

__all__ = ["Problem", "ReadResult", "ScoreFileError", "TableInfo", "describe_columns",
           "read_scores", "read_workbook"]
