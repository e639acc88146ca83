// Artillery processor: send one action and wait for every frame answering its request_id —
// ack, the action's frames, then event (or error) — before the flow goes on.
const { randomUUID } = require('node:crypto');

const EXPECTED = ['ack', 'echo', 'event'];
const TIMEOUT_MS = 5000;

function echoThreeFrames(context, events, done) {
  const ws = context.ws; // the ws engine's open connection (a `ws` WebSocket)
  const requestId = `art-${randomUUID()}`;
  const types = [];
  const started = Date.now();

  const timer = setTimeout(() => finish(new Error(`only ${types.join(',') || 'nothing'} for ${requestId}`)), TIMEOUT_MS);
  function finish(error) {
    clearTimeout(timer);
    ws.removeListener('message', onMessage);
    if (!error) events.emit('histogram', 'echo.round_trip_ms', Date.now() - started);
    events.emit('counter', error ? 'echo.failed' : 'echo.ok', 1);
    return done(error);
  }
  function onMessage(data) {
    const frame = JSON.parse(data.toString());
    if (frame.request_id !== requestId) return; // request_id null: broadcasts, notifications
    types.push(frame.type);
    if (frame.type !== 'event' && frame.type !== 'error') return;
    const same = types.join() === EXPECTED.join();
    return finish(same ? undefined : new Error(`expected ${EXPECTED.join(',')}, got ${types.join(',')}`));
  }
  ws.on('message', onMessage);
  ws.send(JSON.stringify({ action: context.vars.echoAction, payload: { text: 'hello' }, request_id: requestId }));
}

module.exports = { echoThreeFrames };
