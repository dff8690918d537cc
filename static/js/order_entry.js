// The order entry page (templates/orders/entry.html). A static file, not inline script: the Content
// Security Policy allows scripts from our own origin only.
(function () {
  // "+ Add line" asks for the form row with the next index and counts it once it came.
  document.addEventListener("htmx:configRequest", function (event) {
    var button = event.detail.elt;
    if (!button.dataset || !button.dataset.lineCount) return;
    event.detail.parameters.index = document.getElementById(button.dataset.lineCount).value;
  });
  document.addEventListener("htmx:afterRequest", function (event) {
    var button = event.detail.elt;
    if (!button.dataset || !button.dataset.lineCount || !event.detail.successful) return;
    var total = document.getElementById(button.dataset.lineCount);
    total.value = parseInt(total.value, 10) + 1;
  });

  document.addEventListener("click", function (event) {
    // A removed line is kept in the form (marked DELETE) and hidden, so the formset indexes stay valid.
    var remove = event.target.closest("[data-remove-line]");
    if (remove) {
      var row = remove.closest("tr");
      row.querySelector("input[name$='-DELETE']").checked = true;
      row.hidden = true;
      document.body.dispatchEvent(new Event("line-change"));
      return;
    }
    // "Flag as rush" on the lead-time suggestion: priority rush, the suggested reason unless one is typed.
    var rush = event.target.closest("[data-accept-rush]");
    if (rush) {
      document.getElementById("id_priority").value = "rush";
      var reason = document.getElementById("id_rush_reason");
      if (!reason.value) reason.value = rush.dataset.reason;
      reason.focus();
      reason.dispatchEvent(new Event("input", { bubbles: true }));
    }
  });
  document.addEventListener("htmx:afterSwap", function (event) {
    if (event.detail.target.id === "lines-body") document.body.dispatchEvent(new Event("line-change"));
  });
})();
