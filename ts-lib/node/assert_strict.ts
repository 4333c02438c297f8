// node:assert/strict: the strict assertions.
import { strict } from "./assert.ts";

export const { ok, fail, equal, notEqual, strictEqual, notStrictEqual, deepEqual, notDeepEqual, deepStrictEqual, notDeepStrictEqual, throws, doesNotThrow, rejects, doesNotReject, ifError, match, doesNotMatch, AssertionError } = strict;
export { strict };
export default strict;
