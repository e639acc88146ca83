"""Tests of the QA Kit WS service and of its specs."""
