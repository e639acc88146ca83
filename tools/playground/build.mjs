// Builds the playground into service/transport/static/playground/ (committed; `python -m service`
// needs no Node): the modules of src/ bundled by esbuild with ajv and yaml into playground.js,
// and index.html and playground.css copied as they are.
//
//   node tools/playground/build.mjs                 write the committed files
//   node tools/playground/build.mjs --out DIR       write them into DIR instead
//   node tools/playground/build.mjs --check         exit 1 when a committed file differs from a fresh build
import { build } from "esbuild";
import { mkdtempSync, readFileSync, copyFileSync, mkdirSync, rmSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const HERE = dirname(fileURLToPath(import.meta.url));
const COMMITTED = resolve(HERE, "../../service/transport/static/playground");
const FILES = ["index.html", "playground.css", "playground.js"];

async function buildInto(out) {
  mkdirSync(out, { recursive: true });
  await build({
    absWorkingDir: HERE,
    entryPoints: ["src/main.js"],
    outfile: join(out, "playground.js"),
    bundle: true,
    format: "esm",
    target: "es2022",
    minify: true,
    legalComments: "eof",
    charset: "utf8",
    sourcemap: false,
    logLevel: "warning",
  });
  copyFileSync(join(HERE, "src/index.html"), join(out, "index.html"));
  copyFileSync(join(HERE, "src/playground.css"), join(out, "playground.css"));
}

function option(name) {
  const index = process.argv.indexOf(name);
  return index === -1 ? undefined : process.argv[index + 1];
}

if (process.argv.includes("--check")) {
  const fresh = mkdtempSync(join(tmpdir(), "playground-"));
  try {
    await buildInto(fresh);
    const committed = option("--out") ?? COMMITTED;
    const stale = FILES.filter(
      (name) => !existsSync(join(committed, name)) || !readFileSync(join(committed, name)).equals(readFileSync(join(fresh, name))),
    );
    if (stale.length) {
      console.error(`out of date with tools/playground/src: ${stale.join(", ")}; run \`node tools/playground/build.mjs\``);
      process.exit(1);
    }
  } finally {
    rmSync(fresh, { recursive: true, force: true });
  }
} else {
  await buildInto(option("--out") ?? COMMITTED);
}
