// GET /trace/{request_id}, rendered generically: a table of at_ms, kind and summary per request,
// the step's other fields as JSON on expand (fields added later do not break it).
import { h, json } from "./dom.js";

const SHOWN = new Set(["at_ms", "kind", "summary"]);

function stepRow(step) {
  const rest = Object.fromEntries(Object.entries(step).filter(([key]) => !SHOWN.has(key)));
  return h(
    "tr",
    { class: "step", dataset: { kind: String(step.kind ?? "") } },
    h("td", { class: "number" }, step.at_ms ?? ""),
    h("td", {}, step.kind ?? ""),
    h("td", {}, step.summary ?? ""),
    h("td", {}, Object.keys(rest).length ? h("details", {}, h("summary", {}, "поля"), h("pre", {}, json(rest))) : ""),
  );
}

function requestSection(request) {
  const facts = ["transport", "action", "channel", "client_id", "received_at"]
    .filter((key) => request[key] !== undefined && request[key] !== null)
    .map((key) => `${key}: ${request[key]}`)
    .join(" · ");
  return h(
    "section",
    { class: "trace-request" },
    h("h4", {}, facts || "запрос"),
    h(
      "table",
      {},
      h("thead", {}, h("tr", {}, h("th", { scope: "col" }, "at_ms"), h("th", { scope: "col" }, "kind"), h("th", { scope: "col" }, "summary"), h("th", { scope: "col" }, "остальное"))),
      h("tbody", {}, (request.steps ?? []).map(stepRow)),
    ),
  );
}

export function renderTrace(trace) {
  const requests = trace.requests ?? [];
  return h(
    "div",
    { class: "trace", dataset: { requestId: trace.request_id ?? "" } },
    h("p", {}, `request_id ${trace.request_id}: запросов ${requests.length}`),
    requests.map(requestSection),
  );
}
