/* The page's connection to the course: says within seconds when it is lost, and when the server is back.
 *
 * Voilà's page keeps one connection to its kernel (window.jupyterapp.widgetManager.kernel).
 * The page counts as cut off when that connection's websocket is closed, the kernel is
 * dead or restarting, the kernel does not answer a kernel-info request (the only message
 * Voilà lets a page send besides widget messages) within a few seconds while it is idle,
 * or the server does not answer a small request, at two checks in a row (one slow answer
 * on a busy server is not a lost connection; a closed socket or a dead kernel counts at
 * once). Then a banner at the top of the page
 * (role="alert", so screen readers announce it) says so, every widget button is disabled
 * with that reason, and the event "adaptive-policing:connection" tells drafts.js. Once the
 * server answers again the banner offers Reload; if the kernel itself answers again (a
 * short network drop) the banner goes and the buttons come back.
 *
 * The script tag may say data-audience="instructor" (the slides); otherwise a page is the
 * instructor's when it shows the console.
 */
(function () {
  "use strict";

  var CHECK_EVERY_MS = 1500;
  var ANSWER_WITHIN_MS = 3000;
  var MISSES_BEFORE_LOST = 2;  // checks in a row without an answer
  var EVENT = "adaptive-policing:connection";
  var WORDS = {
    trainee: {
      lost: "Connection to the course was lost. Your text is kept on this device. Reload the page when the course is back.",
      back: "Connection to the course was lost. Your text is kept on this device. The course is back now: reload the page to carry on, and your text is put back.",
      reason: "Not available: the connection to the course was lost."
    },
    instructor: {
      lost: "Connection to the course server was lost. What you do on this page now is not saved, and the class's answers are not updated. Reload the page when the server is back.",
      back: "Connection to the course server was lost. The server is back now: reload the page to carry on.",
      reason: "Not available: the connection to the course server was lost."
    }
  };

  var script = document.currentScript;
  var declared = script && script.dataset.audience;
  var lost = false;
  var back = false;
  var checking = false;
  var misses = 0;
  var banner = null;

  function audience() {
    if (declared) { return declared; }
    var console = document.querySelector(".ap-console-board") || /instructor-console/.test(location.pathname);
    return console ? "instructor" : "trainee";
  }

  function pingUrl() {
    var base = (document.body && document.body.getAttribute("data-base-url")) || "/voila/";
    return base + "templates/adaptive/static/connection.css";
  }

  function within(promise, ms) {
    return new Promise(function (resolve, reject) {
      var timer = setTimeout(function () { reject(new Error("no answer")); }, ms);
      promise.then(function (value) { clearTimeout(timer); resolve(value); },
                   function (error) { clearTimeout(timer); reject(error); });
    });
  }

  function serverAnswers() {
    return within(fetch(pingUrl(), { method: "HEAD", cache: "no-store", credentials: "same-origin" }), ANSWER_WITHIN_MS)
      .then(function (response) { return response.ok; }, function () { return false; });
  }

  function theKernel() {
    var app = window.jupyterapp;
    return app && app.widgetManager && app.widgetManager.kernel;
  }

  function kernelAnswers(kernel) {
    if (!kernel || kernel.isDisposed || kernel.connectionStatus !== "connected") { return Promise.resolve(false); }
    if (kernel.status === "dead" || kernel.status === "restarting" || kernel.status === "autorestarting") {
      return Promise.resolve(false);
    }
    if (kernel.status !== "idle") { return Promise.resolve(true); }  // busy: the socket is up, an answer may wait
    return within(kernel.requestKernelInfo(), ANSWER_WITHIN_MS).then(function () { return true; }, function () { return false; });
  }

  function buttons() {
    return document.querySelectorAll(".jupyter-widgets button, button.jupyter-widgets");
  }

  function disableButtons() {
    var reason = WORDS[audience()].reason;
    buttons().forEach(function (button) {
      if (button.hasAttribute("data-ap-offline")) { return; }
      button.setAttribute("data-ap-offline", button.disabled ? "was-disabled" : "enabled");
      button.setAttribute("data-ap-title", button.getAttribute("title") || "");
      button.disabled = true;
      button.setAttribute("title", reason);
      button.setAttribute("aria-describedby", "ap-connection");
    });
  }

  function enableButtons() {
    document.querySelectorAll("[data-ap-offline]").forEach(function (button) {
      button.disabled = button.getAttribute("data-ap-offline") === "was-disabled";
      button.setAttribute("title", button.getAttribute("data-ap-title") || "");
      button.removeAttribute("data-ap-offline");
      button.removeAttribute("data-ap-title");
      button.removeAttribute("aria-describedby");
    });
  }

  function showBanner(text, offerReload) {
    if (!banner) {
      banner = document.createElement("div");
      banner.id = "ap-connection";
      banner.className = "ap-connection";
      banner.setAttribute("role", "alert");
      document.body.insertBefore(banner, document.body.firstChild);
    }
    banner.textContent = "";
    var message = document.createElement("p");
    message.textContent = text;
    banner.appendChild(message);
    if (offerReload) {
      var reload = document.createElement("button");
      reload.type = "button";
      reload.textContent = "Reload";
      reload.addEventListener("click", function () { location.reload(); });
      banner.appendChild(reload);
      banner.classList.add("ap-connection-back");
    }
  }

  function tell() {
    window.dispatchEvent(new CustomEvent(EVENT, { detail: { lost: lost } }));
  }

  function markLost() {
    if (lost) { return; }
    lost = true;
    back = false;
    document.documentElement.classList.add("ap-offline");
    showBanner(WORDS[audience()].lost, false);
    disableButtons();
    tell();
  }

  function markConnected() {
    if (!lost) { return; }
    lost = false;
    back = false;
    document.documentElement.classList.remove("ap-offline");
    if (banner) { banner.remove(); banner = null; }
    enableButtons();
    tell();
  }

  function check() {
    if (checking) { return; }
    checking = true;
    var kernel = theKernel();
    Promise.all([serverAnswers(), kernel ? kernelAnswers(kernel) : Promise.resolve(null)]).then(function (answers) {
      var server = answers[0];
      var kernelUp = answers[1];
      var answered = kernelUp === null ? server : server && kernelUp;  // null: the page has no kernel yet
      misses = answered ? 0 : misses + 1;
      if (answered) {
        if (kernelUp !== null) { markConnected(); }
      } else if (lost || misses >= MISSES_BEFORE_LOST) {
        markLost();
        if (server && !back) {
          back = true;
          showBanner(WORDS[audience()].back, true);
        }
      }
    }).finally(function () { checking = false; });
  }

  var watched = null;
  function watch() {
    var kernel = theKernel();
    if (!kernel || kernel === watched) { return; }
    watched = kernel;
    kernel.connectionStatusChanged.connect(function (_sender, status) {
      if (status !== "connected") { markLost(); } else { check(); }
    });
    kernel.statusChanged.connect(function (_sender, status) {
      if (status === "dead" || status === "restarting" || status === "autorestarting") { markLost(); }
    });
  }

  window.addEventListener("offline", markLost);
  window.addEventListener("online", check);
  setInterval(function () { watch(); check(); }, CHECK_EVERY_MS);
  window.apConnection = { isLost: function () { return lost; }, check: check };
})();
