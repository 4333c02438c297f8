// The lifetime of a server request's handle.
//
// A request of the current batch is its index r (0 <= r < n); its bytes are
// valid only while that batch runs. `ops.defer(r)` turns it into a handle
// (< 0) valid until the response is sent. After that, or once a synchronous
// handler's batch is over, the handle would name some other request (or
// none), so the JS object is marked DETACHED and any lazy read of it fails
// loudly instead of returning another request's bytes.

/** A handle no ops call may receive: the request was answered. */
export const DETACHED = 0x3fffffff;

/** What lazy Headers read their request's current handle from (request.ts). */
export interface HandleHolder {
  readonly r: number;
}

/** `r` itself, or a TypeError if the request was answered. */
export function liveHandle(r: number): number {
  if (r === DETACHED) {
    throw new TypeError(
      "This request was already answered, so its data is gone: read req.url, req.headers and the body " +
        "before returning the response, or return a Promise (an async handler) to keep the request alive.",
    );
  }
  return r;
}
