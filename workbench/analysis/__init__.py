"""The study's computations: pure functions of the clips / utterances / codes frames.

Each public function validates its inputs (:func:`~workbench.analysis.frames.validate_frames`),
returns one table (a pandas DataFrame, sorted, deterministic) and holds raw counts; publish
tables through :mod:`workbench.privacy.disclosure`.

The names below load their module on first use (statsmodels and scipy.stats are slow to
import, and the study runner needs only :mod:`~workbench.analysis.frames`).
"""

from __future__ import annotations

import importlib
from typing import Any

_LAZY = {
    "turn_measures": "behaviour", "deescalation_effectiveness": "deescalation",
    "tactic_outcomes": "deescalation", "good_practice_excerpts": "excerpts",
    "CLIP_COLUMNS": "frames", "CODE_COLUMNS": "frames", "Frames": "frames",
    "UTTERANCE_COLUMNS": "frames", "validate_frames": "frames",
    "explanation_timing": "gowisely", "gowisely_elements": "gowisely",
    "gowisely_full_compliance": "gowisely", "gowisely_timing": "gowisely",
    "grounds_quality_by_group": "gowisely", "escalation_model_frame": "models",
    "escalation_models": "models", "odds_ratio_table": "models", "resistance_onset": "onset",
    "time_to_first_resistance": "onset", "escalated_outcome": "outcomes",
    "force_factor": "outcomes", "opening_move_table": "outcomes",
    "prevalence_table": "prevalence", "wilson_interval": "proportions",
    "scores_by_group": "scores", "adjusted_residuals": "sequences",
    "expected_counts": "sequences", "lag1_transitions": "sequences", "yules_q": "sequences",
    "classify_trajectory": "trajectories", "trajectory_series": "trajectories",
    "trajectory_typology": "trajectories",
}

__all__ = sorted(_LAZY)


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(importlib.import_module(f"workbench.analysis.{_LAZY[name]}"), name)
    raise AttributeError(f"module 'workbench.analysis' has no attribute {name!r}")
