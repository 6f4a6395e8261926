"""Gherkin steps for scenarios about the rule base (see docs/bdd.md)."""
