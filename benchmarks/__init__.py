"""The benchmark suite: `make bench` (see run.py and the README)."""
