/* Nothing typed is lost on this device, and the status line never claims a save the server did not confirm.
 *
 * A text box the course marks with the class "ap-keep-<key>" (the key is a hash of the
 * trainee's page token and the field, never a badge number) keeps its text in the
 * browser's local storage as the trainee types, under "adaptive-policing:text:<page>:<key>".
 *   - After a reload, a box whose kept text differs from what the server shows gets the
 *     kept text back, with a note saying so.
 *   - The status line under a box carries, when the server has saved, the fingerprint of
 *     the exact text it stored (data-confirmed="<key>:<fnv-1a>"). Typing anything else
 *     changes the status to "Not saved yet" at once, in the browser; the kept copy is
 *     dropped once the server confirms that exact text.
 *   - A box with the class "ap-max-<n>" shows how many characters are left, and says
 *     beside the box when the text is too long.
 *   - When the page is hidden or closed, the widgets' hidden "ap-flush" buttons are
 *     pressed, so the server keeps a draft at once.
 *   - On the start page reached by signing out (?signed_out=1) every local-storage key of
 *     the course is removed, so nothing personal stays on a shared device.
 */
(function () {
  "use strict";

  var PREFIX = "adaptive-policing:";
  var KEEP = "ap-keep-";
  var MAX = "ap-max-";
  var RESTORED = "Restored the text you had not saved yet \u2014 press Save to keep it.";
  var NOT_SAVED = "Not saved yet.";
  var NOT_SAVED_OFFLINE = "Not saved: the connection to the course was lost. Your text is kept on this device.";

  function storage() {
    try { return window.localStorage; } catch (error) { return null; }
  }

  function forgetEverything() {
    var store = storage();
    if (!store) { return; }
    var keys = [];
    for (var i = 0; i < store.length; i++) {
      var key = store.key(i);
      if (key && key.indexOf(PREFIX) === 0) { keys.push(key); }
    }
    keys.forEach(function (key) { store.removeItem(key); });
  }

  if (new URLSearchParams(location.search).get("signed_out") === "1") { forgetEverything(); }

  /* FNV-1a over UTF-16 code units: the same as adaptive_policing.widgets.common.text_hash. */
  function fingerprint(text) {
    var hash = 0x811c9dc5;
    for (var i = 0; i < text.length; i++) {
      hash ^= text.charCodeAt(i);
      hash = Math.imul(hash, 0x01000193) >>> 0;
    }
    return ("0000000" + hash.toString(16)).slice(-8);
  }

  var confirmed = {};   // field key -> fingerprint of the text the server last confirmed
  var fields = {};      // field key -> { box, input, counter, note }
  var offline = false;

  function storageKey(key) { return PREFIX + "text:" + location.pathname + ":" + key; }

  function kept(key) {
    var store = storage();
    var raw = store && store.getItem(storageKey(key));
    if (!raw) { return null; }
    try { return JSON.parse(raw); } catch (error) { return null; }
  }

  function keep(key, text) {
    var store = storage();
    if (!store) { return; }
    try { store.setItem(storageKey(key), JSON.stringify({ text: text, at: new Date().toISOString() })); } catch (error) { /* full */ }
  }

  function forget(key) {
    var store = storage();
    if (store) { store.removeItem(storageKey(key)); }
  }

  function classValue(element, prefix) {
    for (var i = 0; i < element.classList.length; i++) {
      var name = element.classList[i];
      if (name.indexOf(prefix) === 0) { return name.slice(prefix.length); }
    }
    return null;
  }

  function statusFor(box) {
    for (var node = box.parentElement; node && node !== document.body; node = node.parentElement) {
      var status = node.querySelector(".ap-status .widget-html-content, .ap-status");
      if (status) { return status.classList.contains("ap-status") ? (status.querySelector(".widget-html-content") || status) : status; }
    }
    return null;
  }

  /* Say "Not saved yet" in place of a status that claims the text is saved or drafted; a warning
     or an error from the server (a conflict, a closed question) stays until the server changes it. */
  function showLocally(field, text, kind) {
    var status = statusFor(field.box);
    if (!status) { return; }
    var line = status.querySelector("p");
    if (line && !line.hasAttribute("data-shown") && line.textContent === text) { return; }
    var claims = !line || line.classList.contains("ap-status-saved") || line.classList.contains("ap-status-draft")
      || line.classList.contains("ap-status-local");
    if (!claims && kind !== "error") { return; }
    var p = document.createElement("p");
    p.setAttribute("role", kind === "error" ? "alert" : "status");
    p.className = "ap-status-" + kind + " ap-status-local";
    p.textContent = text;
    status.textContent = "";
    status.appendChild(p);
  }

  function count(field) {
    if (!field.counter) { return; }
    var left = field.max - field.input.value.length;
    field.counter.classList.toggle("ap-counter-over", left < 0);
    field.counter.textContent = left >= 0
      ? left.toLocaleString("en-US") + " characters left"
      : "Too long: " + field.input.value.length.toLocaleString("en-US") + " characters; the limit is "
        + field.max.toLocaleString("en-US") + ". Shorten it before you save.";
  }

  function changed(key) {
    var field = fields[key];
    var text = field.input.value;
    count(field);
    if (fingerprint(text) === confirmed[key]) {
      forget(key);
      return;
    }
    keep(key, text);
    showLocally(field, offline ? NOT_SAVED_OFFLINE : NOT_SAVED, offline ? "error" : "info");
  }

  function putBack(field, text) {
    field.input.value = text;
    field.input.dispatchEvent(new Event("input", { bubbles: true }));
    field.input.dispatchEvent(new Event("change", { bubbles: true }));
    if (!field.note) {
      field.note = document.createElement("p");
      field.note.className = "ap-restored";
      field.note.setAttribute("role", "status");
      field.box.insertAdjacentElement("afterend", field.note);
    }
    field.note.textContent = RESTORED;
  }

  function attach(box) {
    var key = classValue(box, KEEP);
    var input = box.querySelector("textarea, input");
    if (!key || !input || (fields[key] && fields[key].input === input)) { return; }
    var field = { box: box, input: input, counter: null, note: null, max: parseInt(classValue(box, MAX) || "0", 10) };
    fields[key] = field;
    if (field.max > 0) {
      field.counter = document.createElement("p");
      field.counter.className = "ap-counter";
      field.counter.id = "ap-counter-" + key;
      box.insertAdjacentElement("afterend", field.counter);
      input.setAttribute("aria-describedby", field.counter.id);
      count(field);
    }
    input.addEventListener("input", function () { changed(key); });
    var copy = kept(key);
    if (copy && typeof copy.text === "string") {
      if (copy.text !== input.value) { putBack(field, copy.text); } else if (fingerprint(copy.text) === confirmed[key]) { forget(key); }
    }
  }

  function readStatus(line) {
    if (line.hasAttribute("data-ap-read")) { return; }
    line.setAttribute("data-ap-read", "");
    var pairs = (line.getAttribute("data-confirmed") || "").split(" ").filter(Boolean);
    pairs.forEach(function (pair) {
      var parts = pair.split(":");
      var key = parts[0];
      confirmed[key] = parts[1];
      var field = fields[key];
      var copy = kept(key);
      if (copy && fingerprint(copy.text) === parts[1]) { forget(key); }
      if (field && field.note && fingerprint(field.input.value) === parts[1]) { field.note.remove(); field.note = null; }
    });
    // The server confirmed a text that is no longer in the box (typed on while saving): not "Saved".
    pairs.forEach(function (pair) {
      var key = pair.split(":")[0];
      var field = fields[key];
      if (field && fingerprint(field.input.value) !== confirmed[key]) { showLocally(field, NOT_SAVED, "info"); }
    });
  }

  function scan(root) {
    if (!root.querySelectorAll) { return; }
    root.querySelectorAll("[class*='" + KEEP + "']").forEach(attach);
    root.querySelectorAll(".ap-status p[data-shown]").forEach(readStatus);
  }

  function start() {
    scan(document);
    new MutationObserver(function (mutations) {
      mutations.forEach(function (mutation) {
        if (mutation.type === "attributes") {  // widgets get their classes once drawn
          if (mutation.target.matches("[class*='" + KEEP + "']")) { attach(mutation.target); }
          return;
        }
        mutation.addedNodes.forEach(function (node) {
          if (node.nodeType !== 1) { return; }
          if (node.matches && node.matches("[class*='" + KEEP + "']")) { attach(node); }
          if (node.matches && node.matches(".ap-status p[data-shown]")) { readStatus(node); }
          scan(node);
        });
      });
    }).observe(document.body, { childList: true, subtree: true, attributes: true, attributeFilter: ["class"] });
  }

  function flush() {
    document.querySelectorAll("button.ap-flush").forEach(function (button) { button.click(); });
  }

  window.addEventListener("adaptive-policing:connection", function (event) { offline = !!event.detail.lost; });
  document.addEventListener("visibilitychange", function () { if (document.visibilityState === "hidden") { flush(); } });
  window.addEventListener("pagehide", flush);
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", start); } else { start(); }
  window.apDrafts = { fingerprint: fingerprint, forgetEverything: forgetEverything };
})();
