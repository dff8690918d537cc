// Small progressive enhancements; every page works without them.
(function () {
  // A double-clicked submit button sends one request: disable buttons once a form is submitted.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (form.dataset.submitted === "1") { event.preventDefault(); return; }
    form.dataset.submitted = "1";
    setTimeout(function () {
      form.querySelectorAll("button[type=submit], input[type=submit]").forEach(function (b) { b.disabled = true; });
    }, 0);
  });
  // Behaviour declared with data attributes instead of inline on*= handlers (the Content Security Policy
  // runs no inline script): data-autosubmit (a select that submits its form), data-print, data-copy-previous
  // (copies the value of the field before the button), data-select-on-focus.
  document.addEventListener("change", function (event) {
    if (event.target.matches && event.target.matches("select[data-autosubmit]")) event.target.form.submit();
  });
  document.addEventListener("click", function (event) {
    if (event.target.closest("[data-print]")) { window.print(); return; }
    var copy = event.target.closest("[data-copy-previous]");
    if (copy && navigator.clipboard) navigator.clipboard.writeText(copy.previousElementSibling.value);
  });
  document.addEventListener("focusin", function (event) {
    if (event.target.matches && event.target.matches("[data-select-on-focus]")) event.target.select();
  });
  // Pages restored from the back/forward cache get their buttons back.
  window.addEventListener("pageshow", function () {
    document.querySelectorAll("form[data-submitted]").forEach(function (f) {
      delete f.dataset.submitted;
      f.querySelectorAll("button[type=submit]").forEach(function (b) { b.disabled = false; });
    });
  });
})();

// --- Plan adjustments (planning/adjustment_views.py) -------------------------------------------
// A Gantt bar or a link marked data-adjust opens the operation's dialog (an htmx fragment) in the
// page's <dialog id="adjust-dialog">; without JavaScript the link is a normal page. Dragging a bar
// along its row opens the same dialog with the start moved by the drag (?shift=minutes).
(function () {
  var DRAG_PIXELS = 4;
  var drag = null;
  var dropped = false;

  function box() { return document.getElementById("adjust-dialog"); }

  function open(url) {
    var dialog = box();
    if (!dialog || !window.htmx) { window.location.href = url; return; }
    window.htmx.ajax("GET", url, { target: "#adjust-dialog-body", swap: "innerHTML" }).then(function () {
      if (!dialog.open) dialog.showModal();
    });
  }

  function plainClick(event) {
    return event.button === 0 && !event.ctrlKey && !event.metaKey && !event.shiftKey && !event.altKey;
  }

  document.addEventListener("dragstart", function (event) {
    if (event.target.closest && event.target.closest("svg.gantt[data-adjust]")) event.preventDefault();
  });
  document.addEventListener("pointerdown", function (event) {
    var link = event.target.closest("svg.gantt[data-adjust] a");
    if (!link || !plainClick(event) || !box()) return;
    var svg = link.ownerSVGElement;
    drag = { link: link, svg: svg, x: event.clientX, moved: false, scale: svg.getScreenCTM().a };
  });
  document.addEventListener("pointermove", function (event) {
    if (!drag) return;
    var dx = event.clientX - drag.x;
    if (!drag.moved && Math.abs(dx) < DRAG_PIXELS) return;
    drag.moved = true;
    drag.link.setAttribute("transform", "translate(" + (dx / drag.scale) + " 0)");
    drag.link.classList.add("gantt-dragging");
  });
  document.addEventListener("pointerup", function (event) {
    if (!drag) return;
    var done = drag;
    drag = null;
    if (!done.moved) return;
    dropped = true;  // the click that follows is the drop, not a click on the bar
    var units = (event.clientX - done.x) / done.scale;
    var minutes = Math.round(units * Number(done.svg.dataset.windowMinutes) / Number(done.svg.dataset.chartWidth));
    open(done.link.getAttribute("href") + "?shift=" + minutes);
  });
  document.addEventListener("click", function (event) {
    var link = event.target.closest("svg.gantt[data-adjust] a, a[data-adjust]");
    if (link) {
      if (dropped) { dropped = false; event.preventDefault(); return; }
      if (!box() || !plainClick(event)) return;
      event.preventDefault();
      open(link.getAttribute("href"));
      return;
    }
    var close = event.target.closest("[data-adjust-close]");
    var dialog = box();
    if (close && dialog && dialog.open && dialog.contains(close)) { event.preventDefault(); dialog.close(); }
  });
  document.addEventListener("close", function (event) {
    if (event.target !== box()) return;
    document.querySelectorAll("svg.gantt a.gantt-dragging").forEach(function (link) {
      link.removeAttribute("transform");
      link.classList.remove("gantt-dragging");
    });
  }, true);
})();
// --- end of plan adjustments ---
