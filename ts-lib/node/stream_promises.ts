// node:stream/promises: pipeline and finished returning promises.
import { promises } from "./internal/stream.ts";

export const { pipeline, finished } = promises;
export default promises;
