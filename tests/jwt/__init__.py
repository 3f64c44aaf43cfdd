"""JWT: encode, decode, keys and claims on both implementations (docs/JWT.md)."""
