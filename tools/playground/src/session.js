// What happened in this page, in order, on every connection: the material of an export.

export class Session {
  constructor() {
    this.entries = [];
  }

  /** A handshake: `options` are its query parameters, `subprotocol` the one offered (or ""). */
  connected(connection, options, subprotocol) {
    this.entries.push({ kind: "connect", connection, options, subprotocol, at: performance.now() });
  }

  sent(connection, frame, at) {
    this.entries.push({ kind: "send", connection, frame, at });
  }

  sentText(connection, text, at) {
    this.entries.push({ kind: "send_text", connection, text, at });
  }

  received(connection, frame, at) {
    this.entries.push({ kind: "receive", connection, frame, at });
  }

  /** The client asked to close. */
  closing(connection) {
    this.entries.push({ kind: "close", connection, at: performance.now() });
  }

  /** The connection is closed, by either side, with this code. */
  closed(connection, code, reason) {
    this.entries.push({ kind: "closed", connection, code, reason, at: performance.now() });
  }
}
