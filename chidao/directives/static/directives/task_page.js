// The task page after a refused step (loaded only then): the page is shown at the address the
// step was posted to, so the task's own address is put back (reloading or sharing the page shows
// the task); the messages take the focus, and a link in them focuses its field.
(function () {
  "use strict";
  var script = document.currentScript;
  if (script && script.dataset.taskUrl) history.replaceState(null, "", script.dataset.taskUrl);

  function start() {
    var summary = document.querySelector("[data-error-summary]");
    if (!summary) return;
    summary.scrollIntoView({block: "center", behavior: "instant"});
    summary.focus({preventScroll: true});
    summary.addEventListener("click", function (event) {
      var link = event.target.closest("a[href^='#']");
      var field = link && document.getElementById(link.hash.slice(1));
      if (!field) return;
      event.preventDefault();
      (field.closest(".cd-field") || field).scrollIntoView({block: "center", behavior: "instant"});
      field.focus({preventScroll: true});
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
