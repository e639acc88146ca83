// Form fields built from JSON Schemas of the AsyncAPI document (the handshake's query and
// `simulate`): each field knows how to read its value back, typed as the schema says.
import { h, uid } from "./dom.js";

function hint(schema) {
  const bounds = [];
  if (schema.minimum !== undefined) bounds.push(`от ${schema.minimum}`);
  if (schema.maximum !== undefined) bounds.push(`до ${schema.maximum}`);
  return bounds.join(" ");
}

function numberField(name, schema, id) {
  const input = h("input", {
    id,
    name,
    type: "number",
    inputmode: schema.type === "integer" ? "numeric" : "decimal",
    min: schema.minimum,
    max: schema.maximum,
    step: schema.type === "integer" ? 1 : "any",
    placeholder: schema.default !== undefined ? String(schema.default) : hint(schema),
  });
  return { input, read: () => (input.value === "" ? undefined : Number(input.value)) };
}

function textField(name, schema, id) {
  const input = h("input", { id, name, type: "text", maxlength: schema.maxLength, placeholder: schema.default });
  return { input, read: () => (input.value === "" ? undefined : input.value) };
}

function booleanField(name, id) {
  const input = h("input", { id, name, type: "checkbox" });
  return { input, read: () => (input.checked ? true : undefined) };
}

function enumField(name, schema, id) {
  const input = h("select", { id, name }, h("option", { value: "" }, "—"), schema.enum.map((v) => h("option", { value: v }, v)));
  return { input, read: () => (input.value === "" ? undefined : input.value) };
}

function choicesField(name, schema, id) {
  const boxes = schema.items.enum.map((value) => h("input", { type: "checkbox", name, value, id: `${id}-${value}` }));
  const input = h(
    "span",
    { class: "choices", role: "group", "aria-labelledby": `${id}-label` },
    boxes.map((box) => h("label", { class: "choice" }, box, box.value)),
  );
  return {
    input,
    labelId: `${id}-label`,
    read: () => {
      const checked = boxes.filter((box) => box.checked).map((box) => box.value);
      return checked.length ? checked : undefined;
    },
  };
}

function objectField(name, schema, prefix) {
  const inner = Object.entries(schema.properties).map(([key, value]) => field(key, value, `${prefix}-${name}`));
  const input = h("fieldset", { class: "nested" }, h("legend", {}, name), inner.map((f) => f.element));
  return {
    element: input,
    read: () => {
      const value = {};
      for (const f of inner) {
        const v = f.read();
        if (v !== undefined) value[f.name] = v;
      }
      return Object.keys(value).length ? value : undefined;
    },
  };
}

/** One field: {name, element, read()}; `read` gives undefined for an empty field. */
export function field(name, schema, prefix) {
  if (schema.type === "object" && schema.properties) return { name, ...objectField(name, schema, prefix) };
  const id = uid(`${prefix}-${name}`);
  let made;
  if (schema.type === "boolean") made = booleanField(name, id);
  else if (schema.type === "integer" || schema.type === "number") made = numberField(name, schema, id);
  else if (schema.type === "array" && schema.items?.enum) made = choicesField(name, schema, id);
  else if (schema.enum) made = enumField(name, schema, id);
  else made = textField(name, schema, id);
  const label = made.labelId
    ? h("span", { id: made.labelId, class: "label" }, name)
    : h("label", { for: id, class: "label" }, name);
  const element = h("div", { class: `field field-${schema.type ?? "any"}`, title: schema.description?.trim() }, label, made.input);
  return { name, element, read: made.read };
}

/** Several fields; `values()` gives an object of the filled ones. */
export function fieldSet(parameters, prefix) {
  const fields = parameters.map(({ name, schema }) => field(name, schema, prefix));
  return {
    elements: fields.map((f) => f.element),
    values() {
      const values = {};
      for (const f of fields) {
        const value = f.read();
        if (value !== undefined) values[f.name] = value;
      }
      return values;
    },
  };
}
