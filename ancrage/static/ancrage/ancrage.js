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

// A table wider than the screen scrolls (DSFR: the table itself, or its container): make what scrolls
// reachable by keyboard so that the arrows scroll it without a mouse; a container is also named after the
// table's caption. What fits the screen stays out of the tab order.
function ancrageScrollableTables(root) {
  root.querySelectorAll(".fr-table > table, .fr-table__container, .ancrage-table-wrap").forEach(function (box) {
    var scrolls = box.scrollWidth > box.clientWidth + 1 && getComputedStyle(box).overflowX !== "visible";
    var ours = box.hasAttribute("data-ancrage-scrollable");
    if (scrolls && !box.hasAttribute("tabindex")) {
      box.setAttribute("tabindex", "0");
      box.setAttribute("data-ancrage-scrollable", "");
      if (box.tagName !== "TABLE") {
        var caption = box.querySelector("caption");
        box.setAttribute("role", "region");
        box.setAttribute("aria-label", caption ? caption.textContent.trim() : document.body.getAttribute("data-ancrage-table-label"));
      }
    } else if (!scrolls && ours) {
      ["tabindex", "role", "aria-label", "data-ancrage-scrollable"].forEach(function (name) { box.removeAttribute(name); });
    }
  });
}
document.addEventListener("DOMContentLoaded", function () { ancrageScrollableTables(document); });
window.addEventListener("resize", function () { ancrageScrollableTables(document); });
document.addEventListener("htmx:afterSettle", function (event) {
  if (event.target instanceof Element) { ancrageScrollableTables(event.target); }
});
