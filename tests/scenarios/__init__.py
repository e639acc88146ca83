"""Tests of the scenario plugin (tools/scenarios) and of the scenarios in scenarios/."""
