// A tiny element builder: h("button", {type: "button", onclick}, "Текст").

export function h(tag, attributes = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || value === null || value === false) continue;
    if (name.startsWith("on")) element.addEventListener(name.slice(2), value);
    else if (name === "dataset") Object.assign(element.dataset, value);
    else if (value === true) element.setAttribute(name, "");
    else element.setAttribute(name, String(value));
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    element.append(child instanceof Node ? child : String(child));
  }
  return element;
}

let counter = 0;

/** A unique id for a label's `for`. */
export function uid(prefix) {
  counter += 1;
  return `${prefix}-${counter}`;
}

export function json(value) {
  return JSON.stringify(value, null, 2);
}
