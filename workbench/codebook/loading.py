"""Reading codebooks from YAML, with errors that name the file, line, code and field.

Files live at ``codebooks/<id>/<version>.yaml``. A reference on the command line is a path,
``name@version``, or a bare ``name`` (its newest version).
"""

from __future__ import annotations

import difflib
import os
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from workbench import textfiles
from workbench.codebook.book import Codebook
from workbench.codebook.fields import SEMVER_PATTERN, CodebookProblem, version_key
from workbench.exceptions import CodebookError

#: Codebooks shipped with the workbench (``<repo>/codebooks``).
BUNDLED_CODEBOOKS = Path(__file__).resolve().parents[2] / "codebooks"

Loc = tuple[str | int, ...]


def default_codebooks_dir() -> Path:
    """``$BWV_CODEBOOKS`` if set, else the bundled folder."""
    return Path(os.environ.get("BWV_CODEBOOKS") or BUNDLED_CODEBOOKS)


def load_codebook(path: str | Path) -> Codebook:
    """Read and validate a codebook file; any problem raises :class:`CodebookError`."""
    path = Path(path)
    text = textfiles.read_text(path, error=CodebookError, max_bytes=textfiles.MAX_YAML_BYTES)
    codebook = loads_codebook(text, path=path)
    _check_file_name(codebook, path)
    return codebook


def loads_codebook(text: str, path: str | Path | None = None) -> Codebook:
    """Validate a codebook given as YAML text (``path`` only names it in errors)."""
    raw, lines = _parse_yaml(text, path)
    try:
        codebook = Codebook.model_validate(raw)
    except ValidationError as exc:
        raise _from_validation_error(exc, raw, lines, path) from None
    except CodebookProblem as problem:
        loc = problem.loc or _code_loc(raw, problem.code_id, problem.field)
        raise CodebookError(problem.bare_message, path=path, code_id=problem.code_id,
                            field=problem.field, line=_line(lines, loc)) from None
    codebook._source_path = Path(path) if path is not None else None
    return codebook


def resolve_ref(ref: str | Path, codebooks_dir: str | Path | None = None) -> Path:
    """The file a reference names: a path, ``name@version`` or ``name`` (newest version)."""
    root = Path(codebooks_dir) if codebooks_dir is not None else default_codebooks_dir()
    text = str(ref)
    if text.endswith((".yaml", ".yml")) or Path(text).is_file():
        return Path(text)
    name, _, version = text.partition("@")
    versions = available_versions(name, root)
    if not versions:
        raise CodebookError(f"no codebook '{name}' in {root} (expected {root}/{name}/"
                            "<version>.yaml)", path=root / name, field="codebook")
    if not version:
        version = versions[-1]
    if version not in versions:
        raise CodebookError(f"no version {version} of '{name}'; available: "
                            f"{', '.join(versions)}", path=root / name, field="version")
    return root / name / f"{version}.yaml"


def load_ref(ref: str | Path, codebooks_dir: str | Path | None = None) -> Codebook:
    """:func:`load_codebook` of :func:`resolve_ref`."""
    return load_codebook(resolve_ref(ref, codebooks_dir))


def available_versions(name: str, codebooks_dir: str | Path | None = None) -> list[str]:
    """Versions of codebook ``name`` found on disk, oldest first."""
    root = Path(codebooks_dir) if codebooks_dir is not None else default_codebooks_dir()
    folder = root / name
    if not folder.is_dir():
        return []
    found = [p.stem for p in folder.glob("*.yaml") if SEMVER_PATTERN.match(p.stem)]
    return sorted(found, key=version_key)


# ---- YAML with line numbers ----------------------------------------------------------------
def _parse_yaml(text: str, path: str | Path | None) -> tuple[dict[str, Any], dict[Loc, int]]:
    raw, node = textfiles.parse_yaml(text, path, error=CodebookError)
    if not isinstance(raw, dict) or node is None:
        raise CodebookError("a codebook file is a YAML mapping (id, version, title, groups, "
                            "codes, ...)", path=path, line=1)
    lines: dict[Loc, int] = {}
    _record_lines(node, (), lines, path)
    return raw, lines


def _record_lines(node: yaml.Node, loc: Loc, lines: dict[Loc, int],
                  path: str | Path | None) -> None:
    lines.setdefault(loc, node.start_mark.line + 1)
    if isinstance(node, yaml.MappingNode):
        seen: set[str] = set()
        for key_node, value_node in node.value:
            key = key_node.value
            if key in seen:
                raise CodebookError(f"key '{key}' appears twice in the same mapping",
                                    path=path, line=key_node.start_mark.line + 1, field=key,
                                    code_id=_node_id(node) if loc[:1] == ("codes",) else None)
            seen.add(key)
            lines[(*loc, key)] = key_node.start_mark.line + 1
            _record_lines(value_node, (*loc, key), lines, path)
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            _record_lines(item, (*loc, i), lines, path)


def _node_id(node: yaml.MappingNode) -> str | None:
    return next((v.value for k, v in node.value
                 if k.value == "id" and isinstance(v, yaml.ScalarNode)), None)


def _line(lines: dict[Loc, int], loc: Loc) -> int | None:
    for end in range(len(loc), -1, -1):
        if loc[:end] in lines:
            return lines[loc[:end]]
    return None


def _code_loc(raw: dict[str, Any], code_id: str | None, field: str | None) -> Loc:
    codes = raw.get("codes")
    if code_id is None or not isinstance(codes, list):
        return ()
    for i, code in enumerate(codes):
        if isinstance(code, dict) and code.get("id") == code_id:
            return ("codes", i, field.split(".")[0]) if field else ("codes", i)
    return ()


# ---- pydantic errors -> CodebookError ------------------------------------------------------
def _from_validation_error(exc: ValidationError, raw: dict[str, Any], lines: dict[Loc, int],
                           path: str | Path | None) -> CodebookError:
    errors = sorted(exc.errors(include_url=False),  # a misspelt key explains a missing one
                    key=lambda e: e["type"] != "extra_forbidden")
    first = errors[0]
    loc: Loc = tuple(first["loc"])
    code_id, field = _name_location(loc, raw)
    message = _message(first)
    if first["type"] == "extra_forbidden":
        missing = [str(e["loc"][-1]) for e in errors
                   if e["type"] == "missing" and tuple(e["loc"][:-1]) == loc[:-1]]
        near = difflib.get_close_matches(str(loc[-1]), missing, n=1)
        if near:
            message = f"unknown key '{loc[-1]}': did you mean '{near[0]}'?"
            errors = [e for e in errors if tuple(e["loc"]) != (*loc[:-1], near[0])]
    if len(errors) > 1:
        others = "; ".join(f"{'.'.join(map(str, e['loc']))}: {_message(e)}"
                           for e in errors[1:4])
        more = f" (and {len(errors) - 1} more: {others}{'; …' if len(errors) > 4 else ''})"
        message += more
    return CodebookError(message, path=path, code_id=code_id, field=field,
                         line=_line(lines, loc))


def _name_location(loc: Loc, raw: dict[str, Any]) -> tuple[str | None, str | None]:
    if len(loc) >= 2 and loc[0] == "codes" and isinstance(loc[1], int):
        codes = raw.get("codes") or []
        item = codes[loc[1]] if loc[1] < len(codes) else None
        code_id = item.get("id") if isinstance(item, dict) else None
        rest = ".".join(str(p) for p in loc[2:])
        if code_id is None:
            return None, f"codes[{loc[1]}]" + (f".{rest}" if rest else "")
        return str(code_id), rest or None
    return None, ".".join(str(p) for p in loc) or None


def _message(error: Any) -> str:
    kind = error["type"]
    if kind == "missing":
        return "required field is missing"
    if kind == "extra_forbidden":
        return "unknown key (check the spelling; unknown keys are refused)"
    message = str(error["msg"])
    for prefix in ("Value error, ", "Assertion failed, "):
        message = message.removeprefix(prefix)
    if kind in ("literal_error", "enum", "string_pattern_mismatch", "string_type"):
        message += f" (got {error.get('input')!r})"
    return message


def _check_file_name(codebook: Codebook, path: Path) -> None:
    if not SEMVER_PATTERN.match(path.stem):
        return
    if path.stem != codebook.version:
        raise CodebookError(f"the file name says version {path.stem} but the file declares "
                            f"{codebook.version}", path=path, field="version")
    if path.parent.name != codebook.id:
        raise CodebookError(f"codebook '{codebook.id}' must live in a folder named "
                            f"'{codebook.id}', not '{path.parent.name}'", path=path, field="id")
