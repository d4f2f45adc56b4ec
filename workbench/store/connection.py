"""Engine creation and the transaction scope shared by every store operation."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy import event

from workbench.exceptions import StoreError
from workbench.store import limits


def utc_now() -> datetime:
    """The time stamps the store writes: timezone-aware UTC."""
    return datetime.now(UTC)


def default_sqlite_url(path: str | Path) -> str:
    """A SQLAlchemy URL for a SQLite file at ``path``."""
    return f"sqlite:///{Path(path).resolve()}"


def _sqlite_pragmas(dbapi_conn, _record) -> None:  # type: ignore[no-untyped-def]
    dbapi_conn.isolation_level = None  # the driver's own BEGIN is off: _sqlite_begin says which
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA journal_mode=WAL")  # the coder's kernel and the CLI can read at once
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.execute("PRAGMA busy_timeout=10000")
    cur.close()


#: Execution option of a connection that will write (SQLite: ``BEGIN IMMEDIATE``).
WRITE_OPTION = "bwv_write"


def _sqlite_begin(conn: sa.Connection) -> None:
    """Writers take SQLite's write lock at BEGIN, so a read-modify-write cannot interleave."""
    immediate = conn.get_execution_options().get(WRITE_OPTION, False)
    conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


def create_engine(url: str) -> sa.Engine:
    """An engine for ``url``; SQLite files get foreign keys, WAL and a busy timeout."""
    if url.startswith("postgres://"):
        url = "postgresql://" + url[len("postgres://"):]
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://"):]
    try:
        engine = sa.create_engine(url, future=True)
    except (sa.exc.ArgumentError, ImportError) as exc:
        raise StoreError(f"cannot open store URL {url!r}: {exc}") from exc
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "begin", _sqlite_begin)
    limits.install(engine)
    event.listen(engine, "handle_error", _refusal)
    return engine


#: SQLSTATEs of transient conflicts (serialization failure, deadlock, lock not available):
#: left as they are, for a caller that retries.
_TRANSIENT = {"40001", "40P01", "55P03"}


def _refusal(context: sa.engine.ExceptionContext) -> StoreError | None:
    """The database's refusals (not a database, cannot open, read-only, disk full, value the
    driver cannot send, …) as :class:`StoreError` naming the store; the transaction rolls back.

    Integrity and programming errors are left alone (bugs, or races handled where they
    happen), and so are transient lock conflicts.
    """
    exc = context.sqlalchemy_exception
    orig = context.original_exception
    if isinstance(exc, sa.exc.IntegrityError | sa.exc.ProgrammingError) or not isinstance(
            exc, sa.exc.DBAPIError):
        return None
    if getattr(orig, "sqlstate", None) in _TRANSIENT or getattr(
            orig, "sqlite_errorname", "") in ("SQLITE_BUSY", "SQLITE_LOCKED"):
        return None
    url = context.engine.url.render_as_string(hide_password=True) if context.engine else "?"
    reason = (str(orig).strip().splitlines() or [type(orig).__name__])[0]
    hint = ""
    if "not a database" in reason:
        hint = "; expected a SQLite store made by `bwv init` (or a PostgreSQL URL)"
    elif "unable to open" in reason or "readonly" in reason:
        hint = "; expected a store file in a folder you may write to"
    return StoreError(f"store {url}: {reason}{hint}; nothing was changed")


class TransactionScope:
    """Nested ``with scope():`` blocks share one transaction; the outermost commits.

    Any exception inside rolls the whole outermost transaction back, so a failed
    multi-step operation (an ingest, a migration) leaves the store as it was. A write
    transaction on SQLite begins IMMEDIATE (it holds the write lock from its first read, so
    a value read inside it cannot change before it commits); on PostgreSQL the store locks
    each unit it changes (:func:`workbench.store.locks.lock_unit`).
    """

    def __init__(self, engine: sa.Engine) -> None:
        self._engine = engine
        self._conn: sa.Connection | None = None

    @contextmanager
    def __call__(self) -> Iterator[sa.Connection]:
        if self._conn is not None:
            yield self._conn
            return
        with self._engine.connect() as conn:
            conn.execution_options(**{WRITE_OPTION: True})
            with conn.begin():
                self._conn = conn
                try:
                    yield conn
                finally:
                    self._conn = None

    @contextmanager
    def read(self) -> Iterator[sa.Connection]:
        """A connection for reading: the open transaction's, or a short-lived one."""
        if self._conn is not None:
            yield self._conn
            return
        with self._engine.connect() as conn:
            yield conn
