"""WebSocket scenarios: YAML files of steps (connect, send, expect by ``request_id``, close, REST)
run as pytest tests against a live service — "newman for WebSocket".

The format is ``api_specs/scenario.schema.json``. ``scenarios/conftest.py`` registers `plugin`,
so ``uv run pytest scenarios/ --ws-url ws://HOST:PORT/ws`` runs every file of ``scenarios/``
against any instance (without ``--ws-url``, against a service it starts).

* `model`      loading a file: YAML 1.2 as JSON reads it, checked against the schema
* `variables`  ``${name}`` substitution and captures
* `matching`   ``match`` (a subset) and ``frame`` (the whole frame), with values that vary per run
* `variance`   which values vary per run; also the docs' transcripts normalise with it
* `connection` one WebSocket client: its inbox, every frame checked against asyncapi.yaml
* `failures`   `StepFailure`: which step, which request_id, expected, arrived, frames so far
* `steps`      one function per step kind; `runner` runs a scenario's steps in order
* `plugin`     the pytest hooks; `docs_examples` writes ``docs/examples/ws`` from ``scenarios/docs``
"""
