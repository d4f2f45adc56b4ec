// Media player of a coding session (anywidget ESM): an HTML5 <audio>/<video> element.
// Python → here: "position" (seek, seconds), "rate", custom {type: "play_pause"} and
// {type: "replay", start}. Here → Python: {type: "turn", index} when playback enters another
// turn (from "turns", [[start, end], ...]), {type: "error", message} when the file cannot be
// played. "problem" is a sentence shown instead of the player.

function render({ model, el }) {
  el.classList.add("bwv-media");
  const note = document.createElement("div");
  note.className = "bwv-media-problem";
  const holder = document.createElement("div");
  el.append(holder, note);
  let media = null;
  let blobUrl = null;
  let sentTurn = -1;
  let frame = 0;

  function turnAt(seconds) {
    const turns = model.get("turns") || [];
    let found = -1;
    for (let i = 0; i < turns.length; i++) {
      if (turns[i][0] <= seconds + 0.02) found = i; else break;
    }
    return found;
  }

  function follow() {
    frame = 0;
    if (!media || media.paused) return;
    const index = turnAt(media.currentTime);
    if (index >= 0 && index !== sentTurn) {
      sentTurn = index;
      model.send({ type: "turn", index });
    }
    frame = requestAnimationFrame(follow);
  }

  function showProblem() {
    const text = model.get("problem") || "";
    note.textContent = text;
    note.style.display = text ? "" : "none";
  }

  function load() {
    if (blobUrl) URL.revokeObjectURL(blobUrl);
    blobUrl = null;
    const mime = model.get("mime") || "";
    const data = model.get("data");
    let src = model.get("src");
    if (data && data.byteLength) {
      blobUrl = URL.createObjectURL(new Blob([data], { type: mime }));
      src = blobUrl;
    }
    if (!src) {
      holder.replaceChildren();
      media = null;
      return;
    }
    media = document.createElement(mime.startsWith("audio") ? "audio" : "video");
    media.className = "bwv-media-element";
    media.controls = true;
    media.preload = "auto";
    media.playbackRate = model.get("rate") || 1;
    media.src = src;
    media.addEventListener("play", () => { sentTurn = turnAt(media.currentTime); follow(); });
    media.addEventListener("error", () => {
      const err = media.error;
      model.send({ type: "error", message: err ? `${err.message || "error code " + err.code}` : "unknown error" });
    });
    holder.replaceChildren(media);
    seek();
  }

  function seek() {
    if (!media) return;
    const position = model.get("position");
    const go = () => {
      if (Math.abs(media.currentTime - position) > 0.05) media.currentTime = position;
      sentTurn = turnAt(position);
    };
    if (media.readyState >= 1) go(); else media.addEventListener("loadedmetadata", go, { once: true });
  }

  // a move by key in the transcript: seek at once (Python's "position" then confirms it)
  let root = null;
  function onTurn(event) {
    if (!media || !event.detail) return;
    const start = event.detail.start;
    if (Math.abs(media.currentTime - start) > 0.05) media.currentTime = start;
    sentTurn = event.detail.index;
  }
  let tries = 0;
  function attach() {
    if (el.isConnected) {
      root = el.closest(".bwv-session");
      if (root) root.addEventListener("bwv-turn", onTurn);
      return;
    }
    if (tries++ < 200) requestAnimationFrame(attach);
  }
  attach();

  model.on("change:src", load);
  model.on("change:data", load);
  model.on("change:position", seek);
  model.on("change:problem", showProblem);
  model.on("change:rate", () => { if (media) media.playbackRate = model.get("rate") || 1; });
  model.on("msg:custom", (msg) => {
    if (!media || !msg) return;
    if (msg.type === "play_pause") {
      if (media.paused) media.play().catch(() => {}); else media.pause();
    } else if (msg.type === "replay") {
      media.currentTime = msg.start || 0;
      sentTurn = turnAt(media.currentTime);
      media.play().catch(() => {});
    }
  });
  load();
  showProblem();
  return () => {
    if (root) root.removeEventListener("bwv-turn", onTurn);
    if (frame) cancelAnimationFrame(frame);
    if (blobUrl) URL.revokeObjectURL(blobUrl);
  };
}

export default { render };
