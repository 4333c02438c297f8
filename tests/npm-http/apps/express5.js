// Express 5 (the "express5" alias) serving express_app.js.
const express = require("express5");
const app = require("./express_app.js")(express, 5);
const server = app.listen(0, "127.0.0.1", () => {
  console.log(`Listening on http://127.0.0.1:${server.address().port}/`);
});
