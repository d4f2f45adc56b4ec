"""Every public Store method declares its access rule (listed by introspection)."""

from __future__ import annotations

import inspect

from workbench.store import Store
from workbench.store.access import ALLOWED, Rule, rule_of


def public_members() -> dict[str, object]:
    return {name: member for name, member in inspect.getmembers(Store)
            if not name.startswith("_") and (callable(member) or isinstance(member, property))}


def test_every_public_store_method_declares_an_access_rule() -> None:
    members = public_members()
    assert len(members) > 30  # the listing really sees the store's methods
    missing = sorted(name for name, member in members.items()
                     if rule_of(member) is None and name != "open")
    assert missing == [], f"public Store methods without an access rule: {missing}"


def test_open_is_the_one_constructor_and_every_rule_names_its_roles() -> None:
    assert isinstance(inspect.getattr_static(Store, "open"), classmethod)
    assert set(ALLOWED) == set(Rule)
    assert all(ALLOWED[r] for r in Rule)


def test_a_method_without_a_rule_is_caught() -> None:
    class Leaky(Store):
        def leak(self) -> None:  # no rule: the listing must notice
            return None

    assert rule_of(Leaky.leak) is None
    assert rule_of(Store.apply_code) == Rule.CODE
