// node:readline (the implementation: internal/readline.ts).
import {
  Interface, Readline, clearLine, clearScreenDown, createInterface, cursorTo, emitKeypressEvents, moveCursor,
} from "./internal/readline.ts";
import promises from "./readline_promises.ts";

export { Interface, Readline, clearLine, clearScreenDown, createInterface, cursorTo, emitKeypressEvents, moveCursor, promises };

export default {
  Interface, clearLine, clearScreenDown, createInterface, cursorTo, emitKeypressEvents, moveCursor, promises,
};
