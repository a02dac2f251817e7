"""Benchmarks of integraph against the alternatives (issue 10): ``python -m benchmarks.run``.

* :mod:`benchmarks.generate` writes a seeded synthetic landscape in the spreadsheet
  format of SPEC §4 at any size (300, 3,000, 30,000, 300,000 actors).
* :mod:`benchmarks.run` measures import, who-works-on, gaps, metrics, API throughput
  and maps at the scales of a profile, each case in a fresh process, and writes
  ``benchmarks/results.md``.
"""
