// node:https is not implemented yet (its own issue): importing it works,
// and every function throws an Error with code ERR_NOT_IMPLEMENTED.

import { stub, stubClass } from "../not_implemented.ts";

export const createServer = stub("https.createServer");
export const request = stub("https.request");
export const get = stub("https.get");
export const Server = stubClass("https.Server");
export const Agent = stubClass("https.Agent");

export default { createServer, request, get, Server, Agent };
