"""Safe reading of text, YAML and JSON: every malformed input becomes a located error.

One place for the checks every reader needs before it parses anything:

- **size**: a file larger than ``max_bytes`` is refused before it is read;
- **encoding**: UTF-8 (byte-order mark optional) or UTF-16 with a byte-order mark; anything else
  (Windows-1252/Latin-1 in particular) is refused with the line of the first bad byte, never
  guessed, because a wrong guess silently corrupts names and quoted speech;
- **NUL characters** (U+0000) are refused with their line: they mark a binary file or UTF-16
  without a byte-order mark, and PostgreSQL cannot store them;
- **YAML**: aliases are bounded (an "alias bomb" that would expand past :data:`MAX_YAML_NODES`
  nodes, or an alias that refers to itself, is refused), nesting past :data:`MAX_DEPTH` is
  refused, integers beyond 64 bits are refused, and a value that cannot be constructed (e.g. the
  date ``2021-13-45``) names its line;
- **JSON** (one value, e.g. a JSON Lines record): the same depth and integer limits.

Errors are raised as the caller's member of the :mod:`workbench.exceptions` family (``error=``),
so a codebook problem stays a :class:`~workbench.exceptions.CodebookError`.
"""

from __future__ import annotations

import codecs
import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml

from workbench.exceptions import InputError

#: Largest text file read by default (bytes): 64 MiB, about a hundred hours of transcript.
MAX_TEXT_BYTES = 64 * 1024 * 1024
#: Largest YAML file read (bytes): configuration, not data.
MAX_YAML_BYTES = 4 * 1024 * 1024
#: Deepest nesting of YAML or JSON collections accepted.
MAX_DEPTH = 64
#: Most YAML nodes a document may expand to once its aliases are followed.
MAX_YAML_NODES = 200_000
#: Integers must fit in 64 bits (what SQLite and PostgreSQL ``BIGINT`` store).
INT_LIMIT = 2**63
#: Longest integer literal (digits) parsed at all; longer ones are refused unparsed.
MAX_INT_DIGITS = 24

#: The WebVTT line terminators (CRLF, CR, LF); other characters such as U+2028 stay in a line.
LINE_BREAK = re.compile(r"\r\n|\r|\n")

ErrorType = type[InputError]

_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


# ---- bytes -> text -------------------------------------------------------------------------
def decode(data: bytes, path: str | Path | None, *, error: ErrorType = InputError) -> str:
    """Decode ``data`` as UTF-8 (BOM optional) or BOM-marked UTF-16; the BOM is dropped.

    Raises
    ------
    error
        naming the line of the first byte that is not valid in the encoding, or of the first
        NUL character.
    """
    encoding = "utf-8"
    for bom, name in _BOMS:
        if data.startswith(bom):
            if name == "utf-32":
                raise error("UTF-32 text is not supported; expected UTF-8 (or UTF-16 with "
                            "a byte-order mark)", path=path, line=1)
            encoding = name
            break
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        bad = data[exc.start: exc.start + 1].hex()
        raise error(
            f"byte 0x{bad} is not valid {encoding.upper().replace('-SIG', '')}; expected UTF-8 "
            "text (or UTF-16 with a byte-order mark). Re-save the file as UTF-8 — it may be "
            "Windows-1252/Latin-1, which is not guessed because a wrong guess corrupts text",
            path=path, line=line) from None
    text = text.removeprefix("\ufeff")
    check_no_nul(text, path, error=error)
    return text


def check_no_nul(text: str, path: str | Path | None, *, error: ErrorType = InputError,
                 line: int | None = None, field: str | None = None) -> None:
    """Refuse a NUL character (U+0000), naming its line (counted in ``text`` unless given)."""
    at = text.find("\x00")
    if at < 0:
        return
    if line is None:
        line = text.count("\n", 0, at) + 1
    raise error("NUL character (U+0000); expected text — the file may be binary, or UTF-16 "
                "without a byte-order mark", path=path, line=line, field=field)


def read_bytes(path: str | Path, *, error: ErrorType = InputError,
               max_bytes: int = MAX_TEXT_BYTES) -> bytes:
    """The bytes of ``path``; a missing, unreadable or over-large file raises ``error``."""
    path = Path(path)
    try:
        size = path.stat().st_size
        if size > max_bytes:
            raise error(f"the file is {size:,} bytes; expected at most {max_bytes:,} "
                        f"({max_bytes // 2**20} MiB)", path=path)
        return path.read_bytes()
    except OSError as exc:
        raise error(f"cannot read the file: {exc.strerror or exc}", path=path) from None


def read_text(path: str | Path, *, error: ErrorType = InputError,
              max_bytes: int = MAX_TEXT_BYTES) -> str:
    """The decoded text of ``path`` (see :func:`read_bytes` and :func:`decode`)."""
    return decode(read_bytes(path, error=error, max_bytes=max_bytes), path, error=error)


def split_lines(text: str) -> list[str]:
    """Lines without terminators (CRLF, CR or LF); line *n* is item *n - 1*."""
    lines = LINE_BREAK.split(text)
    if lines and lines[-1] == "":
        lines.pop()
    return lines


# ---- YAML ----------------------------------------------------------------------------------
class _Refused(yaml.MarkedYAMLError):
    """A limit of :class:`_BoundedLoader` was hit at ``problem_mark``."""

    def __init__(self, problem: str, mark: yaml.Mark | None) -> None:
        super().__init__(problem=problem, problem_mark=mark)


class _BoundedLoader(yaml.SafeLoader):
    """SafeLoader with bounded depth, alias expansion and integer size."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self._depth = 0
        self._sizes: dict[int, int] = {}  # id(node) -> nodes once aliases are expanded

    def fetch_flow_collection_start(self, TokenClass: Any) -> None:
        # the scanner's cost grows with the square of bracket depth: refuse before that bites
        if self.flow_level >= MAX_DEPTH:
            raise _Refused(f"nesting deeper than {MAX_DEPTH} levels; expected a flatter "
                           "document", self.get_mark())
        super().fetch_flow_collection_start(TokenClass)

    def compose_node(self, parent: yaml.Node | None, index: Any) -> yaml.Node:  # type: ignore[override]
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()
            target = self.anchors.get(event.anchor)
            if target is not None and id(target) not in self._sizes:
                raise _Refused(f"alias *{event.anchor} refers to the collection it is inside; "
                               "expected an alias of a value defined before it", event.start_mark)
            return super().compose_node(parent, index)
        self._depth += 1
        try:
            if self._depth > MAX_DEPTH:
                raise _Refused(f"nesting deeper than {MAX_DEPTH} levels; expected a flatter "
                               "document", self.peek_event().start_mark)
            node = super().compose_node(parent, index)
        finally:
            self._depth -= 1
        size = 1
        if isinstance(node, yaml.SequenceNode):
            size += sum(self._sizes.get(id(item), 1) for item in node.value)
        elif isinstance(node, yaml.MappingNode):
            size += sum(self._sizes.get(id(k), 1) + self._sizes.get(id(v), 1)
                        for k, v in node.value)
        if size > MAX_YAML_NODES:
            raise _Refused(f"the document expands to more than {MAX_YAML_NODES:,} values once "
                           "its aliases (*name) are followed; expected a document without "
                           "alias bombs", node.start_mark)
        self._sizes[id(node)] = size
        return node

    def construct_object(self, node: yaml.Node, deep: bool = False) -> Any:
        try:
            return super().construct_object(node, deep=deep)
        except (ValueError, OverflowError, TypeError) as exc:
            raise _Refused(f"cannot read the value {str(node.value)[:40]!r}: {exc}",
                           node.start_mark) from None

    def construct_yaml_int(self, node: yaml.ScalarNode) -> int:
        digits = sum(ch.isalnum() for ch in str(node.value))
        if digits > MAX_INT_DIGITS:
            raise _Refused(f"integer of {digits} digits; expected a whole number below 2**63",
                           node.start_mark)
        value = super().construct_yaml_int(node)
        if abs(value) >= INT_LIMIT:
            raise _Refused(f"integer {value} is too large; expected a whole number below 2**63",
                           node.start_mark)
        return value


_BoundedLoader.add_constructor("tag:yaml.org,2002:int", _BoundedLoader.construct_yaml_int)


class _TextDatesLoader(_BoundedLoader):
    """Leaves dates as text, so a validator downstream gives its own message."""


_TextDatesLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in _BoundedLoader.yaml_implicit_resolvers.items()
}


def parse_yaml(text: str, path: str | Path | None = None, *, error: ErrorType = InputError,
               dates: bool = True) -> tuple[Any, yaml.Node | None]:
    """The data of one YAML document and its node tree (for line numbers: ``start_mark``).

    ``dates=False`` leaves ``YYYY-MM-DD`` values as text. An empty document gives
    ``(None, None)``.

    Raises
    ------
    error
        for a syntax error (line of the broken construct), a NUL character, nesting deeper than
        :data:`MAX_DEPTH`, an alias bomb or a recursive alias, an integer beyond 64 bits, or a
        value that cannot be constructed.
    """
    check_no_nul(text, path, error=error)
    loader: _BoundedLoader | None = None
    try:
        loader = (_BoundedLoader if dates else _TextDatesLoader)(text)
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else None
    except yaml.MarkedYAMLError as exc:
        raise error(yaml_message(exc), path=path, line=yaml_line(exc)) from None
    except yaml.YAMLError as exc:
        raise error(f"YAML error: {exc}", path=path) from None
    except RecursionError:
        raise error(f"nesting too deep to read; expected at most {MAX_DEPTH} levels",
                    path=path) from None
    finally:
        if loader is not None:
            loader.dispose()
    return data, node


class _Dumper(yaml.SafeDumper):
    """SafeDumper that double-quotes text holding a YAML 1.1 line break (NEL, U+2028, U+2029):
    written raw, PyYAML reads them back as spaces."""


def _represent_str(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    style = '"' if any(ch in value for ch in "\x85\u2028\u2029") else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _represent_str)


def dump_yaml(data: Any) -> str:
    """``data`` as block YAML in key order, UTF-8 text kept readable; reads back equal with
    :func:`parse_yaml`."""
    return yaml.dump(data, Dumper=_Dumper, sort_keys=False, allow_unicode=True)


def load_yaml(path: str | Path, *, error: ErrorType = InputError, dates: bool = True,
              max_bytes: int = MAX_YAML_BYTES) -> tuple[Any, yaml.Node | None]:
    """:func:`parse_yaml` of the file at ``path``, read with :func:`read_text`."""
    return parse_yaml(read_text(path, error=error, max_bytes=max_bytes), path, error=error,
                      dates=dates)


def yaml_line(exc: yaml.MarkedYAMLError) -> int | None:
    """Where the broken construct starts (e.g. an unclosed bracket), else the problem."""
    mark = exc.problem_mark if isinstance(exc, _Refused) else (exc.context_mark
                                                                or exc.problem_mark)
    return mark.line + 1 if mark is not None else None


def yaml_message(exc: yaml.MarkedYAMLError) -> str:
    """A one-line message for a YAML error (the line is given separately)."""
    if isinstance(exc, _Refused):
        return str(exc.problem)
    message = f"YAML syntax error: {exc.problem or 'invalid YAML'}"
    if exc.context and exc.context_mark is not None:
        message += f", {exc.context}"
        if exc.problem_mark is not None:
            message += f" (problem found at line {exc.problem_mark.line + 1})"
    return message


# ---- JSON ----------------------------------------------------------------------------------
def _bounded_int(literal: str) -> int:
    if len(literal.lstrip("-")) > MAX_INT_DIGITS:
        raise ValueError(f"integer of {len(literal.lstrip('-'))} digits; expected a whole number "
                         "below 2**63")
    value = int(literal)
    if abs(value) >= INT_LIMIT:
        raise ValueError(f"integer {value} is too large; expected a whole number below 2**63")
    return value


def _json_problem(value: Any) -> str | None:
    """Why a parsed JSON value is refused (too deep; a NUL or lone surrogate in a string)."""
    stack = [(value, 1)]
    while stack:
        item, level = stack.pop()
        if isinstance(item, str):
            if "\x00" in item:
                return "a string holds a NUL character (\\u0000); expected text"
            if any("\ud800" <= ch <= "\udfff" for ch in item):
                return ("a string holds half a surrogate pair (e.g. \\ud800 alone), which is "
                        "not text; expected valid Unicode")
        elif isinstance(item, dict | list):
            if level > MAX_DEPTH:
                return f"JSON nested deeper than {MAX_DEPTH} levels; expected a flatter record"
            children = [*item.keys(), *item.values()] if isinstance(item, dict) else item
            stack.extend((child, level + 1) for child in children)
    return None


def parse_json(text: str, path: str | Path | None = None, *, error: ErrorType = InputError,
               line: int | None = None, expected: str = "well-formed JSON",
               object_pairs_hook: Callable[[list[tuple[str, Any]]], Any] | None = None) -> Any:
    """One JSON value, with the depth and integer limits above; errors name ``line`` and say
    what was ``expected``.

    Non-standard constants (``NaN``, ``Infinity``) are refused. ``object_pairs_hook`` (as in
    :func:`json.loads`) may refuse an object by raising ``ValueError`` with its message.
    """
    def constant(name: str) -> Any:
        raise ValueError(f"{name} is not JSON; expected a finite number")

    try:
        value = json.loads(text, parse_int=_bounded_int, parse_constant=constant,
                           object_pairs_hook=object_pairs_hook)
    except json.JSONDecodeError as exc:
        whole_file = line is None  # a cut-off file, rather than one bad record
        what = "truncated" if whole_file and exc.pos >= len(text.rstrip()) else "not valid"
        raise error(f"{what} JSON ({exc.msg}, column {exc.colno}); expected {expected}",
                    path=path, line=line if line is not None else exc.lineno) from None
    except RecursionError:
        raise error(f"JSON nested too deep; expected at most {MAX_DEPTH} levels", path=path,
                    line=line) from None
    except ValueError as exc:
        raise error(f"not valid JSON: {exc}", path=path, line=line) from None
    problem = _json_problem(value)
    if problem is not None:
        raise error(problem, path=path, line=line)
    return value


# ---- writing -------------------------------------------------------------------------------
def make_folder(path: str | Path, *, error: ErrorType = InputError,
                field: str | None = None) -> Path:
    """Create the folder ``path`` (and its parents) and check it is writable.

    Raises
    ------
    error
        naming the folder and why it cannot be used (exists as a file, permission denied, …),
        before any output is computed into it.
    """
    path = Path(path)
    try:
        path.mkdir(parents=True, exist_ok=True)
        probe = path / ".bwv-write-check"
        probe.write_bytes(b"")
        probe.unlink()
    except OSError as exc:
        raise error(f"cannot write to this folder: {exc.strerror or exc}; expected a folder "
                    "you may write to", path=path, field=field) from None
    return path


def write_text(path: str | Path, text: str, *, error: ErrorType = InputError,
               field: str | None = None) -> Path:
    """Write ``text`` as UTF-8 to ``path``, creating its folder; an OS refusal raises ``error``."""
    path = Path(path)
    make_folder(path.parent, error=error, field=field)
    try:
        path.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise error(f"cannot write the file: {exc.strerror or exc}", path=path,
                    field=field) from None
    return path
