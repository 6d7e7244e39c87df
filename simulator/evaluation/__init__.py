"""Scores against the simulator's planted truth (rules: precision/recall; risk: catch rate,
ROC-AUC). Run by benchmarks/ and tests, never by the production asset graph."""
