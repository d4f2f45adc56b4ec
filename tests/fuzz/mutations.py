"""Hypothesis strategies that damage a valid file the ways real files get damaged.

A seed file (a valid example of the format) gets one to four edits: a hostile token inserted
(NUL, invalid UTF-8, a byte-order mark, deep brackets, a huge integer, an alias, an over-long
word, a line break of another convention, format syntax such as ``-->`` or ``<``), a slice
deleted, duplicated or truncated, or a byte flipped. Now and then the whole input is random.
"""

from __future__ import annotations

import re

from hypothesis import strategies as st

HOSTILE: tuple[bytes, ...] = (
    b"\x00", b"\xff", b"\xfe\xff", b"\xef\xbb\xbf", "café".encode("cp1252"), b"\xc3",
    b"\xed\xa0\x80",  # an encoded surrogate (invalid UTF-8)
    b"\r", b"\r\n", b"\n\n", b"\n", b"\t", b" ", b"\xe2\x80\xa8",
    b"[" * 300, b"[" * 5000, b"{" * 300, b'{"a":' * 3000, b"<" * 50, b"-" * 40,
    b"9" * 30, b"9" * 5000, b"-1", b"0", b"nan", b"NaN", b"inf", b"1e999", b"-0.0",
    b"&a ", b"*a", b"&b [*a, *a, *a, *a, *a, *a, *a, *a]", b"<<: *a", b"!!python/object ",
    b"? ", b": ", b"- ", b"---\n", b"...\n", b"%YAML 1.1\n", b"|", b">",
    b",", b'"', b"'", b"\\", b'""', b",,,,", b"\\u0000", b'"\\ud800"', b"\\ud800",
    b"-->", b" --> ", b"00:00:00.000", b"99:99:99,999", b"00:00:05,000 --> 00:00:01,000",
    b"WEBVTT", b"NOTE ", b"<v ", b"</v>", b"<i>", b"&amp;", b"&#0;", b"&lt",
    b"<!DOCTYPE x [<!ENTITY a \"aaaaaaaaaa\"><!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;\">]>",
    b"&b;", b"<TIME_SLOT TIME_SLOT_ID=\"ts1\" TIME_VALUE=\"-5\"/>", b"TIME_VALUE=\"\"",
    b"]]>", b"<![CDATA[", b"x" * 300, b"\xf0\x9f\x98\x80" * 60,
    b"clip_id", b"unit,coder,value\n", b"store: ", b"codebook: x", b"speakers: 5",
)


#: Values put in place of one field of a valid file, keeping its structure around them.
VALUES: tuple[bytes, ...] = (
    b"", b"0", b"-5", b"9" * 13, b"9" * 30, b"9" * 400, b"1e309", b"-1e309", b"nan", b"0.0001",
    b"2021-13-45", b"99:99:99.999", b"00:00:00,000", b"x" * 300, "Ó".encode() * 150,
    b"\x00", b"\\u0000", b"\\ud800", b"&l9;", b"*a", b"&a", b"[", b"{", b"<", b'"', b"'",
    b"null", b"true", b"[]", b"{}", b"- ", b"\n", b"\r", b"\xff", b"officer", b"subject",
)
#: A field of a file: a number, a quoted value, an element's text, a YAML or CSV value.
_FIELD = re.compile(rb"\d+(?:\.\d+)?|\"[^\"\n]*\"|>[^<\n]+<|: [^\n]+|,[^,\n]*")


@st.composite
def mutated(draw: st.DrawFn, seeds: list[bytes]) -> bytes:
    """One of ``seeds`` with one to four damaging edits (or, rarely, random bytes): a hostile
    token inserted, a slice deleted, repeated or cut off, a byte changed, or one field's value
    replaced by a hostile value (which keeps the file's structure, so deeper code is reached).
    """
    mode = draw(st.integers(0, 9))
    if mode == 0:
        return draw(st.binary(max_size=400))
    data = bytearray(draw(st.sampled_from(seeds)))
    for _ in range(draw(st.integers(1, 3 if mode <= 4 else 4))):
        kind = 5 if mode <= 4 else draw(st.integers(0, 6))
        at = draw(st.integers(0, len(data)))
        if kind <= 1:
            data[at:at] = draw(st.sampled_from(HOSTILE))
        elif kind == 2 and data:
            end = draw(st.integers(at, min(len(data), at + 200)))
            del data[at:end]
        elif kind == 3:
            end = draw(st.integers(at, min(len(data), at + 200)))
            data[at:at] = data[at:end] * draw(st.integers(1, 3))
        elif kind == 4 and data:
            data = data[:at]
        elif kind == 5:
            _substitute(draw, data)
        elif data and at < len(data):
            data[at] = draw(st.integers(0, 255))
    return bytes(data)


def _substitute(draw: st.DrawFn, data: bytearray) -> None:
    """Replace one field's value (a number, quoted text, element text, YAML or CSV value)."""
    fields = list(_FIELD.finditer(bytes(data)))
    if not fields:
        return
    field = draw(st.sampled_from(fields))
    start, end = field.span()
    first = field.group()[:1]
    if first in (b'"', b">"):
        start, end = start + 1, end - 1
    elif first == b":":
        start += 2
    elif first == b",":
        start += 1
    data[start:end] = draw(st.sampled_from(VALUES))


#: Text a person might type, including what readers must keep or refuse (NUL, surrogates).
any_text = st.text(st.characters(codec=None, exclude_categories=("Cn",)), max_size=80)
