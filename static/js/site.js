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

/* Autosave (grants sections, data-autosave): every failure shows "Not saved: ..." where "Saved at" shows.
   htmx does not swap error answers, so they are handled here. An expired CSRF token comes back with a fresh
   one (X-CSRF-Token): it goes into the form and the save is sent again once, so nothing typed is lost. */
(function () {
  "use strict";

  function statusFor(form) {
    var target = form.getAttribute("hx-target");
    return target ? document.querySelector(target) : null;
  }

  function notSaved(form, words) {
    var status = statusFor(form);
    if (!status) return;
    status.textContent = "";
    var strong = document.createElement("strong");
    strong.textContent = "Not saved: " + words;
    status.appendChild(strong);
    status.appendChild(document.createTextNode(" What you typed is still on this page; it will be saved when you type again, or press Save."));
  }

  function autosaveForm(event) {
    var elt = event.detail && event.detail.elt;
    var form = elt && elt.closest ? elt.closest("form[data-autosave]") : null;
    return form;
  }

  document.addEventListener("htmx:beforeRequest", function (event) {
    var form = autosaveForm(event);
    if (form) form.removeAttribute("data-autosave-failed");
  });

  document.addEventListener("htmx:responseError", function (event) {
    var form = autosaveForm(event);
    if (!form) return;
    var xhr = event.detail.xhr;
    var fresh = xhr.getResponseHeader("X-CSRF-Token");
    if (fresh && form.hasAttribute("data-autosave-retried")) {
      notSaved(form, "your session could not be renewed. Press Save as draft to keep what you typed.");
      return;
    }
    if (fresh) {
      var input = form.querySelector("input[name=csrf_token]");
      if (input) input.value = fresh;
      form.setAttribute("data-autosave-retried", "");
      var status = statusFor(form);
      if (status) status.textContent = "Not saved yet: this page was open too long. Saving again…";
      window.htmx.trigger(form, "autosave-retry");
      return;
    }
    form.setAttribute("data-autosave-failed", "");
    if (xhr.getResponseHeader("X-Save-Status") === "not-saved") {
      var target = statusFor(form);
      if (target) {
        var holder = document.createElement("div");
        holder.innerHTML = xhr.responseText;  /* our own fragment; scripts never run from innerHTML */
        target.textContent = "";
        while (holder.firstChild) target.appendChild(holder.firstChild);
      }
      return;
    }
    notSaved(form, xhr.status >= 500 ? "something went wrong on our side (" + xhr.status + ")."
                                     : "the server refused the save (" + xhr.status + ").");
  });

  document.addEventListener("htmx:afterRequest", function (event) {
    var form = autosaveForm(event);
    if (form && event.detail.successful) form.removeAttribute("data-autosave-retried");
  });

  ["htmx:sendError", "htmx:timeout"].forEach(function (name) {
    document.addEventListener(name, function (event) {
      var form = autosaveForm(event);
      if (form) notSaved(form, "we could not reach Live Safe. Check your connection.");
    });
  });
})();
