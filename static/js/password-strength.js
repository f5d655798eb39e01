/* Live Safe: a hint on password strength while typing. Progressive enhancement only:
   the server applies the rule (length, common passwords, your own details) either way. */
(function () {
  "use strict";
  var MIN = 12;
  var OBVIOUS = /^(password|qwerty|123456|letmein|iloveyou|welcome|admin|abc123|livesafe)/i;

  function hint(value) {
    if (!value) return "";
    if (value.length < MIN) {
      var more = MIN - value.length;
      return "Too short: " + more + " more character" + (more === 1 ? "" : "s") + " needed.";
    }
    if (OBVIOUS.test(value) || new Set(value.toLowerCase()).size < 4) {
      return "Easy to guess. Try three or four unrelated words.";
    }
    var words = value.trim().split(/[\s\-_.]+/).filter(Boolean).length;
    if (value.length >= 16 || words >= 3) return "Strong.";
    return "Long enough. Adding another word makes it stronger.";
  }

  document.addEventListener("input", function (event) {
    var input = event.target;
    if (!input.hasAttribute || !input.hasAttribute("data-password-strength")) return;
    var status = document.getElementById(input.id + "-strength");
    if (status) status.textContent = hint(input.value);
  });
})();
