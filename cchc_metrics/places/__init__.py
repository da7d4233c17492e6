"""Official administrative units: codes resolved from names, with the package's coordinates."""

from cchc_metrics.places.lineage import (
    METHODS,
    area_methods,
    area_series,
    department_preset,
    lineage_codes,
    origins,
    package_lineage,
    predecessors,
    successor,
)
from cchc_metrics.places.resolve import (
    HOW,
    Resolution,
    code_sources,
    coordinates,
    resolve,
    resolve_units,
)

__all__ = ["HOW", "METHODS", "Resolution", "area_methods", "area_series", "code_sources",
           "coordinates", "department_preset", "lineage_codes", "origins", "package_lineage",
           "predecessors", "resolve", "resolve_units", "successor"]
