"""What a tester does on the playground page, as steps the tests share."""

from __future__ import annotations

import json
import re
from typing import Any

from playwright.async_api import Locator, Page

from tests.playground.conftest import WAIT_MS


def card(page: Page, name: str) -> Locator:
    return page.locator(f'article.connection[data-connection="{name}"]')


async def connect(page: Page, connection: str, /, **options: str | bool) -> Locator:
    """Fill the handshake's fields (a bool ticks a checkbox), connect, wait until it is open."""
    here = card(page, connection)
    form = here.get_by_role("form", name=f"Рукопожатие ({connection})")
    for field, value in options.items():
        if isinstance(value, bool):
            await form.get_by_label(field, exact=True).set_checked(value)
        elif field == "subprotocol":
            await form.get_by_label("Sec-WebSocket-Protocol").select_option(value)
        else:
            await form.get_by_label(field, exact=True).fill(value)
    await here.get_by_role("button", name="Подключить").click()
    await here.locator('.state[data-state="open"]').wait_for(timeout=WAIT_MS)
    return here


async def frame_text(here: Locator) -> dict[str, Any]:
    return dict(json.loads(await here.get_by_label("Кадр (JSON)").input_value()))


async def send(
    page: Page,
    connection: str,
    action: str,
    *,
    simulate: dict[str, str | bool] | None = None,
    wait_for: str | None = "event",
) -> str:
    """Pick ``action`` (its frame is pre-filled from the spec's example), add ``simulate`` through
    its form, send; wait for the answer's frame of type ``wait_for``. The request_id sent."""
    here = card(page, connection)
    await here.get_by_label("Действие").select_option(action)
    if simulate:
        faults = here.locator("details.simulate")
        if not await faults.evaluate("details => details.open"):
            await faults.locator("summary").click()
        await faults.get_by_role("button", name="Очистить сбои").click()
        for field, value in simulate.items():
            box = faults.get_by_label(field, exact=True)
            if isinstance(value, bool):
                await box.set_checked(value)
            else:
                await box.fill(value)
        await here.get_by_role("button", name="Добавить simulate в кадр").click()
    request_id = str((await frame_text(here))["request_id"])
    await here.get_by_role("button", name="Отправить").click()
    if wait_for is not None:
        await answer(here, request_id, wait_for).wait_for(timeout=WAIT_MS)
    return request_id


async def send_text(page: Page, connection: str, text: str) -> None:
    """Send ``text`` as it is, without parsing it as JSON."""
    here = card(page, connection)
    await here.get_by_label("Кадр (JSON)").fill(text)
    await here.get_by_label("как текст, без разбора JSON").check()
    await here.get_by_role("button", name="Отправить").click()
    await here.get_by_label("как текст, без разбора JSON").uncheck()


def group(here: Locator, request_id: str) -> Locator:
    return here.locator(f'.group[data-request-id="{request_id}"]')


def answer(here: Locator, request_id: str, frame_type: str) -> Locator:
    return group(here, request_id).locator(f'.frame[data-direction="in"][data-type="{frame_type}"]').last


FRAMES = """
(card) => Array.from(card.querySelectorAll('.frame')).map(row => ({
  group: row.closest('.group')?.dataset.requestId ?? null,
  seq: Number(row.dataset.seq),
  direction: row.dataset.direction,
  type: row.dataset.type,
  verdict: row.dataset.verdict,
  unsolicited: row.dataset.unsolicited === 'true',
  badge: row.querySelector('.badge')?.textContent ?? null,
  elapsed: row.querySelector('.elapsed').textContent,
  frame: JSON.parse(row.querySelector('pre').textContent),
}))
"""


async def frames(here: Locator) -> list[dict[str, Any]]:
    """Every row of a card's log, as the page shows it."""
    return list(await here.evaluate(FRAMES))


ELAPSED = re.compile(r"^\+(\d+) мс$")
