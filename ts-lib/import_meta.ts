// What Node adds to a file module's import.meta besides url: filename,
// dirname and resolve(specifier). The engine calls initImportMeta with each
// module's import.meta when the module first uses it (after setting url and
// main), so modules that never read import.meta cost nothing.

import { ops } from "./core_ops.ts";

interface ImportMeta {
  url: string;
  filename?: string;
  dirname?: string;
  resolve?: (specifier: string) => string;
}

function dirname(path: string): string {
  const i = path.lastIndexOf("/");
  return i <= 0 ? "/" : path.slice(0, i);
}

/** A file URL for an absolute path, escaping what a URL path would misread (as Node's pathToFileURL). */
function fileUrl(path: string): string {
  const url = new URL("file://");
  url.pathname = path
    .replace(/%/g, "%25")
    .replace(/\\/g, "%5C")
    .replace(/\n/g, "%0A")
    .replace(/\r/g, "%0D")
    .replace(/\t/g, "%09");
  return url.href;
}

function isRelativeOrUrl(specifier: string): boolean {
  return (
    specifier.startsWith("./") ||
    specifier.startsWith("../") ||
    specifier.startsWith("/") ||
    specifier === "." ||
    specifier === ".." ||
    /^[a-zA-Z][a-zA-Z0-9+.-]*:/.test(specifier)
  );
}

/**
 * import.meta.resolve: the URL an import of `specifier` from this module
 * would load, as Node gives it. Relative specifiers and URLs resolve against
 * the module's URL without touching the disk; bare ones follow the package
 * rules (exports, conditions, node_modules) and throw Node's errors.
 */
function resolver(url: string, filename: string): (specifier: string) => string {
  return function resolve(specifier: string): string {
    const spec = String(specifier);
    if (spec.startsWith("node:")) return spec;
    if (isRelativeOrUrl(spec)) return new URL(spec, url).href;
    const [kind, value] = ops.moduleResolve(spec, filename, true);
    if (kind === "builtin") return `node:${spec}`;
    if (kind.startsWith("error:")) {
      const err = new Error(value) as Error & { code: string };
      err.code = kind.slice(6);
      throw err;
    }
    return fileUrl(value);
  };
}

export function initImportMeta(meta: ImportMeta): void {
  if (!meta.url.startsWith("file:")) return;
  const filename = decodeURIComponent(new URL(meta.url).pathname);
  meta.filename = filename;
  meta.dirname = dirname(filename);
  meta.resolve = resolver(meta.url, filename);
}
