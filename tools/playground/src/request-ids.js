// request_ids unique in this page, so every request's answers form a group of their own.
const used = new Set();

/** The example's request_id the first time, then `<it>-2`, `<it>-3`, … */
export function freshRequestId(base) {
  if (!used.has(base)) return base;
  let n = 2;
  while (used.has(`${base}-${n}`)) n += 1;
  return `${base}-${n}`;
}

export function markUsed(requestId) {
  if (typeof requestId === "string") used.add(requestId);
}
