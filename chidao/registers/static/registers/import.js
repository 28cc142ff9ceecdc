// The progress of a register's check or import while the request that does it runs: the form
// names the run with a token of its own, then asks the server how far it has gone every second.
// Without this script the forms work the same, without the figures.
(function () {
  "use strict";

  function token() {
    if (window.crypto && window.crypto.randomUUID) {
      return window.crypto.randomUUID();
    }
    return String(Date.now()) + "-" + String(Math.random()).slice(2, 12);
  }

  function follow(form) {
    var box = form.querySelector("[data-progress-box]");
    var bar = form.querySelector("[data-progress-bar]");
    var step = form.querySelector("[data-progress-step]");
    var figures = form.querySelector("[data-progress-figures]");
    var field = form.querySelector("[data-token]");
    if (!box || !field) {
      return;
    }
    var name = token();
    field.value = name;
    var url = form.getAttribute("data-progress-url").replace("TOKEN", name);
    box.hidden = false;
    form.querySelectorAll("button[type=submit]").forEach(function (button) {
      button.disabled = true;
    });
    window.setInterval(function () {
      fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (response) { return response.ok ? response.json() : {}; })
        .then(function (data) {
          if (!data || !data.total) {
            return;
          }
          bar.max = data.total;
          bar.value = data.done;
          step.textContent = data.step;
          figures.textContent = data.done.toLocaleString("vi-VN") + " / " +
            data.total.toLocaleString("vi-VN");
        })
        .catch(function () { /* the next poll tries again */ });
    }, 1000);
  }

  document.querySelectorAll("form[data-import-progress]").forEach(function (form) {
    form.addEventListener("submit", function () { follow(form); });
  });
})();
