/* A page whose widgets did not all arrive loads itself again, once; if they still do not, it says so.
 *
 * Voilà runs the page's notebook on the server, sends the page, and then the browser fetches
 * the state of every widget from the page's kernel. On a heavily loaded server (a class
 * opening the same page at once) a widget's state occasionally never arrives, and Voilà
 * leaves "Error displaying widget: model not found" where a question or a case study should
 * be, with nothing else to tell the trainee what to do. This script looks for such a
 * placeholder once the page has been drawn. The first time, it reloads the page (a new
 * kernel, usually a whole page; text typed on the device is kept by drafts.js). If the page
 * is still incomplete after that, a banner (role="alert") says so and offers Reload: nothing
 * saved is lost.
 */
(function () {
  "use strict";

  var LOOK_EVERY_MS = 1000;
  var LOOK_FOR_MS = 60000;  // after the page is drawn: the widgets' state arrives within seconds of it
  var RELOADED_KEY = "adaptive-policing:reloaded-incomplete:" + location.pathname + location.search;
  var RELOAD_AT_MOST_EVERY_MS = 120000;
  var PLACEHOLDER = /^Error displaying widget/;
  var WORDS = "Part of this page did not load. Your saved answers are kept: reload the page to try again.";

  function drawn() {
    var rendered = document.getElementById("rendered_cells");  // the slides have none
    return document.readyState === "complete" && !(rendered && rendered.style.display === "none") &&
      !document.querySelector('script[type="application/vnd.voila.cell-output+json"]');
  }

  function placeholders() {
    return Array.prototype.filter.call(document.querySelectorAll(".jupyter-widgets"), function (node) {
      return node.childElementCount === 0 && PLACEHOLDER.test(node.textContent || "");
    });
  }

  function reloadedRecently() {
    var when = Number(sessionStorage.getItem(RELOADED_KEY) || 0);
    return Date.now() - when < RELOAD_AT_MOST_EVERY_MS;
  }

  function showBanner() {
    if (document.getElementById("ap-incomplete")) { return; }
    var banner = document.createElement("div");
    banner.id = "ap-incomplete";
    banner.className = "ap-connection ap-connection-back";
    banner.setAttribute("role", "alert");
    var message = document.createElement("p");
    message.textContent = WORDS;
    var reload = document.createElement("button");
    reload.type = "button";
    reload.textContent = "Reload";
    reload.addEventListener("click", function () { location.reload(); });
    banner.appendChild(message);
    banner.appendChild(reload);
    document.body.insertBefore(banner, document.body.firstChild);
  }

  var drawnAt = null;
  window.apIncomplete = { looks: 0 };  // how often the drawn page was looked at (for the tests)
  var timer = setInterval(function () {
    if (!drawn()) { return; }
    drawnAt = drawnAt || Date.now();
    if (Date.now() - drawnAt > LOOK_FOR_MS) { clearInterval(timer); return; }
    window.apIncomplete.looks += 1;
    if (placeholders().length === 0) { return; }
    clearInterval(timer);
    if (reloadedRecently()) {
      showBanner();
      return;
    }
    sessionStorage.setItem(RELOADED_KEY, String(Date.now()));
    location.reload();
  }, LOOK_EVERY_MS);
})();
