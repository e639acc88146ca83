// One connection's card: the handshake form, its state, the composer and the frame log.
import { Connection, STATE_TEXT, handshakeUrl } from "./connection.js";
import { h, json, uid } from "./dom.js";
import { fieldSet } from "./fields.js";
import { FrameLog } from "./log.js";
import { freshRequestId, markUsed } from "./request-ids.js";
import { clientActions, handshakeParameters, simulateFields, subprotocols } from "./spec.js";

function stateText(state, close) {
  if (state === "closed" && close) {
    return `${STATE_TEXT.closed}: код ${close.code}${close.reason ? `, причина «${close.reason}»` : ", без причины"}`;
  }
  return STATE_TEXT[state];
}

function handshakeForm(doc, name) {
  const query = fieldSet(handshakeParameters(doc), `${name}-hs`);
  const protocolId = uid(`${name}-subprotocol`);
  const protocol = h(
    "select",
    { id: protocolId, name: "subprotocol" },
    h("option", { value: "" }, "не предлагать"),
    subprotocols(doc).map((p) => h("option", { value: p }, p)),
  );
  const protocolField = h("div", { class: "field" }, h("label", { for: protocolId, class: "label" }, "Sec-WebSocket-Protocol"), protocol);
  return { query, protocol, elements: [...query.elements, protocolField] };
}

function composer(doc, name, { onSend, onSendText }) {
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

export function connectionCard({ name, doc, validator, session, onTrace }) {
  const connection = new Connection(name);
  const log = new FrameLog({ validator, onTrace });
  const handshake = handshakeForm(doc, name);
  const state = h("p", { class: "state", role: "status", dataset: { state: "idle" } }, `Состояние: ${STATE_TEXT.idle}`);
  const connectButton = h("button", { type: "submit", class: "primary" }, "Подключить");
  const closeButton = h("button", { type: "button", disabled: true, onclick: () => {
    session.closing(name);
    connection.disconnect();
  } }, "Закрыть");

  const connect = (event) => {
    event.preventDefault();
    const options = handshake.query.values();
    const subprotocol = handshake.protocol.value;
    const url = handshakeUrl(window.location, options);
    session.connected(name, options, subprotocol);
    log.note(`Подключение: ${url}${subprotocol ? ` (подпротокол ${subprotocol})` : ""}`);
    connection.connect(url, subprotocol);
  };

  connection.addEventListener("state", ({ detail }) => {
    state.textContent = `Состояние: ${stateText(detail.state, detail.close)}`;
    state.dataset.state = detail.state;
    if (detail.close) {
      state.dataset.closeCode = String(detail.close.code);
      state.dataset.closeReason = detail.close.reason;
    }
    connectButton.disabled = detail.state === "open" || detail.state === "connecting" || detail.state === "closing";
    closeButton.disabled = !(detail.state === "open" || detail.state === "connecting");
    if (detail.state === "open") log.note("Соединение открыто");
    if (detail.state === "closed") {
      session.closed(name, detail.close.code, detail.close.reason);
      log.note(`Соединение закрыто: ${stateText("closed", detail.close)}`, "closed");
    }
  });
  connection.addEventListener("frame", ({ detail }) => {
    if (detail.text !== undefined) session.sentText(name, detail.text, detail.at);
    else if (detail.direction === "out") session.sent(name, detail.frame, detail.at);
    else session.received(name, detail.frame, detail.at);
    log.add(detail);
  });

  const compose = composer(doc, name, {
    onSend: (frame) => {
      if (connection.state !== "open") {
        log.note("Сначала подключитесь", "problem");
        return false;
      }
      connection.send(frame);
      return true;
    },
    onSendText: (value) => {
      if (connection.state !== "open") log.note("Сначала подключитесь", "problem");
      else connection.sendText(value);
    },
  });

  const element = h(
    "article",
    { class: "connection", dataset: { connection: name }, "aria-label": `Соединение ${name}` },
    h("h2", {}, `Соединение ${name}`),
    h(
      "form",
      { class: "handshake", onsubmit: connect, "aria-label": `Рукопожатие (${name})` },
      h("details", { class: "options", open: true }, h("summary", {}, "Параметры рукопожатия"), h("div", { class: "fields" }, handshake.elements)),
      h("div", { class: "buttons" }, connectButton, closeButton),
    ),
    state,
    compose.element,
    h("h3", {}, "Журнал"),
    log.element,
  );
  return { element, connection };
}
