// node:http is not implemented yet (its own issue): importing it works,
// and every function throws an Error with code ERR_NOT_IMPLEMENTED.

import { stub, stubClass } from "../not_implemented.ts";

export const createServer = stub("http.createServer");
export const request = stub("http.request");
export const get = stub("http.get");
export const Server = stubClass("http.Server");
export const Agent = stubClass("http.Agent");
export const IncomingMessage = stubClass("http.IncomingMessage");
export const ServerResponse = stubClass("http.ServerResponse");

export default { createServer, request, get, Server, Agent, IncomingMessage, ServerResponse };
