// Review step: place the order through the order service's API.
(function () {
  "use strict";
  var button = document.getElementById("place-order");
  var errors = document.getElementById("order-errors");
  if (!button || !errors) {
    return;
  }

  function showProcessingError() {
    var alert = document.createElement("div");
    alert.setAttribute("role", "alert");
    alert.className = "message message-alert";
    var title = document.createElement("strong");
    title.textContent = "Payment Processing Error";
    alert.append(title, " We could not complete your order. Please try again.");
    errors.replaceChildren(alert);
    button.disabled = false;
  }

  button.addEventListener("click", function () {
    button.disabled = true;
    errors.replaceChildren();
    fetch("/api/orders", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: "{}",
      credentials: "same-origin"
    })
      .then(function (response) {
        if (response.status === 201) {
          return response.json().then(function (body) {
            location.assign(body.confirmation_url);
          });
        }
        if (response.status === 402) {
          return response.json().then(function (body) {
            var code = body && body.error && body.error.code ? body.error.code : "payment_failed";
            location.assign("/checkout/payment?error=" + encodeURIComponent(code));
          });
        }
        showProcessingError();
        return undefined;
      })
      .catch(showProcessingError);
  });
  button.disabled = false;
})();
