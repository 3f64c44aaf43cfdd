"""`python -m covet_rust_core bench`: statistics, verdicts, reports (no timing asserted)."""
