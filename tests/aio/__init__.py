"""The asyncio awaitables on both implementations (docs/AIO.md)."""
