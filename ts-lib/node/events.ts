// node:events (the implementation: internal/events.ts).
import * as m from "./internal/events.ts";

export const {
  EventEmitter,
  EventEmitterAsyncResource,
  once,
  on,
  getEventListeners,
  getMaxListeners,
  setMaxListeners,
  listenerCount,
  addAbortListener,
  errorMonitor,
  captureRejectionSymbol,
  usingDomains,
} = m;
export default m.default;
