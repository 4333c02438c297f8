// node:stream/promises: pipeline and finished returning promises.
import * as impl from "./internal/stream.ts";
import { shared } from "./internal/shared.ts";

const { promises } = shared("stream", impl);

export const { pipeline, finished } = promises;
export default promises;
