"""Speed benchmarks of the app: python -m benchmarks (see README.md here)."""
