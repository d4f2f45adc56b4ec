// Saves each answer as it is given; while offline, answers wait in localStorage and are
// re-sent (in order, latest value per field) when the connection returns. No framework.
(function () {
  "use strict";
  var form = document.getElementById("answers");
  if (!form) { return; }
  var clip = form.dataset.clip;
  var status = document.getElementById("status");
  var KEY = "bwv-panel-queue";

  function queue() { try { return JSON.parse(localStorage.getItem(KEY) || "[]"); } catch (e) { return []; } }
  function keep(q) { localStorage.setItem(KEY, JSON.stringify(q)); }
  function say(text, offline) { status.textContent = text; status.className = offline ? "offline" : ""; }

  function send(answer) {
    return fetch("/api/answer", {method: "POST", headers: {"Content-Type": "application/json"},
                                 body: JSON.stringify(answer), credentials: "same-origin"})
      .then(function (r) {
        if (r.ok) { return true; }
        return r.json().then(function (b) { say("Not saved: " + b.error, true); return "refused"; });
      });
  }

  var flushing = false;
  function flush() {
    if (flushing) { return; }
    var q = queue();
    if (!q.length) { return; }
    flushing = true;
    var sent = q[0];
    send(sent).then(function (result) {
      // drop what was sent, unless the same field changed again meanwhile
      var rest = queue().filter(function (a) { return !same(a, sent) || a.value !== sent.value; });
      keep(rest);
      flushing = false;
      if (rest.length) { flush(); } else if (result === true) { say("All answers saved", false); }
    }).catch(function () {
      flushing = false;
      say("Offline: " + queue().length + " answer(s) will be saved when you are back online", true);
    });
  }

  function same(a, b) { return a.clip_id === b.clip_id && a.kind === b.kind && a.item === b.item; }

  function record(el) {
    var answer = {clip_id: clip, kind: el.dataset.kind, item: el.dataset.item, value: el.value};
    var q = queue().filter(function (a) { return !same(a, answer); });
    q.push(answer);
    keep(q);
    say("Saving…", false);
    flush();
  }

  form.addEventListener("change", function (ev) { if (ev.target.dataset.kind) { record(ev.target); } });
  var timer = null;
  form.addEventListener("input", function (ev) {
    if (ev.target.tagName !== "TEXTAREA") { return; }
    clearTimeout(timer);
    timer = setTimeout(function () { record(ev.target); }, 600);
  });
  window.addEventListener("online", flush);
  setInterval(flush, 3000);
  flush();
})();
