// Every frame, in both directions, checked against the AsyncAPI document's own schemas.
//
// AsyncAPI 3.0 schemas without a `schemaFormat` are AsyncAPI Schema objects, a superset of
// JSON Schema draft-07, so the default Ajv class (draft-07) compiles them. `strict: false`
// because the document uses AsyncAPI's own keywords (`discriminator: action`, a string), which
// are not Ajv's.
import Ajv from "ajv";
import addFormats from "ajv-formats";

import { clientActions, serverFrameSchemas } from "./spec.js";

const DOCUMENT_ID = "asyncapi.yaml";

export class FrameValidator {
  constructor(doc) {
    this.ajv = new Ajv({ strict: false, allErrors: false, validateSchema: false });
    addFormats(this.ajv);
    this.ajv.addSchema({ $id: DOCUMENT_ID, components: { schemas: doc.components.schemas } });
    this.serverSchemas = serverFrameSchemas(doc);
    this.clientSchemas = new Map([...clientActions(doc)].map(([action, { schema }]) => [action, schema]));
    this.compiled = new Map();
  }

  schemaFor(name) {
    if (!this.compiled.has(name)) {
      const validate = this.ajv.getSchema(`${DOCUMENT_ID}#/components/schemas/${name}`);
      if (!validate) throw new Error(`no schema ${name} in the AsyncAPI document`);
      this.compiled.set(name, validate);
    }
    return this.compiled.get(name);
  }

  /** A frame the server sent: checked against the schema of its `type` (else ServerFrame). */
  checkServerFrame(frame) {
    const schema = this.serverSchemas.get(frame?.type);
    if (schema) return this.check(frame, schema);
    const types = [...this.serverSchemas.keys()].join(", ");
    return { ok: false, schema: "ServerFrame", pointer: "/type", message: `must be one of ${types}`, keyword: "oneOf" };
  }

  /** A frame the client sends: checked against the schema of its `action` (else ClientFrame). */
  checkClientFrame(frame) {
    return this.check(frame, this.clientSchemas.get(frame?.action) ?? "ClientFrame");
  }

  check(frame, schema) {
    const validate = this.schemaFor(schema);
    if (validate(frame)) return { ok: true, schema };
    const [error] = validate.errors;
    const extra = error.params?.additionalProperty ?? error.params?.missingProperty;
    const pointer = extra ? `${error.instancePath}/${extra}` : error.instancePath;
    return { ok: false, schema, pointer: pointer || "/", message: error.message, keyword: error.keyword };
  }
}
