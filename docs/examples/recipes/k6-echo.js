// k6: every WebSocket action answers ack, then its frames, then event (or error), all with the
// request's request_id. Count the answers per request_id; the request is done at event/error.
//   k6 run -e WS_URL=ws://localhost:8002/ws k6-echo.js
import ws from 'k6/ws';
import { check } from 'k6';
import { Counter, Trend } from 'k6/metrics';

export const options = { vus: 10, duration: '30s' };

const roundTrip = new Trend('echo_round_trip_ms', true);
const wrongAnswers = new Counter('echo_wrong_answers');
const URL = `${__ENV.WS_URL || 'ws://localhost:8002/ws'}?channel=general`;

export default function () {
  const res = ws.connect(URL, {}, (socket) => {
    const pending = {}; // request_id -> {sent, types}
    let n = 0;

    function sendEcho() {
      n += 1;
      const requestId = `k6-${__VU}-${__ITER}-${n}`;
      pending[requestId] = { sent: Date.now(), types: [] };
      socket.send(JSON.stringify({ action: 'echo', payload: { n }, request_id: requestId }));
    }

    socket.on('open', sendEcho);
    socket.on('message', (text) => {
      const frame = JSON.parse(text);
      const request = pending[frame.request_id];
      if (!request) return; // request_id null: a broadcast or a notification
      request.types.push(frame.type);
      if (frame.type !== 'event' && frame.type !== 'error') return; // ack, echo: keep waiting
      delete pending[frame.request_id];
      roundTrip.add(Date.now() - request.sent);
      const ok = check(request.types, { 'ack, echo, event': (t) => t.join() === 'ack,echo,event' });
      if (!ok) wrongAnswers.add(1);
      if (n < 20) sendEcho();
      else socket.close();
    });
    socket.setTimeout(() => socket.close(), 10000);
  });
  check(res, { 'handshake 101': (r) => r && r.status === 101 });
}
