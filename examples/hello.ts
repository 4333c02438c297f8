// Hello world: `howth run examples/hello.ts`, then `curl localhost:3000`.
export default {
  fetch: () => new Response("Hi"),
};
