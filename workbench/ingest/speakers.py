"""Speaker labels inside caption text (WebVTT and SRT cues) and the cleaning of that text.

Conventions recognised, strongest first, for each line (or part of a line) of a cue:

1. a WebVTT voice span ``<v Name>…`` (several on one line start several turns); text after a
   closing ``</v>`` is outside the span: it starts a new turn with no speaker;
2. a diarised speech-to-text label ``SPEAKER_00: …`` or ``[SPEAKER_00]: …``;
3. a bracketed name before the words, ``[Alba] En 1928,`` (Netflix SDH style). A bracket
   alone on its line (``[laughs]``), one starting with a lower-case letter, or a non-speech
   word (``[Inaudible] …``) is a sound description: it stays in the text, with no speaker;
4. a ``Name: …`` prefix of one to four words, optionally followed by parenthesised suffixes as
   Zoom writes display names (``Jane Doe (SL): …``, ``(Host)``, ``(she/her)``; the suffixes stay
   in the label) — only if at least half of the file's cues start that way, so a quotation such
   as ``Digo: "…"`` in subtitles is not taken for a speaker;
5. a dialogue dash, ``- …``: each dash line starts a new turn (two speakers in one cue become
   two utterances sharing the cue's timing); its speaker is whatever 1–4 find after the dash.

Lines without a label continue the turn before them in the same cue; a cue with no label at all
gives one turn with an empty speaker (role ``unknown``). Labels never carry over between cues.
Tags (``<i>``, ``<c.colorE5E5E5>``, inline timestamps ``<00:17.500>``) and SSA overrides
(``{\\an8}``) are removed, entities are unescaped, white space is collapsed and the text is put in
Unicode NFC form.
"""

from __future__ import annotations

import html
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

_VOICE = re.compile(r"<v(?:\.[\w-]+)*[ \t]+([^>]*)>|</v[ \t]*>")
_TAG = re.compile(r"</?[A-Za-z][^>]*>|<\d{1,10}(?::\d{1,2}){1,2}\.\d{1,3}>")
_SSA = re.compile(r"\{\\[^}]*\}")
_DASH = re.compile(r"^[-‐–—](?![-‐–—>])\s*(?=\S)")
_DIARISED = re.compile(r"^\[?(SPEAKER[_ ]?\d+)\]?[ \t]*:[ \t]*(.*)$", re.IGNORECASE)
_BRACKET = re.compile(r"^\[([^\[\]]{1,40})\][ \t]*:?[ \t]*(\S.*)$")
_NAME = re.compile(r"^([^\W\d_][\w.'’-]*(?:[ \t]+[\w.'’-]+){0,3}"
                   r"(?:[ \t]*\([^()\n]{1,30}\))*)[ \t]*:[ \t]+(\S.*)$")
_NON_SPEECH = frozenset({
    "inaudible", "unintelligible", "indistinct", "crosstalk", "overlapping", "laughs",
    "laughter", "laughing", "music", "silence", "pause", "noise", "background", "redacted",
    "sighs", "shouting", "applause", "unclear", "siren", "sirens", "radio",
})
#: Share of cues that must start with ``Name:`` before such prefixes are read as speakers.
NAME_PREFIX_SHARE = 0.5


@dataclass(frozen=True)
class Piece:
    """A cleaned part of a cue line: its voice-span name, if any, and a dialogue-dash flag."""

    text: str
    voice: str | None = None
    dash: bool = False
    after_voice: bool = False


def clean_text(text: str) -> str:
    """Text without tags and SSA overrides, entities unescaped, white space collapsed, NFC."""
    return normalise_text(html.unescape(_SSA.sub("", _TAG.sub("", text))))


def normalise_text(text: str) -> str:
    """Plain text with white space collapsed, in Unicode NFC form (no tag removal)."""
    return unicodedata.normalize("NFC", " ".join(text.split()))


_label = normalise_text


def cue_pieces(lines: Sequence[str]) -> list[Piece]:
    """Split a cue's raw text lines at voice spans; clean each part; mark dialogue dashes."""
    pieces: list[Piece] = []
    for raw in lines:
        parts: list[tuple[str | None, str, bool]] = []
        last, voice, closed = 0, None, False
        for match in _VOICE.finditer(raw):
            parts.append((voice, raw[last:match.start()], closed))
            if match.group(0).startswith("</"):
                closed = voice is not None or closed
                voice = None
            else:
                voice, closed = _label(match.group(1) or "") or None, False
            last = match.end()
        parts.append((voice, raw[last:], closed))
        for name, chunk, after in parts:
            text = clean_text(chunk)
            dash = _DASH.match(text)
            if dash:
                text = text[dash.end():]
            if text and text not in "-‐–—":
                pieces.append(Piece(text, name, dash is not None, after and name is None))
    return pieces


def _bracket_label(label: str) -> bool:
    first = label.split()[0].casefold() if label.split() else ""
    return label[:1].isupper() and first not in _NON_SPEECH


def split_label(text: str, *, name_prefixes: bool) -> tuple[str | None, str]:
    """(speaker label or None, remaining text) for a line without a voice span."""
    match = _DIARISED.match(text)
    if match:
        return _label(match.group(1)), match.group(2).strip()
    match = _BRACKET.match(text)
    if match and (_bracket_label(match.group(1)) or _DIARISED.match(match.group(1) + ":")):
        return _label(match.group(1)), match.group(2).strip()
    if name_prefixes:
        match = _NAME.match(text)
        if match and len(match.group(1)) <= 40:
            return _label(match.group(1)), match.group(2).strip()
    return None, text


def uses_name_prefixes(cues: Sequence[Sequence[Piece]]) -> bool:
    """Whether at least :data:`NAME_PREFIX_SHARE` of the cues with text start ``Name: …``."""
    with_text = [pieces for pieces in cues if pieces]
    if not with_text:
        return False
    starting = sum(1 for pieces in with_text
                   if pieces[0].voice is None and _NAME.match(pieces[0].text))
    return starting >= NAME_PREFIX_SHARE * len(with_text)


def cue_turns(pieces: Sequence[Piece], *, name_prefixes: bool) -> list[tuple[str, str]]:
    """The (speaker, text) turns of one cue, in order; the speaker is "" when unlabelled."""
    turns: list[list[str | None]] = []
    for piece in pieces:
        label, text = piece.voice, piece.text
        if label is None:
            label, text = split_label(text, name_prefixes=name_prefixes)
        if label is not None or piece.dash or piece.after_voice or not turns:
            turns.append([label, text])
        else:
            turns[-1][1] = f"{turns[-1][1]} {text}"
    return [(label or "", " ".join((text or "").split())) for label, text in turns
            if (text or "").strip()]
