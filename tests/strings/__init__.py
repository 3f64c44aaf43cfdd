"""The string helpers on both implementations (docs/STRINGS.md)."""
