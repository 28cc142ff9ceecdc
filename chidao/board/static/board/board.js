/* Kiosk board: page through every list by the room on the screen, keep the last good data on any
   failure, say when the connection is lost, and carry on by itself. No state grows over days of
   running.

   Paging: the server sends all the rows of each list (.pane); only here is it known how tall each
   row is once names wrap, so here each list is cut into pages of the whole rows that fit in its
   box (.pane-box), and every poll turns each list to its next page. Rows are measured once, all
   shown, where they stand: a row whose bottom, moved up by the rows before its page, would pass
   the box's bottom starts the next page. No row is ever cut, and a list of any length (one added
   a minute ago included) comes round within its number of pages of polls.

   Times are never formatted here: the server writes the committee's time in each answer's
   X-Board-Time header. */
(function () {
  "use strict";
  var turn = {};  // list name -> page shown

  function rowsOf(box) {
    return Array.prototype.slice.call(box.querySelectorAll("tbody > tr, ol > li"));
  }

  function pageStarts(box, rows) {
    rows.forEach(function (row) { row.hidden = false; });
    var starts = [0];
    if (!rows.length) { return starts; }
    var bottom = box.getBoundingClientRect().bottom;
    var origin = rows[0].getBoundingClientRect().top;
    var shift = 0;
    rows.forEach(function (row, i) {
      var rect = row.getBoundingClientRect();
      if (i > starts[starts.length - 1] && rect.bottom - shift > bottom + 0.01) {
        starts.push(i);
        shift = rect.top - origin;
      }
    });
    return starts;
  }

  function layout(advance) {
    var panes = document.querySelectorAll("#board-body .pane[data-list]");
    Array.prototype.forEach.call(panes, function (pane) {
      var box = pane.querySelector(".pane-box");
      if (!box) { return; }
      var name = pane.dataset.list;
      var rows = rowsOf(box);
      var starts = pageStarts(box, rows);
      var page = ((turn[name] || 0) + (advance ? 1 : 0)) % starts.length;
      var first = starts[page];
      var end = page + 1 < starts.length ? starts[page + 1] : rows.length;
      rows.forEach(function (row, i) { row.hidden = i < first || i >= end; });
      turn[name] = page;
      var pager = pane.querySelector(".pager");
      if (pager) { pager.textContent = starts.length > 1 ? (page + 1) + "/" + starts.length : ""; }
    });
  }

  function status(lost) {
    var el = document.getElementById("board-status");
    if (!el) { return; }
    el.className = lost ? "status-lost" : "status-ok";
    el.textContent = lost ? el.dataset.lost : "";
  }

  // Every poll ends here, answered or not (htmx fires it after the swap): the next page of each
  // list, of the new data or of the last data kept.
  document.addEventListener("htmx:afterRequest", function (event) {
    var xhr = event.detail.xhr;
    if (event.detail.successful || (xhr && xhr.status === 304)) {
      var time = xhr.getResponseHeader("X-Board-Time");
      if (time) { document.getElementById("board-refreshed").textContent = time; }
      status(false);
    } else {
      status(true);
    }
    layout(true);
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

  function first() { layout(false); }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", first);
  } else {
    first();
  }
  window.addEventListener("resize", first);
  if (document.fonts && document.fonts.ready) { document.fonts.ready.then(first); }
})();
