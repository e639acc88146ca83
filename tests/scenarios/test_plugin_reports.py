"""The scenario plugin, run by pytester on scenario files written here, against a live service:
a scenario that should pass passes, and each kind of failure is reported precisely — which
step, which request_id, what was expected, what arrived, the frames received so far."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from tests.support.live import LiveService

PLUGIN = "tools.scenarios.plugin"
QUIET = ("-p", "no:cacheprovider", "-p", "no:asyncio")  # the inner runs have no ini file

ECHO_THEN_WRONG = """
name: echo passes
steps:
  - send: {action: echo, payload: {text: hello}, request_id: r-ok}
    expect:
      - {type: ack, match: {action: echo}, conforms: Ack}
      - {type: echo, match: {data: {text: hello}}, conforms: EchoFrame}
      - {type: event, match: {event: ws.echo, data: {text: hello}}}
---
name: wrong frame
steps:
  - connect: main
  - send: {action: echo, payload: {text: hello}, request_id: r-wrong}
    expect:
      - {type: ack}
      - {type: echo, match: {data: {text: hullo}}}
      - {type: event}
"""


def run(pytester: pytest.Pytester, live: LiveService, text: str, *args: str) -> pytest.RunResult:
    pytester.makefile(".yaml", scenarios=text)
    return pytester.runpytest_inprocess("-p", PLUGIN, "--ws-url", live.ws, *QUIET, *args)


def test_a_wrong_frame_names_the_step_the_request_id_and_the_difference(
    pytester: pytest.Pytester, live: LiveService
) -> None:
    result = run(pytester, live, ECHO_THEN_WRONG)
    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines(
        [
            "*scenario 'wrong frame', step 2 of 2 (send, on 'main', request_id \"r-wrong\")",
            '  frame 2 of 3 answering "r-wrong" does not match',
            '  expected: {"type": "echo", "match": {"data": {"text": "hullo"}}}',
            '  arrived:  {"type": "echo", "ts": "*", "request_id": "r-wrong", "data": {"text": "hello"}}',
            "  differences:",
            '    at /data/text: expected "hullo", arrived "hello"',
            "  frames received so far on 'main' (2):",
            '    1. {"type": "ack", *"request_id": "r-wrong", "action": "echo"}',
            '    2. {"type": "echo", *}',
        ]
    )
    assert "Traceback" not in result.stdout.str()


FAILURES = {
    "timeout": (
        """
name: ping answers three frames
steps:
  - send: {action: ping, payload: {}, request_id: r-ping}
    timeout: 0.5
    expect: [{type: ack}, {type: event}, {type: event, match: {event: ws.never}}]
""",
        [
            "*step 1 of 1 (send, on 'main', request_id \"r-ping\")",
            '  timed out after 0.5 s waiting for frame 3 of 3 answering "r-ping"; 2 of 3 arrived: *',
            '  expected: {"type": "event", "match": {"event": "ws.never"}}',
        ],
    ),
    "wrong close code": (
        """
name: closed by the server
connections:
  main: {disconnect_after_ms: 50, disconnect_code: 4000}
steps:
  - expect_close: {on: main, code: 1008}
    timeout: 2
""",
        [
            "*step 1 of 1 (expect_close, on 'main')",
            "  the connection was closed with code 4000",
            '  expected: {"on": "main", "code": 1008}',
            '  arrived:  {"code": 4000, "reason": "simulated disconnect (disconnect_after_ms)"}',
        ],
    ),
    "more answers than expected": (
        """
name: echo is not one frame
steps:
  - send: {action: echo, payload: {}, request_id: r-short}
    expect: [{type: ack}]
  - wait: 0.2
""",
        ['*more frame(s) answer "r-short"*', "  arrived:  *"],
    ),
    "conforms": (
        """
name: an echo frame is no ack
steps:
  - send: {action: echo, payload: {}, request_id: r-c}
    expect: [{type: ack}, {conforms: Ack}, {type: event}]
""",
        ["*frame does not conform to Ack:*", "*at /type: *"],
    ),
    "unknown variable": (
        """
name: a value nobody captured
steps:
  - send: {action: get_order, payload: {id: "${nothing}"}}
""",
        ["*step 1 of 1 (send*", "*${nothing} has not been captured (captured so far: ?'run'?)"],
    ),
    "unexpected refusal": (
        """
name: bad channel not expected
connections:
  bad: {channel: "has space"}
steps:
  - connect: bad
""",
        [
            "*step 1 of 1 (connect, on 'bad')",
            "  the handshake was refused with HTTP 400",
            '  arrived:  "{*validation_error*',
        ],
    ),
}


@pytest.mark.parametrize("case", FAILURES)
def test_a_failure_is_reported_precisely(pytester: pytest.Pytester, live: LiveService, case: str) -> None:
    text, lines = FAILURES[case]
    result = run(pytester, live, text)
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(lines)
    assert "Traceback" not in result.stdout.str()


PASSING = """
name: closed by the server as asked
connections:
  main: {disconnect_after_ms: 50, disconnect_code: 4000}
steps:
  - expect_close: {code: 4000, reason: disconnect_after_ms}
---
name: create over REST, read over WS
steps:
  - rest:
      method: POST
      path: /orders
      json: {customer: Scenario, product: Pen, quantity: 1, amount: "1.00"}
      status: 201
      conforms: Order
      capture: {order_id: id}
  - send: {action: get_order, payload: {id: "${order_id}"}, request_id: "r-${order_id}"}
    expect:
      - {type: ack}
      - {type: order, match: {data: {id: "${order_id}", customer: Scenario}}}
      - {type: event, match: {data: {id: "${order_id}", found: true}}}
---
name: bad channel refused
connections:
  bad: {channel: "has space"}
steps:
  - connect: bad
    refused: {status: 400, match: {code: validation_error}}
"""


def test_close_codes_captures_and_refusals_pass_when_they_hold(
    pytester: pytest.Pytester, live: LiveService
) -> None:
    run(pytester, live, PASSING).assert_outcomes(passed=3)


def test_a_file_the_schema_refuses_is_a_collection_error_naming_the_place(pytester: pytest.Pytester) -> None:
    pytester.makefile(".yaml", broken="name: broken\nsteps:\n  - send: {action: echo}\n    expect: 3\n")
    result = pytester.runpytest_inprocess("-p", PLUGIN, *QUIET)
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(
        ["*broken.yaml: scenario broken does not follow scenario.schema.json:", "  at /steps/0: *"]
    )


def test_k_selects_scenarios_and_junitxml_records_them(pytester: pytest.Pytester, live: LiveService) -> None:
    result = run(pytester, live, ECHO_THEN_WRONG, "-k", "passes", "--junitxml=report.xml")
    result.assert_outcomes(passed=1, deselected=1)
    suite = ET.parse(pytester.path / "report.xml").getroot().find("testsuite")
    assert suite is not None
    assert [case.get("name") for case in suite.iter("testcase")] == ["echo passes"]
