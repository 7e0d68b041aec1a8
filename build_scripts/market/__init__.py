"""The market-price snapshot: its schema, the ticker registry, import and atomic storage."""
