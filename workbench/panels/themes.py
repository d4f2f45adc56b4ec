"""Members' comments grouped into themes for learning, by transparent methods.

* **Keyword rules** the facilitator edits: theme → words; a comment belongs to every theme
  one of whose words starts a word of the comment (case-insensitive). Rules, not a model:
  anyone can see why a comment is in a theme.
* **A clustering proposal** (scikit-learn TF-IDF + k-means, seeded) with each cluster named
  by its top terms; the facilitator accepts it through :func:`accept_proposal`, renaming
  clusters, merging them (two clusters given one name) or dropping them (no name).

Comments are redacted (:func:`workbench.privacy.redaction.redact`) before they are shown;
the tables carry the screening, clip and quarter of each comment, never who wrote it. The
facilitator's rules and accepted clustering are kept in the store
(:meth:`Store.set_theme_rules`, :meth:`Store.accept_comment_themes`); :func:`store_themes`
applies both.
"""

from __future__ import annotations

import hashlib
import re

import pandas as pd

from workbench.exceptions import ParameterError
from workbench.privacy.redaction import redact
from workbench.store import Store

#: A starting set of rules (the facilitator edits these).
DEFAULT_RULES: dict[str, tuple[str, ...]] = {
    "explanation": ("explain", "reason", "grounds", "why"),
    "respect": ("polite", "respect", "thank", "calm", "tone"),
    "voice": ("talked over", "listen", "answer", "interrupt"),
    "force and escalation": ("handcuff", "force", "escalat", "intimidat", "too many officers"),
}


def comment_hash(text: str) -> str:
    """The key of an accepted theme: SHA-256 of the comment's redacted text."""
    return hashlib.sha256(text.encode()).hexdigest()


def current_rules(store: Store) -> dict[str, tuple[str, ...]]:
    """The facilitator's saved rules, or :data:`DEFAULT_RULES` until they save some."""
    saved = store.theme_rules()
    return dict(DEFAULT_RULES) if saved is None else saved


def comments_frame(store: Store) -> pd.DataFrame:
    """Comments (redacted) with screening, clip and quarter; no member column."""
    held = {s.screening_id: s.held_on for s in store.screenings()}
    rows = [{"screening_id": a.screening_id, "clip_id": a.clip_id,
             "quarter": str(pd.Period(held[a.screening_id], "Q")), "text": redact(a.value)}
            for a in store.panel_answers() if a.kind == "comment"]
    return pd.DataFrame(rows, columns=["screening_id", "clip_id", "quarter", "text"])


def keyword_themes(comments: pd.DataFrame,
                   rules: dict[str, tuple[str, ...]] | None = None) -> pd.DataFrame:
    """One row per (comment, theme) matched: the comment's columns plus ``theme``."""
    rules = DEFAULT_RULES if rules is None else rules
    bad = [t for t, words in rules.items() if not words or not all(w.strip() for w in words)]
    if bad:
        raise ParameterError(f"theme rules {bad}: each theme needs non-blank words",
                             field="rules")
    patterns = {t: re.compile(r"\b(?:" + "|".join(re.escape(w.lower()) for w in words) + ")",
                              re.IGNORECASE) for t, words in rules.items()}
    rows = [{**row, "theme": theme} for row in comments.to_dict("records")
            for theme, pattern in patterns.items() if pattern.search(row["text"])]
    return pd.DataFrame(rows, columns=[*comments.columns, "theme"])


def cluster_proposal(comments: pd.DataFrame, k: int, *, seed: int = 0,
                     top_terms: int = 3) -> pd.DataFrame:
    """The comments with a proposed ``cluster`` (0…k−1) and its ``proposed_name``."""
    from sklearn.cluster import KMeans
    from sklearn.feature_extraction.text import TfidfVectorizer

    if not 2 <= k <= len(comments):
        raise ParameterError(f"k = {k}: expected 2 to {len(comments)} (the comments)",
                             field="k")
    vectoriser = TfidfVectorizer(stop_words="english")
    x = vectoriser.fit_transform(comments["text"])
    model = KMeans(n_clusters=k, random_state=seed, n_init=10).fit(x)
    terms = vectoriser.get_feature_names_out()
    names = {c: " / ".join(terms[i] for i in model.cluster_centers_[c].argsort()[::-1]
                           [:top_terms]) for c in range(k)}
    out = comments.copy()
    out["cluster"] = model.labels_
    out["proposed_name"] = out["cluster"].map(names)
    return out


def accept_proposal(proposal: pd.DataFrame, names: dict[int, str | None]) -> pd.DataFrame:
    """Themes from a proposal: ``names`` maps each cluster to a theme name (the same name for
    two clusters merges them; None drops a cluster). Every cluster must be named or dropped."""
    missing = sorted(set(proposal["cluster"]) - set(names))
    if missing:
        raise ParameterError(f"clusters {missing} are neither named nor dropped",
                             field="names")
    out = proposal.assign(theme=proposal["cluster"].map(names)).dropna(subset=["theme"])
    return out.drop(columns=["cluster", "proposed_name"]).reset_index(drop=True)


def theme_counts(themed: pd.DataFrame) -> pd.DataFrame:
    """Comments per theme and quarter (themes as rows, quarters as columns)."""
    return (themed.groupby(["theme", "quarter"]).size().unstack("quarter", fill_value=0)
            .sort_index())


def acceptance_rows(accepted: pd.DataFrame) -> list[tuple[str, str, str, str]]:
    """The rows :meth:`Store.accept_comment_themes` keeps for :func:`accept_proposal`'s
    result: (screening, clip, text hash, theme)."""
    return sorted({(r.screening_id, r.clip_id, comment_hash(r.text), r.theme)
                   for r in accepted.itertuples(index=False)})


def store_themes(store: Store, comments: pd.DataFrame | None = None) -> pd.DataFrame:
    """Comments in themes: by the saved keyword rules (``source`` "rule") and by the
    accepted clustering (``source`` "cluster"); one row per comment and theme."""
    comments = comments_frame(store) if comments is None else comments
    ruled = keyword_themes(comments, current_rules(store)).assign(source="rule")
    accepted = pd.DataFrame(store.comment_themes(),
                            columns=["screening_id", "clip_id", "text_hash", "theme"])
    keyed = comments.assign(text_hash=comments["text"].map(comment_hash))
    clustered = keyed.merge(accepted, on=["screening_id", "clip_id", "text_hash"])
    clustered = clustered.drop(columns="text_hash").assign(source="cluster")
    return pd.concat([ruled, clustered[ruled.columns]], ignore_index=True)
