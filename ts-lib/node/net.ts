// node:net is not implemented yet (its own issue): importing it works,
// and every function throws an Error with code ERR_NOT_IMPLEMENTED.

import { stub, stubClass } from "../not_implemented.ts";

export const createServer = stub("net.createServer");
export const connect = stub("net.connect");
export const createConnection = stub("net.createConnection");
export const isIP = stub("net.isIP");
export const isIPv4 = stub("net.isIPv4");
export const isIPv6 = stub("net.isIPv6");
export const Server = stubClass("net.Server");
export const Socket = stubClass("net.Socket");

export default { createServer, connect, createConnection, isIP, isIPv4, isIPv6, Server, Socket };
