// util.types: what kind of built-in object a value is. Where V8 gives JS
// no direct test, a brand check (calling a built-in getter or method that
// throws on other receivers) is used rather than instanceof, so values
// from other realms and objects with a faked Symbol.toStringTag are told
// apart as Node tells them.

const toString = Object.prototype.toString;
const tag = (v: unknown): string => toString.call(v);

function brand(fn: Function | undefined, v: unknown): boolean {
  if (fn === undefined || v === null || (typeof v !== "object" && typeof v !== "function")) return false;
  try {
    fn.call(v);
    return true;
  } catch {
    return false;
  }
}

const getter = (proto: object, name: string | symbol): Function | undefined =>
  Object.getOwnPropertyDescriptor(proto, name)?.get;

const TypedArrayProto = Object.getPrototypeOf(Uint8Array.prototype) as object;
const typedArrayTag = getter(TypedArrayProto, Symbol.toStringTag)!;
const arrayBufferLength = getter(ArrayBuffer.prototype, "byteLength");
const sharedLength = typeof SharedArrayBuffer === "function" ? getter(SharedArrayBuffer.prototype, "byteLength") : undefined;
const dataViewLength = getter(DataView.prototype, "byteLength");
const regexpSource = getter(RegExp.prototype, "source");
const mapSize = getter(Map.prototype, "size");
const setSize = getter(Set.prototype, "size");

function isObject(v: unknown): v is object {
  return (typeof v === "object" && v !== null) || typeof v === "function";
}

export const isDate = (v: unknown): v is Date => brand(Date.prototype.getTime, v);
export const isRegExp = (v: unknown): v is RegExp => isObject(v) && v !== RegExp.prototype && brand(regexpSource, v);
export const isMap = (v: unknown): v is Map<unknown, unknown> => brand(mapSize, v);
export const isSet = (v: unknown): v is Set<unknown> => brand(setSize, v);
export const isWeakMap = (v: unknown): boolean => isObject(v) && brand(function (this: WeakMap<object, unknown>) {
  WeakMap.prototype.has.call(this, {});
}, v);
export const isWeakSet = (v: unknown): boolean => isObject(v) && brand(function (this: WeakSet<object>) {
  WeakSet.prototype.has.call(this, {});
}, v);
export const isPromise = (v: unknown): v is Promise<unknown> => isObject(v) && tag(v) === "[object Promise]" && v instanceof Promise;
export const isTypedArray = (v: unknown): boolean => typedArrayTag.call(v) !== undefined;
const typed = (name: string) => (v: unknown): boolean => typedArrayTag.call(v) === name;
export const isUint8Array = typed("Uint8Array");
export const isUint8ClampedArray = typed("Uint8ClampedArray");
export const isUint16Array = typed("Uint16Array");
export const isUint32Array = typed("Uint32Array");
export const isInt8Array = typed("Int8Array");
export const isInt16Array = typed("Int16Array");
export const isInt32Array = typed("Int32Array");
export const isFloat32Array = typed("Float32Array");
export const isFloat64Array = typed("Float64Array");
export const isBigInt64Array = typed("BigInt64Array");
export const isBigUint64Array = typed("BigUint64Array");
export const isArrayBuffer = (v: unknown): v is ArrayBuffer => brand(arrayBufferLength, v);
export const isSharedArrayBuffer = (v: unknown): boolean => brand(sharedLength, v);
export const isAnyArrayBuffer = (v: unknown): boolean => isArrayBuffer(v) || isSharedArrayBuffer(v);
export const isDataView = (v: unknown): v is DataView => brand(dataViewLength, v);
export const isArrayBufferView = (v: unknown): v is ArrayBufferView => ArrayBuffer.isView(v);
export const isNativeError = (v: unknown): v is Error => isObject(v) && (tag(v) === "[object Error]" || v instanceof Error);
export const isAsyncFunction = (v: unknown): boolean =>
  typeof v === "function" && (tag(v) === "[object AsyncFunction]" || tag(v) === "[object AsyncGeneratorFunction]");
export const isGeneratorFunction = (v: unknown): boolean =>
  typeof v === "function" && (tag(v) === "[object GeneratorFunction]" || tag(v) === "[object AsyncGeneratorFunction]");
export const isGeneratorObject = (v: unknown): boolean => isObject(v) && (tag(v) === "[object Generator]" || tag(v) === "[object AsyncGenerator]");
export const isMapIterator = (v: unknown): boolean => isObject(v) && tag(v) === "[object Map Iterator]";
export const isSetIterator = (v: unknown): boolean => isObject(v) && tag(v) === "[object Set Iterator]";
export const isArgumentsObject = (v: unknown): boolean => isObject(v) && !Array.isArray(v) && tag(v) === "[object Arguments]";
export const isModuleNamespaceObject = (v: unknown): boolean =>
  isObject(v) && Object.getPrototypeOf(v) === null && tag(v) === "[object Module]";
export const isNumberObject = (v: unknown): boolean => isObject(v) && brand(Number.prototype.valueOf, v);
export const isStringObject = (v: unknown): boolean => isObject(v) && brand(String.prototype.valueOf, v);
export const isBooleanObject = (v: unknown): boolean => isObject(v) && brand(Boolean.prototype.valueOf, v);
export const isBigIntObject = (v: unknown): boolean => isObject(v) && brand(BigInt.prototype.valueOf, v);
export const isSymbolObject = (v: unknown): boolean => isObject(v) && brand(Symbol.prototype.valueOf, v);
export const isBoxedPrimitive = (v: unknown): boolean =>
  isNumberObject(v) || isStringObject(v) || isBooleanObject(v) || isBigIntObject(v) || isSymbolObject(v);
/** A Proxy cannot be told from its target from JS; Howth answers false. */
export const isProxy = (_v: unknown): boolean => false;
export const isExternal = (_v: unknown): boolean => false;
export const isCryptoKey = (v: unknown): boolean => {
  const C = (globalThis as { CryptoKey?: Function }).CryptoKey;
  return typeof C === "function" && v instanceof C;
};
export const isKeyObject = (v: unknown): boolean =>
  isObject(v) && (v as { constructor?: { name?: string } }).constructor?.name?.endsWith("KeyObject") === true;

export default {
  isDate, isRegExp, isMap, isSet, isWeakMap, isWeakSet, isPromise, isTypedArray, isUint8Array, isUint8ClampedArray,
  isUint16Array, isUint32Array, isInt8Array, isInt16Array, isInt32Array, isFloat32Array, isFloat64Array,
  isBigInt64Array, isBigUint64Array, isArrayBuffer, isSharedArrayBuffer, isAnyArrayBuffer, isDataView,
  isArrayBufferView, isNativeError, isAsyncFunction, isGeneratorFunction, isGeneratorObject, isMapIterator,
  isSetIterator, isArgumentsObject, isModuleNamespaceObject, isNumberObject, isStringObject, isBooleanObject,
  isBigIntObject, isSymbolObject, isBoxedPrimitive, isProxy, isExternal, isCryptoKey, isKeyObject,
};
