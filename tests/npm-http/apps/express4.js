// Express 4 (the "express" dependency) serving express_app.js.
const express = require("express");
const app = require("./express_app.js")(express, 4);
const server = app.listen(0, "127.0.0.1", () => {
  console.log(`Listening on http://127.0.0.1:${server.address().port}/`);
});
