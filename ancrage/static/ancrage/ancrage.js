// Behaviour of the project's pages. No inline script or event-handler attribute exists (the
// Content-Security-Policy forbids them): everything a page needs is wired here.

// Move keyboard and screen-reader focus to a form's error summary when the page shows one.
document.addEventListener("DOMContentLoaded", function () {
  var summary = document.getElementById("erreurs-formulaire");
  if (summary) { summary.focus(); }
});

// After an HTMX swap, give focus back to the field a swapped form names in data-ancrage-focus-after-swap
// (e.g. the journal's note field once a note is added).
document.addEventListener("htmx:afterSettle", function (event) {
  // htmx dispatches the event on each element it settled: look only inside the new content.
  var root = event.target;
  if (!(root instanceof Element)) { return; }
  var selector = "[data-ancrage-focus-after-swap]";
  var marker = root.matches(selector) ? root : root.querySelector(selector);
  if (!marker) { return; }
  var field = document.getElementById(marker.getAttribute("data-ancrage-focus-after-swap"));
  if (field) { field.focus(); }
});
