"""Benchmark of the hash-chained audit trail and of bundles, on SQLite.

Prints: the cost of one append inside a writer's transaction, full-chain verification in
records per second, verified reads of one action, and a bundle export and import (a store of
``--records`` records, with as many annotations), with the machine.

Run: ``.venv/bin/python bench/audit.py [--records 20000]``
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from workbench.bundle import export_bundle, import_bundle
from workbench.model import Annotation, Clip, Coder, Role, UserRole, Utterance
from workbench.store import Store, default_sqlite_url


def machine() -> str:
    load = "/".join(f"{x:.1f}" for x in os.getloadavg())
    return (f"machine: {platform.platform()} | {os.cpu_count()} CPUs | load {load} | "
            f"Python {platform.python_version()}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=20_000)
    n = parser.parse_args().records
    print(machine())
    work = Path(tempfile.mkdtemp(prefix="bwv-bench-audit-"))
    store = Store(default_sqlite_url(work / "s.sqlite"))
    store.add_coder(Coder("lead", roles={UserRole.ADMIN}))
    store.put_clip(Clip("c1", synthetic=True),
                   [Utterance("c1", i, i, i + 1, "PC 1", Role.OFFICER, f"turn {i}")
                    for i in range(100)], "h")
    store.add_annotations([Annotation("c1", i % 100, f"code{i // 100}", "present", "lead",
                                      "stop-search", "1.0.0", "a" * 64) for i in range(n)])
    started = time.perf_counter()
    with store.transaction():
        for i in range(n):
            store.audit("lead", "adjudicated" if i % 10 == 0 else "code_applied",
                        clip_id="c1", utterance_index=i % 100, code_id="x", value="present")
    append = (time.perf_counter() - started) / n
    started = time.perf_counter()
    report = store.verify_audit()
    verify = time.perf_counter() - started
    started = time.perf_counter()
    decided = store.audit_events(action="adjudicated")
    read = time.perf_counter() - started
    assert report.ok
    print(f"append (inside a transaction): {append * 1000:.2f} ms per record")
    print(f"verify the whole chain: {report.n_records} records in {verify:.2f} s = "
          f"{report.n_records / verify:,.0f} records/s")
    print(f"verified read of {len(decided)} 'adjudicated' records: {read * 1000:.0f} ms")
    started = time.perf_counter()
    manifest = export_bundle(store, work / "bundle.zip", actor="lead")
    exported = time.perf_counter() - started
    size = (work / "bundle.zip").stat().st_size
    target = Store(default_sqlite_url(work / "t.sqlite"))
    started = time.perf_counter()
    import_bundle(target, work / "bundle.zip", actor="lead")
    imported = time.perf_counter() - started
    rows = sum(f.rows or 0 for f in manifest.files)
    print(f"bundle: {rows:,} rows, {size / 1e6:.1f} MB zip; export {exported:.2f} s, import "
          f"(with every check) {imported:.2f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
