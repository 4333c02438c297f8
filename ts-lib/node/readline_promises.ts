// node:readline/promises: the same Interface, with question() returning a
// promise (rejected with an AbortError when its signal aborts).
import { Interface as CallbackInterface, type InterfaceOptions } from "./internal/readline.ts";
import { coded, notImplemented } from "./internal/errors.ts";

type Input = ConstructorParameters<typeof CallbackInterface>[0];
type Output = ConstructorParameters<typeof CallbackInterface>[1];

export class Interface extends CallbackInterface {
  question(query: string, options?: { signal?: AbortSignal }): Promise<string> {
    return new Promise((resolve, reject) => {
      const signal = options?.signal;
      if (signal?.aborted) {
        reject(abortError(signal));
        return;
      }
      signal?.addEventListener("abort", () => reject(abortError(signal)), { once: true });
      super.question(query, options ?? {}, resolve);
    });
  }
}

function abortError(signal: AbortSignal): Error {
  const e = coded(new Error("The operation was aborted"), "ABORT_ERR");
  e.name = "AbortError";
  (e as Error & { cause?: unknown }).cause = signal.reason;
  return e;
}

export function createInterface(input: Input | InterfaceOptions, output?: Output, completer?: unknown, terminal?: boolean): Interface {
  return new Interface(input, output, completer, terminal);
}

export class Readline {
  constructor() {
    throw notImplemented("readline/promises.Readline");
  }
}

export default { Interface, Readline, createInterface };
