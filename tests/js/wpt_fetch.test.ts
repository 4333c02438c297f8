// Runs the WPT-derived Headers, Request and Response suites
// (tests/wpt/fetch_*.test.ts) in one process, for tests/js/run.sh.

import { report } from "./wpt_harness.ts";
import { headersSuite } from "../wpt/fetch_headers.test.ts";
import { requestSuite } from "../wpt/fetch_request.test.ts";
import { responseSuite } from "../wpt/fetch_response.test.ts";

report([headersSuite(), await requestSuite(), await responseSuite()]);
