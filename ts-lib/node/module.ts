// node:module: createRequire, builtinModules, isBuiltin and the Module
// class, over the CommonJS loader in ../cjs.ts. As in Node, the module
// object (require("module")) is the Module class carrying the functions.

import { builtinModules as builtinNames, cache, createRequire, isBuiltin, Module } from "../cjs.ts";

export const builtinModules: string[] = builtinNames();

export { cache as _cache, createRequire, isBuiltin, Module };

const ModuleObject = Object.assign(Module, {
  createRequire,
  isBuiltin,
  builtinModules,
  _cache: cache,
  Module,
});

export default ModuleObject;
