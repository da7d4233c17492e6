"""Alembic environment: migrations run only through cchc_metrics.store.upgrade(url).

The caller passes an open connection inside a transaction (config.attributes["connection"]), so
the upgrade commits or rolls back as one unit and no alembic.ini is needed.
"""

from alembic import context

connection = context.config.attributes.get("connection")
if connection is None or context.is_offline_mode():
    raise RuntimeError("Run migrations with cchc_metrics.store.upgrade(url).")

context.configure(connection=connection, target_metadata=None,
                  render_as_batch=connection.dialect.name == "sqlite")
with context.begin_transaction():
    context.run_migrations()
