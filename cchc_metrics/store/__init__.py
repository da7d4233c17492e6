"""The one gateway to the database: versioned datasets, accounts, audit and original files."""

from cchc_metrics.store.auth import ROLES, Actor, AuthError, NotAllowedError
from cchc_metrics.store.database import (
    ImportResult,
    RollbackResult,
    Store,
    default_user,
    open_store,
    upgrade,
)
from cchc_metrics.store.engine import StoreBusyError, StoreError, database_url

__all__ = ["ROLES", "Actor", "AuthError", "ImportResult", "NotAllowedError", "RollbackResult",
           "Store", "StoreBusyError", "StoreError", "database_url", "default_user", "open_store",
           "upgrade"]
