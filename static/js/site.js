/* Live Safe: small progressive enhancements. Every page works without this file. */
(function () {
  "use strict";

  /* Quick exit: blank the page at once, then replace this page in history
     with a neutral site so Back does not return here. */
  function quickExit(url) {
    document.documentElement.classList.add("quick-exit-active");
    document.title = "Loading";
    window.location.replace(url);
  }

  function exitUrl() {
    var link = document.querySelector("[data-quick-exit]");
    return link ? link.getAttribute("href") : null;
  }

  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest("[data-quick-exit]");
    if (!link) return;
    event.preventDefault();
    quickExit(link.getAttribute("href"));
  });

  /* Shift pressed three times within 5 seconds (as GOV.UK's Exit this page). */
  var shiftTimes = [];
  document.addEventListener("keyup", function (event) {
    if (event.key !== "Shift") { shiftTimes = []; return; }
    var url = exitUrl();
    if (!url) return;
    var now = Date.now();
    shiftTimes = shiftTimes.filter(function (t) { return now - t < 5000; });
    shiftTimes.push(now);
    if (shiftTimes.length >= 3) quickExit(url);
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

  document.addEventListener("DOMContentLoaded", function () { enhance(document); });
  document.addEventListener("htmx:afterSwap", function (event) { enhance(event.detail.target); });
})();
