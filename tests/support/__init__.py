"""Helpers shared by the test suites: the specs as contracts (see ``tools.specs``)."""
