"""Versioned codebooks: schema, validation, identity, diff, migration, rendering, measures.

>>> from workbench.codebook import load_ref
>>> cb = load_ref("stop-search@1.0.0")
>>> cb.ordinal_rank("esc_command", "bare_order")
2
"""

from workbench.codebook.book import Codebook
from workbench.codebook.derived import compute_derived
from workbench.codebook.diff import CodeChange, diff_codebooks, diff_markdown, diff_text
from workbench.codebook.identity import check_immutable, register_codebook
from workbench.codebook.loading import (
    available_versions,
    default_codebooks_dir,
    load_codebook,
    load_ref,
    loads_codebook,
    resolve_ref,
)
from workbench.codebook.migration import (
    MigrationPlan,
    MigrationStep,
    apply_migration,
    plan_migration,
)
from workbench.codebook.render import render_html, render_markdown
from workbench.codebook.schema import Code, Group, Option

__all__ = [
    "Code",
    "CodeChange",
    "Codebook",
    "Group",
    "MigrationPlan",
    "MigrationStep",
    "Option",
    "apply_migration",
    "available_versions",
    "check_immutable",
    "compute_derived",
    "default_codebooks_dir",
    "diff_codebooks",
    "diff_markdown",
    "diff_text",
    "load_codebook",
    "load_ref",
    "loads_codebook",
    "plan_migration",
    "register_codebook",
    "render_html",
    "render_markdown",
    "resolve_ref",
]
