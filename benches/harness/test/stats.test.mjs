import test from "node:test";
import assert from "node:assert/strict";
import { median, percentile, ratio, niceMax, fmtShort } from "../lib.mjs";

test("median of an odd count is the middle value, order does not matter", () => {
  assert.equal(median([5, 1, 3]), 3);
  assert.equal(median([7]), 7);
});

test("median of an even count is the mean of the middle two", () => {
  assert.equal(median([4, 1, 3, 2]), 2.5);
  assert.equal(median([10, 20]), 15);
});

test("median of nothing is null; non-numbers are ignored", () => {
  assert.equal(median([]), null);
  assert.equal(median(undefined), null);
  assert.equal(median([null, NaN]), null);
  assert.equal(median([null, 8, NaN, 2]), 5);
});

test("median does not reorder its input", () => {
  const xs = [3, 1, 2];
  median(xs);
  assert.deepEqual(xs, [3, 1, 2]);
});

test("percentile interpolates between closest ranks", () => {
  const xs = [1, 2, 3, 4];
  assert.equal(percentile(xs, 0), 1);
  assert.equal(percentile(xs, 100), 4);
  assert.equal(percentile(xs, 50), 2.5);
  assert.equal(percentile([10, 20, 30, 40, 50], 50), 30);
  assert.equal(percentile([0, 10], 99), 9.9);
  assert.ok(Math.abs(percentile([...Array(101).keys()], 99) - 99) < 1e-9);
});

test("percentile of one value is that value, of nothing null", () => {
  assert.equal(percentile([42], 99), 42);
  assert.equal(percentile([], 50), null);
});

test("percentile rejects p outside 0..100", () => {
  assert.throws(() => percentile([1], 101), RangeError);
  assert.throws(() => percentile([1], -1), RangeError);
});

test("ratio divides, and is null without a usable base", () => {
  assert.equal(ratio(120, 100), 1.2);
  assert.equal(ratio(50, 100), 0.5);
  assert.equal(ratio(5, 0), null);
  assert.equal(ratio(5, null), null);
  assert.equal(ratio(null, 5), null);
  assert.equal(ratio(5, NaN), null);
});

test("niceMax and fmtShort", () => {
  assert.equal(niceMax(87), 100);
  assert.equal(niceMax(120), 120);
  assert.equal(niceMax(130), 150);
  assert.equal(niceMax(107360), 120000);
  assert.equal(niceMax(2.2), 2.5);
  assert.equal(niceMax(0), 1);
  assert.equal(fmtShort(81234), "81.2k");
  assert.equal(fmtShort(1027000), "1.03M");
  assert.equal(fmtShort(12.34), "12.3");
});
