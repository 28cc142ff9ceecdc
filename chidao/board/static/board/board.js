/* Kiosk board: page through the overdue items, keep the last good data on any failure, say when
   the connection is lost, and carry on by itself. No state grows over days of running. */
(function () {
  "use strict";
  var page = 0;
  var pad = function (n) { return (n < 10 ? "0" : "") + n; };
  var stamp = function (d) {
    return pad(d.getHours()) + ":" + pad(d.getMinutes()) + " " + pad(d.getDate()) + "/" +
      pad(d.getMonth() + 1) + "/" + d.getFullYear();
  };
  window.chidaoBoard = {
    nextPage: function () {
      var marker = document.getElementById("board-cycle");
      var cycle = marker ? parseInt(marker.dataset.cycle, 10) || 1 : 1;
      page = (page + 1) % cycle;
      return page;
    }
  };

  function status(lost) {
    var el = document.getElementById("board-status");
    if (!el) { return; }
    el.className = lost ? "status-lost" : "status-ok";
    el.textContent = lost ? el.dataset.lost : "";
  }
  document.addEventListener("htmx:afterRequest", function (event) {
    var xhr = event.detail.xhr;
    if (event.detail.successful || (xhr && xhr.status === 304)) {
      document.getElementById("board-refreshed").textContent = stamp(new Date());
      status(false);
    } else {
      status(true);
    }
  });
  // Errors never replace the board: the last good data stays on screen.
  document.addEventListener("htmx:beforeSwap", function (event) {
    if (event.detail.xhr.status >= 400 || event.detail.xhr.status === 0) {
      event.detail.shouldSwap = false;
    }
  });
  document.addEventListener("htmx:sendError", function () { status(true); });
  document.addEventListener("htmx:timeout", function () { status(true); });
  document.addEventListener("htmx:configRequest", function (event) {
    event.detail.timeout = 8000;
  });
})();
