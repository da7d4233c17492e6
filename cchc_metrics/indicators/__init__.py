"""Service indicators beside the index: monthly counts, exact rates, the QĐ 766 service index,
periods and targets."""

from cchc_metrics.indicators.measures import (
    COUNTS,
    GROUP_KEYS,
    GROUP_MAX,
    INDICATORS,
    MEASURES,
    RATE_BY_KEY,
    RATES,
    SERVICE_GROUPS,
    SERVICE_INDEX,
    indicator_name,
)
from cchc_metrics.indicators.periods import KINDS, months_of, period_in, period_label
from cchc_metrics.indicators.tables import (
    block_value,
    empty_rows,
    empty_targets,
    indicator_table,
    monthly_series,
    period_values,
    prepared,
    with_targets,
)

__all__ = ["COUNTS", "GROUP_KEYS", "GROUP_MAX", "INDICATORS", "KINDS", "MEASURES", "RATES",
           "RATE_BY_KEY", "SERVICE_GROUPS", "SERVICE_INDEX", "block_value", "empty_rows",
           "empty_targets", "indicator_name", "indicator_table", "monthly_series", "months_of",
           "period_in", "period_label", "period_values", "prepared", "with_targets"]
