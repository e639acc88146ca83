"""``uv run pytest scenarios/ [--ws-url ws://HOST:PORT/ws]``: the scenario files of this folder,
run by the plugin in ``tools/scenarios`` (the format: ``api_specs/scenario.schema.json``)."""

pytest_plugins = ["tools.scenarios.plugin"]
