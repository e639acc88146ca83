// The WebSocket sheet speaks Russian, like the docs, while api_specs/asyncapi.yaml is written in
// English. Each action's summary and description, in Russian. websocket-sheet.mjs refuses an
// action of the spec without an entry here, an entry for no action, and a text that lost a
// `code` span of the spec's own (a frame, an event, a transition), so the two cannot drift apart.

export const ACTIONS_RU = {
  echo: {
    summary: 'Вернуть `payload` как есть.',
    description: 'Кадры: `ack`, `echo` (ваш `payload` в поле `data`), `event ws.echo`.',
  },
  triplet_demo: {
    summary: 'Один запрос, несколько ответов.',
    description: 'Кадры: `ack`, `step 1`, `step 2`, `event ws.triplet_demo`.',
  },
  broadcast: {
    summary: 'Отправить сообщение всем клиентам своего канала.',
    description: [
      'Кадры отправителю: `ack`, `broadcast`, `event ws.broadcast`. Все остальные клиенты канала',
      'получают кадр `broadcast` с `request_id: null`; клиенты других каналов не получают ничего.',
      'Каждая рассылка получает следующий `offset` канала (1, 2, 3, …) и остаётся в его истории',
      '(см. `history`).',
    ].join('\n'),
  },
  get_order: {
    summary: 'Прочитать один заказ по `id`.',
    description: 'Кадры: `ack`, `order` (заказ или `data: null`, если такого нет), `event order.viewed`.',
  },
  list_orders: {
    summary: 'Последние заказы, новые первыми.',
    description: 'Кадры: `ack`, `orders`, `event order.listed`.',
  },
  create_order: {
    summary: 'Создать заказ в статусе `created`.',
    description: [
      'Кадры: `ack`, `order`, `event order.created`. Все остальные подключённые клиенты, в любом',
      'канале, получают `event order.created` с `request_id: null`.',
    ].join('\n'),
  },
  change_status: {
    summary: 'Перевести заказ в другой статус.',
    description: [
      'Допустимые переходы: `created → paid | cancelled`, `paid → shipped | cancelled`, `shipped → delivered`.',
      'Кадры: `ack`, `order`, `event order.status_changed`; все остальные подключённые клиенты',
      'получают `event order.status_changed` с `request_id: null`. На недопустимый переход приходят',
      '`ack` и `error invalid_transition`, заказ не меняется; на несуществующий заказ — `ack` и',
      '`error order_not_found`.',
    ].join('\n'),
  },
  ping: {
    summary: 'Проверить соединение (старое имя, оставлено ради старых тест-кейсов).',
    description: 'Кадры: `ack`, `event ws.pong`.',
  },
  history: {
    summary: 'Кадры, которые канал разослал после заданного смещения.',
    description: [
      'Кадры: `ack`, `history` (`epoch` и `offset` канала и те кадры после `since`, что ещё',
      'хранятся, от старых к новым, не больше `limit`), `event channel.history`.',
      '`complete: false`, если часть кадров после `since` из истории уже ушла.',
    ].join('\n'),
  },
  presence: {
    summary: 'Кто присутствует в канале.',
    description: [
      'Кадры: `ack`, `presence` (клиенты канала, подключившиеся с `presence=true`: их `client_id`',
      'и `name`), `event channel.presence`.',
    ].join('\n'),
  },
};
