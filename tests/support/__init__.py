"""What the tests share (no tests here): the implementations and their adapters, keys,
tokens, strategies, hostile objects, memory-limited children, test ids."""
