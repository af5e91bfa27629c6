// The trainee's browser keeps its own sign-in token (adaptive_policing.widgets.viewer).
//
// Once the start page shows that this browser is signed in (a hidden element with
// data-ap-token), the token is kept in a cookie scoped to this server, so a bookmark or
// a reload without "?t=" still knows the trainee. The trainee server hands the cookie to
// the page's kernel, which checks the token is still valid (not signed out or revoked).
// On the signed-out start page (?signed_out=1) the cookie is forgotten.
(function () {
  "use strict";
  var COOKIE = "adaptive_policing_token";
  var TOKEN = /^[A-Za-z0-9_-]{16,64}$/;
  var params = new URLSearchParams(window.location.search);
  var secure = window.location.protocol === "https:" ? "; Secure" : "";

  function forget() {
    document.cookie = COOKIE + "=; Path=/; Max-Age=0; SameSite=Strict" + secure;
  }

  function keep(token) {
    if (!TOKEN.test(token)) {
      return;
    }
    document.cookie = COOKIE + "=" + token + "; Path=/; Max-Age=86400; SameSite=Strict" + secure;
    if (params.get("signed_out") === "1") {
      // Signed in again on the signed-out page: a reload must not sign out again.
      window.history.replaceState(null, "", window.location.pathname + "?t=" + encodeURIComponent(token));
      params = new URLSearchParams(window.location.search);
    }
  }

  function scan(node) {
    if (!node.querySelectorAll) {
      return;
    }
    if (node.hasAttribute && node.hasAttribute("data-ap-token")) {
      keep(node.getAttribute("data-ap-token"));
    }
    var found = node.querySelectorAll("[data-ap-token]");
    for (var i = 0; i < found.length; i++) {
      keep(found[i].getAttribute("data-ap-token"));
    }
  }

  if (params.get("signed_out") === "1") {
    forget();
  }
  new MutationObserver(function (records) {
    for (var r = 0; r < records.length; r++) {
      for (var n = 0; n < records[r].addedNodes.length; n++) {
        scan(records[r].addedNodes[n]);
      }
    }
  }).observe(document.documentElement, { childList: true, subtree: true });
})();
