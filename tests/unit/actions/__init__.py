"""Tests of ``service/actions/``."""
