// Closed-loop WebSocket load generator, one Node.js process apart from the servers it drives.
// Usage: node loadgen.mjs '<json options>'  → prints one JSON result line.
//   {"mode":"echo","url":...,"connections":50,"seconds":5,"warmup":1}
//   {"mode":"broadcast","url":...,"receivers":1000,"rounds":40}
//   {"mode":"idle","url":...,"connections":5000}   (prints {"ready":n}, closes on stdin end)
import { WebSocket } from "ws";

const options = JSON.parse(process.argv[2]);
const cpuStart = process.cpuUsage();
const wallStart = process.hrtime.bigint();

function cpuShare() {
  const cpu = process.cpuUsage(cpuStart);
  const wall = Number(process.hrtime.bigint() - wallStart) / 1e3;
  return (cpu.user + cpu.system) / wall;
}

function open(url, n, batch = 200) {
  return new Promise((resolve, reject) => {
    const sockets = [];
    let opened = 0;
    let started = 0;
    const next = () => {
      while (started < n && started - opened < batch) {
        started++;
        const ws = new WebSocket(url, { perMessageDeflate: false });
        ws.on("open", () => {
          sockets.push(ws);
          opened++;
          if (opened === n) resolve(sockets);
          else next();
        });
        ws.on("error", reject);
      }
    };
    next();
  });
}

function quantile(sorted, q) {
  if (sorted.length === 0) return null;
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}

async function echo({ url, connections, seconds, warmup }) {
  const sockets = await open(url, connections);
  const latencies = [];
  let measuring = false;
  let stopped = false;
  let count = 0;
  const payload = { text: "hello" };
  await Promise.all(
    sockets.map(
      (ws, i) =>
        new Promise((done) => {
          let seq = 0;
          let sentAt = 0n;
          const send = () => {
            if (stopped) return done();
            seq++;
            sentAt = process.hrtime.bigint();
            ws.send(JSON.stringify({ action: "echo", payload, request_id: `c${i}-${seq}` }));
          };
          ws.on("message", (data) => {
            const frame = JSON.parse(data);
            if (frame.type !== "event") return;
            if (measuring) {
              count++;
              latencies.push(Number(process.hrtime.bigint() - sentAt) / 1e6);
            }
            send();
          });
          send();
        }),
    ).concat([
      (async () => {
        await new Promise((r) => setTimeout(r, warmup * 1000));
        measuring = true;
        const t0 = process.hrtime.bigint();
        await new Promise((r) => setTimeout(r, seconds * 1000));
        measuring = false;
        stopped = true;
        options.elapsed = Number(process.hrtime.bigint() - t0) / 1e9;
      })(),
    ]),
  );
  sockets.forEach((ws) => ws.terminate());
  latencies.sort((a, b) => a - b);
  return {
    round_trips_per_s: count / options.elapsed,
    p50_ms: quantile(latencies, 0.5),
    p99_ms: quantile(latencies, 0.99),
    round_trips: count,
  };
}

async function broadcastRounds({ url, receivers, rounds, slow = 0 }) {
  const listeners = await open(url, receivers);
  const [sender] = await open(url, 1);
  // Clients that never read: their socket is paused, so the server's buffers for them fill up.
  const stalled = slow ? await open(url, slow) : [];
  for (const ws of stalled) ws._socket.pause();
  const times = [];
  for (let round = 0; round < rounds; round++) {
    const message = `round-${round}`;
    const t0 = process.hrtime.bigint();
    let left = receivers;
    await new Promise((done) => {
      const onMessage = (data) => {
        if (data.toString().includes(message)) {
          left--;
          if (left === 0) done();
        }
      };
      for (const ws of listeners) ws.on("message", onMessage);
      sender.send(JSON.stringify({ action: "broadcast", payload: { message }, request_id: `b-${round}` }));
      options.cleanup = () => listeners.forEach((ws) => ws.off("message", onMessage));
    });
    times.push(Number(process.hrtime.bigint() - t0) / 1e6);
    options.cleanup();
    await new Promise((r) => setTimeout(r, 20));
  }
  [...listeners, sender, ...stalled].forEach((ws) => ws.terminate());
  const warm = times.slice(2).sort((a, b) => a - b);
  return { p50_ms: quantile(warm, 0.5), p99_ms: quantile(warm, 0.99), rounds: warm.length };
}

async function idle({ url, connections }) {
  const sockets = await open(url, connections);
  process.stdout.write(JSON.stringify({ ready: sockets.length }) + "\n");
  await new Promise((r) => process.stdin.on("end", r).resume());
  sockets.forEach((ws) => ws.terminate());
  return { connections: sockets.length };
}

const modes = { echo, broadcast: broadcastRounds, idle };
const result = await modes[options.mode](options);
result.loadgen_cpu = cpuShare();
process.stdout.write(JSON.stringify(result) + "\n");
process.exit(0);
