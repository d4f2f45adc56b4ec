"""Safe reading of text, YAML and JSON (workbench.textfiles): each limit refuses with a line."""

from __future__ import annotations

import codecs
import time
from pathlib import Path

import pytest
import yaml

from workbench import textfiles
from workbench.exceptions import CodebookError, InputError

BUNDLED = Path(__file__).resolve().parents[1] / "codebooks"


def _bomb(levels: int = 9, width: int = 9) -> str:
    """The 'billion laughs' in YAML: each level lists the previous one ``width`` times."""
    lines = [f"l0: &l0 [{', '.join(['lol'] * width)}]"]
    for k in range(1, levels):
        lines.append(f"l{k}: &l{k} [{', '.join([f'*l{k - 1}'] * width)}]")
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize(("text", "line", "message"), [
    (_bomb(), 6, "alias bombs"),  # 9**6 values at line 6 pass the 200,000 limit
    ("a: &a [1, *a]\n", 1, "refers to the collection it is inside"),
    ("[" * 10_000 + "]" * 10_000, 1, "nesting deeper than 64"),
    ("".join(" " * i + "k:\n" for i in range(100)), 64, "nesting deeper than 64"),
    ("n: " + "9" * 5000 + "\n", 1, "integer of 5000 digits"),
    ("n: 9223372036854775808\n", 1, "too large"),
    ("date: 2021-13-45\n", 1, "month must be in 1..12"),
    ("a: 1\nb: x\x00y\n", 2, "NUL character"),
    ("a: [1, 2\n", 1, "YAML syntax error"),
    ("a: !!python/object/apply:os.system [ls]\n", 1, "could not determine a constructor"),
])
def test_yaml_limits_refuse_with_the_line(text: str, line: int, message: str) -> None:
    started = time.perf_counter()
    with pytest.raises(CodebookError, match=message) as info:
        textfiles.parse_yaml(text, "book.yaml", error=CodebookError)
    assert info.value.line == line
    assert info.value.path == Path("book.yaml")
    assert time.perf_counter() - started < 2  # refused, not expanded or scanned for long


def test_bounded_yaml_reads_the_bundled_codebooks_as_pyyaml_does() -> None:
    files = sorted(BUNDLED.glob("*/*.yaml"))
    assert files
    for path in files:  # they use anchors and aliases (not_applicable: *no_search)
        text = path.read_text(encoding="utf-8")
        assert textfiles.parse_yaml(text)[0] == yaml.safe_load(text)


def test_dates_can_stay_text() -> None:
    assert textfiles.parse_yaml("d: 2021-01-02", dates=False)[0] == {"d": "2021-01-02"}
    assert str(textfiles.parse_yaml("d: 2021-01-02")[0]["d"]) == "2021-01-02"


@pytest.mark.parametrize(("data", "line", "message"), [
    ("naïve\ncafé £5\n".encode("cp1252"), 1, "byte 0xef is not valid UTF-8"),
    (b"ok\nok\n\xff\n", 3, "byte 0xff"),
    (b"a\nb\x00c\n", 2, "NUL character"),
    ("a\nb\n".encode("utf-16-le"), 1, "NUL character"),  # UTF-16 without a BOM
    (codecs.BOM_UTF32_LE + "a".encode("utf-32-le"), 1, "UTF-32"),
])
def test_decoding_refuses_with_the_line(data: bytes, line: int, message: str) -> None:
    with pytest.raises(InputError, match=message) as info:
        textfiles.decode(data, "f.txt")
    assert info.value.line == line


@pytest.mark.parametrize(("data", "text"), [
    (codecs.BOM_UTF8 + "café".encode(), "café"),
    (codecs.BOM_UTF16_LE + "café".encode("utf-16-le"), "café"),
    (codecs.BOM_UTF16_BE + "café".encode("utf-16-be"), "café"),
    (b"plain", "plain"),
])
def test_decoding_accepts_utf8_and_marked_utf16(data: bytes, text: str) -> None:
    assert textfiles.decode(data, None) == text


def test_a_file_over_the_size_limit_is_refused_unread(tmp_path: Path) -> None:
    path = tmp_path / "big.yaml"
    path.write_bytes(b"a: 1\n" * 300)
    with pytest.raises(InputError, match="1,500 bytes; expected at most 1,000"):
        textfiles.read_text(path, max_bytes=1000)
    with pytest.raises(InputError, match="cannot read the file"):
        textfiles.read_text(tmp_path)  # a folder


@pytest.mark.parametrize(("text", "message"), [
    ("[" * 100_000 + "]" * 100_000, "nested too deep"),
    ('{"a": ' * 70 + "1" + "}" * 70, "deeper than 64"),
    ("1" * 5000, "integer of 5000 digits"),
    ('{"n": NaN}', "NaN is not JSON"),
    ('{"a": 1', "not valid JSON"),
])
def test_json_limits_name_the_line(text: str, message: str) -> None:
    with pytest.raises(InputError, match=message) as info:
        textfiles.parse_json(text, "t.jsonl", line=7)
    assert info.value.line == 7


def test_an_unwritable_folder_is_named_before_anything_is_written(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    with pytest.raises(InputError, match="cannot write to this folder") as info:
        textfiles.make_folder(blocker / "out", field="output_dir")
    assert info.value.field == "output_dir"
    assert textfiles.write_text(tmp_path / "a" / "b.txt", "x").read_text() == "x"
