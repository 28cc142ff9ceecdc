// Behaviour shared by every page of the layout (base.html). The Content-Security-Policy runs no
// inline script or handler attribute, so each lives here, bound by a data attribute.
(function () {
  "use strict";

  // A choice that takes effect at once (the language): its form is sent when it changes; a
  // <noscript> button does the same without this script.
  document.addEventListener("change", function (event) {
    var control = event.target;
    if (control.matches && control.matches("[data-submit-on-change]") && control.form) {
      control.form.submit();
    }
  });
})();
