// GETs of the service's REST API; an error answer (RFC 9457 problem) becomes a readable message.

export class ProblemError extends Error {
  constructor(status, problem) {
    super(problem?.detail ?? problem?.title ?? `HTTP ${status}`);
    this.status = status;
    this.problem = problem;
  }
}

export async function getJson(path) {
  const response = await fetch(path, { headers: { Accept: "application/json" }, cache: "no-store" });
  const type = response.headers.get("content-type") ?? "";
  const body = type.includes("json") ? await response.json() : await response.text();
  if (!response.ok) throw new ProblemError(response.status, typeof body === "object" ? body : { detail: body });
  return body;
}
