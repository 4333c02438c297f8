// A CommonJS-only package: default = module.exports.
import ms from "ms";
console.log("ms", ms("2h"), ms(90000), ms(1000, { long: true }), ms("1.5 days"));
