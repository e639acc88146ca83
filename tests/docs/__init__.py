"""The documentation site: its build, its examples run against the service, its rendered specs."""
