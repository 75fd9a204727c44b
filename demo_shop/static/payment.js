// Payment step: ask the gateway's card iframe to tokenise the card, then submit
// only the token. The card number never touches the shop's page or server.
(function () {
  "use strict";
  // If the iframe never answers, give the shopper their button back.
  var TIMEOUT_MS = 15000;
  var GENERIC_ERROR = "Your payment could not be processed.";

  function showError(text) {
    var box = document.getElementById("payment-errors");
    var alert = document.createElement("div");
    alert.setAttribute("role", "alert");
    alert.className = "message message-alert";
    alert.textContent = text;
    box.replaceChildren(alert);
  }

  function mount(form) {
    var gatewayOrigin = form.dataset.gatewayOrigin;
    var frame = document.getElementById("card-frame");
    var tokenInput = form.elements.namedItem("payment_token");
    var button = form.querySelector("button[type=submit]");
    var timer = null;

    function settle(reenable) {
      clearTimeout(timer);
      timer = null;
      button.disabled = !reenable;
    }

    window.addEventListener("message", function (event) {
      if (event.origin !== gatewayOrigin || event.source !== frame.contentWindow) {
        return;
      }
      var data = event.data || {};
      if (data.type === "ready") {
        // The card form listens now: a click can be tokenised.
        if (!timer) {
          button.disabled = false;
        }
        return;
      }
      if (!timer) {
        return;
      }
      if (data.type === "token" && typeof data.token === "string") {
        settle(false);
        tokenInput.value = data.token;
        form.submit();
      } else if (data.type === "error") {
        settle(true);
        showError(data.message || GENERIC_ERROR);
      }
    });

    form.addEventListener("submit", function (event) {
      event.preventDefault();
      if (timer) {
        return;
      }
      document.getElementById("payment-errors").replaceChildren();
      button.disabled = true;
      timer = setTimeout(function () {
        settle(true);
        showError("The card form did not respond. Please try again.");
      }, TIMEOUT_MS);
      frame.contentWindow.postMessage({ type: "tokenize" }, gatewayOrigin);
    });
    // The frame may have said "ready" before this listener existed: ask again.
    // Its own "ready" covers the other order (it loads after this ping).
    frame.contentWindow.postMessage({ type: "ping" }, gatewayOrigin);
  }

  window.CheckoutPayment = { mount: mount };
})();
