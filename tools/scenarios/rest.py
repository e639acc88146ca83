"""A scenario's REST step: one HTTP call (repeated while ``eventually`` allows), its status and
JSON body checked, its captures kept."""

from __future__ import annotations

import json
import time
from typing import Any

import httpx

from tools.scenarios.context import Run
from tools.scenarios.failures import Problem
from tools.scenarios.matching import mismatches
from tools.specs import ContractError, check_openapi_schema

_RETRY_PAUSE = 0.05


def _body(response: httpx.Response) -> Any:
    try:
        return response.json()
    except (json.JSONDecodeError, UnicodeDecodeError):
        return response.text


def _problem(run: Run, request: dict[str, Any], response: httpx.Response) -> Problem | None:
    body = _body(response)
    label = f"{request['method']} {request['path']}"
    expected = {key: request[key] for key in ("status", "match") if key in request}
    if "status" in request and response.status_code != request["status"]:
        return Problem(f"{label} answered HTTP {response.status_code}", expected=expected, arrived=body)
    if "match" in request:
        found = mismatches(request["match"], body, exact=False, stand_ins=run.stand_ins)
        if found:
            return Problem(
                f"{label}: the body does not match", expected=expected, arrived=body, mismatches=found
            )
    return None


def call(run: Run, request: dict[str, Any], timeout: float) -> None:
    """Make the call ``request`` describes; raise `Problem` when the answer is not as expected."""
    url = run.target.http_url + request["path"]
    deadline = time.monotonic() + timeout
    while True:
        try:
            response = httpx.request(
                request["method"],
                url,
                params=request.get("query"),
                headers=request.get("headers"),
                json=request.get("json"),
                timeout=timeout,
            )
        except httpx.HTTPError as error:
            raise Problem(f"{request['method']} {url} failed: {error!r}") from error
        problem = _problem(run, request, response)
        if problem is None:
            break
        if not request.get("eventually") or time.monotonic() >= deadline:
            if request.get("eventually"):
                problem.what += f" (still, after {timeout:g} s of retries)"
            raise problem
        time.sleep(_RETRY_PAUSE)
    body = _body(response)
    if "conforms" in request:
        try:
            check_openapi_schema(request["conforms"], body)
        except ContractError as error:
            raise Problem(
                f"the body does not conform to openapi.yaml {request['conforms']}:\n{error}"
            ) from error
    if "capture" in request:
        try:
            run.variables.capture(request["capture"], body)
        except LookupError as error:
            raise Problem(f"cannot capture: {error}", arrived=body) from error
