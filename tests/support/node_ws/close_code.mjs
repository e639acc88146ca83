// Connects `tries` times, provokes one close each time, prints the close codes as JSON.
// Usage: node close_code.mjs URL CASE TRIES   (CASE: too_big | bad_utf8 | flood | simulated | disconnect)
import WebSocket from "ws";

const [url, kind, tries] = [process.argv[2], process.argv[3], Number(process.argv[4])];

function once() {
  return new Promise((resolve) => {
    const ws = new WebSocket(url, { maxPayload: 1 << 22 });
    const timer = setTimeout(() => { ws.terminate(); resolve("timeout"); }, 10000);
    ws.on("error", (error) => { clearTimeout(timer); resolve(`error ${error.code || error.message}`); });
    ws.on("close", (code) => { clearTimeout(timer); resolve(code); });
    ws.on("open", () => {
      if (kind === "too_big") {
        ws.send("x".repeat(70 * 1024));
      } else if (kind === "bad_utf8") {
        ws.send(Buffer.from([0x7b, 0xff, 0xfe, 0x7d]), { binary: false });
      } else if (kind === "simulated") {
        ws.send(JSON.stringify({ action: "ping", request_id: "c", simulate: { close: { code: 4001 } } }));
      } else if (kind === "disconnect") {
        // the server closes on its own (disconnect_after_ms in the URL)
      } else {
        for (let n = 0; n < 400; n += 1) {
          ws.send(JSON.stringify({ action: "ping", request_id: `f-${n}` }));
        }
      }
    });
  });
}

const codes = [];
for (let n = 0; n < tries; n += 1) {
  codes.push(await once());
}
console.log(JSON.stringify(codes));
