// What a Node API Howth does not implement yet does when called: throw an
// Error with code ERR_NOT_IMPLEMENTED naming it, never
// "undefined is not a function".

export function notImplemented(name: string): never {
  const err = new Error(`${name} is not implemented in Howth yet`) as Error & { code: string };
  err.code = "ERR_NOT_IMPLEMENTED";
  throw err;
}

/** A function that throws notImplemented(name) when called. */
export function stub(name: string): (...args: unknown[]) => never {
  const f = (..._args: unknown[]): never => notImplemented(name);
  Object.defineProperty(f, "name", { value: name.slice(name.lastIndexOf(".") + 1) });
  return f;
}

/** A class that throws notImplemented(name) when constructed. */
export function stubClass(name: string): new (...args: unknown[]) => object {
  return class {
    constructor(..._args: unknown[]) {
      notImplemented(`new ${name}`);
    }
  };
}
