import { Router } from "itty-router";
const router = Router();
router.get("/hello/:name", ({ params }) => `hi ${params.name}`);
router.all("*", () => "fallback");
console.log("itty-router", await router.fetch(new Request("http://x/hello/bob")), await router.fetch(new Request("http://x/zzz")));
