"""Benchmark: community panels — the synthetic panel, the quarterly report, the pages.

On a fresh SQLite store of 8 synthetic clips: adding the SYNTHETIC panel (4 screenings, 48
members, every answer saved and audited one by one: answers/s); the quarterly report's data,
tables and HTML in-process (seconds); the same through the papermill notebook with the PDF
(``--notebook``); and the facilitator's and members' pages through Starlette's test client
(requests/s). Prints the machine and its load (the figures depend on it).

    python bench/panels.py [--notebook]
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def main() -> None:
    from starlette.testclient import TestClient

    from tests.test_panels_store import _clip
    from workbench.panels.app import create_app
    from workbench.panels.demo import FACILITATOR, add_synthetic_panel
    from workbench.panels.learning import learning_tables, load_learning
    from workbench.panels.learning_report import run_learning_report, write_learning_report
    from workbench.project import Project
    from workbench.store import Store

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--notebook", action="store_true",
                        help="also run the report notebook with papermill, with the PDF")
    args = parser.parse_args()
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"machine: {platform.platform()} | cpu_count={os.cpu_count()} | load {load} | "
          f"python {sys.version.split()[0]}")
    with tempfile.TemporaryDirectory() as folder:
        project = Project.init(Path(folder) / "p")
        with Store(project.store_url) as store:
            for i in range(1, 9):
                store.put_clip(*_clip(f"c{i}"), f"h{i}")
            tick = time.perf_counter()
            made = add_synthetic_panel(store)
            spent = time.perf_counter() - tick
        print(f"synthetic panel: {made.n_members} members, {made.n_answers} answers in "
              f"{spent:.1f} s ({made.n_answers / spent:.0f} answers/s, each audited)")
        with project.open_store(as_user=FACILITATOR) as fac:
            tick = time.perf_counter()
            data = load_learning(fac, "2026Q4", codebook=project.load_codebook())
            tables = learning_tables(data)
            write_learning_report(data, tables, project.store_url, Path(folder) / "out")
        print(f"quarterly report in-process (data, tables, HTML): "
              f"{time.perf_counter() - tick:.1f} s")
        if args.notebook:
            tick = time.perf_counter()
            run_learning_report(project.root, "2026Q4", as_user=FACILITATOR, pdf=True)
            print(f"quarterly report by the notebook, with the PDF: "
                  f"{time.perf_counter() - tick:.1f} s")
        with Store.open(project.store_url, as_user=FACILITATOR) as fac:
            code = fac.issue_facilitator_login()
        client = TestClient(create_app(project.store_url, join_as=FACILITATOR))
        client.get(f"/facilitator/login?code={code}")
        sid = data.screenings[0].screening_id
        tick = time.perf_counter()
        n = 50
        for _ in range(n):
            assert client.get(f"/facilitator/screenings/{sid}").status_code == 200
        print(f"facilitator screening page: {n / (time.perf_counter() - tick):.0f} requests/s")


if __name__ == "__main__":
    main()
