// node:diagnostics_channel: channels, subscribers, tracing channels.
import dc, { channel, subscribe, unsubscribe, hasSubscribers, tracingChannel } from "node:diagnostics_channel";

const ch = channel("my-channel");
console.log(ch.name, ch.hasSubscribers, hasSubscribers("my-channel"), channel("my-channel") === ch);
const onMessage = (msg, name) => console.log("got", JSON.stringify(msg), name);
subscribe("my-channel", onMessage);
console.log(ch.hasSubscribers);
ch.publish({ n: 1 });
console.log(unsubscribe("my-channel", onMessage), unsubscribe("my-channel", onMessage), ch.hasSubscribers);
ch.publish({ n: 2 });
const tc = tracingChannel("op");
const events = [];
tc.subscribe({
  start: (c) => events.push(`start:${c.arg}`),
  end: (c) => events.push(`end:${c.result ?? c.error?.message}`),
  error: (c) => events.push(`error:${c.error.message}`),
  asyncStart: (c) => events.push(`asyncStart:${c.result}`),
  asyncEnd: () => events.push("asyncEnd"),
});
console.log(tc.traceSync((x) => x * 2, { arg: 21 }, null, 21));
try {
  tc.traceSync(() => {
    throw new Error("sync fail");
  }, { arg: "e" });
} catch (e) {
  console.log("threw", e.message);
}
console.log(await tc.tracePromise(async () => "async result", { arg: "p" }));
console.log(events.join(" "));
console.log(typeof dc.Channel, tc.hasSubscribers);
