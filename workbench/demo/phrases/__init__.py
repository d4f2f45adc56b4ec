"""The dialogue bank of the synthetic corpus, split by phase of the encounter.

Each entry is a template string, optionally followed by `` || `` and the codes the line
carries: ``"Could you pop your bag down, please? || esc_command=softened_request pj_courtesy"``.
A bare code id means ``present``. Placeholders (``{formal}``, ``{station}``, ``{name}`` …) are
filled per encounter by :mod:`workbench.demo.script`; the personal-detail placeholders are in
:data:`PII_PLACEHOLDERS`. Square brackets hold what a transcriber writes for a physical act
(``[pulls arm away]``). All text is invented, in British English, set in London.
"""

from __future__ import annotations

from dataclasses import dataclass

from workbench.demo.codes import CODE_SPECS, NOMINAL

#: Placeholder → kind of planted personal detail it carries.
PII_PLACEHOLDERS: dict[str, str] = {
    "name": "subject_name", "dob": "date_of_birth", "dob_spoken": "date_of_birth",
    "address": "street_address", "postcode": "postcode", "phone": "phone_number",
    "email": "email", "reg": "vehicle_registration", "surname": "officer_name",
}


@dataclass(frozen=True)
class Line:
    """A template and the codes (code id → value) an utterance made from it carries."""

    template: str
    codes: tuple[tuple[str, str], ...] = ()

    def code_dict(self) -> dict[str, str]:
        return dict(self.codes)


def _parse(entry: str) -> Line:
    text, _, spec = entry.partition(" || ")
    codes: list[tuple[str, str]] = []
    for token in spec.split():
        code_id, _, value = token.partition("=")
        known = CODE_SPECS.get(code_id)
        if known is None:
            raise ValueError(f"phrase bank: unknown code id {code_id!r} in {entry!r}")
        if known.level == NOMINAL:
            value = value or "present"
        elif value not in known.options:
            raise ValueError(f"phrase bank: {code_id}={value!r} is not one of {known.options}")
        codes.append((code_id, value))
    return Line(text.strip(), tuple(codes))


def bank(*entries: str) -> tuple[Line, ...]:
    """Parse phrase entries (see the module docstring) into :class:`Line` records."""
    return tuple(_parse(e) for e in entries)
