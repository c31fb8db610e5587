// Move keyboard and screen-reader focus to a form's error summary when the page shows one.
document.addEventListener("DOMContentLoaded", function () {
  var summary = document.getElementById("erreurs-formulaire");
  if (summary) { summary.focus(); }
});
