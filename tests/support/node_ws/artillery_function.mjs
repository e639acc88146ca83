// Runs one `function` step of an Artillery processor the way Artillery's ws engine does: with
// `context.ws` an open `ws` WebSocket, `context.vars`, an event emitter and a callback. Prints
// {"error": …, "emitted": […]} as JSON.
//   node artillery_function.mjs PROCESSOR FUNCTION WS_URL VARS_JSON
import { EventEmitter } from 'node:events';
import { createRequire } from 'node:module';
import path from 'node:path';

import WebSocket from 'ws';

const [processorPath, functionName, url, varsJson] = process.argv.slice(2);
const processor = createRequire(import.meta.url)(path.resolve(processorPath));
const socket = new WebSocket(url);
const events = new EventEmitter();
const emitted = [];
for (const kind of ['counter', 'histogram']) events.on(kind, (name) => emitted.push(`${kind} ${name}`));

socket.on('open', () => {
  const context = { ws: socket, vars: JSON.parse(varsJson) };
  processor[functionName](context, events, (error) => {
    console.log(JSON.stringify({ error: error ? String(error.message) : null, emitted }));
    socket.close();
  });
});
socket.on('error', (error) => {
  console.log(JSON.stringify({ error: `connect: ${error.message}`, emitted }));
  process.exit(1);
});
