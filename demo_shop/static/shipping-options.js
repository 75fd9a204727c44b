// Fault rerender-while-saving: the shipping step renders on the client. The server sent
// a "Saving your details…" notice (in an alert role, like the shop's errors) and
// placeholders; after a pause this fetches the options and replaces all of it with the
// real step: the heading, the radio buttons and "Continue to payment".
(function () {
  "use strict";
  var root = document.getElementById("shipping-step");
  if (!root) {
    return;
  }
  var delayMs = Number(root.dataset.renderAfterMs) || 0;

  function element(tag, attributes, text) {
    var node = document.createElement(tag);
    Object.keys(attributes).forEach(function (name) {
      node.setAttribute(name, attributes[name]);
    });
    if (text) {
      node.textContent = text;
    }
    return node;
  }

  function render(body) {
    var form = element("form", { method: "post", action: "/checkout/shipping", novalidate: "" });
    var fieldset = element("fieldset", {});
    fieldset.append(element("legend", {}, "Shipping method"));
    body.methods.forEach(function (method) {
      var id = "shipping-" + method.code;
      var radio = element("input", { type: "radio", id: id, name: "shipping_method", value: method.code });
      if (method.code === body.selected) {
        radio.setAttribute("checked", "");
      }
      var choice = element("div", { class: "choice" });
      choice.append(radio, element("label", { for: id }, method.label + " — " + method.price));
      fieldset.append(choice);
    });
    form.append(fieldset, element("button", { type: "submit" }, "Continue to payment"));
    root.replaceChildren(element("h1", {}, "Shipping method"), form);
  }

  function fail() {
    var alert = element("div", { role: "alert", class: "message message-alert" },
      "We could not load the shipping options. Please reload the page.");
    root.replaceChildren(alert, element("h1", {}, "Shipping method"));
  }

  setTimeout(function () {
    fetch(root.dataset.optionsUrl, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok) {
          throw new Error("HTTP " + response.status);
        }
        return response.json();
      })
      .then(render)
      .catch(fail);
  }, delayMs);
})();
