// node:tls is not implemented yet (its own issue): importing it works,
// and every function throws an Error with code ERR_NOT_IMPLEMENTED.

import { stub, stubClass } from "../not_implemented.ts";

export const createServer = stub("tls.createServer");
export const connect = stub("tls.connect");
export const createSecureContext = stub("tls.createSecureContext");
export const Server = stubClass("tls.Server");
export const TLSSocket = stubClass("tls.TLSSocket");

export default { createServer, connect, createSecureContext, Server, TLSSocket };
