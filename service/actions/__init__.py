"""The WebSocket action protocol: a request in, frames out, testable without a socket."""
