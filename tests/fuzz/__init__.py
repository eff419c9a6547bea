"""Whole-service attacks: generated hostile values and concurrent stateful runs."""
