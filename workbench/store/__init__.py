"""Persistence behind one interface: SQLite (default file) or PostgreSQL (team server)."""

from workbench.store.store import Store, default_sqlite_url

__all__ = ["Store", "default_sqlite_url"]
