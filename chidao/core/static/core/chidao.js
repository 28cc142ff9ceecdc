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

  // --- File fields (core/_file_field.html): the files chosen listed with their sizes in the
  // page's language; one over the limit is refused here and never sent. ------------------------
  function size(bytes) {
    var number = new Intl.NumberFormat(document.documentElement.lang || undefined, {maximumFractionDigits: 1});
    if (bytes < 1024) return number.format(bytes) + " B";
    if (bytes < 1024 * 1024) return number.format(bytes / 1024) + " KB";
    return number.format(bytes / 1048576) + " MB";
  }

  function enhanceFiles(box) {
    var input = box.querySelector("input[type=file]");
    if (!input || input.hasAttribute("data-enhanced")) return;
    input.setAttribute("data-enhanced", "");
    var button = box.querySelector(".cd-file-button");
    var chosen = document.getElementById(input.id + "-chosen");
    var list = document.getElementById(input.id + "-list");
    var refused = document.getElementById(input.id + "-refused");
    var limit = Number(box.getAttribute("data-max-bytes"));

    function tooLarge(file) {
      return limit && file.size > limit;
    }

    function refuse(files) {
      refused.textContent = "";
      files.forEach(function (file) {
        var line = document.createElement("div");
        line.textContent = box.getAttribute("data-too-large").replace("{name}", file.name);
        refused.appendChild(line);
      });
    }

    function show() {
      var files = Array.prototype.slice.call(input.files || []);
      list.textContent = "";
      files.forEach(function (file) {
        var item = document.createElement("li");
        item.textContent = file.name + " (" + size(file.size) + ")";
        list.appendChild(item);
      });
      list.hidden = !files.length;
      chosen.textContent = files.length ? "" : box.getAttribute("data-none");
    }

    input.addEventListener("change", function () {
      var files = Array.prototype.slice.call(input.files || []);
      var large = files.filter(tooLarge);
      refuse(large);
      if (large.length) {
        // Keep only the files within the limit: the others are never sent.
        var kept = new DataTransfer();
        files.filter(function (f) { return !tooLarge(f); }).forEach(function (f) { kept.items.add(f); });
        input.files = kept.files;
      }
      show();
    });
    input.addEventListener("focus", function () { button.classList.add("cd-focus"); });
    input.addEventListener("blur", function () { button.classList.remove("cd-focus"); });
    if (input.form) {
      input.form.addEventListener("submit", function (event) {
        // Where the list could not be trimmed, a file over the limit stops the form here.
        var large = Array.prototype.filter.call(input.files || [], tooLarge);
        if (!large.length) return;
        event.preventDefault();
        refuse(large);
        input.focus();
      });
    }
    show();
  }

  function enhanceAll(root) {
    root.querySelectorAll("[data-file-field]").forEach(enhanceFiles);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { enhanceAll(document); });
  } else {
    enhanceAll(document);
  }
  // Forms that arrive later (htmx) are enhanced too.
  document.addEventListener("htmx:load", function (event) { enhanceAll(event.detail.elt); });
})();
