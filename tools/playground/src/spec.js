// The AsyncAPI document, read at run time from the service (/specs/asyncapi.yaml): the actions
// and their examples, the server frame types, the handshake's query parameters and `simulate`
// all come from it, so the playground follows the contract without a rebuild.
import { parse } from "yaml";

export const SPEC_URL = "/specs/asyncapi.yaml";

export async function loadAsyncApi(url = SPEC_URL) {
  const response = await fetch(url, { cache: "no-cache" });
  if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
  // YAML 1.2 (the yaml package's default core schema) leaves timestamps as strings, as JSON has them.
  return parse(await response.text());
}

export function refName(ref) {
  return ref.split("/").pop();
}

export function resolvePointer(doc, ref) {
  if (!ref.startsWith("#/")) throw new Error(`not a local $ref: ${ref}`);
  return ref
    .slice(2)
    .split("/")
    .map((part) => part.replaceAll("~1", "/").replaceAll("~0", "~"))
    .reduce((node, key) => {
      if (node == null || !(key in node)) throw new Error(`$ref ${ref} leads nowhere`);
      return node[key];
    }, doc);
}

export function resolve(doc, node) {
  let current = node;
  while (current && typeof current === "object" && "$ref" in current) {
    current = resolvePointer(doc, current.$ref);
  }
  return current;
}

/** A schema with its `$ref` and single-member `allOf` folded in: what a form field needs. */
export function flatten(doc, node) {
  const here = { ...node };
  delete here.$ref;
  delete here.allOf;
  const parts = [];
  if (node.$ref) parts.push(flatten(doc, resolvePointer(doc, node.$ref)));
  for (const member of node.allOf ?? []) parts.push(flatten(doc, member));
  return Object.assign({}, ...parts, here);
}

function wsChannel(doc) {
  const channel = Object.values(doc.channels ?? {}).find((c) => c.bindings?.ws);
  if (!channel) throw new Error("the AsyncAPI document has no channel with a ws binding");
  return channel;
}

/** The client's actions: name → {schema, examples: [{name, payload}]}, in the document's order. */
export function clientActions(doc) {
  const actions = new Map();
  for (const entry of Object.values(wsChannel(doc).messages)) {
    const message = resolve(doc, entry);
    const schemaRef = message.payload?.$ref;
    const schema = resolve(doc, message.payload);
    const action = schema?.properties?.action?.const;
    if (!action || !schemaRef) continue;
    actions.set(action, {
      schema: refName(schemaRef),
      examples: (message.examples ?? []).map((example) => ({ name: example.name, payload: example.payload })),
    });
  }
  return actions;
}

/** Server frame `type` → the name of its schema in components/schemas. */
export function serverFrameSchemas(doc) {
  const byType = new Map();
  for (const entry of Object.values(wsChannel(doc).messages)) {
    const message = resolve(doc, entry);
    const schema = resolve(doc, message.payload);
    const type = schema?.properties?.type?.const;
    if (type && message.payload.$ref) byType.set(type, refName(message.payload.$ref));
  }
  return byType;
}

/** The handshake's query parameters (the ws binding): [{name, schema}] with schemas flattened. */
export function handshakeParameters(doc) {
  const query = wsChannel(doc).bindings.ws.query ?? { properties: {} };
  return Object.entries(query.properties).map(([name, schema]) => ({ name, schema: flatten(doc, schema) }));
}

/** The offered subprotocol(s) of the ws binding's headers, e.g. ["qakit.v1"]. */
export function subprotocols(doc) {
  const header = wsChannel(doc).bindings.ws.headers?.properties?.["Sec-WebSocket-Protocol"];
  return header ? flatten(doc, header).enum ?? [] : [];
}

/** The `simulate` schema of a request, flattened one level: [{name, schema}]. */
export function simulateFields(doc) {
  const simulate = flatten(doc, { $ref: "#/components/schemas/Simulate" });
  return Object.entries(simulate.properties).map(([name, schema]) => {
    const flat = flatten(doc, schema);
    if (flat.items) flat.items = flatten(doc, flat.items);
    if (flat.properties) {
      flat.properties = Object.fromEntries(
        Object.entries(flat.properties).map(([key, value]) => [key, flatten(doc, value)]),
      );
    }
    return { name, schema: flat };
  });
}
