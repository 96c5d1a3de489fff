// The exhibit's only script of its own: show a slider's value next to it as it moves, keep
// the links of the tour and the masthead carrying the visitor's settings, and copy a view's
// link. Redrawing plots and keeping the address (replaced, not pushed, so that the Back
// button leaves the page instead of undoing slider ticks) is htmx; without JavaScript the
// "Apply" button submits the same form and the server renders the whole page.
(function () {
  "use strict";
  function show(input) {
    var out = document.getElementById("out-" + input.name);
    if (!out) { return; }
    if (input.dataset.switch) {
      var text = Number(input.value) === 1 ? "on" : "off";
      out.textContent = text;
      input.setAttribute("aria-valuetext", text);
    } else {
      out.textContent = String(Number(input.value));
    }
  }
  function carry() {
    // The simulated showcases share one state: after a redraw, every link to another
    // showcase takes the new settings along (the Planning Room has settings of its own).
    var live = document.getElementById("live");
    if (!live || !live.dataset.url || live.dataset.url.indexOf("/showcase/") !== 0) { return; }
    var at = live.dataset.url.indexOf("?");
    var query = at < 0 ? "" : live.dataset.url.slice(at);
    document.querySelectorAll("a[data-carry]").forEach(function (a) {
      a.setAttribute("href", a.dataset.carry + query);
    });
  }
  function copyButtons() {
    document.querySelectorAll("button[data-copy]").forEach(function (b) {
      b.hidden = !(navigator.clipboard && window.isSecureContext);
    });
  }
  document.addEventListener("input", function (event) {
    if (event.target instanceof HTMLInputElement && event.target.type === "range") {
      show(event.target);
    }
  });
  document.addEventListener("click", function (event) {
    var b = event.target instanceof Element ? event.target.closest("button[data-copy]") : null;
    if (!b) { return; }
    var url = new URL(b.dataset.copy, window.location.href).href;
    navigator.clipboard.writeText(url).then(function () {
      b.textContent = "Link copied";
    }, function () {
      b.textContent = "Copy failed: select the address";
    });
  });
  document.addEventListener("htmx:afterSettle", function () { carry(); copyButtons(); });
  document.addEventListener("DOMContentLoaded", function () {
    document.documentElement.classList.add("js");
    copyButtons();
  });
})();
