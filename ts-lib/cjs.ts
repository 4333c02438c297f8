// The CommonJS loader: `require`, `module`, `exports`, `__filename` and
// `__dirname`, as Node gives them to a `.cjs` file or a `.js` file of a
// package without "type": "module".
//
// A CommonJS module runs in a function wrapper in this isolate, compiled by
// an indirect eval whose `//# sourceURL` names the file (stack traces show
// its path; the wrapper adds nothing before line 1's code but the wrapper's
// own head). Rust resolves specifiers and says each file's format
// (ops.moduleResolve), reads and, for TypeScript, strips the source
// (ops.moduleSource), and loads ES modules and built-ins for `require()`
// (ops.moduleRequireEsm, evaluated inside the call). An ES module that
// imports a CommonJS one links to a generated module
// (runtime/src/modules/facade.rs) that calls loadForImport() here, so both
// ways of loading a file share one `module.exports`.

import { ops } from "./core_ops.ts";

/** A loaded CommonJS module, as Node's `module` object. */
export class Module {
  id: string;
  filename: string;
  path: string;
  exports: unknown = {};
  loaded = false;
  children: Module[] = [];
  parent: Module | null | undefined;
  paths: string[];
  require: RequireFunction;

  constructor(filename: string, parent?: Module | null) {
    this.id = filename;
    this.filename = filename;
    this.path = dirname(filename);
    this.parent = parent;
    this.paths = nodeModulesPaths(this.path);
    this.require = makeRequire(this);
    if (parent) parent.children.push(this);
  }
}

export interface RequireResolve {
  (specifier: string, options?: { paths?: string[] }): string;
  paths(specifier: string): string[] | null;
}

export interface RequireFunction {
  (specifier: string): any;
  resolve: RequireResolve;
  cache: Record<string, Module>;
  main: Module | undefined;
  extensions: Record<string, unknown>;
}

/** require.cache: loaded CommonJS modules by absolute path. */
export const cache: Record<string, Module> = Object.create(null);
/** The entry module when it is CommonJS (require.main). */
let mainModule: Module | undefined;
/** Built-ins' exports by internal module name, once required. */
const builtins = new Map<string, unknown>();

const WRAP_HEAD = "(function (exports, require, module, __filename, __dirname) { ";
const WRAP_TAIL = "\n})";

function dirname(path: string): string {
  const i = path.lastIndexOf("/");
  if (i < 0) return ".";
  return i === 0 ? "/" : path.slice(0, i);
}

function nodeModulesPaths(dir: string): string[] {
  const out: string[] = [];
  let d = dir;
  for (;;) {
    if (!d.endsWith("/node_modules")) out.push(d === "/" ? "/node_modules" : `${d}/node_modules`);
    if (d === "/" || d === "." || d === "") break;
    d = dirname(d);
  }
  return out;
}

function codedError(code: string, message: string): Error {
  const err = new Error(message) as Error & { code: string };
  err.code = code;
  return err;
}

/** Resolves for require(): [kind, path or internal name]; throws Node's errors. */
function resolve(specifier: string, referrer: string): [string, string] {
  if (typeof specifier !== "string") {
    const err = new TypeError(`The "id" argument must be of type string. Received ${describeArg(specifier)}`);
    (err as TypeError & { code: string }).code = "ERR_INVALID_ARG_TYPE";
    throw err;
  }
  if (specifier === "") {
    const err = new TypeError("The argument 'id' must be a non-empty string. Received ''");
    (err as TypeError & { code: string }).code = "ERR_INVALID_ARG_VALUE";
    throw err;
  }
  const [kind, value] = ops.moduleResolve(specifier, referrer, false);
  if (kind.startsWith("error:")) throw codedError(kind.slice(6), value);
  return [kind, value];
}

function describeArg(v: unknown): string {
  if (v === null) return "null";
  if (v === undefined) return "undefined";
  return `type ${typeof v} (${String(v)})`;
}

/** The exports of a built-in: its default export (the module object, as Node's) or its namespace. */
export function requireBuiltin(name: string): unknown {
  let exports = builtins.get(name);
  if (exports === undefined) {
    const ns = ops.moduleRequireEsm(name);
    exports = "default" in ns ? ns.default : ns;
    builtins.set(name, exports);
  }
  return exports;
}

function requireFrom(specifier: string, parent: Module | null, referrer: string): unknown {
  const [kind, path] = resolve(specifier, referrer);
  switch (kind) {
    case "builtin":
      return requireBuiltin(path);
    case "module": {
      // require() of an ES module (Node 22, Bun): its namespace, or what it
      // exports as "module.exports" when it says so.
      const ns = ops.moduleRequireEsm(path);
      return "module.exports" in ns ? ns["module.exports"] : ns;
    }
    default: {
      const cached = cache[path];
      if (cached !== undefined) return cached.exports;
      return load(path, kind, parent, false);
    }
  }
}

/** Runs a CommonJS or JSON file as a new module and returns its exports. */
function load(path: string, kind: string, parent: Module | null, isMain: boolean): unknown {
  const m = new Module(path, parent);
  if (isMain) {
    m.id = ".";
    mainModule = m;
    m.require.main = m;
  }
  // Cached before it runs, so a cycle sees the exports filled so far.
  cache[path] = m;
  try {
    let source = ops.moduleSource(path);
    if (source.charCodeAt(0) === 0xfeff) source = source.slice(1);
    if (kind === "json") {
      try {
        m.exports = JSON.parse(source);
      } catch (e) {
        throw new SyntaxError(`${path}: ${(e as Error).message}`);
      }
    } else {
      // A `#!` line is a comment to V8 only at the very start of a script.
      if (source.startsWith("#!")) source = "//" + source.slice(2);
      const fn = compileWrapper(path, source);
      fn.call(m.exports, m.exports, m.require, m, path, m.path);
    }
    m.loaded = true;
  } catch (e) {
    delete cache[path];
    throw e;
  }
  return m.exports;
}

type Wrapper = (
  this: unknown,
  exports: unknown,
  require: RequireFunction,
  module: Module,
  filename: string,
  dirname: string,
) => void;

function compileWrapper(path: string, source: string): Wrapper {
  const code = `${WRAP_HEAD}${source}${WRAP_TAIL}\n//# sourceURL=${path}`;
  try {
    return (0, eval)(code) as Wrapper;
  } catch (e) {
    if (e instanceof SyntaxError) {
      // V8 says what but not where; swc finds where.
      const where = ops.moduleSyntaxError(path);
      throw new SyntaxError(where !== "" ? where : `${path}: ${e.message}`);
    }
    throw e;
  }
}

/** A `require` bound to a module (Node's makeRequireFunction). */
export function makeRequire(m: Module): RequireFunction {
  const require = function require(specifier: string): unknown {
    return requireFrom(specifier, m, m.filename);
  } as RequireFunction;
  const resolveFn = function resolve(specifier: string, options?: { paths?: string[] }): string {
    if (options?.paths !== undefined && options.paths.length > 0) {
      let last: unknown;
      for (const dir of options.paths) {
        try {
          return resolveOne(specifier, `${dir.endsWith("/") ? dir : dir + "/"}[require]`);
        } catch (e) {
          last = e;
        }
      }
      throw last;
    }
    return resolveOne(specifier, m.filename);
  } as RequireResolve;
  resolveFn.paths = function paths(specifier: string): string[] | null {
    if (ops.moduleResolve(specifier, m.filename, false)[0] === "builtin") return null;
    return m.paths.slice();
  };
  require.resolve = resolveFn;
  require.cache = cache;
  require.main = mainModule;
  require.extensions = Object.create(null);
  return require;
}

function resolveOne(specifier: string, referrer: string): string {
  const [kind, path] = resolve(specifier, referrer);
  // Node answers a built-in with the name it was asked for.
  return kind === "builtin" ? specifier : path;
}

/**
 * For the module an ES module's import links to (facade.rs): the exports of
 * the CommonJS module at `path`, loading it unless `require` already did.
 */
export function loadForImport(path: string, isMain: boolean): unknown {
  const cached = cache[path];
  if (cached !== undefined) return cached.exports;
  const kind = path.endsWith(".json") ? "json" : "commonjs";
  return load(path, kind, null, isMain);
}

/** createRequire(filename or file URL), for node:module. */
export function createRequire(from: string | URL): RequireFunction {
  let filename: string;
  if (from instanceof URL || (typeof from === "string" && from.startsWith("file:"))) {
    const url = from instanceof URL ? from : new URL(from);
    if (url.protocol !== "file:") throw codedError("ERR_INVALID_URL_SCHEME", "The URL must be of scheme file");
    filename = decodeURIComponent(url.pathname);
  } else if (typeof from === "string" && from.startsWith("/")) {
    filename = from;
  } else {
    const err = new TypeError(
      `The argument 'filename' must be a file URL object, file URL string, or absolute path string. Received ${describeArg(from)}`,
    );
    (err as TypeError & { code: string }).code = "ERR_INVALID_ARG_VALUE";
    throw err;
  }
  // A directory (ending in /) resolves relative to itself.
  const m = new Module(filename.endsWith("/") ? `${filename}[createRequire]` : filename, null);
  return m.require;
}

/** The names of the built-in modules, as node:module's builtinModules. */
export function builtinModules(): string[] {
  return ops.moduleBuiltins();
}

export function isBuiltin(name: string): boolean {
  if (typeof name !== "string") return false;
  const bare = name.startsWith("node:") ? name.slice(5) : name;
  return ops.moduleBuiltins().includes(bare);
}
