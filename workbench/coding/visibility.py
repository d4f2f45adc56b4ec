"""What a coder may see of a clip's metadata while coding.

Coders code the outcome themselves (``out_*`` codes), so the recorded ``outcome`` is hidden;
the subject's self-defined ethnicity, age band and gender are hidden too, because the study
compares coding across those groups and coders should not be primed by them. Extra metadata
columns are hidden unless a project names them as visible.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from workbench.model import Clip

#: Standard clip fields shown to coders, in display order, with their labels.
VISIBLE_FIELDS: dict[str, str] = {
    "borough": "Borough",
    "bcu": "BCU",
    "date": "Date",
    "power": "Power",
    "n_officers": "Officers",
    "duration": "Duration",
}

#: Standard fields never shown to a coder.
HIDDEN_FIELDS: tuple[str, ...] = ("outcome", "ethnicity", "age_band", "gender")


def _format(name: str, value: object) -> str:
    if name == "duration" and isinstance(value, int | float):
        minutes, seconds = divmod(round(value), 60)
        return f"{minutes}:{seconds:02d}"
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def visible_metadata(clip: Clip, extra_fields: Iterable[str] = ()) -> dict[str, str]:
    """Label → display text of the metadata a coder may see (empty values left out).

    Parameters
    ----------
    clip : the clip being coded.
    extra_fields : keys of ``clip.extra`` the project allows coders to see (e.g. ``object``);
        the standard hidden fields stay hidden even if named here.
    """
    shown: dict[str, str] = {}
    for name, label in VISIBLE_FIELDS.items():
        value = getattr(clip, name)
        if value not in (None, ""):
            shown[label] = _format(name, value)
    for name in extra_fields:
        if name in HIDDEN_FIELDS or name in VISIBLE_FIELDS:
            continue
        value = clip.extra.get(name)
        if value not in (None, ""):
            shown[name.replace("_", " ").capitalize()] = _format(name, value)
    return shown
