"""Rules: diagnostics about the portfolio (structure, accessibility, privacy, links, readiness)."""
