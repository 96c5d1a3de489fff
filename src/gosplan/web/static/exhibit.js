// The exhibit's only script of its own: show a slider's value next to it as it moves.
// Everything else (redrawing plots, keeping the address) is htmx; without JavaScript the
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
  document.addEventListener("input", function (event) {
    if (event.target instanceof HTMLInputElement && event.target.type === "range") {
      show(event.target);
    }
  });
  document.addEventListener("DOMContentLoaded", function () {
    document.documentElement.classList.add("js");
  });
})();
