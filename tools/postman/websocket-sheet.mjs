// The WebSocket half of the Postman kit. Postman's collection format cannot hold a WebSocket
// request that a runner can play, so testers get a sheet instead: for every action of
// api_specs/asyncapi.yaml (its summary and description), the messages to paste and the frames
// to expect in order, taken from the docs scenarios (scenarios/docs/*.yaml): the exchanges the
// docs show and CI runs are the ones written there, and nowhere else by hand. Written as Markdown
// for people, in Russian like the docs (the actions' texts are in websocket-sheet-ru.mjs), and as
// JSON for tools.

import { ACTIONS_RU } from './websocket-sheet-ru.mjs';

const IDENTITY = ['type', 'request_id', 'action', 'step', 'event', 'code'];

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

/** The docs scenarios' exchanges that answer a request in full (ack ... event), by action, in
 *  file order: the step's `example` names it, `send` is the message, `expect` the frames. */
function scenarioExchanges(scenarios) {
  const byAction = new Map();
  for (const { file, scenario } of scenarios) {
    scenario.steps.forEach((step, index) => {
      if (!step.example || !step.send || !step.expect) return;
      // The sheet teaches one habit: a request_id on every message, to tell its answers apart.
      if (typeof step.send.request_id !== 'string') return;
      const frames = step.expect.map((expected) => {
        if (!expected.frame) fail(`${file} step ${index + 1} (${step.example}): the sheet needs whole frames (frame:)`);
        return expected.frame;
      });
      if (frames.at(-1).type !== 'event') return; // an error answer: the sheet lists errors apart
      const source = `scenarios/docs/${file} step ${index + 1}`;
      const list = byAction.get(step.send.action) ?? [];
      list.push({
        name: step.example,
        message: step.send,
        text: inline(step.send),
        frames: frames.map((frame) => ({ type: frame.type, match: pick(frame, IDENTITY), example: frame, source })),
      });
      byAction.set(step.send.action, list);
    });
  }
  return byAction;
}

function actions(document, scenarios) {
  const exchanges = scenarioExchanges(scenarios);
  const found = [];
  for (const [id, operation] of Object.entries(document.operations)) {
    if (operation.action !== 'receive' || !operation.reply) continue;
    const requests = exchanges.get(operation.title) ?? [];
    if (!requests.length) fail(`action ${operation.title} (operation ${id}) has no exchange in scenarios/docs`);
    exchanges.delete(operation.title);
    found.push({
      action: operation.title,
      operation: id,
      summary: operation.summary,
      description: (operation.description ?? '').trim(),
      requests,
    });
  }
  if (exchanges.size) fail(`scenarios/docs send actions the spec does not have: ${[...exchanges.keys()]}`);
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

/** The `code` spans of a text: what a translation must keep. */
function codeSpans(text) {
  return new Set([...(text ?? '').matchAll(/`([^`]+)`/g)].map((match) => match[1]));
}

/** Each action's Russian summary and description, checked against the spec's English ones. */
function russianTexts(actions) {
  const names = actions.map((action) => action.action);
  const extra = Object.keys(ACTIONS_RU).filter((name) => !names.includes(name));
  if (extra.length) fail(`websocket-sheet-ru.mjs has texts for actions the spec does not have: ${extra}`);
  const texts = {};
  for (const action of actions) {
    const russian = ACTIONS_RU[action.action];
    if (!russian) fail(`websocket-sheet-ru.mjs has no Russian text for the action ${action.action}`);
    for (const key of ['summary', 'description']) {
      const kept = codeSpans(russian[key]);
      const lost = [...codeSpans(action[key])].filter((span) => !kept.has(span));
      if (lost.length) {
        fail(`the Russian ${key} of ${action.action} lacks what the spec says: ${lost.map((s) => `\`${s}\``).join(', ')}`);
      }
    }
    texts[action.action] = russian;
  }
  return texts;
}

function markdown(data) {
  const texts = russianTexts(data.actions);
  const lines = [
    '# Сообщения WebSocket для Postman',
    '',
    '<!-- Создано tools/postman/generate.mjs из api_specs/asyncapi.yaml и scenarios/docs. Не правьте руками: измените спецификацию или сценарии и запустите `node tools/postman/generate.mjs`. -->',
    '',
    'Коллекция Postman не умеет хранить WebSocket-запросы, поэтому здесь для каждого действия',
    'WebSocket-протокола — сообщение, которое нужно отправить, и кадры, которые придут в ответ, по',
    'порядку. Те же данные для программ — в `websocket-messages.json`.',
    '',
    '## Подключение',
    '',
    '1. В Postman: **New → WebSocket Request** (обычный WebSocket, не Socket.IO).',
    `2. URL: \`${data.connect.url}\` (или, с выбранным окружением «${data.connect.environment}», \`${data.connect.url_with_variables}\`).`,
    '   Это обычный `ws://`: **без TLS**. Без `channel` вы попадёте в канал `general`.',
    '3. Нажмите **Connect**. Статус сменится на *Connected*; соединение остаётся открытым.',
    '4. Вставьте сообщение из списка ниже в поле сообщения (формат **JSON** или Text) и нажмите **Send**.',
    '5. Ответы — на панели **Messages**. Postman показывает новые сообщения сверху, поэтому первый',
    '   ответ (`ack`) — нижний в своей группе. В каждом ответе — ваш `request_id`: меняйте его при',
    '   каждой отправке, чтобы отличать ответы друг от друга.',
    '',
    'В каждом ответе есть и `ts` (когда кадр создан, UTC); он меняется от запуска к запуску, поэтому',
    'в строках «сверять по» его нет.',
    '',
    '## Действия',
    '',
  ];
  for (const action of data.actions) {
    const russian = texts[action.action];
    lines.push(`### \`${action.action}\` — ${russian.summary}`, '', russian.description, '');
    for (const request of action.requests) {
      if (action.requests.length > 1) lines.push(`**${request.name}**`, '');
      lines.push('Отправьте:', '', '```json', request.text, '```', '', 'Ожидайте, в этом порядке:', '');
      request.frames.forEach((frame, index) => {
        lines.push(`${index + 1}. \`${frame.type}\` — сверять по \`${inline(frame.match)}\``);
        lines.push('', '   ```json', `   ${inline(frame.example)}`, '   ```');
      });
      lines.push('', 'На неверный ввод вместо них придёт кадр `error` (см. [Ошибки](#ошибки)).', '');
    }
  }
  lines.push(
    '## Кадры, о которых вы не просили',
    '',
    'Чтобы их увидеть, откройте вторую вкладку WebSocket Request с тем же URL: они приходят с',
    '`request_id: null`. `broadcast` получают все клиенты канала; `event order.created` и',
    '`event order.status_changed` — все подключённые клиенты, в любом канале, и неважно, пришло',
    'изменение по WebSocket или по REST (REST-запросы коллекции тоже их вызывают).',
    'Клиент, подключившийся с `since` (продолжить с места, где остановился) или с `presence=true`,',
    'первым получает `subscribed`, а затем пропущенные кадры `broadcast`; клиенты с `presence=true`',
    'получают `event channel.joined` и `event channel.left`, когда другой такой клиент',
    'подключается к каналу или уходит из него.',
    '',
  );
  for (const frame of data.notifications) lines.push(`- ${frame.name}:`, '', '  ```json', `  ${inline(frame.frame)}`, '  ```', '');
  lines.push(
    '## Ошибки',
    '',
    'Кадр `error` никогда не закрывает соединение. В нём ваш `request_id`, если его удалось',
    'прочитать (`null` для текста, который не JSON). Примеры:',
    '',
  );
  for (const frame of data.errors) lines.push(`- \`${frame.frame.code}\`:`, '', '  ```json', `  ${inline(frame.frame)}`, '  ```', '');
  return `${lines.join('\n').trimEnd()}\n`;
}

export function websocketSheet(document, environment, scenarios) {
  const value = (key) => environment.values.find((entry) => entry.key === key).value;
  const data = {
    generated_by: 'Generated by tools/postman/generate.mjs from api_specs/asyncapi.yaml and scenarios/docs',
    spec_version: document.info.version,
    connect: {
      url: `${value('wsUrl')}?channel=${value('channel')}`,
      url_with_variables: '{{wsUrl}}?channel={{channel}}',
      environment: environment.name,
      tls: false,
    },
    actions: actions(document, scenarios),
    notifications: unsolicited(document),
    errors: errorFrames(document),
  };
  return { data, markdown: markdown(data) };
}
