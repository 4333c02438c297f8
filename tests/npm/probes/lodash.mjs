import _ from "lodash";
console.log("lodash", JSON.stringify(_.chunk([1, 2, 3, 4, 5], 2)), _.kebabCase("Hello World"), _.get({ a: [{ b: 3 }] }, "a[0].b"));
console.log("debounce", typeof _.debounce, JSON.stringify(_.groupBy([1.1, 2.3, 1.9], Math.floor)));
