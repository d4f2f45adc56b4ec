"""The data of a quarterly learning report, read from the store as the report's user.

:func:`load_learning` gathers, for one quarter (``2026Q3``): the screenings held, the clips
they showed, members' ratings (as 0–100 scores), comments in themes (saved keyword rules and
the accepted clustering), good-practice and concern flags on turns, the actions recorded
against themes, and — when the handle may read the coders' layers — the consensus and each
coder's own scores for the same clips. :func:`learning_tables` turns it into publishable
tables: comments and turn text redacted, no member or pseudonym anywhere, group breakdowns
pooled over every screening up to the quarter's end with small groups shown [c].
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from workbench.exceptions import AccessError, ParameterError
from workbench.panels.comparison import (
    beside_coders,
    coder_codes,
    group_differences,
    group_means,
    ratings_frame,
)
from workbench.panels.settings import PanelSettings
from workbench.panels.themes import comments_frame, current_rules, store_themes, theme_counts
from workbench.privacy.redaction import redact
from workbench.store import Store
from workbench.store.screenings import RATING_ITEMS, PanelAction, Screening

GROUP_FIELDS = ("age_band", "ethnicity", "lived_experience")
QUOTES_PER_THEME = 3
EXAMPLES = 5  # good-practice and concern turns shown
MAX_QUOTE = 300  # characters of a quote shown


def parse_quarter(text: str) -> pd.Period:
    """``2026Q3`` (or ``2026-Q3``) as a pandas quarter; :class:`ParameterError` otherwise."""
    cleaned = str(text).strip().upper().replace("-", "")
    try:
        if len(cleaned) != 6 or cleaned[4] != "Q" or cleaned[5] not in "1234":
            raise ValueError
        return pd.Period(cleaned, "Q")
    except ValueError:
        raise ParameterError(f"quarter {text!r}: expected YEARQn, e.g. 2026Q3",
                             field="quarter") from None


@dataclass
class LearningData:
    """What a quarterly report shows (see the module docstring); ``missing`` says what the
    handle could not read and why."""

    quarter: pd.Period
    reader: str
    screenings: list[Screening]
    earlier: list[Screening]
    ratings: pd.DataFrame
    comments: pd.DataFrame
    themed: pd.DataFrame
    rules: dict[str, tuple[str, ...]]
    flags: pd.DataFrame
    actions: list[PanelAction]
    clips: pd.DataFrame
    coders: pd.DataFrame | None
    settings: PanelSettings
    synthetic: bool
    data_hash: str
    joined: dict[str, int] = field(default_factory=dict)
    missing: list[str] = field(default_factory=list)

    @property
    def screening_ids(self) -> set[str]:
        return {s.screening_id for s in self.screenings}


def load_learning(store: Store, quarter: str, *, settings: PanelSettings | None = None,
                  codebook: Any = None) -> LearningData:
    """Read the report's data for ``quarter`` (``codebook``: for the coders' scores)."""
    period = parse_quarter(quarter)
    settings = settings or PanelSettings()
    end = period.end_time.date()
    upto = [s for s in store.screenings() if s.held_on <= end]
    held = [s for s in upto if pd.Period(s.held_on, "Q") == period]
    if not held:
        quarters = sorted({str(pd.Period(s.held_on, "Q")) for s in upto})
        raise ParameterError(f"no screening was held in {period} (quarters with screenings: "
                             f"{', '.join(quarters) or 'none'})", field="quarter")
    ids = {s.screening_id for s in upto}
    ratings = ratings_frame(store)
    ratings = ratings[ratings["screening_id"].isin(ids)].reset_index(drop=True)
    comments = comments_frame(store)
    comments = comments[comments["screening_id"].isin(ids)].reset_index(drop=True)
    answers = [a for a in store.panel_answers() if a.screening_id in ids]
    shown = sorted({c for s in held for c in s.clip_ids})
    flags = _flags(store, [a for a in answers if a.kind == "flag"])
    clips = pd.DataFrame([_clip_row(store, s, c, answers) for s in held for c in s.clip_ids])
    missing: list[str] = []
    coders = None
    if codebook is not None:
        try:
            coders = _coders(store, codebook, ratings[ratings["clip_id"].isin(shown)], shown)
        except AccessError as exc:
            missing.append(f"The coders' codes are not shown: {exc}.")
    else:
        missing.append("The coders' codes are not shown: no codebook was given.")
    digest = hashlib.sha256(json.dumps(sorted(
        (a.screening_id, a.clip_id, a.member_id, a.kind, a.item, a.value) for a in answers),
        ensure_ascii=False).encode()).hexdigest()
    synthetic = any("SYNTHETIC" in s.panel.upper() for s in held) or bool(
        clips["synthetic"].all() if "synthetic" in clips else False)
    joined: dict[str, int] = {}
    for m in store.panel_members():
        joined[m.screening_id] = joined.get(m.screening_id, 0) + 1
    return LearningData(period, store.principal.name, held, [s for s in upto if s not in held],
                        ratings, comments, store_themes(store, comments), current_rules(store),
                        flags, store.panel_actions(), clips, coders, settings, synthetic,
                        digest, joined, missing)


def _clip_row(store: Store, screening: Screening, clip_id: str, answers: list) -> dict:
    clip = store.clip(clip_id)
    mine = [a for a in answers if a.screening_id == screening.screening_id
            and a.clip_id == clip_id]
    return {"screening_id": screening.screening_id, "panel": screening.panel,
            "held_on": screening.held_on.isoformat(), "clip_id": clip_id,
            "power": clip.power or "", "bcu": clip.bcu or "",
            "members": len({a.member_id for a in mine}),
            "comments": sum(a.kind == "comment" for a in mine), "synthetic": clip.synthetic}


def _flags(store: Store, flags: list) -> pd.DataFrame:
    """Members per flagged turn (screening, clip, turn, flag), with the turn redacted."""
    columns = ["screening_id", "clip_id", "turn", "flag", "members", "role", "text"]
    counts: dict[tuple[str, str, int, str], int] = {}
    for a in flags:
        key = (a.screening_id, a.clip_id, int(a.item), a.value)
        counts[key] = counts.get(key, 0) + 1
    turns: dict[str, list] = {}
    rows = []
    for (sid, clip, turn, flag), n in sorted(counts.items()):
        if clip not in turns:
            turns[clip] = store.utterances(clip)
        utterance = turns[clip][turn]
        rows.append({"screening_id": sid, "clip_id": clip, "turn": turn, "flag": flag,
                     "members": n, "role": str(utterance.role),
                     "text": redact(utterance.text)[:MAX_QUOTE]})
    return pd.DataFrame(rows, columns=columns)


def _coders(store: Store, codebook: Any, ratings: pd.DataFrame,
            clips: list[str]) -> pd.DataFrame:
    from workbench.codebook import compute_derived
    from workbench.model import Layer

    turns = store.utterances_frame()
    turns = turns[turns["clip_id"].isin(clips)]
    consensus = store.annotations_frame(layer=Layer.CONSENSUS)
    consensus = consensus[consensus["clip_id"].isin(clips)]
    derived = (compute_derived(codebook, consensus, turns[turns["clip_id"].isin(
        consensus["clip_id"])]) if len(consensus) else pd.DataFrame())
    individual = store.annotations_frame(layer=Layer.CODER, counted_only=True)
    return beside_coders(ratings, derived, coder_codes(codebook, individual, turns, clips))


def learning_tables(data: LearningData) -> dict[str, pd.DataFrame]:
    """The report's tables (publishable: redacted, unattributed, disclosure-controlled)."""
    tables: dict[str, pd.DataFrame] = {}
    quarter = data.ratings[data.ratings["screening_id"].isin(data.screening_ids)]
    tables["screenings"] = pd.DataFrame(
        [{"screening": s.screening_id, "panel": s.panel, "held_on": s.held_on.isoformat(),
          "clips": len(s.clip_ids), "selection": s.selection.get("method", "").replace("_", " "),
          "members": data.joined.get(s.screening_id, 0), "status": s.status}
         for s in data.screenings])
    tables["clips"] = data.clips.drop(columns=["synthetic"])
    earlier = data.ratings[~data.ratings["screening_id"].isin(data.screening_ids)]
    rows = []
    for item in RATING_ITEMS:
        now = quarter[quarter["item"] == item]
        before = earlier[earlier["item"] == item]
        rows.append({"item": item, "ratings": len(now), "members": now["member_id"].nunique(),
                     "mean_score": round(float(now["score"].mean()), 1) if len(now) else None,
                     "earlier_mean_score": round(float(before["score"].mean()), 1)
                     if len(before) else None})
    tables["ratings"] = pd.DataFrame(rows)
    for group in GROUP_FIELDS:
        if f"g_{group}" not in data.ratings.columns:
            continue
        threshold = data.settings.min_group_cell
        tables[f"groups_{group}"] = group_means(data.ratings, group, threshold=threshold)
        tables[f"differences_{group}"] = group_differences(data.ratings, group,
                                                           threshold=threshold)
    themed = data.themed
    counts = theme_counts(themed) if len(themed) else pd.DataFrame()
    tables["theme_counts"] = counts.reset_index() if len(counts) else pd.DataFrame(
        columns=["theme"])
    now = themed[themed["screening_id"].isin(data.screening_ids)]
    quotes = (now.drop_duplicates(["theme", "text"]).groupby("theme").head(QUOTES_PER_THEME)
              .assign(text=lambda f: f["text"].str.slice(0, MAX_QUOTE)))
    tables["quotes"] = quotes[["theme", "source", "clip_id", "text"]].reset_index(drop=True)
    flags = data.flags[data.flags["screening_id"].isin(data.screening_ids)]
    for flag in ("good_practice", "concern"):
        mine = flags[flags["flag"] == flag].sort_values(["members", "clip_id", "turn"],
                                                        ascending=[False, True, True])
        tables[flag] = mine.head(EXAMPLES)[["clip_id", "turn", "role", "members", "text"]]
    end = data.quarter.end_time.date()
    tables["actions"] = pd.DataFrame(
        [{"theme": a.theme, "what": a.what, "who": a.who, "due": a.due.isoformat(),
          "status": "done" if a.done else ("overdue" if a.due < end else "open"),
          "comments_this_quarter": int((now["theme"] == a.theme).sum())}
         for a in data.actions],
        columns=["theme", "what", "who", "due", "status", "comments_this_quarter"])
    if data.coders is not None:
        tables["coders"] = data.coders.round({"panel_score": 1, "consensus_score": 1,
                                              "difference": 1, "coder_score": 1})
    return tables
