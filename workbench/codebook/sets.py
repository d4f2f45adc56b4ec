"""Set-valued codes (``multiple: true``): one canonical stored value per unit.

A turn can carry several options of a multi-valued code (the GOWISELY elements from codebook
1.2.0). The store keeps **one** value per unit, so a set is stored as its option ids sorted
alphabetically and joined by ``SET_SEPARATOR`` ("grounds+object"); the empty set is not stored
(the code is removed). Option ids are slugs, so the separator never occurs inside one.
"""

from __future__ import annotations

from collections.abc import Iterable

SET_SEPARATOR = "+"


def canonical_set(values: Iterable[str]) -> str:
    """The stored form of a set of option ids: sorted, de-duplicated, joined.

    >>> canonical_set(["object", "grounds", "object"])
    'grounds+object'
    """
    items = sorted({str(v).strip() for v in values if str(v).strip()})
    return SET_SEPARATOR.join(items)


def split_set(stored: str | None) -> frozenset[str]:
    """The option ids in a stored set value (empty for None or "").

    >>> sorted(split_set("grounds+object"))
    ['grounds', 'object']
    """
    if stored is None or stored == "":
        return frozenset()
    return frozenset(part for part in str(stored).split(SET_SEPARATOR) if part)


def toggle(stored: str | None, option: str) -> str:
    """Add ``option`` to the stored set, or take it out if present ("" when none is left)."""
    items = set(split_set(stored))
    items.symmetric_difference_update({option})
    return canonical_set(items)
