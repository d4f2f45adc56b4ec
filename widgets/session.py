"""The coding-session widget: renders a :class:`CodingSession` and forwards every event to it.

No rule lives here. Each handler calls one session method, which stores the action at once
and returns a :class:`Change`; :meth:`SessionWidget.render` then updates only the parts named
in it (one transcript row, a few button styles, the highlight), which keeps a code action
well under 50 ms.
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
from widgets.transcript import TranscriptView, turn_record
from workbench.coding import Change, CodingSession
from workbench.exceptions import WorkbenchError


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
        self.header = W.HTML()
        self.message = W.HTML()
        self.queue = QueuePanel(lambda clip_id: self._act(lambda: session.open(clip_id)))
        self.meta = W.HTML()
        self.player = MediaPlayer(layout=W.Layout(display="none"))
        self.transcript = TranscriptView(
            on_key=lambda key, code: self._act(lambda: session.press(key, code)),
            on_goto=lambda index: self._act(lambda: session.go(index)))
        self.transcript.hint = (f"Click a turn, then keys — {session.keymap.describe()} · "
                                "code shortcuts in [brackets] · 1–9 pick a group · ? help")
        self.previous_button = W.Button(description="◀ previous", layout=W.Layout(width="auto"))
        self.next_button = W.Button(description="next ▶", layout=W.Layout(width="auto"))
        self.previous_button.on_click(lambda _: self._act(session.previous))
        self.next_button.on_click(lambda _: self._act(session.next))
        self.note = W.Textarea(placeholder="Note on this turn (saved when you leave the box)",
                               continuous_update=False, layout=W.Layout(width="100%"))
        self.note.observe(self._note_typed, names="value")
        self.flag = W.Checkbox(description="flag for review", indent=False)
        self.flag.observe(self._flag_ticked, names="value")
        self.done_button = W.Button(description="Clip done ✓", button_style="primary")
        self.done_button.on_click(lambda _: self._act(session.finish_clip))
        self.clip_form = CodePanel(codebook, session.clip_form, self._choose, numbered=False,
                                   title="Clip-level form")
        self.panels: dict[tuple[str, ...], CodePanel] = {}
        self.turn_title = W.HTML()
        self.side = W.VBox(layout=W.Layout(width="36%"))
        self.help = HelpPanel()
        self.browser = CodebookBrowser(codebook)
        book = W.Accordion([self.browser], titles=("Codebook",), selected_index=None)
        left = W.VBox([self.queue, self.meta, self.player], layout=W.Layout(width="22%"))
        centre = W.VBox([W.HBox([self.previous_button, self.next_button]), self.transcript],
                        layout=W.Layout(flex="1 1 auto", margin="0 8px"))
        super().__init__([self.header, self.message, W.HBox([left, centre, self.side]), book])
        self.add_class("bwv-session")
        self.header.value = self._header()
        if open_clip:
            self.render(session.open())

    # ---- events ----------------------------------------------------------------------------
    def _act(self, action: Callable[[], Change]) -> Change | None:
        """Run a session action and render what it changed; errors become the message."""
        try:
            change = action()
        except WorkbenchError as exc:
            self._say(str(exc), error=True)
            return None
        self.render(change)
        return change

    def _choose(self, code_id: str, value: str | None) -> None:
        self._act(lambda: self.session.toggle(code_id, value))

    def _note_typed(self, change: dict[str, Any]) -> None:
        if not self._quiet:
            self._act(lambda: self.session.set_note(change["new"]))

    def _flag_ticked(self, change: dict[str, Any]) -> None:
        if not self._quiet:
            self._act(lambda: self.session.set_flag(bool(change["new"])))

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
            if change.moved:
                self._render_position()
            elif session.current is not None and session.index in change.turns:
                self._panel().show(session.turns[session.index].codes)
        if change.help:
            self.help.show(session.codebook, change.help)
        self._say(change.message)

    def _say(self, text: str, error: bool = False) -> None:
        colour = "#b00020" if error else "#2a6a2a"
        html = f"<span style='color:{colour}'>{escape(text, quote=False)}</span>" if text else ""
        if self.message.value != html:
            self.message.value = html

    def _header(self) -> str:
        s = self.session
        return (f"<b>Coder {escape(s.coder_id)}</b> · codebook "
                f"<code>{escape(s.codebook.label)}</code> · every action is saved at once")

    def _mark(self, index: int) -> dict[str, Any]:
        turn = self.session.turns[index]
        return {"chips": self._chips(turn.codes), "note": turn.note, "flag": turn.flagged}

    def _chips(self, codes: dict[str, str]) -> list[str]:
        book = self.session.codebook
        return [chip_text(book.code(code_id), value) for code_id, value
                in sorted(codes.items(), key=lambda kv: self._order.get(kv[0], 10**6))]

    def _end_chips(self) -> list[str]:
        return self._chips(self.session.clip_codes)

    def _render_queue(self) -> None:
        s = self.session
        self.queue.show(s.queue, s.progress, s.clip.clip_id if s.clip else None)

    def _render_clip(self) -> None:
        s = self.session
        self._render_queue()
        self.help.value = ""
        if s.clip is None:
            self.meta.value = "<b>Nothing left to code.</b>"
            with self.transcript.hold_sync():
                self.transcript.turns, self.transcript.marks = [], {}
                self.transcript.current, self.transcript.end_chips = 0, []
            self.side.children = ()
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
            self.transcript.marks = {str(i): self._mark(i) for i, t in enumerate(s.turns)
                                     if t.codes or t.note or t.flagged}
            self.transcript.end_chips = self._end_chips()
            self.transcript.current = s.index
        self.clip_form.show(s.clip_codes)
        self.player.load(s.clip.media_path, self.media_root)
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
            missing = s.missing_clip_codes()
            self.done_button.tooltip = ("still needs: " + ", ".join(missing)) if missing else ""
            self.side.children = (self.clip_form, self.done_button, self.help)
            return
        panel = self._panel()
        panel.show(s.turns[s.index].codes)
        self.turn_title.value = f"<b>Turn {s.index + 1}</b> · {current.role} codes"
        self.side.children = (self.turn_title, panel, self.note, self.flag, self.help)
        self._quiet = True
        try:
            self.note.value = s.turns[s.index].note
            self.flag.value = s.turns[s.index].flagged
        finally:
            self._quiet = False
        self.player.seek(current.start)
