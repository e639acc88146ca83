"""Tests of ``service/bus/``."""
