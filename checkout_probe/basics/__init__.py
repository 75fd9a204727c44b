"""Shared basics every room may use: exit codes and their errors, redaction of secrets and
card data, and the checks of what a browser or HTTP client accepts as a value."""
