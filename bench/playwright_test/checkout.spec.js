// The same clicks as the bare script in checkout_bench.py (and checkout_as_guest).
const { test, expect } = require("@playwright/test");

test("guest checkout", async ({ page, request }, testInfo) => {
  for (const [name, qty] of [["Trail Mug", 2], ["Merino Socks", 1]]) {
    await page.goto("/");
    await page.getByRole("link", { name, exact: true }).click();
    await page.getByLabel("Quantity", { exact: true }).fill(String(qty));
    await page.getByRole("button", { name: "Add to cart" }).click();
    await expect(page.getByRole("status").filter({ hasText: `Added ${qty} × ${name}` })).toBeVisible();
  }
  await page.getByRole("link", { name: "Cart" }).click();
  await page.getByRole("link", { name: "Proceed to checkout" }).click();
  await page.getByLabel("Email", { exact: true }).fill(`pwt${testInfo.repeatEachIndex}@synthetic.example`);
  await page.getByLabel("Full name", { exact: true }).fill("Playwright Test");
  await page.getByLabel("Address", { exact: true }).fill("1 Main St");
  await page.getByLabel("City", { exact: true }).fill("Springfield");
  await page.getByLabel("Postal code", { exact: true }).fill("12345");
  await page.getByLabel("Phone", { exact: true }).fill("555-123-4567");
  await page.getByRole("button", { name: "Continue to shipping" }).click();
  await page.getByRole("radio", { name: "Standard — $4.99" }).check();
  await page.getByRole("button", { name: "Continue to payment" }).click();
  const frame = page.getByTitle("Card details").contentFrame();
  await frame.getByLabel("Card number").fill("4242 4242 4242 4242");
  await frame.getByLabel("Expiry date").fill("12 / 34");
  await frame.getByLabel("CVC").fill("123");
  await page.getByRole("button", { name: "Continue to review" }).click();
  await page.getByRole("button", { name: "Place order" }).click();
  const number = (await page.getByTestId("order-number").innerText()).trim();
  const stored = await request.get(`/api/orders/${number}`, {
    headers: { Authorization: `Bearer ${process.env.API_TOKEN}` },
  });
  expect(stored.status()).toBe(200);
});
