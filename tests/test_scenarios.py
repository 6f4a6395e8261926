"""Runs every feature file under tests/features with the shipped icitrace steps."""

from pytest_bdd import scenarios

scenarios("features")
