// The composer of one connection: pick an action (its frame pre-filled from the AsyncAPI
// example), edit it, add `simulate` from a form, send it (or send the text as it is).
import { h, json, uid } from "./dom.js";
import { fieldSet } from "./fields.js";
import { freshRequestId, markUsed } from "./request-ids.js";
import { clientActions, simulateFields } from "./spec.js";

export function composer(doc, name, { onSend, onSendText }) {
  const actions = clientActions(doc);
  const actionId = uid(`${name}-action`);
  const frameId = uid(`${name}-frame`);
  const select = h("select", { id: actionId, name: "action" }, [...actions.keys()].map((a) => h("option", { value: a }, a)));
  const text = h("textarea", { id: frameId, name: "frame", rows: 8, spellcheck: "false", class: "frame-text" });
  const problem = h("p", { class: "problem", role: "alert" });
  const simulate = fieldSet(simulateFields(doc), `${name}-sim`);

  let prefilled; // {base, id}: the example's request_id and the unique one made of it
  const prefill = () => {
    const [example] = actions.get(select.value).examples;
    const frame = structuredClone(example?.payload ?? { action: select.value, payload: {} });
    prefilled = undefined;
    if (typeof frame.request_id === "string") {
      prefilled = { base: frame.request_id, id: freshRequestId(frame.request_id) };
      frame.request_id = prefilled.id;
    }
    text.value = json(frame);
    problem.textContent = "";
  };
  const read = () => {
    try {
      return JSON.parse(text.value);
    } catch (error) {
      problem.textContent = `Кадр — не JSON: ${error.message}`;
      return undefined;
    }
  };
  const addSimulate = () => {
    const frame = read();
    if (!frame) return;
    const values = simulate.values();
    if (Object.keys(values).length) frame.simulate = values;
    else delete frame.simulate;
    text.value = json(frame);
  };
  const clearSimulate = (event) => {
    for (const input of event.target.closest("details").querySelectorAll("input, select")) {
      if (input.type === "checkbox") input.checked = false;
      else input.value = "";
    }
  };
  const asTextId = uid(`${name}-as-text`);
  const asText = h("input", { id: asTextId, type: "checkbox", name: "as_text" });
  const send = (event) => {
    event.preventDefault();
    if (asText.checked) {
      problem.textContent = "";
      onSendText(text.value);
      return;
    }
    const frame = read();
    if (frame === undefined) return;
    problem.textContent = "";
    // Another card may have sent the same example meanwhile: an untouched id is made unique again.
    if (prefilled && frame.request_id === prefilled.id) frame.request_id = freshRequestId(prefilled.base);
    if (onSend(frame)) {
      markUsed(frame.request_id);
      prefill();
    }
  };
  select.addEventListener("change", prefill);
  prefill();

  const element = h(
    "form",
    { class: "composer", onsubmit: send, "aria-label": `Отправка кадра (${name})` },
    h("div", { class: "field" }, h("label", { for: actionId, class: "label" }, "Действие"), select),
    h("div", { class: "field wide" }, h("label", { for: frameId, class: "label" }, "Кадр (JSON)"), text),
    h(
      "details",
      { class: "simulate" },
      h("summary", {}, "Сбои (simulate)"),
      h("div", { class: "fields" }, simulate.elements),
      h("div", { class: "buttons" },
        h("button", { type: "button", onclick: addSimulate }, "Добавить simulate в кадр"),
        h("button", { type: "button", onclick: clearSimulate }, "Очистить сбои"),
      ),
    ),
    h("div", { class: "field field-boolean" }, h("label", { for: asTextId, class: "label" }, "как текст, без разбора JSON"), asText),
    problem,
    h("button", { type: "submit", class: "primary" }, "Отправить"),
  );
  return { element, select, text };
}
