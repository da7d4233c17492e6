"""Criterion detail beneath the fields: where exactly units lose their points (issue 24)."""

from cchc_metrics.criteria.analysis import (
    block_criteria,
    comparable,
    depth_of,
    field_check,
    unit_criteria,
)

__all__ = ["block_criteria", "comparable", "depth_of", "field_check", "unit_criteria"]
