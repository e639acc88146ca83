"""Unit tests: one module a test file, at the path of the module it tests under ``service/``."""
