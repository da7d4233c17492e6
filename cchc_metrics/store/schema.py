"""Tables of the score store as the latest migration leaves them; queries are built on these.

A *slice* is one (year, level, block): the unit of versioning. Each slice has at most one active
dataset (a partial unique index says so), an import takes over the slices it covers, a rollback
gives them back. Rows are never deleted.
"""

from __future__ import annotations

import sqlalchemy as sa

from cchc_metrics.contract import MAX_BLOCK_CHARS, MAX_FILE_NAME_CHARS

metadata = sa.MetaData()

# Original uploaded bytes, keyed by their SHA-256 (never by a user-supplied name or path).
files = sa.Table(
    "files", metadata,
    sa.Column("sha256", sa.String(64), primary_key=True),
    sa.Column("size", sa.BigInteger, nullable=False),
    sa.Column("data", sa.LargeBinary, nullable=False),
)

# One row per import: who, when, which file, what it covers, and its status.
datasets = sa.Table(
    "datasets", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("created_by", sa.String(200), nullable=False),
    sa.Column("file_name", sa.String(MAX_FILE_NAME_CHARS), nullable=False),
    sa.Column("sha256", sa.String(64), sa.ForeignKey("files.sha256"), nullable=False, index=True),
    sa.Column("note", sa.Text, nullable=False),
    sa.Column("bands", sa.Text),  # "Tốt:80,Khá:60,Kém:0"; NULL: the file named none
    sa.Column("years", sa.Text, nullable=False),  # JSON list
    sa.Column("levels", sa.Text, nullable=False),  # JSON list
    sa.Column("blocks", sa.Text, nullable=False),  # JSON list
    sa.Column("provinces", sa.Text, nullable=False),  # JSON list
    sa.Column("n_rows", sa.Integer, nullable=False),
    sa.Column("status", sa.String(20), nullable=False),  # active | partial | superseded
    sa.Column("supersedes", sa.Text, nullable=False),  # JSON list of dataset ids taken over
)

# Which dataset is active for which (year, level, block).
slices = sa.Table(
    "dataset_slices", metadata,
    sa.Column("dataset_id", sa.Integer, sa.ForeignKey("datasets.id"), primary_key=True),
    sa.Column("year", sa.Integer, primary_key=True),
    sa.Column("level", sa.String(20), primary_key=True),
    sa.Column("block", sa.String(MAX_BLOCK_CHARS), primary_key=True),
    sa.Column("n_rows", sa.Integer, nullable=False),
    sa.Column("active", sa.Boolean, nullable=False),
    sa.Index("ux_active_slice", "year", "level", "block", unique=True,
             sqlite_where=sa.text("active"), postgresql_where=sa.text("active")),
)

# The canonical score rows, each traceable to its dataset, sheet and row.
scores = sa.Table(
    "scores", metadata,
    sa.Column("dataset_id", sa.Integer, sa.ForeignKey("datasets.id"), nullable=False),
    sa.Column("year", sa.Integer, nullable=False),
    sa.Column("level", sa.String(20), nullable=False),
    sa.Column("block", sa.String(MAX_BLOCK_CHARS), nullable=False),
    sa.Column("seq", sa.Integer, nullable=False),  # position in the imported frame
    sa.Column("province", sa.Text, nullable=False),
    sa.Column("parent", sa.Text, nullable=False),
    sa.Column("unit", sa.Text, nullable=False),
    sa.Column("unit_code", sa.Text, nullable=False),
    sa.Column("component", sa.Text, nullable=False),
    sa.Column("max_points", sa.Double),
    sa.Column("points", sa.Double),
    sa.Column("self_points", sa.Double),
    sa.Column("source", sa.Text, nullable=False),
    sa.Column("sheet", sa.Text, nullable=False),
    sa.Column("sheet_row", sa.Integer),
    # The one index: rows of a slice of a dataset. No primary key to maintain on bulk inserts
    # ((dataset_id, seq) identifies a row); PostgreSQL deduplicates the repeated index keys.
    sa.Index("ix_scores_slice", "dataset_id", "year", "level", "block"),
)

# Each dataset's rows again as one compressed Arrow table, sorted by (year, level, block) then
# file order, so a slice is a row range (its offset: the n_rows of the dataset's slices before it).
# A million rows load in well under a second; fetched row by row through a driver they take several.
frames = sa.Table(
    "dataset_frames", metadata,
    sa.Column("dataset_id", sa.Integer, sa.ForeignKey("datasets.id"), primary_key=True),
    sa.Column("format", sa.String(40), nullable=False),
    sa.Column("data", sa.LargeBinary, nullable=False),
)

# Who did what, when, to which dataset; its largest id is the store's revision.
audit = sa.Table(
    "audit", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("ts", sa.DateTime(timezone=True), nullable=False),
    sa.Column("actor", sa.String(200), nullable=False),
    sa.Column("action", sa.String(40), nullable=False),
    sa.Column("dataset_id", sa.Integer, sa.ForeignKey("datasets.id")),
    sa.Column("detail", sa.Text, nullable=False),  # JSON
    # The revision is the newest import or rollback: sign-ins and user changes do not move it.
    sa.Index("ix_audit_action", "action", "id"),
)

# Remembered choices (e.g. a column mapping for a header layout): key → JSON. Not score data.
preferences = sa.Table(
    "preferences", metadata,
    sa.Column("key", sa.String(200), primary_key=True),
    sa.Column("value", sa.Text, nullable=False),
    sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
)

# Local accounts. `name_key` (the name case-folded) is what is unique and looked up; the hash is
# argon2id and never leaves the store. A NULL hash: the account signs in only by single sign-on.
users = sa.Table(
    "users", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("name", sa.String(100), nullable=False),
    sa.Column("name_key", sa.String(100), nullable=False, unique=True),
    sa.Column("display_name", sa.String(200), nullable=False),
    sa.Column("role", sa.String(20), nullable=False),  # viewer | editor | admin
    sa.Column("password_hash", sa.String(300)),
    sa.Column("enabled", sa.Boolean, nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("failed_count", sa.Integer, nullable=False),  # consecutive wrong passwords
    sa.Column("locked_until", sa.DateTime(timezone=True)),
    sa.Column("last_login", sa.DateTime(timezone=True)),
)

# Who is signed in: a hash of each session's token (the token itself only in the person's
# session), the account, its role at sign-in, and what the session is bound to (a hash of a
# cookie of the browser that signed in). Replicas share them; a cache clear keeps them.
sessions = sa.Table(
    "sessions", metadata,
    sa.Column("token_hash", sa.String(64), primary_key=True),
    sa.Column("user_key", sa.String(100), nullable=False, index=True),
    sa.Column("name", sa.String(100), nullable=False),
    sa.Column("role", sa.String(20), nullable=False),
    sa.Column("binding", sa.String(64)),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
)

# Consecutive failed sign-ins of a name that has no account ("name:…") and of a client address
# ("client:…", hashed): counted in the database, so every replica answers alike.
throttle = sa.Table(
    "throttle", metadata,
    sa.Column("key", sa.String(120), primary_key=True),
    sa.Column("failures", sa.Integer, nullable=False),
    sa.Column("locked_until", sa.DateTime(timezone=True)),
    sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
)

# Crosswalks of mergers (who was formed from whom, from when), kept like scores: each import
# is a set with its file, who and when; a new set for a level supersedes the active one, and an
# older set can be made active again. Only active sets' rows are the lineage.
lineage_sets = sa.Table(
    "lineage_sets", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("created_by", sa.String(200), nullable=False),
    sa.Column("file_name", sa.String(MAX_FILE_NAME_CHARS), nullable=False),
    sa.Column("sha256", sa.String(64), sa.ForeignKey("files.sha256"), nullable=False),
    sa.Column("note", sa.Text, nullable=False),
    sa.Column("levels", sa.Text, nullable=False),  # JSON list
    sa.Column("n_rows", sa.Integer, nullable=False),
    sa.Column("active", sa.Boolean, nullable=False),
)

lineage = sa.Table(
    "lineage", metadata,
    sa.Column("set_id", sa.Integer, sa.ForeignKey("lineage_sets.id"), nullable=False, index=True),
    sa.Column("level", sa.String(20), nullable=False),
    sa.Column("successor", sa.Text, nullable=False),
    sa.Column("predecessor", sa.Text, nullable=False),
    sa.Column("effective", sa.Date, nullable=False),
    sa.Column("source", sa.Text, nullable=False),
    sa.Column("population", sa.Float, nullable=True),  # the predecessor's, when given
)


# Service indicators (issue 23): each import is a set; for every period slice (year, level,
# months) the newest active set that covers it is what pages read. Rolling back a set makes it
# inactive, so the set before it shows again.
def _row_sets(name: str) -> sa.Table:
    """The sets table of a kind of imported rows (store/indicators.py RowSets): who imported
    which file when, the slices it covers (JSON), whether it is active, and its rows as one
    Arrow IPC stream (read in one go, not row by row)."""
    return sa.Table(
        name, metadata,
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(200), nullable=False),
        sa.Column("file_name", sa.String(MAX_FILE_NAME_CHARS), nullable=False),
        sa.Column("sha256", sa.String(64), sa.ForeignKey("files.sha256"), nullable=False),
        sa.Column("note", sa.Text, nullable=False),
        sa.Column("slices", sa.Text, nullable=False),
        sa.Column("n_rows", sa.Integer, nullable=False),
        sa.Column("active", sa.Boolean, nullable=False),
        sa.Column("frame", sa.LargeBinary, nullable=True),
    )


indicator_sets = _row_sets("indicator_sets")  # a slice: [year, level, first, last, kind]

indicators = sa.Table(
    "indicators", metadata,
    sa.Column("set_id", sa.Integer, sa.ForeignKey("indicator_sets.id"), nullable=False,
              index=True),
    sa.Column("year", sa.Integer, nullable=False),
    sa.Column("month_from", sa.Integer, nullable=False),
    sa.Column("month_to", sa.Integer, nullable=False),
    sa.Column("level", sa.String(20), nullable=False),
    sa.Column("block", sa.Text, nullable=False),
    sa.Column("province", sa.Text, nullable=False),
    sa.Column("parent", sa.Text, nullable=False),
    sa.Column("unit", sa.Text, nullable=False),
    sa.Column("unit_code", sa.Text, nullable=False),
    sa.Column("measure", sa.String(40), nullable=False),
    sa.Column("value", sa.Double),
    sa.Column("max_value", sa.Double),
    sa.Column("source", sa.Text, nullable=False),
)

# Targets: each save (on the page or from a sheet) is a whole new set that supersedes the one
# before; any earlier set can be made active again.
target_sets = sa.Table(
    "target_sets", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("created_by", sa.String(200), nullable=False),
    sa.Column("file_name", sa.String(MAX_FILE_NAME_CHARS), nullable=False),
    sa.Column("note", sa.Text, nullable=False),
    sa.Column("n_rows", sa.Integer, nullable=False),
    sa.Column("active", sa.Boolean, nullable=False),
)

targets = sa.Table(
    "targets", metadata,
    sa.Column("set_id", sa.Integer, sa.ForeignKey("target_sets.id"), nullable=False, index=True),
    sa.Column("measure", sa.String(40), nullable=False),
    sa.Column("level", sa.String(20), nullable=False),
    sa.Column("year", sa.Integer, nullable=False),
    sa.Column("unit", sa.Text, nullable=False),
    sa.Column("value", sa.Double, nullable=False),
)


# Criterion scores (issue 24): sets like the indicators', a slice being one unit's tree of a year.
criterion_sets = _row_sets("criterion_sets")  # a slice: [year, level, unit]

criteria = sa.Table(
    "criteria", metadata,
    sa.Column("set_id", sa.Integer, sa.ForeignKey("criterion_sets.id"), nullable=False,
              index=True),
    sa.Column("year", sa.Integer, nullable=False),
    sa.Column("level", sa.String(20), nullable=False),
    sa.Column("block", sa.Text, nullable=False),
    sa.Column("province", sa.Text, nullable=False),
    sa.Column("parent", sa.Text, nullable=False),
    sa.Column("unit", sa.Text, nullable=False),
    sa.Column("unit_code", sa.Text, nullable=False),
    sa.Column("field", sa.Text, nullable=False),
    sa.Column("criterion", sa.String(40), nullable=False),
    sa.Column("criterion_name", sa.Text, nullable=False),
    sa.Column("max_points", sa.Double),
    sa.Column("self_points", sa.Double),
    sa.Column("points", sa.Double),
    sa.Column("source", sa.Text, nullable=False),
)
