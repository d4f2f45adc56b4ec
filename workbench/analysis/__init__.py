"""The study's computations: pure functions of the clips / utterances / codes frames.

Each public function validates its inputs (:func:`~workbench.analysis.frames.validate_frames`),
returns one table (a pandas DataFrame, sorted, deterministic) and holds raw counts; publish
tables through :mod:`workbench.privacy.disclosure`.
"""

from workbench.analysis.behaviour import turn_measures
from workbench.analysis.deescalation import deescalation_effectiveness, tactic_outcomes
from workbench.analysis.excerpts import good_practice_excerpts
from workbench.analysis.frames import (
    CLIP_COLUMNS,
    CODE_COLUMNS,
    UTTERANCE_COLUMNS,
    Frames,
    validate_frames,
)
from workbench.analysis.gowisely import (
    explanation_timing,
    gowisely_elements,
    gowisely_full_compliance,
    gowisely_timing,
    grounds_quality_by_group,
)
from workbench.analysis.models import escalation_model_frame, escalation_models, odds_ratio_table
from workbench.analysis.onset import resistance_onset, time_to_first_resistance
from workbench.analysis.outcomes import escalated_outcome, force_factor, opening_move_table
from workbench.analysis.prevalence import prevalence_table
from workbench.analysis.proportions import wilson_interval
from workbench.analysis.scores import scores_by_group
from workbench.analysis.sequences import (
    adjusted_residuals,
    expected_counts,
    lag1_transitions,
    yules_q,
)
from workbench.analysis.trajectories import (
    classify_trajectory,
    trajectory_series,
    trajectory_typology,
)

__all__ = [
    "CLIP_COLUMNS",
    "CODE_COLUMNS",
    "UTTERANCE_COLUMNS",
    "Frames",
    "adjusted_residuals",
    "classify_trajectory",
    "deescalation_effectiveness",
    "escalated_outcome",
    "escalation_model_frame",
    "escalation_models",
    "expected_counts",
    "explanation_timing",
    "force_factor",
    "good_practice_excerpts",
    "gowisely_elements",
    "gowisely_full_compliance",
    "gowisely_timing",
    "grounds_quality_by_group",
    "lag1_transitions",
    "odds_ratio_table",
    "opening_move_table",
    "prevalence_table",
    "resistance_onset",
    "scores_by_group",
    "tactic_outcomes",
    "time_to_first_resistance",
    "trajectory_series",
    "trajectory_typology",
    "turn_measures",
    "validate_frames",
    "wilson_interval",
    "yules_q",
]
