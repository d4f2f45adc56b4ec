"""Store tables ↔ Arrow tables, with column types derived from :mod:`workbench.store.schema`.

One mapping for every table, so a table added to the schema is exported without code here;
a column type it does not know is refused by name (never written lossily).
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import pyarrow as pa
import sqlalchemy as sa

from workbench.exceptions import StoreError
from workbench.store import schema
from workbench.store.chain import canonical_json

#: Tables a bundle never carries: the schema version (in the manifest), the chain head
#: (derived from the last record, then checked against the manifest's head) and the panel
#: app's facilitator logins (hashes of live login codes: secrets of this server, not data of
#: the study; a restored store issues new ones).
NOT_EXPORTED = {schema.schema_version.name, schema.audit_head.name,
                schema.facilitator_logins.name}


def bundled_tables() -> list[sa.Table]:
    """The tables a bundle carries, parents before children (the order to insert them)."""
    return [t for t in schema.metadata.sorted_tables if t.name not in NOT_EXPORTED]


def arrow_type(column: sa.Column) -> pa.DataType:
    """The Arrow type that holds ``column`` without loss."""
    kind = column.type
    if isinstance(kind, sa.Boolean):
        return pa.bool_()
    if isinstance(kind, sa.Integer):
        return pa.int64()
    if isinstance(kind, sa.Float):
        return pa.float64()
    if isinstance(kind, sa.DateTime):
        return pa.timestamp("us", tz="UTC")
    if isinstance(kind, sa.Date):
        return pa.date32()
    if isinstance(kind, sa.JSON):
        return pa.string()  # canonical JSON text
    if isinstance(kind, sa.String):  # Text too
        return pa.string()
    raise StoreError(f"column {column.table.name}.{column.name} has type {kind!r}, which "
                     "bundles cannot carry yet: add it to workbench/bundle/tables.py")


def arrow_schema(table: sa.Table) -> pa.Schema:
    return pa.schema([pa.field(c.name, arrow_type(c), nullable=True) for c in table.columns])


def _out(column: sa.Column, value: Any) -> Any:
    if value is None:
        return None
    if isinstance(column.type, sa.JSON):
        return canonical_json(value)
    if isinstance(column.type, sa.DateTime) and isinstance(value, datetime):
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
    return value


def _in(column: sa.Column, value: Any) -> Any:
    if value is None:
        return None
    if isinstance(column.type, sa.JSON):
        return json.loads(value)
    return value


def read_table(conn: sa.Connection, table: sa.Table) -> pa.Table:
    """All rows of ``table`` in primary-key order, as Arrow."""
    rows = conn.execute(sa.select(table).order_by(*table.primary_key.columns)).all()
    columns = {c.name: [_out(c, r._mapping[c.name]) for r in rows] for c in table.columns}
    return pa.Table.from_pydict(columns, schema=arrow_schema(table))


def rows_for_insert(table: sa.Table, data: pa.Table) -> list[dict[str, Any]]:
    """Arrow rows back as dicts to insert into ``table``."""
    cols = list(table.columns)
    return [{c.name: _in(c, row[c.name]) for c in cols} for row in data.to_pylist()]
