"""Official administrative units: codes resolved from names, with the package's coordinates."""

from cchc_metrics.places.resolve import HOW, Resolution, resolve, resolve_units

__all__ = ["HOW", "Resolution", "resolve", "resolve_units"]
