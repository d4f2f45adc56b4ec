"""The coding-session widget: renders a :class:`CodingSession` and forwards every event to it.

No rule lives here. Each handler calls one session method, which stores the action at once
and returns a :class:`Change`; :meth:`SessionWidget.render` then updates only the parts named
in it (one transcript row, a few button styles, the highlight), which keeps a code action
well under 50 ms.

A steady layout: three columns in fixed proportions (a CSS grid whose tracks never depend
on content, ``COLUMNS``); every message goes to one reserved status line at the top of the
code column, with the help and the key map right under it — where the coder is looking —
and the front end scrolls them into view when they change.
"""

from __future__ import annotations

from collections.abc import Callable
from html import escape
from pathlib import Path
from typing import Any

import ipywidgets as W

from widgets.codes import CodePanel, chip_text
from widgets.help import CodebookBrowser, HelpPanel
from widgets.media import MediaPlayer
from widgets.queue import QueuePanel
from widgets.transcript import TranscriptView, key_forecast, turn_record
from workbench.coding import Change, CodingSession
from workbench.coding.pressing import keys_here
from workbench.exceptions import WorkbenchError
from workbench.model import Role

#: Column proportions (queue and media · transcript · codes): fixed, whatever the content.
COLUMNS = "minmax(0, 22fr) minmax(0, 45fr) minmax(0, 33fr)"


class SessionWidget(W.VBox):
    """One coder's coding session. Opens the clip to resume at once.

    Parameters
    ----------
    session : the UI-free session (store, codebook, coder).
    media_root : folder that relative ``media_path`` values are relative to.
    open_clip : open the clip to resume now (default) — False leaves that to the caller.
    """

    def __init__(self, session: CodingSession, *, media_root: Path | None = None,
                 open_clip: bool = True) -> None:
        self.session = session
        self.media_root = media_root
        codebook = session.codebook
        self._order = {code_id: i for i, code_id in enumerate(codebook.code_ids)}
        self._quiet = False
        self._from_player = False
        self.header = W.HTML()
        self.status = W.HTML(_dom_classes=("bwv-status",))
        self.queue = QueuePanel(lambda clip_id: self._act(lambda: session.open(clip_id)))
        self.meta = W.HTML()
        self.player = MediaPlayer(on_turn=self._player_turn)
        self.transcript = TranscriptView(
            on_key=lambda key, code: self._act(lambda: session.press(key, code)),
            on_goto=lambda index: self._act(lambda: session.go(index)),
            can_guess=lambda: not session.help_pending)
        self.transcript.next_keys = sorted(session.keymap.next_keys)
        self.transcript.previous_keys = sorted(session.keymap.previous_keys)
        self.transcript.forecast = key_forecast(
            {role.value: session.panel_for(role) for role in Role}, session.keymap, chip_text,
            self._order)
        self._keys_line = (f"Click a turn, then keys — {session.keymap.describe()} · "
                           "code keys in [brackets] · ? all keys")
        self.transcript.hint = self._keys_line
        self.previous_button = W.Button(description="◀ previous", layout=W.Layout(width="auto"))
        self.next_button = W.Button(description="next ▶", layout=W.Layout(width="auto"))
        self.previous_button.on_click(lambda _: self._act(session.previous))
        self.next_button.on_click(lambda _: self._act(session.next))
        self.note = W.Textarea(placeholder="Note on this turn (saved when you leave the box)",
                               continuous_update=False, layout=W.Layout(width="100%"))
        self.note.observe(self._note_typed, names="value")
        self.flag = W.Checkbox(description="flag for review", indent=False)
        self.flag.observe(self._flag_ticked, names="value")
        self.done_button = W.Button(description="Clip done ✓", button_style="primary",
                                    _dom_classes=("bwv-done",))
        self.checked = W.Checkbox(description="I checked every turn", indent=False,
                                  layout=W.Layout(width="auto"))
        self.checked.observe(self._checked_ticked, names="value")
        self.done_button.on_click(
            lambda _: self._act(lambda: session.finish_clip(checked=session.checked)))
        self.done_row = W.HBox([self.done_button, self.checked],
                               layout=W.Layout(flex_flow="row wrap", align_items="center"))
        self.clip_form = CodePanel(codebook, session.clip_form, self._choose, numbered=False,
                                   title="Clip-level form",
                                   keys={c: k for k, c in session.form_keys.items()})
        self.panels: dict[tuple[str, ...], CodePanel] = {}
        self.turn_title = W.HTML()
        self.help = HelpPanel()
        self.body = W.VBox(_dom_classes=("bwv-side-body",))
        self.side = W.VBox([self.status, self.help, self.body], _dom_classes=("bwv-side",))
        self.browser = CodebookBrowser(codebook)
        book = W.Accordion([self.browser], titles=("Codebook",), selected_index=None)
        left = W.VBox([self.queue, self.meta, self.player], _dom_classes=("bwv-left",))
        centre = W.VBox([W.HBox([self.previous_button, self.next_button]), self.transcript],
                        _dom_classes=("bwv-centre",))
        self.columns = W.GridBox([left, centre, self.side], _dom_classes=("bwv-columns",),
                                 layout=W.Layout(grid_template_columns=COLUMNS,
                                                 grid_gap="8px", width="100%"))
        super().__init__([self.header, self.columns, book])
        self.add_class("bwv-session")
        self.header.value = self._header()
        if open_clip:
            self.render(session.open())

    # ---- events ----------------------------------------------------------------------------
    def _act(self, action: Callable[[], Change]) -> Change | None:
        """Run a session action and render what it changed; errors go to the status line."""
        try:
            change = action()
        except WorkbenchError as exc:
            self._say(str(exc), error=True)
            return None
        self.render(change)
        return change

    def _choose(self, code_id: str, value: str | None) -> None:
        self._act(lambda: self.session.toggle(code_id, value))

    def _player_turn(self, index: int) -> None:
        """Playback entered turn ``index``: follow it (without seeking the player back)."""
        if self.session.clip is None or index == self.session.index:
            return
        self._from_player = True
        try:
            self._act(lambda: self.session.go(index))
        finally:
            self._from_player = False

    def _note_typed(self, change: dict[str, Any]) -> None:
        if not self._quiet:
            self._act(lambda: self.session.set_note(change["new"]))

    def _flag_ticked(self, change: dict[str, Any]) -> None:
        if not self._quiet:
            self._act(lambda: self.session.set_flag(bool(change["new"])))

    def _checked_ticked(self, change: dict[str, Any]) -> None:
        self.session.checked = bool(change["new"])

    # ---- rendering -------------------------------------------------------------------------
    def render(self, change: Change) -> None:
        """Update the parts of the view that ``change`` names, nothing else."""
        session = self.session
        if change.clip:
            self._render_clip()
        else:
            if change.queue:
                self._render_queue()
            if change.turns:
                self.transcript.set_mark({i: self._mark(i) for i in change.turns})
            if change.clip_codes:
                self.clip_form.show(session.clip_codes)
                self.transcript.end_chips = self._end_chips()
                self._done_tooltip()
            if change.moved:
                self._render_position()
            elif session.current is not None and session.index in change.turns:
                self._panel().show(session.turns[session.index].codes)
            if change.form:
                self.clip_form.mark(session.form_code.id if session.form_code else None)
                self.checked.value = session.checked
        message = change.message
        if change.help:
            self.help.show(session.codebook, change.help)
        elif change.keymap:
            self.help.show_keymap(session.keymap.rows(), keys_here(session))
        elif change.moved or change.clip or (change.message == "" and not change.turns):
            self.help.clear()
        if change.media:
            current = session.current
            message = self.player.command(change.media, current.start if current else 0.0)
        self._say(message)

    def _say(self, text: str, error: bool = False) -> None:
        tone = "bwv-status--error" if error else "bwv-status--ok"
        html = f"<span class='{tone}'>{escape(text, quote=False)}</span>" if text else ""
        if self.status.value != html:
            self.status.value = html

    def _header(self) -> str:
        s = self.session
        review = (f" · <b class='bwv-review-mode'>review {escape(s.audit_id)}</b>: blind "
                  "re-coding (the original coding is hidden), hints off" if s.audit_id else "")
        return (f"<b>Coder {escape(s.coder_id)}</b> · codebook "
                f"<code>{escape(s.codebook.label)}</code>{review} · every action is saved "
                "at once")

    def _mark(self, index: int) -> dict[str, Any]:
        turn = self.session.turns[index]
        held = self._held(turn.codes)
        book = self.session.codebook
        hints = [f"{chip_text(book.code(h.code_id), h.value)} {h.probability:.0%}"
                 for h in self.session.hints.get(index, [])]
        mark = {"chips": self._chips(turn.codes), "codes": held, "note": turn.note,
                "flag": turn.flagged}
        return {**mark, "hints": hints} if hints else mark

    def _held(self, codes: dict[str, str]) -> list[list[Any]]:
        """[code id, value, order] in chip order (what the front end's guesses start from)."""
        return [[code_id, value, self._order.get(code_id, 10**6)] for code_id, value
                in sorted(codes.items(), key=lambda kv: self._order.get(kv[0], 10**6))]

    def _chips(self, codes: dict[str, str]) -> list[str]:
        book = self.session.codebook
        return [chip_text(book.code(code_id), value) for code_id, value, _ in self._held(codes)]

    def _end_chips(self) -> list[str]:
        return self._chips(self.session.clip_codes)

    def _done_tooltip(self) -> None:
        missing = self.session.missing_clip_labels()
        unvisited = len(self.session.unvisited())
        parts = (["still needs: " + "; ".join(missing)] if missing else []) + (
            [f"{unvisited} turns not opened yet"] if unvisited else [])
        self.done_button.tooltip = " · ".join(parts) if parts else "every item is filled"

    def _render_queue(self) -> None:
        s = self.session
        self.queue.show(s.queue, s.progress, s.clip.clip_id if s.clip else None)

    def _render_clip(self) -> None:
        s = self.session
        self._render_queue()
        self.help.clear()
        self.checked.value = False
        if s.clip is None:
            self.meta.value = "<b>Nothing left to code.</b>"
            with self.transcript.hold_sync():
                self.transcript.turns, self.transcript.marks = [], {}
                self.transcript.current, self.transcript.end_chips = 0, []
            self.body.children = ()
            self.player.load(None)
            return
        badge = (" <span style='background:#fff3b0;border:1px solid #d4b000;padding:0 4px'>"
                 "SYNTHETIC DATA</span>") if s.clip.synthetic else ""
        rows = "".join(f"<tr><td style='color:#666;padding-right:6px'>{escape(k)}</td>"
                       f"<td>{escape(v)}</td></tr>" for k, v in s.metadata.items())
        self.meta.value = (f"<div><b>{escape(s.clip.clip_id)}</b>{badge}</div>"
                           f"<table style='font-size:12px'>{rows}</table>")
        with self.transcript.hold_sync():
            self.transcript.turns = [turn_record(u) for u in s.utterances]
            hinted = s.hints
            self.transcript.marks = {str(i): self._mark(i) for i, t in enumerate(s.turns)
                                     if t.codes or t.note or t.flagged or i in hinted}
            self.transcript.end_chips = self._end_chips()
            self.transcript.current = s.index
        self.clip_form.show(s.clip_codes)
        if s.hint_source is not None:  # the key line says whether this clip has hints
            self.transcript.hint = self._keys_line + (
                " · hints: dimmed, Enter accepts one" if s.hints_off is None
                else f" · no hints on this clip: {s.hints_off}")
        self.player.load(s.clip.media_path, self.media_root,
                         [(u.start, u.end) for u in s.utterances])
        self._render_position()

    def _panel(self) -> CodePanel:
        """The code panel for the current turn's role (built once per distinct set of codes)."""
        groups = self.session.panel()
        key = tuple(c.id for _, codes in groups for c in codes)
        if key not in self.panels:
            self.panels[key] = CodePanel(self.session.codebook, groups, self._choose)
        return self.panels[key]

    def _render_position(self) -> None:
        s = self.session
        self.transcript.current = s.index
        current = s.current
        if current is None:
            self._done_tooltip()
            self.clip_form.mark(s.form_code.id if s.form_code else None)
            self.body.children = (self.done_row, self.clip_form)
            return
        panel = self._panel()
        panel.show(s.turns[s.index].codes)
        role = current.role.value.replace("_", " ")
        self.turn_title.value = (f"<b>Turn {s.index + 1}</b> of {len(s.utterances)} · "
                                 f"{escape(current.speaker)} ({role})")
        self.body.children = (self.turn_title, panel, self.note, self.flag)
        self._quiet = True
        try:
            self.note.value = s.turns[s.index].note
            self.flag.value = s.turns[s.index].flagged
        finally:
            self._quiet = False
        if not self._from_player:
            self.player.seek(current.start)
