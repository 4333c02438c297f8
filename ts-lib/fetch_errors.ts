// fetch()'s errors: `TypeError: fetch failed` with a cause carrying
// Node's code (ECONNREFUSED, ENOTFOUND, a certificate code, ...), as
// Node's and Bun's fetch report them.

export function fetchFailed(code: string, message: string): TypeError {
  const cause = new Error(message) as Error & { code: string };
  cause.code = code;
  return new TypeError("fetch failed", { cause });
}
