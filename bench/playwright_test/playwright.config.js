// Playwright Test as a team would set it up for the same job: one worker, headless,
// the same Chromium as the harness, a trace kept for failed tests only.
const { defineConfig } = require("@playwright/test");

module.exports = defineConfig({
  testDir: __dirname,
  testMatch: "checkout.spec.js",
  workers: 1,
  retries: 0,
  reporter: [["json", { outputFile: process.env.BENCH_REPORT }]],
  outputDir: process.env.BENCH_OUTPUT,
  use: {
    baseURL: process.env.BASE_URL,
    headless: true,
    trace: "retain-on-failure",
    launchOptions: { executablePath: process.env.CHROMIUM },
  },
});
