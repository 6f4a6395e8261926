"""Gherkin steps for scenarios about the rule base (see the README's BDD section)."""
