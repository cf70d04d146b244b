/* Inspection pages (no inline scripts: the CSP allows only script-src 'self'). */
(function () {
  "use strict";

  // A checklist card explains why an answer was not saved: htmx swaps nothing on an error.
  function cardOf(evt) {
    var elt = evt.detail && evt.detail.elt;
    return elt && elt.closest ? elt.closest(".check-item") : null;
  }

  function showError(evt, key) {
    var card = cardOf(evt);
    var box = card && card.querySelector(".item-error");
    if (!box) return;
    box.textContent = box.dataset[key] || box.dataset.failed || "";
    box.hidden = false;
  }

  document.addEventListener("htmx:beforeRequest", function (evt) {
    var card = cardOf(evt);
    var box = card && card.querySelector(".item-error");
    if (box) box.hidden = true;
  });
  document.addEventListener("htmx:sendError", function (evt) { showError(evt, "offline"); });
  document.addEventListener("htmx:timeout", function (evt) { showError(evt, "offline"); });
  document.addEventListener("htmx:responseError", function (evt) {
    showError(evt, evt.detail.xhr && evt.detail.xhr.status === 403 ? "forbidden" : "failed");
  });
  // An expired session answers with the login page: go there instead of putting it inside a card.
  document.addEventListener("htmx:beforeSwap", function (evt) {
    var xhr = evt.detail.xhr;
    if (cardOf(evt) && xhr && xhr.responseURL && xhr.responseURL.indexOf("/accounts/login/") !== -1) {
      evt.detail.shouldSwap = false;
      window.location.assign(xhr.responseURL);
    }
  });

  // Hazard form: the default deadline follows the level; only 一般 hazards can be fixed on the spot.
  function hazardForm() {
    var form = document.querySelector(".hazard-form");
    if (!form) return;
    var deadline = form.querySelector("input[name=deadline]");
    var fixed = form.querySelector("input[name=fixed_on_spot]");
    var after = form.querySelector("[data-after-photos]");
    var touched = false;
    if (deadline) deadline.addEventListener("input", function () { touched = true; });

    function sync(levelChanged) {
      var level = form.querySelector("input[name=level]:checked");
      var major = !!level && level.value === "major";
      if (levelChanged && deadline && !touched) {
        deadline.value = major ? deadline.dataset.defaultMajor : deadline.dataset.defaultGeneral;
      }
      if (fixed) {
        fixed.disabled = major;
        if (major) fixed.checked = false;
      }
      if (after) after.hidden = !(fixed && fixed.checked);
    }

    form.addEventListener("change", function (evt) {
      if (evt.target.name === "level" || evt.target.name === "fixed_on_spot") sync(evt.target.name === "level");
    });
    sync(false);
  }

  document.addEventListener("DOMContentLoaded", hazardForm);
})();
