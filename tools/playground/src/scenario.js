// A session as a scenario: {name, connections, steps}, the format of api_specs/scenario.schema.json
// (run by the pytest plugin tools/scenarios).
// Frames are expected by `type` and a `match` of their stable fields: what differs from run to
// run (times, offsets, epochs, client ids) and nested data are left out.

const VOLATILE = new Set(["ts", "offset", "epoch", "client_id", "missed", "recovered"]);
const MIN_TIMEOUT_S = 2;
const SLACK_S = 2;

export function expectation(frame) {
  const match = {};
  for (const [key, value] of Object.entries(frame)) {
    if (key === "type" || VOLATILE.has(key)) continue;
    if (value === null || ["string", "number", "boolean"].includes(typeof value)) match[key] = value;
  }
  return Object.keys(match).length ? { type: frame.type, match } : { type: frame.type };
}

function timeoutFor(elapsedMs) {
  return Math.max(MIN_TIMEOUT_S, Math.ceil(elapsedMs / 1000) + SLACK_S);
}

function requestIdOf(text) {
  try {
    const frame = JSON.parse(text);
    return typeof frame?.request_id === "string" ? frame.request_id : undefined;
  } catch {
    return undefined;
  }
}

export function toScenario(entries, name) {
  const connections = {};
  const steps = [];
  const pending = new Map(); // "<connection> <request_id>" → the send step its answers go to
  const closing = new Set(); // connections this client is closing
  for (const entry of entries) {
    const on = entry.connection;
    if (entry.kind === "connect") {
      closing.delete(on);
      connections[on] = { ...entry.options, ...(entry.subprotocol ? { subprotocols: [entry.subprotocol] } : {}) };
      steps.push({ connect: on });
    } else if (entry.kind === "send") {
      const step = { send: entry.frame, on, expect: [], timeout: MIN_TIMEOUT_S };
      Object.defineProperty(step, "sentAt", { value: entry.at });
      if (typeof entry.frame.request_id === "string") pending.set(`${on} ${entry.frame.request_id}`, step);
      steps.push(step);
    } else if (entry.kind === "send_text") {
      // Text that is no JSON object has no request_id: its answers (null) are expected as unsolicited.
      const step = { send_text: entry.text, on, expect: [], timeout: MIN_TIMEOUT_S };
      Object.defineProperty(step, "sentAt", { value: entry.at });
      const requestId = requestIdOf(entry.text);
      if (requestId !== undefined) pending.set(`${on} ${requestId}`, step);
      steps.push(step);
    } else if (entry.kind === "receive") {
      const step = entry.frame.request_id == null ? undefined : pending.get(`${on} ${entry.frame.request_id}`);
      if (step) {
        step.expect.push(expectation(entry.frame));
        step.timeout = Math.max(step.timeout, timeoutFor(entry.at - step.sentAt));
      } else {
        const last = steps.at(-1);
        if (last?.expect_unsolicited?.on === on) last.expect_unsolicited.frames.push(expectation(entry.frame));
        else steps.push({ expect_unsolicited: { on, frames: [expectation(entry.frame)] } });
      }
    } else if (entry.kind === "close") {
      closing.add(on);
      steps.push({ close: on });
    } else if (entry.kind === "closed" && !closing.has(on)) {
      // `expect_close` is the server's close; the client's own `close` step says all of its.
      steps.push({ expect_close: { on, code: entry.code } });
    }
  }
  return { name, connections, steps };
}
