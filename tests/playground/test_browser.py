"""The playground as a tester uses it, in headless Chromium against a live service: two
connections, every action, the verdict of every frame, faults through `simulate`, the close
code, the trace panel and the REST panels. Every request the page makes goes to the service
(the ``playground`` fixture fails the test otherwise)."""

from __future__ import annotations

import json

import httpx

from tests.playground.conftest import WAIT_MS, Playground, screenshot
from tests.playground.helpers import ELAPSED, answer, connect, frames, group, send
from tests.support.live import LiveService
from tools.specs import asyncapi_examples

#: What each action answers (CONTRACT.md), in order; its example request is the spec's.
ANSWERS = {
    "echo": ["ack", "echo", "event"],
    "triplet_demo": ["ack", "step", "step", "event"],
    "broadcast": ["ack", "broadcast", "event"],
    "get_order": ["ack", "order", "event"],
    "list_orders": ["ack", "orders", "event"],
    "create_order": ["ack", "order", "event"],
    "change_status": ["ack", "order", "event"],
    "ping": ["ack", "event"],
    "history": ["ack", "history", "event"],
    "presence": ["ack", "presence", "event"],
}


async def test_every_action_is_answered_grouped_by_request_id_and_every_frame_conforms(
    playground: Playground, service: LiveService
) -> None:
    page = playground.page
    actions = {e.payload["action"] for e in asyncapi_examples() if e.message.endswith("Request")}
    assert actions == set(ANSWERS), "the page offers the spec's actions; this test knows them all"
    second = await connect(page, "second", presence=True, name="bob")
    main = await connect(page, "main", presence=True, name="alice")

    sent = {action: await send(page, "main", action) for action in ANSWERS}
    await second.locator('.frame.unsolicited[data-type="event"]').nth(2).wait_for(timeout=WAIT_MS)
    await screenshot(page, "every-action.png")

    rows = await frames(main)
    for action, request_id in sent.items():
        answered = [r for r in rows if r["group"] == request_id and r["direction"] == "in"]
        assert [r["type"] for r in answered] == ANSWERS[action], action
        assert all(r["frame"]["request_id"] == request_id for r in answered), (
            "a group holds its request's frames"
        )
        assert all(ELAPSED.match(r["elapsed"]) for r in answered), [r["elapsed"] for r in answered]
    assert all(r["verdict"] == "ok" for r in rows), [r for r in rows if r["verdict"] != "ok"]
    assert [r["type"] for r in rows if r["unsolicited"]] == ["subscribed"], "main's own notices only"

    # The other connection sees the broadcast and the order notifications, marked unsolicited.
    others = await frames(second)
    unsolicited = [(r["type"], r["frame"].get("event")) for r in others if r["unsolicited"]]
    assert ("broadcast", None) in unsolicited
    assert ("event", "channel.joined") in unsolicited
    assert ("event", "order.created") in unsolicited
    assert ("event", "order.status_changed") in unsolicited
    assert all(
        r["frame"]["request_id"] is None and r["badge"] == "без запроса" for r in others if r["unsolicited"]
    )
    assert all(r["verdict"] == "ok" for r in others)

    await page.get_by_role("button", name="Обновить /stats").click()
    stats = page.locator('#stats .output[data-status="ok"]')
    await stats.wait_for(timeout=WAIT_MS)
    assert '"total": 2' in await stats.inner_text()
    await page.get_by_role("button", name="Обновить /events").click()
    events = page.locator('#events .output[data-status="ok"]')
    await events.wait_for(timeout=WAIT_MS)
    assert sent["echo"] in await events.inner_text()


async def test_a_frame_that_does_not_conform_is_named_by_its_json_pointer(playground: Playground) -> None:
    page = playground.page
    checker = page.locator("#check")
    verdict = checker.locator(".verdict-output")
    ack = {"type": "ack", "ts": "2026-01-01T12:00:00.000000Z", "request_id": "r-1", "action": "echo"}
    cases = [
        ("server", ack, "ok", ""),
        ("server", {**ack, "action": "fly"}, "fail", "/action"),
        ("server", {**ack, "ts": "yesterday"}, "fail", "/ts"),
        ("server", {**ack, "extra": 1}, "fail", "/extra"),
        ("server", {**ack, "type": "teleport"}, "fail", "/type"),
        ("client", {"action": "get_order", "payload": {"id": "1"}}, "fail", "/payload/id"),
        ("client", {"action": "get_order", "payload": {"id": 1}}, "ok", ""),
    ]
    for direction, frame, expected, pointer in cases:
        await checker.get_by_label("Направление").select_option(direction)
        await checker.get_by_label("Кадр (JSON)").fill(json.dumps(frame))
        await checker.get_by_role("button", name="Проверить").click()
        await verdict.locator(f'xpath=self::*[@data-verdict="{expected}"]').wait_for(timeout=WAIT_MS)
        assert await verdict.get_attribute("data-pointer") == pointer, (frame, await verdict.inner_text())
        if expected == "fail":
            assert pointer in await verdict.inner_text()
    await screenshot(page, "check-frame.png")


async def test_a_delayed_answer_lets_a_later_request_answer_first(playground: Playground) -> None:
    page = playground.page
    main = await connect(page, "main")
    slow = await send(page, "main", "echo", simulate={"delay_ms": "700"}, wait_for=None)
    fast = await send(page, "main", "ping")
    await answer(main, slow, "event").wait_for(timeout=WAIT_MS)
    rows = await frames(main)
    slow_rows = [r for r in rows if r["group"] == slow and r["direction"] == "in"]
    fast_rows = [r for r in rows if r["group"] == fast and r["direction"] == "in"]
    assert max(r["seq"] for r in fast_rows) < min(r["seq"] for r in slow_rows), "the answers interleave"
    sent_frame = next(r["frame"] for r in rows if r["group"] == slow and r["direction"] == "out")
    assert sent_frame["simulate"] == {"delay_ms": 700}
    match = ELAPSED.match(slow_rows[0]["elapsed"])
    assert match is not None
    assert int(match.group(1)) >= 700
    await screenshot(page, "delay.png")


async def test_a_close_the_request_asks_for_shows_its_code_and_reason(playground: Playground) -> None:
    page = playground.page
    main = await connect(page, "main")
    await send(page, "main", "ping", simulate={"code": "4001", "reason": "хватит"}, wait_for=None)
    state = main.locator('.state[data-state="closed"]')
    await state.wait_for(timeout=WAIT_MS)
    assert await state.get_attribute("data-close-code") == "4001"
    text = await state.inner_text()
    assert "4001" in text
    assert "хватит" in text
    assert await main.get_by_role("button", name="Подключить").is_enabled()
    await screenshot(page, "closed.png")


async def test_the_trace_of_a_request_is_one_click_away(playground: Playground, service: LiveService) -> None:
    page = playground.page
    main = await connect(page, "main")
    request_id = await send(page, "main", "echo")
    await group(main, request_id).get_by_role("button", name="Трасса").click()
    output = page.locator('#trace .output:is([data-status="ok"], [data-status="error"])')
    await output.wait_for(timeout=WAIT_MS)
    assert await page.locator("#trace").get_by_label("request_id").input_value() == request_id
    served = httpx.get(f"{service.http}/trace/{request_id}", timeout=10)
    if served.status_code == 200:
        trace = served.json()
        steps = sum(len(r["steps"]) for r in trace["requests"])
        await page.locator("#trace tr.step").nth(steps - 1).wait_for(timeout=WAIT_MS)
        assert await page.locator("#trace tr.step").count() == steps
    else:
        # When nothing is kept for the request_id (or on a service without GET /trace), the
        # panel shows the problem's words.
        assert await output.get_attribute("data-status") == "error"
        problem = served.json()
        assert f"HTTP {served.status_code}" in await output.inner_text()
        assert problem["detail"] in await output.inner_text()
    await screenshot(page, "trace.png")

    # A request_id nothing is kept for: the panel shows the 404 problem's words.
    panel = page.locator("#trace")
    await panel.get_by_label("request_id").fill("r-never-sent")
    await panel.get_by_role("button", name="Показать трассу").click()
    failed = page.locator('#trace .output[data-status="error"]')
    await failed.wait_for(timeout=WAIT_MS)
    missing = httpx.get(f"{service.http}/trace/r-never-sent", timeout=10)
    assert missing.status_code == 404
    assert f"HTTP 404: {missing.json()['detail']}" in await failed.inner_text()


async def test_every_handshake_option_goes_into_the_url_and_the_connection_faults_apply(
    playground: Playground,
) -> None:
    page = playground.page
    first = await connect(page, "second", channel="pg-handshake")
    await send(page, "second", "echo")
    main = await connect(
        page,
        "main",
        channel="pg-handshake",
        since="0",
        presence=True,
        name="alice",
        latency_ms="20",
        jitter_ms="5",
        seed="7",
        drop_rate="0",
        disconnect_after_ms="600",
        disconnect_code="4002",
        subprotocol="qakit.v1",
    )
    note = await main.locator(".log .note").first.inner_text()
    for part in (
        "channel=pg-handshake",
        "since=0",
        "presence=true",
        "name=alice",
        "latency_ms=20",
        "jitter_ms=5",
        "seed=7",
        "drop_rate=0",
        "disconnect_after_ms=600",
        "disconnect_code=4002",
        "qakit.v1",
    ):
        assert part in note, note
    subscribed = main.locator('.frame.unsolicited[data-type="subscribed"]')
    await subscribed.wait_for(timeout=WAIT_MS)
    assert '"channel": "pg-handshake"' in (await subscribed.locator("pre").text_content() or "")
    # disconnect_after_ms: the server closes this connection with the code asked for.
    state = main.locator('.state[data-state="closed"]')
    await state.wait_for(timeout=WAIT_MS)
    assert await state.get_attribute("data-close-code") == "4002"
    assert await first.locator('.state[data-state="open"]').count() == 1
    await screenshot(page, "handshake.png")


#: A trace in the shape of GET /trace/{request_id}, with fields the page does not know: it shows
#: at_ms, kind and summary, and the rest on expand.
TRACE = {
    "request_id": "r-traced-1",
    "requests": [
        {
            "transport": "ws",
            "received_at": "2026-01-01T12:00:00.000000Z",
            "client_id": "c-5d0e7a91b2f4",
            "channel": "general",
            "action": "echo",
            "steps": [
                {"at_ms": 0, "kind": "received", "summary": "echo from c-5d0e7a91b2f4", "bytes": 61},
                {"at_ms": 0.4, "kind": "sent", "summary": "ack", "frame_type": "ack"},
                {"at_ms": 0.9, "kind": "fault", "summary": "delay 700 ms", "fault": {"delay_ms": 700}},
                {"at_ms": 701.2, "kind": "close", "summary": "4001", "code": 4001, "someday": [1, 2]},
            ],
        }
    ],
}


async def test_a_trace_is_rendered_whatever_fields_its_steps_carry(
    playground: Playground, service: LiveService
) -> None:
    page = playground.page
    await page.route(
        f"{service.http}/trace/*", lambda route: route.fulfill(json=TRACE, content_type="application/json")
    )
    panel = page.locator("#trace")
    await panel.get_by_label("request_id").fill("r-traced-1")
    await panel.get_by_role("button", name="Показать трассу").click()
    rows = panel.locator("tr.step")
    await rows.nth(3).wait_for(timeout=WAIT_MS)
    cells = [await rows.nth(i).locator("td").all_inner_texts() for i in range(await rows.count())]
    assert [c[:3] for c in cells] == [
        ["0", "received", "echo from c-5d0e7a91b2f4"],
        ["0.4", "sent", "ack"],
        ["0.9", "fault", "delay 700 ms"],
        ["701.2", "close", "4001"],
    ]
    assert "transport: ws · action: echo · channel: general" in await panel.locator("h4").inner_text()
    extra = rows.nth(3).locator("details")
    await extra.locator("summary").click()
    assert json.loads(await extra.locator("pre").inner_text()) == {"code": 4001, "someday": [1, 2]}
    await screenshot(page, "trace-rendered.png")
