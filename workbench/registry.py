"""A small generic registry for pluggable parts (readers, coefficients, exporters).

>>> readers: Registry[int] = Registry("transcript reader")
>>> readers.register("vtt", 1)
>>> readers.get("vtt")
1
>>> readers.get("doc")
Traceback (most recent call last):
...
workbench.exceptions.WorkbenchError: unknown transcript reader 'doc'; known: vtt
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Generic, TypeVar

from workbench.exceptions import WorkbenchError

T = TypeVar("T")


class Registry(Generic[T]):
    """Name → part. ``kind`` names the parts in error messages."""

    def __init__(self, kind: str) -> None:
        self.kind = kind
        self._items: dict[str, T] = {}

    def register(self, name: str, item: T) -> None:
        if name in self._items:
            raise WorkbenchError(f"{self.kind} '{name}' is registered twice")
        self._items[name] = item

    def get(self, name: str) -> T:
        try:
            return self._items[name]
        except KeyError:
            known = ", ".join(sorted(self._items)) or "(none)"
            raise WorkbenchError(f"unknown {self.kind} '{name}'; known: {known}") from None

    def names(self) -> list[str]:
        return sorted(self._items)

    def __contains__(self, name: object) -> bool:
        return name in self._items

    def __iter__(self) -> Iterator[str]:
        return iter(sorted(self._items))
