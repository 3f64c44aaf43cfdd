"""JSON: `loads`, `dumps`, `dumps_str` on both implementations (docs/JSON.md)."""
