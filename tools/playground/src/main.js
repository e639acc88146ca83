// The playground page: reads the AsyncAPI document, then builds the connections and panels.
import { connectionCard } from "./card.js";
import { checkPanel, eventsPanel, exportPanel, statsPanel, tracePanel } from "./panels.js";
import { Session } from "./session.js";
import { loadAsyncApi } from "./spec.js";
import { FrameValidator } from "./validate.js";

const NAMES = ["main", "second", "third", "fourth"];

function nameFor(index) {
  return NAMES[index] ?? `conn${index + 1}`;
}

async function start() {
  const status = document.getElementById("status");
  let doc;
  try {
    doc = await loadAsyncApi();
  } catch (error) {
    status.textContent = `Не удалось прочитать AsyncAPI: ${error.message}`;
    status.dataset.state = "error";
    return;
  }
  const validator = new FrameValidator(doc);
  const session = new Session();
  const trace = tracePanel();
  const grid = document.getElementById("connections");
  const add = () => {
    const card = connectionCard({ name: nameFor(grid.childElementCount), doc, validator, session, onTrace: trace.open });
    grid.append(card.element);
  };
  add();
  add();
  document.getElementById("add-connection").addEventListener("click", add);
  document.getElementById("panels").append(statsPanel(), eventsPanel(), trace.element, checkPanel(validator), exportPanel(session));
  status.textContent = `AsyncAPI ${doc.info.version} прочитан: ${doc.info.title}`;
  status.dataset.state = "ready";
}

start();
