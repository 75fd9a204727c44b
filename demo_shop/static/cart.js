// Add-to-cart without a page load: POST the form as JSON-accepting fetch,
// then update the header badge and announce the result.
(function () {
  "use strict";
  var form = document.getElementById("add-to-cart");
  var feedback = document.getElementById("cart-feedback");
  if (!form || !feedback) {
    return;
  }

  function announce(role, text) {
    var message = document.createElement("div");
    message.setAttribute("role", role);
    message.className = "message message-" + role;
    message.textContent = text;
    feedback.replaceChildren(message);
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var button = form.querySelector("button[type=submit]");
    button.disabled = true;
    fetch(form.action, {
      method: "POST",
      headers: { Accept: "application/json" },
      body: new URLSearchParams(new FormData(form)),
      credentials: "same-origin"
    })
      .then(function (response) {
        return response.json().then(function (body) {
          return { ok: response.ok, body: body };
        });
      })
      .then(function (result) {
        if (typeof result.body.count === "number") {
          var badge = document.querySelector('[data-testid="cart-count"]');
          if (badge) {
            badge.textContent = String(result.body.count);
          }
        }
        if (result.ok) {
          announce("status", result.body.message);
        } else {
          announce("alert", result.body.error || "Could not add this item to your cart.");
        }
      })
      .catch(function () {
        announce("alert", "Could not add this item to your cart. Please try again.");
      })
      .finally(function () {
        button.disabled = false;
      });
  });
})();
