"""Hypothesis strategies that damage a valid file the ways real files get damaged.

A seed file (a valid example of the format) gets one to four edits: a hostile token inserted
(NUL, invalid UTF-8, a byte-order mark, deep brackets, a huge integer, an alias, an over-long
word, a line break of another convention, format syntax such as ``-->`` or ``<``), a slice
deleted, duplicated or truncated, or a byte flipped. Now and then the whole input is random.
"""

from __future__ import annotations

from hypothesis import strategies as st

HOSTILE: tuple[bytes, ...] = (
    b"\x00", b"\xff", b"\xfe\xff", b"\xef\xbb\xbf", "café".encode("cp1252"), b"\xc3",
    b"\xed\xa0\x80",  # an encoded surrogate (invalid UTF-8)
    b"\r", b"\r\n", b"\n\n", b"\n", b"\t", b" ", b"\xe2\x80\xa8",
    b"[" * 300, b"{" * 300, b"<" * 50, b"-" * 40,
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


@st.composite
def mutated(draw: st.DrawFn, seeds: list[bytes]) -> bytes:
    """One of ``seeds`` with one to four damaging edits (or, rarely, random bytes)."""
    if draw(st.integers(0, 19)) == 0:
        return draw(st.binary(max_size=400))
    data = bytearray(draw(st.sampled_from(seeds)))
    for _ in range(draw(st.integers(1, 4))):
        at = draw(st.integers(0, len(data)))
        kind = draw(st.integers(0, 5))
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
        elif data and at < len(data):
            data[at] = draw(st.integers(0, 255))
    return bytes(data)


#: Text a person might type, including what readers must keep or refuse (NUL, surrogates).
any_text = st.text(st.characters(codec=None, exclude_categories=("Cn",)), max_size=80)
