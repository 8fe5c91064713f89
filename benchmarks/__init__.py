"""Benchmarks: timing scripts, not tests (the machine is shared and noisy)."""
