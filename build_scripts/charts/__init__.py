"""Charts: one shared style and renderer; each section declares its charts as `Chart` specs."""
