// Fault hydration-delay: the page is server-rendered and its scripts take over late,
// like a React page whose bundle is slow. Until then nothing is wired up: a click on a
// button reaches no handler and submits nothing, and whatever the shopper types stays
// only until hydration resets every field to what the server rendered, as React does
// with controlled inputs. Then <html data-hydrated="true"> says the page is live.
(function () {
  "use strict";
  var script = document.currentScript;
  var delayMs = Number(script && script.dataset.hydrateAfterMs) || 0;
  // Controls that act; fields that hold a value keep it, until hydration.
  var ACTING = "button, input[type=submit], input[type=image], input[type=reset], input[type=button]";

  function inert(event) {
    var target = event.target instanceof Element ? event.target.closest(ACTING) : null;
    if (event.type === "submit" || target) {
      // On window, in the capture phase: before any listener of the page's own.
      event.preventDefault();
      event.stopImmediatePropagation();
    }
  }

  function resetFields() {
    document.querySelectorAll("input, textarea, select").forEach(function (field) {
      if (field.tagName === "SELECT") {
        Array.prototype.forEach.call(field.options, function (option) {
          option.selected = option.defaultSelected;
        });
      } else if (field.type === "checkbox" || field.type === "radio") {
        field.checked = field.defaultChecked;
      } else if (field.type !== "hidden" && field.type !== "file") {
        // Hidden fields hold what the page's scripts put there, not the shopper's typing.
        field.value = field.defaultValue;
      }
    });
  }

  function hydrate() {
    resetFields();
    window.removeEventListener("click", inert, true);
    window.removeEventListener("submit", inert, true);
    document.documentElement.dataset.hydrated = "true";
  }

  window.addEventListener("click", inert, true);
  window.addEventListener("submit", inert, true);
  document.addEventListener("DOMContentLoaded", function () {
    setTimeout(hydrate, delayMs);
  });
})();
