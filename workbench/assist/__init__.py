"""Assisted coding and linguistic measures (issue 16).

- :mod:`~workbench.assist.markers`: transparent per-utterance markers (rules + lexicons +
  VADER), :func:`utterance_markers`, :data:`MARKERS`;
- :mod:`~workbench.assist.features`: :func:`marker_table`, :func:`feature_frame`;
- :mod:`~workbench.assist.suggest`: learned suggestions per utterance-level code
  (:func:`train` → :class:`SuggestionModels`, versioned by codebook and data hash); they are
  probabilities, never annotations;
- :mod:`~workbench.assist.evaluate`: :func:`cross_validate`, grouped by clip, with demo
  templates held out (``held_out``, the figure that counts) and within templates;
  :func:`code_table` (one row per code, both schemes);
- :mod:`~workbench.assist.heads`: every code's logistic head fitted at once;
- :mod:`~workbench.assist.templates`: :func:`template_of` (the demo phrase template of a text);
- :mod:`~workbench.assist.opening`: the opening-words analysis (Rho et al. 2023);
- :mod:`~workbench.assist.archive`: :func:`score_archive` on Dask, writing Parquet.

Heavy modules (scikit-learn, Dask) load on first use of the names that need them.
"""

from __future__ import annotations

import importlib
from typing import Any

from workbench.assist.markers import MARKER_NAMES, MARKERS, Marker, tokens, utterance_markers

_LAZY = {
    "marker_table": "features", "feature_frame": "features",
    "train": "suggest", "targets": "suggest", "SuggestionModels": "suggest",
    "Target": "suggest", "cross_validate": "evaluate", "fold_plan": "evaluate",
    "code_table": "evaluate",
    "template_of": "templates", "template_ids": "templates",
    "opening_words": "opening", "opening_frame": "opening", "opening_auc": "opening",
    "opening_markers": "opening", "opening_rates": "opening",
    "opening_words_analysis": "opening", "hanley_mcneil": "opening",
    "score_archive": "archive", "score_markers": "archive", "ArchiveRun": "archive",
}

__all__ = ["MARKERS", "MARKER_NAMES", "Marker", "tokens", "utterance_markers", *_LAZY]


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(importlib.import_module(f"workbench.assist.{_LAZY[name]}"), name)
    raise AttributeError(f"module 'workbench.assist' has no attribute {name!r}")
