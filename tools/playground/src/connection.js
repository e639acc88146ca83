// One WebSocket connection of the playground: its handshake URL, its state, its frames.
// It only moves frames and reports what happened (events); rendering is the card's job.

export const STATE_TEXT = {
  idle: "не подключено",
  connecting: "подключается…",
  open: "открыто",
  closing: "закрывается…",
  closed: "закрыто",
};

/** The ws:// URL of the service that served this page, with the handshake's query parameters. */
export function handshakeUrl(location, options) {
  const url = new URL("/ws", location.href);
  url.protocol = location.protocol === "https:" ? "wss:" : "ws:";
  for (const [name, value] of Object.entries(options)) {
    if (value === undefined || value === null || value === "" || value === false) continue;
    url.searchParams.set(name, String(value));
  }
  return url.href;
}

export class Connection extends EventTarget {
  constructor(name) {
    super();
    this.name = name;
    this.state = "idle";
    this.socket = null;
    this.close = null;
  }

  connect(url, subprotocol) {
    if (this.socket && this.state !== "closed") throw new Error(`${this.name} is already connected`);
    this.close = null;
    this.socket = new WebSocket(url, subprotocol ? [subprotocol] : []);
    this.setState("connecting");
    this.socket.addEventListener("open", () => this.setState("open"));
    this.socket.addEventListener("message", (event) => this.received(event.data));
    this.socket.addEventListener("close", (event) => {
      this.close = { code: event.code, reason: event.reason, clean: event.wasClean };
      this.setState("closed");
    });
  }

  send(frame) {
    if (this.state !== "open") throw new Error(`${this.name} is not open`);
    const text = JSON.stringify(frame);
    this.socket.send(text);
    this.dispatchEvent(new CustomEvent("frame", { detail: { direction: "out", frame, at: performance.now() } }));
  }

  /** A text frame exactly as typed (not JSON, or JSON written by hand): the server's error handling. */
  sendText(text) {
    if (this.state !== "open") throw new Error(`${this.name} is not open`);
    this.socket.send(text);
    let frame;
    try {
      frame = JSON.parse(text);
    } catch {
      frame = undefined;
    }
    this.dispatchEvent(new CustomEvent("frame", { detail: { direction: "out", frame, text, at: performance.now() } }));
  }

  disconnect() {
    if (this.state === "open" || this.state === "connecting") {
      this.setState("closing");
      this.socket.close(1000, "closed in the playground");
    }
  }

  received(data) {
    let frame;
    try {
      frame = JSON.parse(data);
    } catch {
      frame = { unparsed: String(data) };
    }
    this.dispatchEvent(new CustomEvent("frame", { detail: { direction: "in", frame, at: performance.now() } }));
  }

  setState(state) {
    this.state = state;
    this.dispatchEvent(new CustomEvent("state", { detail: { state, close: this.close } }));
  }
}
