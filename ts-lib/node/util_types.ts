// node:util/types
export * from "./internal/types.ts";
export { default } from "./internal/types.ts";
