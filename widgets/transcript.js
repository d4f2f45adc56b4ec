// Transcript view of a coding session (anywidget ESM).
//
// Renders the speaker turns (role by colour and label), highlights the current turn, shows
// the codes applied to each turn, and forwards keys and clicks to Python:
//   {type: "key", key, code}   a key pressed anywhere in the session (code: the code button
//                              under the pointer or focused, for "?")
//   {type: "goto", index}      a turn (or the clip-form row) was clicked
// A "marks" entry may carry "hints": dimmed suggestions the coder accepts with Enter.
// It re-renders only what changed: a changed "marks" entry repaints one row; a new "current"
// moves the highlight between two rows; "turns" (a new clip) rebuilds the list.
// Moving by key ("next_keys" / "previous_keys") moves the highlight at once, by the same
// rule as Python (one step, clamped to the turns and the clip-form row), and tells the media
// player on the session (a "bwv-turn" DOM event) so it seeks without a round trip; Python's
// "current" then confirms it.
// A code key is painted at once too: "forecast" (role → key → the code and its value table,
// computed in Python from the session's rules) gives the turn's new chips; the key goes to
// Python with a number, and Python's {type: "ack", seq} (sent after it stored the code and
// updated "marks") repaints the guessed rows from "marks", the truth. A guess Python did not
// make (a refusal) is rolled back there and the row flashes; the status line says why. After
// a key the forecast does not cover ("?", a set code, the clip form...), nothing is guessed
// until Python has answered it.

const ROLE_LABELS = {
  officer: "Officer",
  subject: "Subject",
  third_party: "Third party",
  unknown: "Unknown",
};
const PASS_THROUGH = new Set(["Shift", "Control", "Alt", "Meta", "CapsLock", "Tab"]);

function editable(node) {
  return Boolean(node && node.closest && node.closest("input, textarea, select, [contenteditable='true']"));
}

function codeUnder(root) {
  const nodes = [...root.querySelectorAll(".bwv-code:hover")];
  const active = document.activeElement && document.activeElement.closest
    ? document.activeElement.closest(".bwv-code") : null;
  const node = nodes.length ? nodes[nodes.length - 1] : active;
  if (!node) return null;
  const cls = [...node.classList].find((c) => c.startsWith("bwv-code--"));
  return cls ? cls.slice("bwv-code--".length) : null;
}

function render({ model, el }) {
  el.classList.add("bwv-transcript");
  el.tabIndex = 0;
  const hint = document.createElement("div");
  hint.className = "bwv-hint";
  const list = document.createElement("div");
  list.className = "bwv-turns";
  el.append(hint, list);

  let rows = [];
  let painted = [];
  let shown = -1;
  const guesses = new Map();  // row index → the mark shown before Python confirmed it
  let sent = 0;               // keys sent (their "seq")
  let answered = 0;           // the last key Python answered
  let waitFor = 0;            // no guesses until Python answered this key
  let mayGuess = true;        // Python's word: its forecast holds for the next key
  const view = Math.random().toString(36).slice(2);  // this view's keys (a model may have several)

  function chip(text, cls) {
    const span = document.createElement("span");
    span.className = cls;
    span.textContent = text;
    return span;
  }

  function turnRow(turn, index) {
    const row = document.createElement("div");
    row.className = `bwv-turn bwv-role-${turn.role}`;
    row.dataset.index = String(index);
    const head = document.createElement("div");
    head.className = "bwv-turn-head";
    const time = chip(`${index + 1} · ${turn.start.toFixed(1)}s`, "bwv-time");
    const role = chip(ROLE_LABELS[turn.role] || turn.role, "bwv-role");
    const speaker = chip(turn.speaker, "bwv-speaker");
    head.append(time, role, speaker);
    const text = document.createElement("div");
    text.className = "bwv-text";
    text.textContent = turn.text;
    const marks = document.createElement("div");
    marks.className = "bwv-marks";
    row.append(head, text, marks);
    row.addEventListener("click", () => {
      paintCurrent(index);
      model.send({ type: "goto", index });
      el.focus({ preventScroll: true });
    });
    return row;
  }

  function endRow(index) {
    const row = document.createElement("div");
    row.className = "bwv-turn bwv-end";
    row.dataset.index = String(index);
    const head = document.createElement("div");
    head.className = "bwv-turn-head";
    head.textContent = "End of clip — clip-level form";
    const marks = document.createElement("div");
    marks.className = "bwv-marks";
    row.append(head, marks);
    row.addEventListener("click", () => {
      paintCurrent(index);
      model.send({ type: "goto", index });
      el.focus({ preventScroll: true });
    });
    return row;
  }

  function markOf(index) {
    if (guesses.has(index)) return guesses.get(index);
    if (index === rows.length - 1) return { chips: model.get("end_chips") };
    return model.get("marks")[String(index)] || {};
  }

  // what the DOM of a row shows (a guess and Python's mark alike)
  const shownAs = (mark) => JSON.stringify([mark.chips || [], mark.note || "", Boolean(mark.flag)]);

  function paintMark(index) {
    const row = rows[index];
    if (!row) return;
    const mark = markOf(index);
    const key = shownAs(mark);
    if (painted[index] === key) return;
    painted[index] = key;
    const box = row.querySelector(".bwv-marks");
    const parts = (mark.chips || []).map((c) => chip(c, "bwv-chip"));
    if (mark.note) parts.push(chip(`✎ ${mark.note}`, "bwv-note"));
    // hints: dimmed suggestions, shown only where the session allows them (Enter accepts)
    for (const h of mark.hints || []) parts.push(chip(`${h} ?`, "bwv-chip--hint"));
    box.replaceChildren(...parts);
    row.classList.toggle("bwv-flagged", Boolean(mark.flag));
  }

  // Paint what `key` does on the highlighted turn, if the forecast knows; true if painted.
  function guess(key) {
    if (!mayGuess || waitFor > answered) return false;
    const index = shown >= 0 ? shown : model.get("current");
    const turn = model.get("turns")[index];
    const entry = turn && ((model.get("forecast") || {})[turn.role] || {})[key];
    if (!entry) return false;
    const mark = markOf(index);
    const codes = (mark.codes || []).map((c) => [...c]);
    const chips = [...(mark.chips || [])];
    const at = codes.findIndex((c) => c[0] === entry.code);
    const now = at >= 0 ? codes[at][1] : "";
    if (!(now in entry.next) || codes.length !== chips.length) return false;
    const next = entry.next[now];
    if (at >= 0) { codes.splice(at, 1); chips.splice(at, 1); }
    if (next !== null) {
      let place = codes.findIndex((c) => c[2] > entry.order);
      if (place < 0) place = codes.length;
      codes.splice(place, 0, [entry.code, next, entry.order]);
      chips.splice(place, 0, entry.chips[next]);
    }
    guesses.set(index, { ...mark, chips, codes });
    paintMark(index);
    return true;
  }

  // Python answered every key sent: show its marks; a row it did not confirm flashes.
  function settle() {
    for (const [index, mark] of [...guesses]) {
      guesses.delete(index);
      paintMark(index);
      const row = rows[index];
      if (row && painted[index] !== shownAs(mark)) {
        row.classList.add("bwv-undone");
        setTimeout(() => row.classList.remove("bwv-undone"), 1500);
      }
    }
  }

  function moveLocally(step) {
    const from = shown >= 0 ? shown : model.get("current");
    const to = Math.max(0, Math.min(rows.length - 1, from + step));
    if (to === from) return;
    paintCurrent(to);
    const turn = model.get("turns")[to];
    if (root && turn) root.dispatchEvent(new CustomEvent("bwv-turn", { detail: { index: to, start: turn.start } }));
  }

  function paintCurrent(wanted) {
    const current = typeof wanted === "number" ? wanted : model.get("current");
    if (shown === current && rows[current]?.classList.contains("bwv-current")) return;
    if (shown >= 0 && rows[shown]) rows[shown].classList.remove("bwv-current");
    shown = current;
    const row = rows[current];
    if (!row) return;
    row.classList.add("bwv-current");
    const top = row.offsetTop;  // .bwv-turns is position: relative
    if (top < list.scrollTop || top + row.offsetHeight > list.scrollTop + list.clientHeight) {
      list.scrollTop = Math.max(0, top - list.clientHeight / 3);
    }
  }

  function build() {
    const turns = model.get("turns");
    rows = turns.map(turnRow);
    rows.push(endRow(turns.length));
    painted = [];
    shown = -1;
    guesses.clear();
    list.replaceChildren(...rows);
    rows.forEach((_, i) => paintMark(i));
    paintCurrent();
  }

  function paintMarks() {
    rows.forEach((_, i) => paintMark(i));
  }

  function paintHint() {
    hint.textContent = model.get("hint");
  }

  // Keys: listen on the whole session (so keys work after clicking a code button), and stop
  // them there so JupyterLab's notebook shortcuts (j, k, a, b, x, d d, ...) never fire.
  function onKey(event) {
    if (event.bwvSeen || event.ctrlKey || event.metaKey || event.altKey) return;
    event.bwvSeen = true;
    event.stopPropagation();
    if (editable(event.target) || PASS_THROUGH.has(event.key)) return;
    if (event.key === "Enter" && event.shiftKey) return;
    // on a focused button, Enter and Space press the button, as everywhere else
    const onButton = event.target && event.target.closest && event.target.closest("button");
    if (onButton && (event.key === "Enter" || event.key === " ")) return;
    event.preventDefault();
    const seq = ++sent;
    if ((model.get("next_keys") || []).includes(event.key)) moveLocally(1);
    else if ((model.get("previous_keys") || []).includes(event.key)) moveLocally(-1);
    else if (!guess(event.key)) waitFor = seq;
    model.send({ type: "key", key: event.key, code: codeUnder(root || el), seq, view });
  }
  let root = null;
  let watcher = null;
  el.addEventListener("keydown", onKey);
  // Feedback where the eye is: when the status line or the help changes, scroll it into view.
  function reveal(records) {
    const seen = new Set();
    for (const r of records) {
      const node = r.target.nodeType === 1 ? r.target : r.target.parentElement;
      const box = node && node.closest ? node.closest(".bwv-status, .bwv-help-panel") : null;
      if (box && !seen.has(box) && box.textContent.trim()) {
        seen.add(box);
        box.scrollIntoView({ block: "nearest" });
      }
    }
  }
  let tries = 0;
  function attach() {
    if (el.isConnected) {
      root = el.closest(".bwv-session");
      if (root) {
        root.addEventListener("keydown", onKey);
        const side = root.querySelector(".bwv-side");
        if (side) {
          watcher = new MutationObserver(reveal);
          watcher.observe(side, { childList: true, subtree: true, characterData: true });
        }
      }
      return;
    }
    if (tries++ < 200) requestAnimationFrame(attach);
  }
  attach();

  model.on("change:turns", build);
  model.on("change:marks", paintMarks);
  model.on("change:end_chips", () => paintMark(rows.length - 1));
  model.on("change:current", () => paintCurrent());
  model.on("change:hint", paintHint);
  model.on("msg:custom", (msg) => {
    if (msg && msg.type === "focus") el.focus({ preventScroll: true });
    if (msg && msg.type === "ack" && msg.view === view && typeof msg.seq === "number") {
      // after the state updates sent before it (ipywidgets applies those asynchronously)
      Promise.resolve(model.state_change).then(() => {
        answered = Math.max(answered, msg.seq);
        mayGuess = msg.guess !== false;
        if (answered >= sent) settle();
      });
    }
  });
  paintHint();
  build();

  return () => {
    el.removeEventListener("keydown", onKey);
    if (root) root.removeEventListener("keydown", onKey);
    if (watcher) watcher.disconnect();
  };
}

export default { render };
