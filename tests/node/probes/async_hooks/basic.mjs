// node:async_hooks: AsyncLocalStorage through synchronous calls and bound callbacks; AsyncResource.
import { AsyncLocalStorage, AsyncResource } from "node:async_hooks";

const als = new AsyncLocalStorage();
console.log(als.getStore());
als.run({ id: 1 }, () => {
  console.log("inside", als.getStore());
  als.run({ id: 2 }, () => console.log("nested", als.getStore()));
  console.log("back", als.getStore());
  als.exit(() => console.log("exit", als.getStore()));
  const bound = AsyncLocalStorage.bind(() => als.getStore());
  const snap = AsyncLocalStorage.snapshot();
  als.run({ id: 3 }, () => console.log("bound sees", bound(), "snapshot sees", snap(() => als.getStore())));
});
console.log("outside", als.getStore());
const r = als.run("ctx", () => new AsyncResource("job"));
console.log(r.type, typeof r.asyncId(), r.runInAsyncScope(() => als.getStore()), als.run("other", () => r.runInAsyncScope((a, b) => [als.getStore(), a, b], null, 1, 2)));
als.enterWith("entered");
console.log(als.getStore());
als.disable();
console.log(als.getStore());
