"""One family of errors for the whole workbench.

Every error carries the context a user needs to fix the input: the file, the line or field,
and what was expected. The CLI prints ``str(error)`` and exits non-zero.
"""

from __future__ import annotations

from pathlib import Path


class WorkbenchError(Exception):
    """Base class of every error the workbench raises on purpose."""


class InputError(WorkbenchError):
    """Bad input data, located in a file (and line or field where known).

    Parameters
    ----------
    message : what is wrong and what was expected.
    path : the file the problem is in.
    line : 1-based line number, when the problem has one.
    field : column, key or attribute name, when the problem has one.
    """

    def __init__(
        self,
        message: str,
        *,
        path: str | Path | None = None,
        line: int | None = None,
        field: str | None = None,
    ) -> None:
        self.message = message
        self.path = Path(path) if path is not None else None
        self.line = line
        self.field = field
        super().__init__(self._render())

    def _render(self) -> str:
        where = []
        if self.path is not None:
            where.append(str(self.path))
        if self.line is not None:
            where.append(f"line {self.line}")
        if self.field is not None:
            where.append(f"field '{self.field}'")
        prefix = ", ".join(where)
        return f"{prefix}: {self.message}" if prefix else self.message


class IngestError(InputError):
    """A transcript or metadata file cannot be ingested; nothing was stored."""


class CodebookError(InputError):
    """A codebook file is invalid, or conflicts with a version already in use.

    ``code_id`` names the offending code where there is one.
    """

    def __init__(
        self,
        message: str,
        *,
        path: str | Path | None = None,
        code_id: str | None = None,
        field: str | None = None,
        line: int | None = None,
    ) -> None:
        self.code_id = code_id
        if code_id is not None:
            message = f"code '{code_id}': {message}"
        super().__init__(message, path=path, line=line, field=field)


class ParameterError(InputError):
    """A parameter file or argument is invalid (names the parameter and the allowed values)."""


class BundleError(InputError):
    """A bundle cannot be written or read as asked (names the file and what differs); an
    import that fails leaves the store as it was."""


class ReliabilityDataError(InputError):
    """Reliability data cannot be analysed as given (e.g. one coder only, duplicate ratings)."""


class LimitError(InputError):
    """A value is over a limit the workbench keeps the same everywhere (text length, NUL
    characters, integer range, nesting, size): ``field`` names the table and column, or the
    input's field; nothing was stored."""


class StoreError(WorkbenchError):
    """The store refused an operation (e.g. a change that would orphan annotations)."""


class ConflictError(StoreError):
    """The operation conflicts with data already stored; the store is unchanged."""


class AccessError(StoreError):
    """The caller may not see or change this data (e.g. blind reliability coding)."""


class AuditError(StoreError):
    """The audit chain fails verification at ``event_id`` (edited, inserted, deleted or moved
    records); nothing that relies on it is computed until it is repaired or explained."""

    def __init__(self, message: str, *, event_id: int | None = None) -> None:
        self.event_id = event_id
        where = f"audit record {event_id}: " if event_id is not None else ""
        super().__init__(f"{where}{message} (run `bwv audit verify`)")


class MissingDependencyError(WorkbenchError):
    """An optional dependency is missing; the message says how to install it."""


class CodingError(WorkbenchError):
    """A coding action is not allowed where it was asked (wrong role, clip incomplete, …).

    The message names the clip, the utterance and the code involved and what is expected;
    nothing was stored.
    """


class AnalysisDataError(InputError):
    """The data cannot be analysed as asked (e.g. separation in a logistic model, too few
    clusters for cluster-robust errors); the message says why and what would help."""


class StudyRunError(WorkbenchError):
    """A study notebook failed: names the notebook, the cell, the error, and where the
    executed notebook (with the full traceback) was saved."""

    def __init__(self, notebook: str, *, cell: int | None = None, error: str = "",
                 detail: str = "", executed: str | Path | None = None) -> None:
        self.notebook = notebook
        self.cell = cell
        self.error = error
        self.detail = detail
        self.executed = Path(executed) if executed is not None else None
        where = f" in cell [{cell}]" if cell is not None else ""
        saved = f"; the executed notebook is at {self.executed}" if self.executed else ""
        super().__init__(f"study notebook {notebook} failed{where}: {error}: {detail}{saved}")
