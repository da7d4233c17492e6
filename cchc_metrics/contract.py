"""The data contract: canonical columns, levels and the components every module agrees on.

See docs/ARCHITECTURE.md ("The contract"): scores are long, one row per year × unit × component;
unit tables one row per year × block × unit.
"""

from __future__ import annotations

# One row per year × unit × component.
SCORE_COLUMNS = [
    "year", "level", "block", "province", "parent", "unit", "unit_code",
    "component", "max_points", "points", "self_points", "source",
]
# Where each score row was read: travels beside `source` so nobody parses that text back.
LOCATION_COLUMNS = ["sheet", "row"]
# One row per year × block × unit, as returned by metrics.unit_table.
UNIT_COLUMNS = [
    "year", "level", "block", "province", "parent", "unit", "unit_code", "unit_key",
    "points", "max_points", "self_points", "index_pct", "rank", "n_ranked", "band",
    "prev_index_pct", "delta_pct", "prev_rank", "rank_change",
]
# Service indicators (issue 23): one row per period × unit × measure. A period is a year and its
# first and last month (a month: both the same); `measure` is an indicators.measures key; a
# service index group carries its maximum in `max_value`, a count has none.
INDICATOR_COLUMNS = [
    "year", "month_from", "month_to", "level", "block", "province", "parent", "unit", "unit_code",
    "measure", "value", "max_value", "source",
]
# Criterion detail (issue 24): one row per year × unit × node of the framework's tree — the
# field («2»), its criteria («2.3») and sub-criteria («2.3.1») — with maximum, self-assessed and
# appraised points at every level; `field` is the canonical field the node belongs to.
CRITERION_COLUMNS = [
    "year", "level", "block", "province", "parent", "unit", "unit_code", "field", "criterion",
    "criterion_name", "max_points", "self_points", "points", "source",
]
# Targets: an indicator's goal for a level and year (unit "": every unit of the level), or a
# unit's own registered goal; `measure` «par_index» and «par_rank» are goals for the PAR index.
TARGET_COLUMNS = ["measure", "level", "year", "unit", "value"]

# Who was formed from whom (a crosswalk, the package's 2025 conversion, the department preset):
# one row per successor × predecessor; `population` is the predecessor's when the sheet gives it
# (an area's combined series can be weighted by it).
LINEAGE_COLUMNS = ["level", "successor", "predecessor", "effective", "source", "population"]

# National tables rank ministries and provinces; a province ranks its departments, districts
# (until 2024) and communes.
LEVELS = ("ministry", "province", "department", "district", "commune")
PROVINCIAL_LEVELS = LEVELS[2:]  # what a province's own results have (its upload template)
# The ranking block a unit falls in when the file names none (data, stored as published).
DEFAULT_BLOCKS = {
    "ministry": "Bộ, cơ quan ngang bộ",
    "province": "Tỉnh, thành phố trực thuộc trung ương",
    "department": "Sở, ban, ngành tỉnh",
    "district": "UBND huyện, thị xã, thành phố",
    "commune": "UBND xã, phường, thị trấn",
}
# Districts were abolished on 1 July 2025: assessment year 2024 is their last.
LAST_DISTRICT_YEAR = 2024
# Widths of the store's columns that the reader must respect (block is part of a key)
MAX_BLOCK_CHARS = 300
MAX_UNIT_CHARS = 300  # a unit's name: the longest real ones are under 100
MAX_FILE_NAME_CHARS = 500

SURVEY = "survey"  # điều tra xã hội học (ĐTXHH), SIPAS
TOTAL = "total"  # only the appraised total is published, no per-field breakdown
# What a printed total holds beyond its separately rounded parts (maximum 0): counted in the
# unit's points, so its index is the printed total's, and in no field (metrics leaves it out)
ROUNDING = "rounding"

# Who may do what in the dashboard, from least to most (the store enforces it).
ROLES = ("viewer", "editor", "admin")
