// node:events (the implementation: internal/events.ts).
import * as impl from "./internal/events.ts";
import { shared } from "./internal/shared.ts";

const m = shared("events", impl);

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
