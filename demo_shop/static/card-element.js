// The payment gateway's card form, running on the gateway's own origin inside
// the shop's iframe. It only obeys, and only answers, the parent origin it was
// given, and sends the card to the gateway, never to the shop.
(function () {
  "use strict";
  var form = document.getElementById("card-form");
  var errors = document.getElementById("card-errors");
  var parentOrigin = form.dataset.parentOrigin;
  var UNAVAILABLE = "The payment provider is unavailable. Please try again.";
  var FIELDS = [
    { id: "card-number", key: "number", message: "Enter your card number." },
    { id: "card-expiry", key: "exp", message: "Enter the expiry date." },
    { id: "card-cvc", key: "cvc", message: "Enter the CVC." }
  ];

  function reply(message) {
    window.parent.postMessage(message, parentOrigin);
  }

  function fail(text) {
    var alert = document.createElement("div");
    alert.setAttribute("role", "alert");
    alert.textContent = text;
    errors.replaceChildren(alert);
    reply({ type: "error", message: text });
  }

  function tokenize() {
    errors.replaceChildren();
    var card = {};
    var missing = [];
    FIELDS.forEach(function (field) {
      var input = document.getElementById(field.id);
      card[field.key] = input.value.trim();
      if (card[field.key]) {
        input.removeAttribute("aria-invalid");
      } else {
        input.setAttribute("aria-invalid", "true");
        missing.push(field.message);
      }
    });
    if (missing.length) {
      fail(missing.join(" "));
      return;
    }
    fetch("/v1/tokens", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(card)
    })
      .then(function (response) {
        return response.json().catch(function () {
          return {};
        }).then(function (body) {
          if (response.ok && typeof body.token === "string") {
            reply({ type: "token", token: body.token, brand: body.brand, last4: body.last4 });
          } else if (body.error && typeof body.error.message === "string") {
            fail(body.error.message);
          } else {
            fail(UNAVAILABLE);
          }
        });
      })
      .catch(function () {
        fail(UNAVAILABLE);
      });
  }

  window.addEventListener("message", function (event) {
    if (event.origin !== parentOrigin || event.source !== window.parent) {
      return;
    }
    if (event.data && event.data.type === "tokenize") {
      tokenize();
    } else if (event.data && event.data.type === "ping") {
      reply({ type: "ready" });
    }
  });
  // Only now can a "tokenize" be heard: until the parent hears this (or the
  // answer to its ping), it keeps its button disabled, or the card is lost.
  reply({ type: "ready" });

  // Enter in a field must not submit the card anywhere.
  form.addEventListener("submit", function (event) {
    event.preventDefault();
  });
})();
