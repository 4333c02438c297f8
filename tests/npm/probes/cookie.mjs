// Named exports of a CommonJS module (exports.parse = ...).
import cookie, { parse, serialize } from "cookie";
console.log("cookie", JSON.stringify(parse("a=1; b=two%20words")), serialize("s", "v w", { httpOnly: true, maxAge: 60 }), cookie.parse === parse);
