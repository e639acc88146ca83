// The page's side panels: /stats, /events, a request's trace, a frame checked by hand, export.
import { h, json, uid } from "./dom.js";
import { pytestFile, pytestFileName } from "./pytest-export.js";
import { getJson } from "./rest.js";
import { toScenario } from "./scenario.js";
import { renderTrace } from "./trace.js";
import { verdictText } from "./log.js";
import { stringify } from "yaml";

function panel(id, title, ...children) {
  return h("section", { class: "panel", id, "aria-labelledby": `${id}-title` }, h("h2", { id: `${id}-title` }, title), ...children);
}

function output() {
  return h("div", { class: "output", "aria-live": "polite" });
}

async function show(target, load) {
  target.replaceChildren(h("p", {}, "Загрузка…"));
  target.dataset.status = "loading";
  try {
    target.replaceChildren(await load());
    target.dataset.status = "ok";
  } catch (error) {
    target.replaceChildren(h("p", { class: "problem", role: "alert" }, error.status ? `HTTP ${error.status}: ${error.message}` : error.message));
    target.dataset.status = "error";
  }
}

export function statsPanel() {
  const out = output();
  const load = () => show(out, async () => h("pre", {}, json(await getJson("/stats"))));
  return panel("stats", "GET /stats", h("button", { type: "button", onclick: load }, "Обновить /stats"), out);
}

export function eventsPanel() {
  const out = output();
  const row = (r) => h("tr", {}, h("td", {}, r.event), h("td", {}, r.request_id ?? "—"), h("td", {}, r.channel ?? "—"), h("td", {}, r.ts));
  const load = () =>
    show(out, async () => {
      const records = await getJson("/events?limit=20");
      return h(
        "table",
        {},
        h("thead", {}, h("tr", {}, ["event", "request_id", "channel", "ts"].map((c) => h("th", { scope: "col" }, c)))),
        h("tbody", {}, records.map(row)),
      );
    });
  return panel("events", "GET /events (последние 20)", h("button", { type: "button", onclick: load }, "Обновить /events"), out);
}

export function tracePanel() {
  const out = output();
  const inputId = uid("trace-id");
  const input = h("input", { id: inputId, name: "request_id", type: "text", required: true, maxlength: 128 });
  const open = (requestId) => {
    input.value = requestId;
    show(out, async () => renderTrace(await getJson(`/trace/${encodeURIComponent(requestId)}`)));
    out.closest("section")?.scrollIntoView({ block: "nearest" });
  };
  const form = h(
    "form",
    { onsubmit: (event) => { event.preventDefault(); open(input.value); } },
    h("label", { for: inputId, class: "label" }, "request_id"),
    input,
    h("button", { type: "submit" }, "Показать трассу"),
  );
  return { element: panel("trace", "Трасса запроса (GET /trace/{request_id})", form, out), open };
}

export function checkPanel(validator) {
  const textId = uid("check-frame");
  const kindId = uid("check-kind");
  const text = h("textarea", { id: textId, rows: 5, spellcheck: "false", class: "frame-text" });
  const kind = h("select", { id: kindId }, h("option", { value: "server" }, "сервер → клиент"), h("option", { value: "client" }, "клиент → сервер"));
  const out = h("p", { class: "verdict-output", role: "status" });
  const check = (event) => {
    event.preventDefault();
    let frame;
    try {
      frame = JSON.parse(text.value);
    } catch (error) {
      out.textContent = `Не JSON: ${error.message}`;
      out.dataset.verdict = "fail";
      return;
    }
    const verdict = kind.value === "server" ? validator.checkServerFrame(frame) : validator.checkClientFrame(frame);
    out.textContent = verdictText(verdict);
    out.dataset.verdict = verdict.ok ? "ok" : "fail";
    out.dataset.pointer = verdict.pointer ?? "";
  };
  return panel(
    "check",
    "Проверить кадр по AsyncAPI",
    h(
      "form",
      { onsubmit: check },
      h("div", { class: "field" }, h("label", { for: kindId, class: "label" }, "Направление"), kind),
      h("div", { class: "field wide" }, h("label", { for: textId, class: "label" }, "Кадр (JSON)"), text),
      h("button", { type: "submit" }, "Проверить"),
    ),
    out,
  );
}

function download(link, name, text, type) {
  if (link.href.startsWith("blob:")) URL.revokeObjectURL(link.href);
  link.href = URL.createObjectURL(new Blob([text], { type }));
  link.download = name;
  link.textContent = `Скачать ${name}`;
  link.hidden = false;
}

export function exportPanel(session) {
  const nameId = uid("scenario-name");
  const textId = uid("export-text");
  const name = h("input", { id: nameId, type: "text", value: "Сессия песочницы" });
  const text = h("textarea", { id: textId, rows: 14, readonly: true, spellcheck: "false", class: "frame-text" });
  const link = h("a", { class: "download", hidden: true }, "");
  const scenario = () => toScenario(session.entries, name.value.trim() || "Сессия песочницы");
  const asYaml = () => {
    const value = scenario();
    // YAML 1.1 quoting: `"on":` and `"yes"` stay strings for PyYAML (YAML 1.1) as for YAML 1.2 readers.
    text.value = stringify(value, { version: "1.1", lineWidth: 0 });
    text.dataset.format = "yaml";
    download(link, "scenario.yaml", text.value, "application/yaml");
  };
  const asPytest = () => {
    const value = scenario();
    text.value = pytestFile(value);
    text.dataset.format = "pytest";
    download(link, pytestFileName(value), text.value, "text/x-python");
  };
  return panel(
    "export",
    "Экспорт сессии",
    h("div", { class: "field" }, h("label", { for: nameId, class: "label" }, "Название сценария"), name),
    h("div", { class: "buttons" }, h("button", { type: "button", onclick: asYaml }, "Сценарий (YAML)"), h("button", { type: "button", onclick: asPytest }, "Тест pytest")),
    h("div", { class: "field wide" }, h("label", { for: textId, class: "label" }, "Результат"), text),
    link,
  );
}
