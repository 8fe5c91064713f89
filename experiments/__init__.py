"""Entry points: run, compare, sweep, sensitivity, calibrate, optimise, report."""
