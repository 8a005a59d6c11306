"""Benchmarks (``make bench``): throughput measured on generated corpora, never in tests."""
