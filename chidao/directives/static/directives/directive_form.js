// The directive form (directives/directive_form.html): the refused form's summary, required
// marks that follow the choices and the cooperating units' picker (its files: core/chidao.js).
// Every text shown comes from the page (translated by the server); it works without this script.
(function () {
  "use strict";

  var form = document.querySelector("[data-directive-form]");
  if (!form) return;

  // A message of the page with its {placeholders} filled in ("Bỏ {unit}").
  function format(template, values) {
    return template.replace(/\{(\w+)\}/g, function (whole, key) {
      return key in values ? values[key] : whole;
    });
  }

  function visible(element) {
    return !!(element.offsetWidth || element.offsetHeight || element.getClientRects().length);
  }

  // --- The summary of a refused form: in view and focused; a link focuses its field. -----------
  function fieldFor(id) {
    var field = document.getElementById(id);
    if (!field) return null;
    var details = field.closest("details:not([open])");
    if (details) details.open = true;
    if (!visible(field)) {
      // A list the picker stands in for: its search box takes the focus.
      field = document.querySelector("[data-focus-for='" + id + "']") || field;
    }
    return field;
  }

  var summary = form.querySelector("[data-error-summary]");
  if (summary) {
    var box = summary.getBoundingClientRect();
    if (box.top < 0 || box.bottom > window.innerHeight) {
      summary.scrollIntoView({block: "nearest", behavior: "instant"});
    }
    summary.focus({preventScroll: true});
    summary.addEventListener("click", function (event) {
      var link = event.target.closest("a[href^='#']");
      var field = link && fieldFor(decodeURIComponent(link.hash.slice(1)));
      if (!field) return;
      event.preventDefault();
      (field.closest(".cd-field") || field).scrollIntoView(
        {block: "center", behavior: "instant"}
      );
      field.focus({preventScroll: true});
    });
  }

  // --- Required marks: a field required only for some choices (data-required-when) ------------
  // "kind!=meeting": the number while the kind is not a meeting; "tasks-0-deadline_kind=date".
  function valueOf(name) {
    var control = form.elements.namedItem(name);
    if (!control) return "";
    if (control instanceof RadioNodeList || control.type === "radio") {
      var checked = form.querySelector("input[name='" + name + "']:checked");
      return checked ? checked.value : "";
    }
    return control.value;
  }

  function updateRequired() {
    form.querySelectorAll("[data-required-when]").forEach(function (control) {
      var rule = control.getAttribute("data-required-when");
      var match = /^(.+?)(!?=)(.*)$/.exec(rule);
      if (!match) return;
      var equal = valueOf(match[1]) === match[3];
      var required = match[2] === "=" ? equal : !equal;
      control.setAttribute("aria-required", required ? "true" : "false");
      var label = form.querySelector("label[for='" + control.id + "']");
      var mark = label && label.querySelector("[data-required-mark]");
      if (mark) mark.classList.toggle("d-none", !required);
    });
    // Fields that only mean something for one choice (a recurring report's): hidden otherwise.
    form.querySelectorAll("[data-shown-when]").forEach(function (box) {
      var match = /^(.+?)(!?=)(.*)$/.exec(box.getAttribute("data-shown-when"));
      if (!match) return;
      var equal = valueOf(match[1]) === match[3];
      box.hidden = match[2] === "=" ? !equal : equal;
    });
  }

  form.addEventListener("change", function (event) {
    var name = event.target.name || "";
    if (name === "kind" || /-deadline_kind$/.test(name)) updateRequired();
  });

  // --- Cooperating units: chips and a search box instead of a Ctrl-click list -----------------
  var pickerCount = 0;

  function enhancePicker(box) {
    if (box.hasAttribute("data-enhanced")) return;
    box.setAttribute("data-enhanced", "1");
    pickerCount += 1;
    var select = box.querySelector("select[multiple]");
    var picker = box.querySelector(".cd-picker");
    var chips = picker.querySelector(".cd-chips");
    var input = picker.querySelector("[role=combobox]");
    var list = picker.querySelector("[role=listbox]");
    var status = picker.querySelector("[aria-live]");
    var label = box.querySelector("label[for='" + select.id + "']");
    var row = box.closest(".task-row");
    var url = box.getAttribute("data-options-url");
    var results = [];
    var active = -1;
    var timer = null;
    var asked = 0;

    select.hidden = true;
    picker.hidden = false;
    if (label) label.htmlFor = input.id;

    function say(template, name) {
      status.textContent = format(template, {unit: name});
    }

    function lead() {
      var chosen = row && row.querySelector("select[name$='-lead_unit']");
      return chosen ? chosen.value : "";
    }

    function drawChips() {
      chips.textContent = "";
      Array.prototype.forEach.call(select.selectedOptions, function (option) {
        var chip = document.createElement("li");
        chip.className = "cd-chip";
        var name = document.createElement("span");
        name.textContent = option.textContent;
        var remove = document.createElement("button");
        remove.type = "button";
        remove.className = "btn-close";
        remove.setAttribute("aria-label", format(box.getAttribute("data-remove"), {unit: option.textContent}));
        remove.setAttribute("data-value", option.value);
        chip.appendChild(name);
        chip.appendChild(remove);
        chips.appendChild(chip);
      });
      chips.hidden = !select.selectedOptions.length;
    }

    function close() {
      list.hidden = true;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
      active = -1;
    }

    function setActive(index) {
      var items = list.querySelectorAll("[role=option]");
      if (!items.length) return;
      active = (index + items.length) % items.length;
      items.forEach(function (item, i) {
        item.classList.toggle("active", i === active);
        item.setAttribute("aria-selected", i === active ? "true" : "false");
      });
      input.setAttribute("aria-activedescendant", items[active].id);
      items[active].scrollIntoView({block: "nearest"});
    }

    function draw(options) {
      var chosen = {};
      Array.prototype.forEach.call(select.selectedOptions, function (o) { chosen[o.value] = true; });
      var leadUnit = lead();
      results = options.filter(function (o) {
        return o.value && !chosen[o.value] && o.value !== leadUnit;
      });
      list.textContent = "";
      active = -1;
      input.removeAttribute("aria-activedescendant");
      if (!results.length) {
        var none = document.createElement("li");
        none.className = "list-group-item small text-body-secondary";
        none.textContent = box.getAttribute("data-none");
        list.appendChild(none);
      }
      results.forEach(function (option, i) {
        var item = document.createElement("li");
        item.id = input.id + "-option-" + pickerCount + "-" + i;
        item.className = "list-group-item list-group-item-action";
        item.setAttribute("role", "option");
        item.setAttribute("aria-selected", "false");
        item.setAttribute("data-index", String(i));
        item.textContent = option.name;
        list.appendChild(item);
      });
      list.hidden = false;
      input.setAttribute("aria-expanded", "true");
    }

    function search() {
      var query = input.value.trim();
      var ticket = ++asked;
      fetch(url + "&q=" + encodeURIComponent(query), {credentials: "same-origin"})
        .then(function (answer) { return answer.ok ? answer.text() : ""; })
        .then(function (html) {
          if (ticket !== asked) return; // a later search has been asked for
          var holder = document.createElement("select");
          holder.innerHTML = html;
          draw(Array.prototype.map.call(holder.options, function (o) {
            return {value: o.value, name: o.textContent};
          }));
        });
    }

    function choose(index) {
      var unit = results[index];
      if (!unit) return;
      var option = select.querySelector("option[value='" + unit.value + "']") ||
        new Option(unit.name, unit.value);
      select.appendChild(option); // last: the chips keep the order they were chosen in
      option.selected = true;
      drawChips();
      say(box.getAttribute("data-added"), unit.name);
      input.value = "";
      close();
      input.focus();
    }

    input.addEventListener("input", function () {
      clearTimeout(timer);
      if (!input.value.trim()) { close(); return; }
      timer = setTimeout(search, 200);
    });
    input.addEventListener("keydown", function (event) {
      var open = !list.hidden;
      if (event.key === "ArrowDown" || event.key === "ArrowUp") {
        event.preventDefault();
        if (!open) { search(); return; }
        setActive(active === -1 && event.key === "ArrowUp" ? -1 : active + (event.key === "ArrowDown" ? 1 : -1));
      } else if (event.key === "Enter") {
        event.preventDefault(); // Enter here picks a unit, never submits the form
        if (open && results.length) choose(active === -1 ? 0 : active);
      } else if (event.key === "Escape") {
        if (open) { event.preventDefault(); close(); } else if (input.value) { input.value = ""; }
      } else if (event.key === "Tab") {
        close();
      }
    });
    input.addEventListener("blur", function () { setTimeout(close, 150); });
    list.addEventListener("mousedown", function (event) { event.preventDefault(); });
    list.addEventListener("click", function (event) {
      var item = event.target.closest("[role=option]");
      if (item) choose(Number(item.getAttribute("data-index")));
    });
    chips.addEventListener("click", function (event) {
      var button = event.target.closest("button[data-value]");
      if (!button) return;
      var option = select.querySelector("option[value='" + button.getAttribute("data-value") + "']");
      var chip = button.closest(".cd-chip");
      var next = chip.nextElementSibling || chip.previousElementSibling;
      if (option) {
        option.selected = false;
        say(box.getAttribute("data-removed"), option.textContent);
      }
      drawChips();
      var target = next && chips.querySelector("button[data-value='" + next.querySelector("button").getAttribute("data-value") + "']");
      (target || input).focus();
    });
    drawChips();
  }

  function enhance(root) {
    root.querySelectorAll("[data-multi-picker]").forEach(enhancePicker);
    updateRequired();
  }

  enhance(form);
  // "Add a task" asks for the row of the next index (counted here: the policy lets htmx eval
  // no js: values).
  document.body.addEventListener("htmx:configRequest", function (event) {
    if (!event.detail.elt.hasAttribute("data-adds-task-row")) return;
    event.detail.parameters.index = String(form.querySelectorAll("#task-rows .task-row").length);
  });
  // A task row added with "Add a task".
  document.body.addEventListener("htmx:load", function (event) {
    if (form.contains(event.detail.elt)) enhance(event.detail.elt);
  });
})();
