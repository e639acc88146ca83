// The WebSocket half of the Postman kit. Postman's collection format cannot hold a WebSocket
// request that a runner can play, so testers get a sheet instead: for every action of
// api_specs/asyncapi.yaml, the message to paste (its request examples) and the frames to expect
// in order (its reply messages, filled in with the server message examples of the same
// `request_id`). Written as Markdown for people and as JSON for tools.

const IDENTITY = ['type', 'request_id', 'action', 'step', 'event', 'code'];
const COMMON = ['type', 'ts', 'request_id'];

function fail(message) {
  throw new Error(`websocket-sheet.mjs: ${message}`);
}

function resolveRef(document, ref) {
  return ref
    .slice(2)
    .split('/')
    .reduce((node, key) => {
      if (node === undefined || !(key in node)) fail(`$ref ${ref} does not resolve`);
      return node[key];
    }, document);
}

/** Follows a chain of $refs; returns the node and the last $ref, which names where it lives. */
function follow(document, node) {
  let current = node;
  let where;
  while (current && typeof current === 'object' && '$ref' in current) {
    where = current.$ref;
    current = resolveRef(document, current.$ref);
  }
  return { node: current, where };
}

/** JSON the way the tester guide writes it: one line, a space after `:` and `,`. */
export function inline(value) {
  if (Array.isArray(value)) return `[${value.map(inline).join(', ')}]`;
  if (value && typeof value === 'object') {
    return `{${Object.entries(value).map(([key, item]) => `${JSON.stringify(key)}: ${inline(item)}`).join(', ')}}`;
  }
  return JSON.stringify(value);
}

function pick(frame, keys) {
  return Object.fromEntries(keys.filter((key) => key in frame).map((key) => [key, frame[key]]));
}

function messageExamples(document, ref) {
  const { node: message, where } = follow(document, ref);
  const examples = (message.examples ?? []).map((example, index) => ({
    name: example.name ?? String(index),
    payload: example.payload,
    source: `asyncapi.yaml${where}/examples/${index}`,
  }));
  return { message, where, examples, schema: follow(document, message.payload).node };
}

function eventNamesIn(text) {
  return [...(text ?? '').matchAll(/`event ([A-Za-z0-9_.]+)`/g)].map((match) => match[1]);
}

/** The frames that answer one request, in order, with an example wherever the spec has one. */
function expectedFrames(document, operation, request) {
  const { request_id: requestId, action } = request;
  const eventNames = eventNamesIn(operation.description);
  const knownEvents = document.components.schemas.EventName.enum;
  const frames = [];
  for (const ref of operation.reply.messages) {
    const reply = messageExamples(document, ref);
    const type = reply.schema.properties.type.const;
    if (type === 'error') continue; // an alternative answer, listed apart
    const own = reply.examples.filter((example) => example.payload.request_id === requestId);
    if (type === 'event') {
      const named = own.map((example) => example.payload.event);
      const expected = eventNames[0];
      if (!expected && !named.length) fail(`${operation.title}: no event name in its description or examples`);
      if (expected && !knownEvents.includes(expected)) fail(`${operation.title}: unknown event ${expected}`);
      if (expected && named.length && !named.includes(expected)) {
        fail(`${operation.title}: description says event ${expected}, examples say ${named}`);
      }
    }
    if (own.length) {
      for (const example of own) {
        frames.push({ type, match: pick(example.payload, IDENTITY), example: example.payload, source: example.source });
      }
      continue;
    }
    // No example for this request: a frame whose fields are all known (ack) is adapted from the
    // message's own example; any other frame is described by the fields it is matched on.
    const fields = Object.keys(reply.schema.properties).filter((key) => !COMMON.includes(key));
    if (reply.examples.length && fields.every((key) => key === 'action')) {
      const example = { ...reply.examples[0].payload, request_id: requestId };
      if (fields.includes('action')) example.action = action;
      frames.push({ type, match: pick(example, IDENTITY), example, source: `adapted from ${reply.examples[0].source}` });
      continue;
    }
    const match = { type, request_id: requestId };
    if (type === 'event') match.event = eventNames[0];
    frames.push({ type, match, example: null, source: null });
  }
  return frames;
}

function actions(document) {
  const found = [];
  for (const [id, operation] of Object.entries(document.operations)) {
    if (operation.action !== 'receive' || !operation.reply) continue;
    const { node: requestMessage } = follow(document, operation.messages[0]);
    const requests = (requestMessage.examples ?? []).map((example) => ({
      name: example.name,
      message: example.payload,
      text: inline(example.payload),
      frames: expectedFrames(document, operation, example.payload),
    }));
    if (!requests.length) fail(`operation ${id} has no request example`);
    found.push({
      action: operation.title,
      operation: id,
      summary: operation.summary,
      description: (operation.description ?? '').trim(),
      requests,
    });
  }
  return found;
}

function unsolicited(document) {
  const frames = [];
  for (const operation of Object.values(document.operations)) {
    if (operation.action !== 'send' || follow(document, operation.channel).node.address !== '/ws') continue;
    for (const ref of operation.messages) {
      for (const example of messageExamples(document, ref).examples) {
        if (example.payload.request_id === null) {
          frames.push({ name: example.name, frame: example.payload, source: example.source });
        }
      }
    }
  }
  return frames;
}

function errorFrames(document) {
  const { examples } = messageExamples(document, { $ref: '#/components/messages/Error' });
  return examples.map((example) => ({ name: example.name, frame: example.payload, source: example.source }));
}

function markdown(data) {
  const lines = [
    '# WebSocket messages for Postman',
    '',
    `<!-- ${data.generated_by}. Do not edit: change the spec and run \`node tools/postman/generate.mjs\`. -->`,
    '',
    "Postman's collection files cannot hold WebSocket requests, so this page lists, for every action",
    'of the WebSocket protocol, the message to send and the frames that answer it, in order. The same',
    'data is in `websocket-messages.json`.',
    '',
    '## Connect',
    '',
    '1. In Postman: **New → WebSocket Request** (a raw WebSocket, not Socket.IO).',
    `2. URL: \`${data.connect.url}\` (with the environment "${data.connect.environment}" selected: \`${data.connect.url_with_variables}\`).`,
    '   It is plain `ws://`: **no TLS**. Without `channel` you join `general`.',
    '3. **Connect**. The status turns to *Connected*; the connection stays open.',
    '4. Paste a message below into the message box (format **JSON** or Text) and press **Send**.',
    '5. Read the answers in the **Messages** pane. Postman shows the newest message at the top, so the',
    '   first answer (`ack`) is the lowest of the group. Every answer carries your `request_id`:',
    '   change it for every send to tell the answers apart.',
    '',
    'Each answer also has `ts` (when it was made, UTC); it differs on every run, so it is not shown in',
    'the "match on" lines.',
    '',
    '## Actions',
    '',
  ];
  for (const action of data.actions) {
    lines.push(`### \`${action.action}\` — ${action.summary}`, '');
    if (action.description) lines.push(action.description, '');
    for (const request of action.requests) {
      if (action.requests.length > 1) lines.push(`**${request.name}**`, '');
      lines.push('Send:', '', '```json', request.text, '```', '', 'Expect, in this order:', '');
      request.frames.forEach((frame, index) => {
        lines.push(`${index + 1}. \`${frame.type}\` — match on \`${inline(frame.match)}\``);
        if (frame.example) lines.push('', '   ```json', `   ${inline(frame.example)}`, '   ```');
        else lines.push('   (the spec has no example of this frame for this request)');
      });
      lines.push('', 'Bad input is answered with an `error` frame instead (see [Errors](#errors)).', '');
    }
  }
  lines.push(
    '## Frames nobody asked for',
    '',
    'Open a second WebSocket Request tab (same URL) to see them: they arrive with `request_id: null`.',
    '`broadcast` reaches every client of the channel; `event order.created` and',
    '`event order.status_changed` reach every connected client, whatever its channel, whether the',
    'change came over WebSocket or REST (the REST requests of the collection trigger them too).',
    '',
  );
  for (const frame of data.notifications) lines.push(`- ${frame.name}:`, '', '  ```json', `  ${inline(frame.frame)}`, '  ```', '');
  lines.push(
    '## Errors',
    '',
    'An `error` frame never closes the connection. It keeps your `request_id` when one could be read',
    '(`null` for text that is not JSON). Examples:',
    '',
  );
  for (const frame of data.errors) lines.push(`- \`${frame.frame.code}\`:`, '', '  ```json', `  ${inline(frame.frame)}`, '  ```', '');
  return `${lines.join('\n').trimEnd()}\n`;
}

export function websocketSheet(document, environment) {
  const value = (key) => environment.values.find((entry) => entry.key === key).value;
  const data = {
    generated_by: 'Generated by tools/postman/generate.mjs from api_specs/asyncapi.yaml',
    spec_version: document.info.version,
    connect: {
      url: `${value('wsUrl')}?channel=${value('channel')}`,
      url_with_variables: '{{wsUrl}}?channel={{channel}}',
      environment: environment.name,
      tls: false,
    },
    actions: actions(document),
    notifications: unsolicited(document),
    errors: errorFrames(document),
  };
  return { data, markdown: markdown(data) };
}
