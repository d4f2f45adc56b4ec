// Media player of a coding session (anywidget ESM): an HTML5 <video> or <audio> element that
// seeks to "position" (seconds) whenever Python sets it. The source is "src" (a URL) or, for
// a local file, its bytes in "data" (played from a Blob URL).

function render({ model, el }) {
  let media = null;
  let blobUrl = null;

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
      el.replaceChildren();
      media = null;
      return;
    }
    media = document.createElement(mime.startsWith("audio") ? "audio" : "video");
    media.controls = true;
    media.preload = "metadata";
    media.style.maxWidth = "100%";
    media.style.maxHeight = "240px";
    media.src = src;
    el.replaceChildren(media);
    seek();
  }

  function seek() {
    if (!media) return;
    const position = model.get("position");
    const go = () => { media.currentTime = position; };
    if (media.readyState >= 1) go(); else media.addEventListener("loadedmetadata", go, { once: true });
  }

  model.on("change:src", load);
  model.on("change:data", load);
  model.on("change:position", seek);
  load();
  return () => { if (blobUrl) URL.revokeObjectURL(blobUrl); };
}

export default { render };
