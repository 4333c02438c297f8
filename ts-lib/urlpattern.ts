// URLPattern (WHATWG URL Pattern): the urlpattern crate parses a pattern
// into one regular expression per URL component and canonicalises inputs
// (runtime/src/ops/urlpattern.rs); matching runs here on V8's RegExp.

import { webOps } from "./web_ops.ts";
import { enumerable, inspectAs, toStringTag } from "./webidl.ts";

export interface URLPatternInit {
  protocol?: string;
  username?: string;
  password?: string;
  hostname?: string;
  port?: string;
  pathname?: string;
  search?: string;
  hash?: string;
  baseURL?: string;
}
export type URLPatternInput = string | URLPatternInit;
export interface URLPatternOptions {
  ignoreCase?: boolean;
}
export interface URLPatternComponentResult {
  input: string;
  groups: Record<string, string | undefined>;
}
export interface URLPatternResult {
  inputs: URLPatternInput[];
  protocol: URLPatternComponentResult;
  username: URLPatternComponentResult;
  password: URLPatternComponentResult;
  hostname: URLPatternComponentResult;
  port: URLPatternComponentResult;
  pathname: URLPatternComponentResult;
  search: URLPatternComponentResult;
  hash: URLPatternComponentResult;
}

const COMPONENTS = ["protocol", "username", "password", "hostname", "port", "pathname", "search", "hash"] as const;
type ComponentName = (typeof COMPONENTS)[number];
type ParsedComponent = { patternString: string; regexpString: string; groupNameList: string[] };
type Component = ParsedComponent & { regexp: RegExp };

/** A pattern or URL argument for the ops: text, and whether it is an init's JSON. */
function toOpInput(input: unknown): [string, boolean] {
  if (typeof input === "object" && input !== null) {
    const init: Record<string, string> = {};
    for (const key of [...COMPONENTS, "baseURL"]) {
      const v = (input as Record<string, unknown>)[key];
      if (v !== undefined) init[key] = String(v);
    }
    return [JSON.stringify(init), true];
  }
  return [String(input), false];
}

export class URLPattern {
  #components: Record<ComponentName, Component>;
  #hasRegExpGroups: boolean;

  constructor(input: URLPatternInput = {}, baseURL?: string | URLPatternOptions, options?: URLPatternOptions) {
    let base: string | undefined;
    if (typeof baseURL === "object" && baseURL !== null) {
      options = baseURL;
    } else if (baseURL !== undefined) {
      base = String(baseURL);
    }
    const [text, isInit] = toOpInput(input);
    const parsed = JSON.parse(webOps.urlPatternParse(text, isInit, base, Boolean(options?.ignoreCase))) as Record<
      ComponentName,
      ParsedComponent
    > & { hasRegexpGroups: boolean };
    const flags = options?.ignoreCase ? "ui" : "u";
    const components = {} as Record<ComponentName, Component>;
    for (const name of COMPONENTS) {
      const c = parsed[name];
      let regexp: RegExp;
      try {
        regexp = new RegExp(c.regexpString, flags);
      } catch (e) {
        throw new TypeError(`Failed to construct 'URLPattern': invalid ${name} pattern: ${(e as Error).message}`);
      }
      components[name] = { ...c, regexp };
    }
    this.#components = components;
    this.#hasRegExpGroups = parsed.hasRegexpGroups;
  }

  get protocol(): string { return this.#components.protocol.patternString; }
  get username(): string { return this.#components.username.patternString; }
  get password(): string { return this.#components.password.patternString; }
  get hostname(): string { return this.#components.hostname.patternString; }
  get port(): string { return this.#components.port.patternString; }
  get pathname(): string { return this.#components.pathname.patternString; }
  get search(): string { return this.#components.search.patternString; }
  get hash(): string { return this.#components.hash.patternString; }
  get hasRegExpGroups(): boolean { return this.#hasRegExpGroups; }

  test(input: URLPatternInput = {}, baseURL?: string): boolean {
    return this.#match(input, baseURL, false) !== null;
  }

  exec(input: URLPatternInput = {}, baseURL?: string): URLPatternResult | null {
    return this.#match(input, baseURL, true);
  }

  #match(input: URLPatternInput, baseURL: string | undefined, build: true | false): URLPatternResult | null {
    const [text, isInit] = toOpInput(input);
    const raw = webOps.urlPatternMatchInput(text, isInit, baseURL === undefined ? undefined : String(baseURL));
    if (raw === null) return null;
    const [values, inputs] = JSON.parse(raw) as [Record<ComponentName, string>, [unknown, string | null]];
    const result = {} as URLPatternResult;
    for (const name of COMPONENTS) {
      const c = this.#components[name];
      const m = c.regexp.exec(values[name]);
      if (m === null) return null;
      if (build) {
        const groups: Record<string, string | undefined> = {};
        c.groupNameList.forEach((g, i) => {
          groups[g] = m[i + 1];
        });
        result[name] = { input: values[name], groups };
      }
    }
    if (!build) return result;
    result.inputs = inputs[1] === null ? [input] : [input, inputs[1]];
    return result;
  }
}

enumerable(URLPattern.prototype, [...COMPONENTS, "hasRegExpGroups", "test", "exec"]);
toStringTag(URLPattern.prototype, "URLPattern");
inspectAs<URLPattern>(URLPattern.prototype, (p) => ({
  protocol: p.protocol,
  username: p.username,
  password: p.password,
  hostname: p.hostname,
  port: p.port,
  pathname: p.pathname,
  search: p.search,
  hash: p.hash,
  hasRegExpGroups: p.hasRegExpGroups,
}));
