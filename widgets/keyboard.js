// Keys for a panel of ipywidgets (anywidget ESM): listens on the closest ancestor with the
// class "container_class"; sends {type: "key", key}. In a text area: Ctrl+Enter → "submit",
// Escape → "escape" (and the field loses focus). Python can ask for {type: "focus_field"}.

function editable(node) {
  return Boolean(node && node.closest && node.closest("input, textarea, select, [contenteditable='true']"));
}

function render({ model, el }) {
  el.classList.add("bwv-keys-hint");
  el.tabIndex = 0;
  const paint = () => { el.textContent = model.get("hint"); };
  let root = null;

  // Listens in the capture phase: ipywidgets' text fields stop keydown from bubbling.
  function onKey(event) {
    if (event.bwvSeen || event.metaKey || event.altKey) return;
    event.bwvSeen = true;
    if (editable(event.target)) {
      if (event.key === "Enter" && event.ctrlKey) {
        event.stopPropagation();
        event.preventDefault();
        event.target.dispatchEvent(new Event("change", { bubbles: true }));
        event.target.blur();
        // the text goes with the key: the field's own sync may not have reached Python yet
        model.send({ type: "key", key: "submit", text: event.target.value ?? "" });
        (root || el).focus({ preventScroll: true });
      } else if (event.key === "Escape") {
        event.stopPropagation();
        event.target.blur();
        (root || el).focus({ preventScroll: true });
        model.send({ type: "key", key: "escape" });
      }
      return;
    }
    // Ctrl combinations (Ctrl+S …) and modifier keys stay JupyterLab's
    if (event.ctrlKey || ["Shift", "Control", "Alt", "Meta", "CapsLock", "Tab"].includes(event.key)) return;
    event.stopPropagation();
    const onButton = event.target && event.target.closest && event.target.closest("button");
    if (onButton && (event.key === "Enter" || event.key === " ")) return;
    event.preventDefault();
    model.send({ type: "key", key: event.key });
  }

  let tries = 0;
  function attach() {
    if (el.isConnected) {
      root = el.closest("." + model.get("container_class"));
      if (root) {
        root.tabIndex = 0;
        root.addEventListener("keydown", onKey, true);
      }
      return;
    }
    if (tries++ < 200) requestAnimationFrame(attach);
  }
  el.addEventListener("keydown", onKey);
  attach();
  model.on("change:hint", paint);
  model.on("msg:custom", (msg) => {
    if (!msg) return;
    if (msg.type === "focus_field") {
      const field = (root || document).querySelector("." + model.get("field_class") + " textarea");
      if (field) { field.focus(); field.scrollIntoView({ block: "nearest" }); }
    } else if (msg.type === "focus") {
      (root || el).focus({ preventScroll: true });
    }
  });
  paint();
  return () => {
    el.removeEventListener("keydown", onKey);
    if (root) root.removeEventListener("keydown", onKey, true);
  };
}

export default { render };
