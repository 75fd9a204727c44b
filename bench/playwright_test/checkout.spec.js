// The guest checkout in Playwright Test, doing the same work as the harness's test and
// bench/bare_checkout.py's same_journey: the clicks, the product prices, the cart's
// quantities, the review page and confirmation read in full, the stored order and its
// charge read back through the shop's API, and the order cancelled afterwards.
const { test, expect } = require("@playwright/test");

const ITEMS = [["Trail Mug", 2, "$12.99"], ["Merino Socks", 1, "$17.95"]];
const TOTALS = { subtotal: "$43.93", shipping: "$4.99", tax: "$3.51", total: "$52.43" };
const LINES = [["Trail Mug", "2", "$12.99"], ["Merino Socks", "1", "$17.95"]];
const SHOPPER = {
  "Full name": "Playwright Test", Address: "1 Main St", City: "Springfield",
  "Postal code": "12345", Phone: "555-123-4567",
};
const auth = { headers: { Authorization: `Bearer ${process.env.API_TOKEN}` } };

async function checkTotals(page, prefix) {
  const amounts = page.getByTestId(new RegExp(`^${prefix}-(subtotal|shipping|tax|total)$`));
  await expect(amounts).toHaveCount(4);
  const shown = Object.fromEntries(
    await amounts.evaluateAll((els) => els.map((e) => [e.dataset.testid, e.innerText])));
  expect(shown).toEqual(Object.fromEntries(
    Object.entries(TOTALS).map(([k, v]) => [`${prefix}-${k}`, v])));
}

async function checkLines(page, prefix) {
  const rows = page.getByTestId(`${prefix}-line`);
  await expect(rows.first()).toBeVisible();
  const cells = await rows.evaluateAll((rs) =>
    rs.map((r) => [...r.querySelectorAll("th, td")].map((c) => c.innerText.trim())));
  expect(cells.map((c) => c.slice(0, 3))).toEqual(LINES);
}

test("guest checkout", async ({ page, request }, testInfo) => {
  const email = `pwt${testInfo.repeatEachIndex}-${Date.now()}@synthetic.example`;
  await page.goto("/");
  await expect(page.getByRole("heading", { name: "Products", level: 1 })).toBeVisible();
  for (const [index, [name, qty, price]] of ITEMS.entries()) {
    if (index) await page.goto("/");
    await page.getByRole("link", { name, exact: true }).click();
    expect(await page.getByTestId("price").innerText()).toBe(price);
    await page.getByLabel("Quantity", { exact: true }).fill(String(qty));
    await page.getByRole("button", { name: "Add to cart" }).click();
    await expect(page.getByRole("status")).toContainText(`Added ${qty} × ${name}`);
  }
  await page.getByRole("link", { name: "Cart" }).click();
  await expect(page.getByRole("heading", { name: "Your cart", level: 1 })).toBeVisible();
  for (const [name, qty] of ITEMS) {
    await expect(page.getByLabel(`Quantity for ${name}`, { exact: true })).toHaveValue(String(qty));
  }
  await page.getByRole("link", { name: "Proceed to checkout" }).click();
  await page.getByLabel("Email", { exact: true }).fill(email);
  for (const [label, value] of Object.entries(SHOPPER)) {
    await page.getByLabel(label, { exact: true }).fill(value);
  }
  await page.getByLabel("Country", { exact: true }).selectOption("US");
  await page.getByRole("button", { name: "Continue to shipping" }).click();
  await expect(page.getByRole("heading", { name: "Shipping method", level: 1 })).toBeVisible();
  await page.getByRole("radio", { name: /^Standard\b/ }).check();
  await page.getByRole("button", { name: "Continue to payment" }).click();
  await expect(page.getByRole("heading", { name: "Payment", level: 1 })).toBeVisible();
  const frame = page.getByTitle("Card details").contentFrame();
  await expect(frame.getByLabel("Card number")).toBeVisible();
  await frame.getByLabel("Card number").fill("4242 4242 4242 4242");
  await frame.getByLabel("Expiry date").fill("12 / 34");
  await frame.getByLabel("CVC").fill("123");
  await page.getByRole("button", { name: "Continue to review" }).click();
  await expect(page.getByRole("heading", { name: "Review your order", level: 1 })).toBeVisible();
  const [name, ...address] = (await page.getByTestId("shipping-address").innerText()).split("\n");
  expect(name.trim()).toBe("Playwright Test");
  expect(address.join(" ")).toContain("Springfield");
  await checkLines(page, "review");
  await checkTotals(page, "summary");
  expect(await page.getByTestId("shipping-method").innerText()).toMatch(/^Standard/);
  expect(await page.getByText(/^Email: /).innerText()).toContain(email);
  await page.getByRole("button", { name: "Place order" }).click();
  await expect(page.getByRole("heading", { name: "Thank you for your order", level: 1 })).toBeVisible();
  const number = (await page.getByTestId("order-number").innerText()).trim();
  const delivery = page.getByRole("region", { name: "Delivery" }).getByText(" shipping to ");
  expect(await delivery.innerText()).toMatch(/^Standard shipping to Playwright Test, 1 Main St/);
  expect(await page.getByText(/^A confirmation has been sent to /).innerText()).toContain(email);
  expect((await page.getByTestId("order-number").innerText()).trim()).toBe(number);
  await checkLines(page, "confirmation");
  await checkTotals(page, "confirmation");
  const mine = await (await request.get(`/api/orders?email=${encodeURIComponent(email)}`, auth)).json();
  expect(mine.orders.map((o) => o.number)).toEqual([number]);
  const stored = await (await request.get(`/api/orders/${number}`, auth)).json();
  expect([stored.subtotal_cents, stored.shipping_cents, stored.tax_cents, stored.total_cents])
    .toEqual([4393, 499, 351, 5243]);
  expect(stored.items.map((i) => [i.name, i.quantity])).toEqual([["Trail Mug", 2], ["Merino Socks", 1]]);
  expect([stored.full_name, stored.shipping_method]).toEqual(["Playwright Test", "standard"]);
  const charges = await (await request.get(`/api/charges?order=${number}`, auth)).json();
  expect(charges.charges.map((c) => [c.status, c.amount_cents])).toEqual([["succeeded", 5243]]);
  expect((await (await request.get(`/api/orders/${number}`, auth)).json()).status).toBe("paid");
  expect((await request.delete(`/api/orders/${number}`, auth)).ok()).toBe(true);
});
