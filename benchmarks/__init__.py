"""Benchmarks run by `make bench`: each bench_*.py compares us with QGIS's own algorithm on the same data."""
