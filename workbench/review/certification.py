"""Trainees: their agreement with the consensus, and certification by a reviewer.

A trainee codes practice and gold-standard clips (``AssignmentKind.PRACTICE`` / ``GOLD``); their
work never enters reliability, adjudication, consensus or the study (the store's
:func:`~workbench.store.annotations.counted_clause`). :func:`trainee_agreement` compares their
finished clips with the consensus layer: a *unit* is (clip, utterance, code) where the trainee
or the consensus has a value; the other side's rating is ``absent`` where absence is a value of
the code (:func:`~workbench.review.adjudication.absence_is_a_value`), else the unit is left
out. Agreement is Krippendorff's alpha, nominal, over all codes pooled (a category is code and
value), with the percent agreement beside it (Krippendorff 2019, *Content Analysis*, ch. 12).

:func:`certify` is a reviewer's audited step, optionally refused unless alpha on the
gold-standard clips reaches ``min_alpha``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import pandas as pd

from workbench.exceptions import AccessError, ParameterError
from workbench.model import AssignmentKind, AssignmentStatus, CoderStatus, Layer
from workbench.reliability.long_table import ABSENT
from workbench.review.adjudication import UNIT_KEYS, absence_is_a_value, require_reviewer

if TYPE_CHECKING:
    from workbench.codebook.book import Codebook
    from workbench.store import Store

CONSENSUS = "consensus"


@dataclass(frozen=True)
class AgreementReport:
    """A trainee against the consensus: alpha (nominal, pooled), percent agreement (0–1),
    units compared, clips, and the per-code table (code_id, units, agreement)."""

    coder_id: str
    kinds: tuple[str, ...]
    n_clips: int
    n_units: int
    alpha: float
    agreement: float
    by_code: pd.DataFrame


def trainee_agreement(store: Store, codebook: Codebook, coder_id: str, *,
                      kinds: tuple[AssignmentKind, ...] = (AssignmentKind.GOLD,
                                                           AssignmentKind.PRACTICE),
                      ) -> AgreementReport:
    """The coder's finished clips of ``kinds`` compared with the consensus layer."""
    from workbench.reliability.coefficients import krippendorff_alpha
    from workbench.reliability.data import ReliabilityData

    clips = sorted({a.clip_id for a in store.assignments(coder_id=coder_id)
                    if a.kind in kinds and a.status == AssignmentStatus.DONE})
    mine = store.annotations_frame(layer=Layer.CODER, coder_id=coder_id)
    truth = store.annotations_frame(layer=Layer.CONSENSUS)
    mine = mine.loc[mine["clip_id"].isin(clips) & mine["code_id"].isin(codebook.code_ids),
                    [*UNIT_KEYS, "value"]]
    truth = truth.loc[truth["clip_id"].isin(clips) & truth["code_id"].isin(codebook.code_ids),
                      [*UNIT_KEYS, "value"]]
    both = mine.merge(truth, on=UNIT_KEYS, how="outer", suffixes=("_coder", "_consensus"))
    absent_ok = both["code_id"].map(lambda c: absence_is_a_value(codebook.code(c)))
    both = both.loc[absent_ok | (both["value_coder"].notna() & both["value_consensus"].notna())]
    both = both.fillna({"value_coder": ABSENT, "value_consensus": ABSENT})
    same = both["value_coder"] == both["value_consensus"]
    by_code = (both.assign(same=same).groupby("code_id", sort=True)
               .agg(units=("same", "size"), agreement=("same", "mean")).reset_index())
    alpha = float("nan")
    if len(both) >= 2:
        turn = both["utterance_index"].astype("string").fillna("clip")
        unit = (both["clip_id"] + "|" + turn + "|" + both["code_id"]).to_numpy()
        long = pd.concat([
            pd.DataFrame({"unit": unit, "coder": coder_id,
                          "value": (both["code_id"] + "=" + both["value_coder"]).to_numpy()}),
            pd.DataFrame({"unit": unit, "coder": CONSENSUS, "value": (
                both["code_id"] + "=" + both["value_consensus"]).to_numpy()})],
            ignore_index=True)
        alpha = krippendorff_alpha(ReliabilityData.from_long(long, "nominal"))
    return AgreementReport(coder_id, tuple(str(k) for k in kinds), len(clips), len(both),
                           alpha, float(same.mean()) if len(both) else float("nan"), by_code)


def certify(store: Store, codebook: Codebook, coder_id: str, *, reviewer: str, reason: str,
            min_alpha: float | None = None) -> AgreementReport | None:
    """Make a trainee certified (audited as ``coder_status`` by the reviewer).

    ``min_alpha``: refuse (:class:`AccessError`) unless the trainee's alpha on finished
    gold-standard clips is at least this; the report is returned (None without a gate).
    """
    require_reviewer(store, reviewer)
    coder = store.coder(coder_id)
    if coder.status != CoderStatus.TRAINEE:
        raise ParameterError(f"{coder_id} is {coder.status}, not a trainee", field="coder")
    report = None
    if min_alpha is not None:
        report = trainee_agreement(store, codebook, coder_id, kinds=(AssignmentKind.GOLD,))
        if not report.n_units or not report.alpha >= min_alpha:
            raise AccessError(
                f"{coder_id} is not certified: alpha {report.alpha:.3f} against the "
                f"consensus on {report.n_units} units of {report.n_clips} finished "
                f"gold-standard clips is below the required {min_alpha:.3f}")
        reason = f"{reason} (gold-standard alpha {report.alpha:.3f}, {report.n_units} units)"
    store.set_coder_status(coder_id, CoderStatus.CERTIFIED, reason=reason, actor=reviewer)
    return report
