// node:http: the server on Howth's loop (internal/http_server.ts, with
// internal/http_incoming.ts and internal/http_outgoing.ts). The client
// side (request, get, Agent) is not implemented yet: those throw an Error
// with code ERR_NOT_IMPLEMENTED.

import { stub, stubClass } from "../not_implemented.ts";
import { Server, createServer } from "./internal/http_server.ts";
import { IncomingMessage } from "./internal/http_incoming.ts";
import { ServerResponse } from "./internal/http_outgoing.ts";
import { METHODS, STATUS_CODES, validateHeaderName, validateHeaderValue } from "./internal/http_common.ts";

export { Server, createServer, IncomingMessage, ServerResponse, METHODS, STATUS_CODES, validateHeaderName, validateHeaderValue };
export const OutgoingMessage = ServerResponse;
export const maxHeaderSize = 16384;
export const request = stub("http.request");
export const get = stub("http.get");
export const Agent = stubClass("http.Agent");
export const ClientRequest = stubClass("http.ClientRequest");
export const globalAgent = undefined;

export default {
  Server,
  createServer,
  IncomingMessage,
  ServerResponse,
  OutgoingMessage,
  METHODS,
  STATUS_CODES,
  validateHeaderName,
  validateHeaderValue,
  maxHeaderSize,
  request,
  get,
  Agent,
  ClientRequest,
  globalAgent,
};
