"""Charts as data: sections declare `Chart` specs (kind, data, parameters, catalog words); the
kinds in `kinds.py` draw them and `render.py` writes and caches the SVGs."""
