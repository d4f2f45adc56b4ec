"""Building blocks shared by the codebook schema modules: text, slugs, versions, problems.

Text fields are normalised when validated (runs of whitespace inside a paragraph collapse to
one space; paragraphs are separated by one blank line), so re-flowing a YAML block scalar does
not change a codebook's content or its hash.
"""

from __future__ import annotations

import re
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, StringConstraints

from workbench.exceptions import CodebookError

SEMVER_PATTERN = re.compile(
    r"^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)"
    r"(?:-((?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?"
    r"(?:\+([0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*))?$"
)


class CodebookProblem(CodebookError):
    """A semantic problem found while validating a codebook.

    ``loc`` is the path to the offending YAML node (e.g. ``("codes", 3, "scale")``) when the
    check knows it; the loader turns it into a line number and re-raises a plain
    :class:`CodebookError` naming the file.
    """

    def __init__(
        self,
        message: str,
        *,
        code_id: str | None = None,
        field: str | None = None,
        loc: tuple[str | int, ...] | None = None,
    ) -> None:
        self.loc = loc
        self.bare_message = message
        super().__init__(message, code_id=code_id, field=field)


def normalise_text(text: str) -> str:
    """Collapse whitespace inside paragraphs; keep paragraph breaks (one blank line).

    >>> normalise_text("  Says   why\\n the search\\n\\n\\n Second  para ")
    'Says why the search\\n\\nSecond para'
    """
    paragraphs = re.split(r"\n\s*\n", text.strip())
    return "\n\n".join(" ".join(p.split()) for p in paragraphs if p.strip())


def _required_text(text: str) -> str:
    cleaned = normalise_text(text)
    if not cleaned:
        raise ValueError("must not be empty")
    return cleaned


def _check_semver(version: str) -> str:
    if not SEMVER_PATTERN.match(version):
        raise ValueError(
            f"'{version}' is not a semantic version (expected MAJOR.MINOR.PATCH, e.g. 1.0.0)"
        )
    return version


def version_key(version: str) -> tuple[int, int, int, int, str]:
    """Sort key for semantic versions: a pre-release sorts before its release.

    >>> sorted(["1.10.0", "1.2.0", "1.2.0-rc.1"], key=version_key)
    ['1.2.0-rc.1', '1.2.0', '1.10.0']
    """
    match = SEMVER_PATTERN.match(version)
    if match is None:
        raise CodebookError(f"'{version}' is not a semantic version", field="version")
    major, minor, patch, pre = match.group(1, 2, 3, 4)
    return int(major), int(minor), int(patch), 0 if pre else 1, pre or ""


Text = Annotated[str, AfterValidator(_required_text)]
OptionalText = Annotated[str, AfterValidator(normalise_text)]
Slug = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]*$", max_length=64)]
CodebookId = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_-]*$", max_length=64)]
SemVer = Annotated[str, AfterValidator(_check_semver)]


class Strict(BaseModel):
    """Base of every codebook part: immutable, unknown keys refused (catches typos)."""

    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True)
