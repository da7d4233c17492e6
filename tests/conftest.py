"""Shared fixtures (each group in its own module, imported here so every test file sees them)."""

from tests.store_fixtures import store_url  # noqa: F401
