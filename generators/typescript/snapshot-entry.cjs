// The TypeScript checker as a Node startup snapshot (built by check-process.ts with
// `node --snapshot-blob <blob> --build-snapshot snapshot-entry.cjs`). At build time it loads the
// compiler ts-morph bundles, parses and binds the lib files with the check's options, and records
// a main function; a process started from the blob begins with all of that in its heap, reads one
// request (JSON on stdin: options and files) and writes the diagnostics (JSON on stdout).
// A snapshot builder may only require Node's built-in modules: the compiler (CommonJS, built-ins
// only) is compiled with vm.compileFunction; paths and lib texts come from the environment.
"use strict";
const fs = require("node:fs");
const path = require("node:path");
const vm = require("node:vm");
const v8 = require("node:v8");

const { CONTRACTOR_TS_COMPILER: compilerFile, CONTRACTOR_TS_LIBS: libsFile, CONTRACTOR_TS_OPTIONS: optionsJson } = process.env;

function loadCommonJs(file) {
  const module = { exports: {} };
  const wrapper = vm.compileFunction(fs.readFileSync(file, "utf8"), ["exports", "require", "module", "__filename", "__dirname"], { filename: file });
  wrapper(module.exports, require, module, file, path.dirname(file));
  return module.exports;
}

const ts = loadCommonJs(compilerFile);
/** @type {{ folder: string, files: Record<string, string>, warm: { name: string, text: string }[] }} */
const libs = JSON.parse(fs.readFileSync(libsFile, "utf8"));
const options = JSON.parse(optionsJson);
const libSources = new Map();

function host(files) {
  return {
    getSourceFile(fileName, languageVersion) {
      const own = files.get(fileName);
      if (own !== undefined) return ts.createSourceFile(fileName, own, languageVersion);
      const key = `${fileName}\0${JSON.stringify(languageVersion)}`;
      let lib = libSources.get(key);
      if (!lib && fileName.startsWith(`${libs.folder}/`)) {
        const text = libs.files[fileName.slice(libs.folder.length + 1)];
        if (text !== undefined) libSources.set(key, (lib = ts.createSourceFile(fileName, text, languageVersion)));
      }
      return lib;
    },
    getDefaultLibFileName: (o) => `${libs.folder}/${ts.getDefaultLibFileName(o)}`,
    getDefaultLibLocation: () => libs.folder,
    writeFile: () => {},
    getCurrentDirectory: () => "/",
    getDirectories: () => [],
    getCanonicalFileName: (f) => f,
    useCaseSensitiveFileNames: () => true,
    getNewLine: () => "\n",
    fileExists: (f) => files.has(f) || (f.startsWith(`${libs.folder}/`) && libs.files[f.slice(libs.folder.length + 1)] !== undefined),
    readFile: (f) => files.get(f) ?? (f.startsWith(`${libs.folder}/`) ? libs.files[f.slice(libs.folder.length + 1)] : undefined),
  };
}

/** files: [{ name, text }] → [{ file, line, code, message }] (line 0 without a file). */
function check(files, opts) {
  const byName = new Map(files.map((f) => [f.name, f.text]));
  const program = ts.createProgram([...byName.keys()], opts, host(byName));
  return ts.getPreEmitDiagnostics(program).map((d) => ({
    file: d.file ? d.file.fileName : undefined,
    line: d.file && d.start !== undefined ? d.file.getLineAndCharacterOfPosition(d.start).line + 1 : 0,
    code: d.code,
    message: ts.flattenDiagnosticMessageText(d.messageText, "\n"),
  }));
}

// Parse and bind the lib files now (a check of an empty module reads them all), then check a
// sample of generated files a few times, so that the compiler's code is compiled, not just loaded.
check([{ name: "/out/warm.ts", text: "export {};\n" }], options);
for (let i = 0; i < 3; i++) check(libs.warm, options);
// Keep only the lib texts the options use (the parsed files hold their own text).
const parsed = new Set([...libSources.keys()].map((key) => key.split("\0")[0]));
for (const name of Object.keys(libs.files)) if (!parsed.has(`${libs.folder}/${name}`)) delete libs.files[name];

v8.startupSnapshot.setDeserializeMainFunction(() => {
  const chunks = [];
  process.stdin.on("data", (c) => chunks.push(c));
  process.stdin.on("end", () => {
    let request;
    try {
      request = JSON.parse(Buffer.concat(chunks).toString("utf8"));
    } catch {
      process.exit(2); // the parent went away mid-request
    }
    process.stdout.write(JSON.stringify({ version: ts.version, diagnostics: check(request.files, request.options) }));
  });
});
