"""The claims engine: tests and rules in `data/claims.yaml`, judged on the analysis results."""
