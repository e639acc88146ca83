#!/usr/bin/env node
// Validate the AsyncAPI document with the official parser (@asyncapi/parser, pinned in package.json).
//
//   node tools/spec_check/validate-asyncapi.mjs [path/to/asyncapi.yaml]
//
// Without an argument it checks api_specs/asyncapi.yaml of this repository. Every diagnostic is
// printed as `severity code path message (line:column)`. The exit code is 1 when any diagnostic is
// of error severity (0) or the document cannot be read, 0 otherwise: warnings, infos and hints are
// printed but do not fail.

import { readFile } from 'node:fs/promises';
import path from 'node:path';
import process from 'node:process';
import { fileURLToPath } from 'node:url';

import { Parser } from '@asyncapi/parser';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const DEFAULT_SPEC = path.resolve(HERE, '..', '..', 'api_specs', 'asyncapi.yaml');

// Spectral's DiagnosticSeverity: Error = 0, Warning = 1, Information = 2, Hint = 3.
const SEVERITY_NAMES = ['error', 'warning', 'info', 'hint'];
const ERROR = 0;

function severityName(severity) {
  return SEVERITY_NAMES[severity] ?? `severity-${severity}`;
}

function jsonPointer(segments) {
  if (!Array.isArray(segments) || segments.length === 0) {
    return '/';
  }
  return segments
    .map((segment) => '/' + String(segment).replaceAll('~', '~0').replaceAll('/', '~1'))
    .join('');
}

function location(diagnostic) {
  const start = diagnostic.range?.start;
  if (start === undefined) {
    return '';
  }
  // Spectral's positions are 0-based; editors count from 1.
  return ` (${start.line + 1}:${start.character + 1})`;
}

function formatDiagnostic(diagnostic) {
  const severity = severityName(diagnostic.severity).padEnd(7);
  const code = String(diagnostic.code ?? '-');
  return `${severity} ${code}  ${jsonPointer(diagnostic.path)}  ${diagnostic.message}${location(diagnostic)}`;
}

async function main(argv) {
  const specPath = path.resolve(argv[0] ?? DEFAULT_SPEC);
  let text;
  try {
    text = await readFile(specPath, 'utf8');
  } catch (error) {
    console.error(`error   cannot read ${specPath}: ${error.message}`);
    return 1;
  }

  const parser = new Parser();
  // `parse` runs the same ruleset as `validate` and, when that passes, also parses every
  // message payload schema, so it reports strictly more.
  const { document, diagnostics } = await parser.parse(text, { source: specPath });

  const sorted = [...diagnostics].sort((a, b) => a.severity - b.severity);
  for (const diagnostic of sorted) {
    console.log(formatDiagnostic(diagnostic));
  }

  const counts = [0, 0, 0, 0];
  for (const diagnostic of diagnostics) {
    counts[diagnostic.severity] = (counts[diagnostic.severity] ?? 0) + 1;
  }
  const summary = SEVERITY_NAMES.map((name, severity) => `${counts[severity]} ${name}`).join(', ');
  const errors = counts[ERROR];

  if (errors > 0 || document === undefined) {
    console.log(`FAIL ${specPath}: ${summary}`);
    return 1;
  }
  console.log(`OK ${specPath} (AsyncAPI ${document.version()}): ${summary}`);
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error) => {
    console.error(`error   the parser failed: ${error?.stack ?? error}`);
    process.exitCode = 1;
  },
);
