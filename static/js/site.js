/* Live Safe: small progressive enhancements. Every page works without this file. */
(function () {
  "use strict";

  /* Quick exit, as GOV.UK's "Exit this page": the button and the skip link go to the exit route
     (which ends the session and redirects to a neutral site). Here we blank the page at once, cover it
     with a "Loading." overlay, and replace this page in history so Back does not return to it. */
  var EXIT_TIMEOUT = 5000;
  var exitRoot = null, indicator = null, announcer = null, overlay = null;
  var presses = 0, lastKeyWasModified = false, pressTimer = null, messageTimer = null;

  function exitUrl() {
    var link = document.querySelector("[data-quick-exit]");
    return link ? link.getAttribute("href") : null;
  }

  function quickExit(url) {
    if (announcer) announcer.textContent = "";
    document.body.classList.add("quick-exit-hide-content");
    overlay = document.createElement("div");
    overlay.className = "quick-exit-overlay";
    overlay.setAttribute("role", "alert");
    document.body.appendChild(overlay);
    overlay.textContent = "Loading.";  /* set after adding, so screen readers announce it */
    window.location.replace(url);
  }

  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest("[data-quick-exit]");
    if (!link) return;
    event.preventDefault();
    quickExit(link.getAttribute("href"));
  });

  function buildExitControls() {
    exitRoot = document.querySelector("[data-quick-exit-root]");
    if (!exitRoot || indicator) return;
    var button = exitRoot.querySelector(".quick-exit__button");
    indicator = document.createElement("span");
    indicator.className = "quick-exit__indicator";
    indicator.setAttribute("aria-hidden", "true");
    for (var i = 0; i < 3; i++) {
      var light = document.createElement("span");
      light.className = "quick-exit__light";
      indicator.appendChild(light);
    }
    button.appendChild(indicator);
    announcer = document.createElement("span");
    announcer.className = "visually-hidden";
    announcer.setAttribute("role", "status");
    announcer.setAttribute("data-quick-exit-status", "");
    exitRoot.appendChild(announcer);
  }

  function updateIndicator() {
    if (!indicator) return;
    indicator.classList.toggle("quick-exit__indicator--visible", presses > 0);
    var lights = indicator.querySelectorAll(".quick-exit__light");
    for (var i = 0; i < lights.length; i++) lights[i].classList.toggle("quick-exit__light--on", i < presses);
  }

  function resetPresses() {
    if (pressTimer) { window.clearTimeout(pressTimer); pressTimer = null; }
    presses = 0;
    if (announcer) {
      announcer.textContent = "Exit this page expired.";
      messageTimer = window.setTimeout(function () { announcer.textContent = ""; }, EXIT_TIMEOUT);
    }
    updateIndicator();
  }

  /* Shift pressed on its own three times, each within 5 seconds of the last. Shift used as a modifier
     (Shift + A) sends a keyup for A with shiftKey set, then one for Shift: that Shift is not counted. */
  document.addEventListener("keyup", function (event) {
    var url = exitUrl();
    if (!url) return;
    if (event.key === "Shift" && !lastKeyWasModified) {
      presses += 1;
      updateIndicator();
      if (messageTimer) { window.clearTimeout(messageTimer); messageTimer = null; }
      if (pressTimer) window.clearTimeout(pressTimer);
      if (presses >= 3) {
        presses = 0;
        pressTimer = null;
        quickExit(url);
      } else {
        if (announcer) announcer.textContent = presses === 1
          ? "Shift, press 2 more times to exit." : "Shift, press 1 more time to exit.";
        pressTimer = window.setTimeout(resetPresses, EXIT_TIMEOUT);
      }
    } else if (pressTimer) {
      resetPresses();
    }
    lastKeyWasModified = event.shiftKey;
  }, true);

  /* A page restored with Back must not stay blank behind the overlay. */
  window.addEventListener("pageshow", function () {
    document.body.classList.remove("quick-exit-hide-content");
    if (overlay) { overlay.remove(); overlay = null; }
    if (announcer) announcer.textContent = "";
    if (pressTimer) { window.clearTimeout(pressTimer); pressTimer = null; }
    presses = 0;
    updateIndicator();
  });

  /* Character counts for fields with data-maxlength. */
  function updateCount(input) {
    var status = document.getElementById(input.id + "-count");
    if (!status) return;
    var max = parseInt(input.getAttribute("data-maxlength"), 10);
    var left = max - input.value.length;
    status.textContent = left >= 0
      ? "You have " + left + " character" + (left === 1 ? "" : "s") + " remaining"
      : "You have " + (-left) + " character" + (left === -1 ? "" : "s") + " too many";
    status.classList.toggle("char-count--over", left < 0);
  }
  document.addEventListener("input", function (event) {
    if (event.target.hasAttribute && event.target.hasAttribute("data-maxlength")) updateCount(event.target);
  });

  function enhance(root) {
    var hint = root.querySelector && root.querySelector("[data-quick-exit-hint]");
    if (hint) hint.hidden = false;
    root.querySelectorAll("[data-maxlength]").forEach(updateCount);
    var summary = root.querySelector("[data-error-summary]");
    if (summary) summary.focus();
  }

  document.addEventListener("DOMContentLoaded", function () { buildExitControls(); enhance(document); });
  document.addEventListener("htmx:afterSwap", function (event) { enhance(event.detail.target); });
})();
