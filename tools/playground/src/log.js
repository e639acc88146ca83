// A connection's frames as a tester reads them: grouped by request_id, with the time since the
// request, unsolicited frames marked, and every frame's verdict against the AsyncAPI.
import { h, json } from "./dom.js";

export function verdictText(verdict) {
  return verdict.ok
    ? `✓ соответствует ${verdict.schema}`
    : `✗ не соответствует ${verdict.schema}: ${verdict.pointer} ${verdict.message}`;
}

function verdictElement(verdict) {
  return h("span", { class: `verdict ${verdict.ok ? "ok" : "fail"}`, dataset: { pointer: verdict.pointer ?? "" } }, verdictText(verdict));
}

let arrivals = 0; // the order frames reached the page in, across connections (data-seq)

function frameRow({ direction, frame, verdict, elapsed, unsolicited }) {
  arrivals += 1;
  const label = direction === "out" ? "→ отправлен" : "← получен";
  return h(
    "li",
    {
      class: `frame ${direction}${unsolicited ? " unsolicited" : ""}`,
      dataset: { seq: String(arrivals), direction, type: frame.type ?? frame.action ?? "", verdict: verdict.ok ? "ok" : "fail", unsolicited: unsolicited ? "true" : "false" },
    },
    h("span", { class: "elapsed" }, elapsed),
    h("span", { class: "direction" }, label),
    h("strong", { class: "type" }, frame.type ?? frame.action ?? (frame.text !== undefined ? "текст" : "?")),
    frame.event ? h("span", { class: "event" }, frame.event) : null,
    frame.code ? h("span", { class: "code" }, frame.code) : null,
    unsolicited ? h("span", { class: "badge" }, "без запроса") : null,
    verdictElement(verdict),
    h("details", {}, h("summary", {}, "JSON"), h("pre", {}, json(frame))),
  );
}

export class FrameLog {
  constructor({ validator, onTrace }) {
    this.validator = validator;
    this.onTrace = onTrace;
    this.groups = new Map();
    this.element = h("ol", { class: "log", "aria-label": "Журнал кадров" });
  }

  add({ direction, frame: parsed, text, at }) {
    const raw = text !== undefined && (parsed === null || typeof parsed !== "object" || Array.isArray(parsed));
    const frame = raw ? { text } : parsed;
    const verdict = raw
      ? { ok: false, schema: "ClientFrame", pointer: "/", message: "не объект JSON: отправлен как текст" }
      : direction === "out" ? this.validator.checkClientFrame(frame) : this.validator.checkServerFrame(frame);
    const requestId = frame.request_id;
    if (requestId === null || requestId === undefined || typeof requestId !== "string") {
      const time = new Date().toLocaleTimeString("ru-RU");
      this.append(frameRow({ direction, frame, verdict, elapsed: time, unsolicited: direction === "in" }));
      return;
    }
    const group = this.groups.get(requestId) ?? this.newGroup(requestId, at, direction === "out");
    if (direction === "out" && group.frames.childElementCount) group.sentAt = at;
    const elapsed = `+${Math.round(at - group.sentAt)} мс`;
    group.frames.append(frameRow({ direction, frame, verdict, elapsed, unsolicited: false }));
  }

  note(text, kind = "info") {
    this.append(h("li", { class: `note ${kind}` }, text));
  }

  newGroup(requestId, at, ours) {
    const frames = h("ol", { class: "frames" });
    const head = h(
      "div",
      { class: "group-head" },
      h("span", {}, "request_id "),
      h("code", {}, requestId),
      ours ? null : h("span", { class: "badge" }, "запрос не с этого соединения"),
      h("button", { type: "button", class: "trace-link", onclick: () => this.onTrace(requestId) }, "Трасса"),
    );
    const group = { sentAt: at, frames };
    this.append(h("li", { class: "group", dataset: { requestId } }, head, frames));
    this.groups.set(requestId, group);
    return group;
  }

  append(element) {
    this.element.append(element);
    this.element.scrollTop = this.element.scrollHeight;
  }
}
