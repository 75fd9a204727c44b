"""Running one checkout in the browser: finding or connecting to Chromium, the browser
context every checkout gets, the journey and its timed steps, what the browser saw on the
network, web vitals, W3C trace context, and the evidence of the step that failed."""
