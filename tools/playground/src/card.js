// One connection's card: the handshake form, its state, the composer and the frame log.
import { composer } from "./composer.js";
import { Connection, STATE_TEXT, handshakeUrl } from "./connection.js";
import { h, uid } from "./dom.js";
import { fieldSet } from "./fields.js";
import { FrameLog } from "./log.js";
import { handshakeParameters, subprotocols } from "./spec.js";

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
