"""Order store implementations: in memory (the default) and PostgreSQL."""
