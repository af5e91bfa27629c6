"""Benchmarks, run on demand with ``make bench`` (never as part of the test suite)."""
