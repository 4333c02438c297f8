#!/usr/bin/env python3
"""Writes tests/wpt/encoding.json: test data derived from web-platform-tests'
encoding/ folder (see README.md here for provenance). Run from any folder:

    python3 tests/wpt/make_encoding_json.py

Each WPT test file's cases are transcribed as data; the JS runner
(tests/js/wpt_encoding.test.ts) runs them against TextEncoder/TextDecoder.
Strings holding lone surrogates are written as {"units": [...]} (UTF-16 code
units), because JSON tooling (serde_json) rejects lone surrogate escapes.
"""
import json
import os

# encoding/resources/encodings.js: label -> name, by section.
ENCODINGS = [
    ("utf-8", ["unicode-1-1-utf-8", "utf-8", "utf8"]),
    ("ibm866", ["866", "cp866", "csibm866", "ibm866"]),
    ("iso-8859-2", ["csisolatin2", "iso-8859-2", "iso-ir-101", "iso8859-2", "iso88592", "iso_8859-2", "iso_8859-2:1987", "l2", "latin2"]),
    ("iso-8859-3", ["csisolatin3", "iso-8859-3", "iso-ir-109", "iso8859-3", "iso88593", "iso_8859-3", "iso_8859-3:1988", "l3", "latin3"]),
    ("iso-8859-4", ["csisolatin4", "iso-8859-4", "iso-ir-110", "iso8859-4", "iso88594", "iso_8859-4", "iso_8859-4:1988", "l4", "latin4"]),
    ("iso-8859-5", ["csisolatincyrillic", "cyrillic", "iso-8859-5", "iso-ir-144", "iso8859-5", "iso88595", "iso_8859-5", "iso_8859-5:1988"]),
    ("iso-8859-6", ["arabic", "asmo-708", "csiso88596e", "csiso88596i", "csisolatinarabic", "ecma-114", "iso-8859-6", "iso-8859-6-e", "iso-8859-6-i", "iso-ir-127", "iso8859-6", "iso88596", "iso_8859-6", "iso_8859-6:1987"]),
    ("iso-8859-7", ["csisolatingreek", "ecma-118", "elot_928", "greek", "greek8", "iso-8859-7", "iso-ir-126", "iso8859-7", "iso88597", "iso_8859-7", "iso_8859-7:1987", "sun_eu_greek"]),
    ("iso-8859-8", ["csiso88598e", "csisolatinhebrew", "hebrew", "iso-8859-8", "iso-8859-8-e", "iso-ir-138", "iso8859-8", "iso88598", "iso_8859-8", "iso_8859-8:1988", "visual"]),
    ("iso-8859-8-i", ["csiso88598i", "iso-8859-8-i", "logical"]),
    ("iso-8859-10", ["csisolatin6", "iso-8859-10", "iso-ir-157", "iso8859-10", "iso885910", "l6", "latin6"]),
    ("iso-8859-13", ["iso-8859-13", "iso8859-13", "iso885913"]),
    ("iso-8859-14", ["iso-8859-14", "iso8859-14", "iso885914"]),
    ("iso-8859-15", ["csisolatin9", "iso-8859-15", "iso8859-15", "iso885915", "iso_8859-15", "l9"]),
    ("iso-8859-16", ["iso-8859-16"]),
    ("koi8-r", ["cskoi8r", "koi", "koi8", "koi8-r", "koi8_r"]),
    ("koi8-u", ["koi8-u"]),
    ("macintosh", ["csmacintosh", "mac", "macintosh", "x-mac-roman"]),
    ("windows-874", ["dos-874", "iso-8859-11", "iso8859-11", "iso885911", "tis-620", "windows-874"]),
    ("windows-1250", ["cp1250", "windows-1250", "x-cp1250"]),
    ("windows-1251", ["cp1251", "windows-1251", "x-cp1251"]),
    ("windows-1252", ["ansi_x3.4-1968", "ascii", "cp1252", "cp819", "csisolatin1", "ibm819", "iso-8859-1", "iso-ir-100", "iso8859-1", "iso88591", "iso_8859-1", "iso_8859-1:1987", "l1", "latin1", "us-ascii", "windows-1252", "x-cp1252"]),
    ("windows-1253", ["cp1253", "windows-1253", "x-cp1253"]),
    ("windows-1254", ["cp1254", "csisolatin5", "iso-8859-9", "iso-ir-148", "iso8859-9", "iso88599", "iso_8859-9", "iso_8859-9:1989", "l5", "latin5", "windows-1254", "x-cp1254"]),
    ("windows-1255", ["cp1255", "windows-1255", "x-cp1255"]),
    ("windows-1256", ["cp1256", "windows-1256", "x-cp1256"]),
    ("windows-1257", ["cp1257", "windows-1257", "x-cp1257"]),
    ("windows-1258", ["cp1258", "windows-1258", "x-cp1258"]),
    ("x-mac-cyrillic", ["x-mac-cyrillic", "x-mac-ukrainian"]),
    ("gbk", ["chinese", "csgb2312", "csiso58gb231280", "gb2312", "gb_2312", "gb_2312-80", "gbk", "iso-ir-58", "x-gbk"]),
    ("gb18030", ["gb18030"]),
    ("big5", ["big5", "big5-hkscs", "cn-big5", "csbig5", "x-x-big5"]),
    ("euc-jp", ["cseucpkdfmtjapanese", "euc-jp", "x-euc-jp"]),
    ("iso-2022-jp", ["csiso2022jp", "iso-2022-jp"]),
    ("shift_jis", ["csshiftjis", "ms_kanji", "shift-jis", "shift_jis", "sjis", "windows-31j", "x-sjis"]),
    ("euc-kr", ["cseuckr", "csksc56011987", "euc-kr", "iso-ir-149", "korean", "ks_c_5601-1987", "ks_c_5601-1989", "ksc5601", "ksc_5601", "windows-949"]),
    ("replacement", ["csiso2022kr", "hz-gb-2312", "iso-2022-cn", "iso-2022-cn-ext", "iso-2022-kr"]),
    ("utf-16be", ["utf-16be"]),
    ("utf-16le", ["utf-16", "utf-16le"]),
    ("x-user-defined", ["x-user-defined"]),
]


def s(text):
    """A JSON-safe string: plain when well-formed, else UTF-16 code units."""
    units = []
    for ch in text:
        o = ord(ch)
        if o > 0xFFFF:
            o -= 0x10000
            units += [0xD800 + (o >> 10), 0xDC00 + (o & 0x3FF)]
        else:
            units.append(o)
    lone = False
    i = 0
    while i < len(units):
        u = units[i]
        if 0xD800 <= u <= 0xDBFF and i + 1 < len(units) and 0xDC00 <= units[i + 1] <= 0xDFFF:
            i += 2
            continue
        if 0xD800 <= u <= 0xDFFF:
            lone = True
        i += 1
    return {"units": units} if lone else text


def js(units_text):
    """Builds a Python str from a JS-style string with surrogate escapes."""
    return units_text.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "surrogatepass")


def step(data, expect=None, stream=False, throws=None):
    st = {"bytes": list(data), "stream": stream}
    if throws:
        st["throws"] = throws
    else:
        st["expect"] = s(expect)
    return st


def seq(name, src, label, steps, fatal=False, ignore_bom=False):
    return {"name": name, "source": src, "label": label, "fatal": fatal, "ignoreBOM": ignore_bom, "steps": steps}


decode = []

# api-basics.any.js
SAMPLE = "z\xA2\u6C34\U0001D11E\uF8FF\U0010FFFD\uFFFE"
BASICS = {
    "utf-8": [0x7A, 0xC2, 0xA2, 0xE6, 0xB0, 0xB4, 0xF0, 0x9D, 0x84, 0x9E, 0xEF, 0xA3, 0xBF, 0xF4, 0x8F, 0xBF, 0xBD, 0xEF, 0xBF, 0xBE],
    "utf-16le": [0x7A, 0x00, 0xA2, 0x00, 0x34, 0x6C, 0x34, 0xD8, 0x1E, 0xDD, 0xFF, 0xF8, 0xFF, 0xDB, 0xFD, 0xDF, 0xFE, 0xFF],
    "utf-16be": [0x00, 0x7A, 0x00, 0xA2, 0x6C, 0x34, 0xD8, 0x34, 0xDD, 0x1E, 0xF8, 0xFF, 0xDB, 0xFF, 0xDF, 0xFD, 0xFF, 0xFE],
}
for enc, data in BASICS.items():
    # api-basics decodes the sample from every kind of BufferSource.
    for view in ["Uint8Array", "ArrayBuffer", "DataView", "Int8Array", "Uint8ClampedArray"]:
        decode.append(seq(f"Decode sample: {enc} from {view}", "api-basics.any.js", enc,
                          [step(data, SAMPLE) | {"view": view}]))
    decode.append(seq(f"Decode sample: {enc} in one stream chunk", "api-basics.any.js", enc,
                      [step(data, SAMPLE, True), step([], "")]))
decode.append(seq("Default inputs: decode() with no argument", "api-basics.any.js", "utf-8", [{"stream": False, "expect": ""}]))

# api-surrogates-utf8.any.js (encode then decode)
encode = []
for name, inp, exp in [
    ("Sanity check", "abc123", [0x61, 0x62, 0x63, 0x31, 0x32, 0x33]),
    ("Surrogate half (low)", js("\ud800"), [0xEF, 0xBF, 0xBD]),
    ("Surrogate half (high)", js("\udc00"), [0xEF, 0xBF, 0xBD]),
    ("Surrogate half (low), in a string", js("abc\ud800123"), [0x61, 0x62, 0x63, 0xEF, 0xBF, 0xBD, 0x31, 0x32, 0x33]),
    ("Surrogate half (high), in a string", js("abc\udc00123"), [0x61, 0x62, 0x63, 0xEF, 0xBF, 0xBD, 0x31, 0x32, 0x33]),
    ("Wrong order", js("\udc00\ud800"), [0xEF, 0xBF, 0xBD, 0xEF, 0xBF, 0xBD]),
]:
    encode.append({"name": name, "source": "api-surrogates-utf8.any.js", "input": s(inp), "expect": exp})
encode.append({"name": "Encode sample", "source": "api-basics.any.js", "input": s(SAMPLE), "expect": BASICS["utf-8"]})
encode.append({"name": "Default input: encode() of empty string", "source": "api-basics.any.js", "input": "", "expect": []})

# textdecoder-fatal.any.js
FATAL = [
    ("utf-8", [0xFF], "invalid code"), ("utf-8", [0xC0], "ends early"), ("utf-8", [0xE0], "ends early 2"),
    ("utf-8", [0xC0, 0x00], "invalid trail"), ("utf-8", [0xC0, 0xC0], "invalid trail 2"),
    ("utf-8", [0xE0, 0x00], "invalid trail 3"), ("utf-8", [0xE0, 0xC0], "invalid trail 4"),
    ("utf-8", [0xE0, 0x80, 0x00], "invalid trail 5"), ("utf-8", [0xE0, 0x80, 0xC0], "invalid trail 6"),
    ("utf-8", [0xFC, 0x80, 0x80, 0x80, 0x80, 0x80], "> 0x10FFFF"),
    ("utf-8", [0xFE, 0x80, 0x80, 0x80, 0x80, 0x80], "obsolete lead byte"),
    ("utf-8", [0xC0, 0x80], "overlong U+0000 - 2 bytes"), ("utf-8", [0xE0, 0x80, 0x80], "overlong U+0000 - 3 bytes"),
    ("utf-8", [0xF0, 0x80, 0x80, 0x80], "overlong U+0000 - 4 bytes"),
    ("utf-8", [0xF8, 0x80, 0x80, 0x80, 0x80], "overlong U+0000 - 5 bytes"),
    ("utf-8", [0xFC, 0x80, 0x80, 0x80, 0x80, 0x80], "overlong U+0000 - 6 bytes"),
    ("utf-8", [0xC1, 0xBF], "overlong U+007F - 2 bytes"), ("utf-8", [0xE0, 0x81, 0xBF], "overlong U+007F - 3 bytes"),
    ("utf-8", [0xF0, 0x80, 0x81, 0xBF], "overlong U+007F - 4 bytes"),
    ("utf-8", [0xF8, 0x80, 0x80, 0x81, 0xBF], "overlong U+007F - 5 bytes"),
    ("utf-8", [0xFC, 0x80, 0x80, 0x80, 0x81, 0xBF], "overlong U+007F - 6 bytes"),
    ("utf-8", [0xE0, 0x9F, 0xBF], "overlong U+07FF - 3 bytes"), ("utf-8", [0xF0, 0x80, 0x9F, 0xBF], "overlong U+07FF - 4 bytes"),
    ("utf-8", [0xF8, 0x80, 0x80, 0x9F, 0xBF], "overlong U+07FF - 5 bytes"),
    ("utf-8", [0xFC, 0x80, 0x80, 0x80, 0x9F, 0xBF], "overlong U+07FF - 6 bytes"),
    ("utf-8", [0xF0, 0x8F, 0xBF, 0xBF], "overlong U+FFFF - 4 bytes"),
    ("utf-8", [0xF8, 0x80, 0x8F, 0xBF, 0xBF], "overlong U+FFFF - 5 bytes"),
    ("utf-8", [0xFC, 0x80, 0x80, 0x8F, 0xBF, 0xBF], "overlong U+FFFF - 6 bytes"),
    ("utf-8", [0xF8, 0x84, 0x8F, 0xBF, 0xBF], "overlong U+10FFFF - 5 bytes"),
    ("utf-8", [0xFC, 0x80, 0x84, 0x8F, 0xBF, 0xBF], "overlong U+10FFFF - 6 bytes"),
    ("utf-8", [0xED, 0xA0, 0x80], "lead surrogate"), ("utf-8", [0xED, 0xB0, 0x80], "trail surrogate"),
    ("utf-8", [0xED, 0xA0, 0x80, 0xED, 0xB0, 0x80], "surrogate pair"),
    ("utf-16le", [0x00], "truncated code unit"),
]
for enc, data, name in FATAL:
    decode.append(seq(f"Fatal flag: {enc} - {name}", "textdecoder-fatal.any.js", enc,
                      [step(data, throws="TypeError")], fatal=True))
decode.append(seq("Error seen with fatal does not prevent future decodes", "textdecoder-fatal.any.js", "utf-8", [
    step([226, 153, 165], "\u2665"), step([226, 153], throws="TypeError"), step([226, 153, 165], "\u2665")], fatal=True))

# textdecoder-fatal-streaming.any.js
for enc, data in [("utf-8", [0xC0]), ("utf-16le", [0x00]), ("utf-16be", [0x00])]:
    decode.append(seq(f"Fatal flag, non-streaming: unterminated {enc}", "textdecoder-fatal-streaming.any.js", enc,
                      [step(data, throws="TypeError")], fatal=True))
    decode.append(seq(f"No fatal flag, non-streaming: unterminated {enc}", "textdecoder-fatal-streaming.any.js", enc,
                      [step(data, "\uFFFD")]))
decode.append(seq("Fatal flag, streaming cases", "textdecoder-fatal-streaming.any.js", "utf-16le", [
    step([0x00], "", True), step([], throws="TypeError"),
    step([0x00], "", True), step([0x00], "\u0000"),
    step([0x00, 0x00], "\u0000", True), step([0x00], throws="TypeError"),
    step([0x00], "", True), step([0x00, 0x00], throws="TypeError"),
    step([0x00, 0x00], "\u0000", True), step([0x00, 0x00], "\u0000"),
], fatal=True))

# textdecoder-ignorebom.any.js
for enc, data in [("utf-8", [0xEF, 0xBB, 0xBF, 0x61, 0x62, 0x63]),
                  ("utf-16le", [0xFF, 0xFE, 0x61, 0x00, 0x62, 0x00, 0x63, 0x00]),
                  ("utf-16be", [0xFE, 0xFF, 0x00, 0x61, 0x00, 0x62, 0x00, 0x63])]:
    decode.append(seq(f"BOM is ignored if ignoreBOM option is specified: {enc}", "textdecoder-ignorebom.any.js", enc,
                      [step(data, "\uFEFFabc"), step(data, "\uFEFFabc")], ignore_bom=True))
    decode.append(seq(f"BOM is stripped without ignoreBOM: {enc}", "textdecoder-ignorebom.any.js", enc,
                      [step(data, "abc")]))

# textdecoder-byte-order-marks.any.js
BOMS = {"utf-8": [0xEF, 0xBB, 0xBF], "utf-16le": [0xFF, 0xFE], "utf-16be": [0xFE, 0xFF]}
BOM_BYTES = {
    "utf-8": [0x7A, 0xC2, 0xA2, 0xE6, 0xB0, 0xB4, 0xF0, 0x9D, 0x84, 0x9E, 0xF4, 0x8F, 0xBF, 0xBD],
    "utf-16le": [0x7A, 0x00, 0xA2, 0x00, 0x34, 0x6C, 0x34, 0xD8, 0x1E, 0xDD, 0xFF, 0xDB, 0xFD, 0xDF],
    "utf-16be": [0x00, 0x7A, 0x00, 0xA2, 0x6C, 0x34, 0xD8, 0x34, 0xDD, 0x1E, 0xDB, 0xFF, 0xDF, 0xFD],
}
BOM_STRING = "z\xA2\u6C34\U0001D11E\U0010FFFD"
for enc in BOMS:
    decode.append(seq(f"Byte-order marks: {enc} without BOM", "textdecoder-byte-order-marks.any.js", enc,
                      [step(BOM_BYTES[enc], BOM_STRING)]))
    decode.append(seq(f"Byte-order marks: {enc} with BOM", "textdecoder-byte-order-marks.any.js", enc,
                      [step(BOMS[enc] + BOM_BYTES[enc], BOM_STRING)]))
    for other in BOMS:
        if other != enc:
            decode.append(seq(f"Byte-order marks: {enc} with a {other} BOM is not stripped", "textdecoder-byte-order-marks.any.js",
                              enc, [{"bytes": BOMS[other] + BOM_BYTES[enc], "stream": False, "notExpect": s(BOM_STRING)}]))

# textdecoder-utf16-surrogates.any.js
for name, data, exp in [("lone surrogate lead", [0x00, 0xD8], "\uFFFD"), ("lone surrogate trail", [0x00, 0xDC], "\uFFFD"),
                        ("unmatched surrogate lead", [0x00, 0xD8, 0x00, 0x00], "\uFFFD\u0000"),
                        ("unmatched surrogate trail", [0x00, 0xDC, 0x00, 0x00], "\uFFFD\u0000"),
                        ("swapped surrogate pair", [0x00, 0xDC, 0x00, 0xD8], "\uFFFD\uFFFD")]:
    decode.append(seq(f"utf-16le - {name}", "textdecoder-utf16-surrogates.any.js", "utf-16le", [step(data, exp)]))
    decode.append(seq(f"utf-16le - {name} (fatal flag set)", "textdecoder-utf16-surrogates.any.js", "utf-16le",
                      [step(data, throws="TypeError")], fatal=True))

# textdecoder-eof.any.js
for label, data, exp in [
    ("utf-8", [0xF0], "\uFFFD"), ("utf-8", [0xF0, 0x9F], "\uFFFD"), ("utf-8", [0xF0, 0x9F, 0x92], "\uFFFD"),
    ("utf-8", [0xF0, 0x9F, 0x41], "\uFFFDA"), ("utf-8", [0xF0, 0x41, 0x42], "\uFFFDAB"),
    ("utf-8", [0xF0, 0x41, 0xF0], "\uFFFDA\uFFFD"), ("utf-8", [0xF0, 0x8F, 0x92], "\uFFFD\uFFFD\uFFFD"),
    ("Big5", [0x81, 0x40], "\uFFFD@"), ("Big5", [0x81, 0x81], "\uFFFD"), ("Big5", [0x87, 0x87, 0x40], "\uFFFD@"),
]:
    decode.append(seq(f"End-of-queue: {label} {data}", "textdecoder-eof.any.js", label, [step(data, exp)]))
decode.append(seq("End-of-queue handling using stream: true (utf-8)", "textdecoder-eof.any.js", "utf-8", [
    step([0xF0], "", True), step([], "\uFFFD"),
    step([0xF0], "", True), step([0x9F], "", True), step([], "\uFFFD"),
    step([0xF0, 0x9F], "", True), step([0x92], "\uFFFD"),
    step([0xF0, 0x9F], "", True), step([0x41], "\uFFFDA", True), step([], ""),
    step([0xF0, 0x41, 0x42], "\uFFFDAB", True), step([], ""),
    step([0xF0, 0x41, 0xF0], "\uFFFDA", True), step([], "\uFFFD"),
    step([0xF0], "", True), step([0x8F], "\uFFFD\uFFFD", True), step([0x92], "\uFFFD", True), step([], ""),
    step([0xF0, 0xC2, 0x80, 0x2A], "\uFFFD\x80*", True), step([], ""),
    step([0xF0], "", True), step([0xC2], "\uFFFD", True), step([0x80], "\x80", True), step([0x2A], "*", True), step([], ""),
    step([0xF0], "", True), step([0xC2], "\uFFFD", True), step([0x80, 0x2A], "\x80*", True), step([], ""),
    step([0xF0], "", True), step([0xC2, 0x80, 0x2A], "\uFFFD\x80*", True), step([], ""),
]))
decode.append(seq("End-of-queue handling using stream: true (Big5)", "textdecoder-eof.any.js", "Big5", [
    step([0x81, 0x40], "\uFFFD@", True), step([], ""),
    step([0x81], "", True), step([0x40], "\uFFFD@", True), step([], ""),
]))

# textdecoder-streaming.any.js
STREAM_STRING = "\x00123ABCabc\x80\xFF\u0100\u1000\uFFFD\U00010000\U0010FFFF"
OCTETS = {
    "utf-8": [0x00, 0x31, 0x32, 0x33, 0x41, 0x42, 0x43, 0x61, 0x62, 0x63, 0xc2, 0x80, 0xc3, 0xbf, 0xc4, 0x80, 0xe1, 0x80,
              0x80, 0xef, 0xbf, 0xbd, 0xf0, 0x90, 0x80, 0x80, 0xf4, 0x8f, 0xbf, 0xbf],
    "utf-16le": [0x00, 0x00, 0x31, 0x00, 0x32, 0x00, 0x33, 0x00, 0x41, 0x00, 0x42, 0x00, 0x43, 0x00, 0x61, 0x00, 0x62, 0x00,
                 0x63, 0x00, 0x80, 0x00, 0xFF, 0x00, 0x00, 0x01, 0x00, 0x10, 0xFD, 0xFF, 0x00, 0xD8, 0x00, 0xDC, 0xFF, 0xDB,
                 0xFF, 0xDF],
    "utf-16be": [0x00, 0x00, 0x00, 0x31, 0x00, 0x32, 0x00, 0x33, 0x00, 0x41, 0x00, 0x42, 0x00, 0x43, 0x00, 0x61, 0x00, 0x62,
                 0x00, 0x63, 0x00, 0x80, 0x00, 0xFF, 0x01, 0x00, 0x10, 0x00, 0xFF, 0xFD, 0xD8, 0x00, 0xDC, 0x00, 0xDB, 0xFF,
                 0xDF, 0xFF],
}
streaming = []
for enc, data in OCTETS.items():
    for window in range(1, 6):
        streaming.append({"name": f"Streaming decode: {enc}, {window} byte window", "source": "textdecoder-streaming.any.js",
                          "label": enc, "window": window, "bytes": data, "expect": STREAM_STRING})
decode.append(seq("Streaming decode: UTF-8 chunk tests", "textdecoder-streaming.any.js", "utf-8", [
    step([0xC1], "\uFFFD", True), step([], ""),
    step([0xF5], "\uFFFD", True), step([], ""),
    step([0xE0, 0x41], "\uFFFDA", True), step([0x42], "B"),
    step([0xE0, 0x80], "\uFFFD\uFFFD", True), step([0x80], "\uFFFD"),
    step([0xED, 0xA0], "\uFFFD\uFFFD", True), step([0x80], "\uFFFD"),
    step([0xF0, 0x41], "\uFFFDA", True), step([0x42], "B", True), step([0x43], "C"),
    step([0xF0, 0x80], "\uFFFD\uFFFD", True), step([0x80], "\uFFFD", True), step([0x80], "\uFFFD"),
    step([0xF4, 0xA0], "\uFFFD\uFFFD", True), step([0x80], "\uFFFD", True), step([0x80], "\uFFFD"),
    step([0xF0, 0x90, 0x41], "\uFFFDA", True), step([0x42], "B"),
    step([0xF0, 0x9F, 0x92], "", True), step([0xA9], "\U0001F4A9"),
]))

# textdecoder-copy.any.js: the decoder copies input; later changes to the buffer do not matter.
decode.append(seq("Modify buffer after passing it in", "textdecoder-copy.any.js", "utf-8", [
    {"bytes": [0xEF, 0xBB], "stream": True, "expect": "", "thenOverwrite": [0x01, 0x02]},
    step([0xBF, 0x40], "@"),
]))

# textdecoder-fatal-single-byte.any.js: which bytes have no pointer.
single_byte_bad = {
    "IBM866": [], "ISO-8859-2": [], "ISO-8859-3": [0xA5, 0xAE, 0xBE, 0xC3, 0xD0, 0xE3, 0xF0], "ISO-8859-4": [], "ISO-8859-5": [],
    "ISO-8859-6": [0xA1, 0xA2, 0xA3, 0xA5, 0xA6, 0xA7, 0xA8, 0xA9, 0xAA, 0xAB, 0xAE, 0xAF, 0xB0, 0xB1, 0xB2, 0xB3, 0xB4, 0xB5,
                   0xB6, 0xB7, 0xB8, 0xB9, 0xBA, 0xBC, 0xBD, 0xBE, 0xC0, 0xDB, 0xDC, 0xDD, 0xDE, 0xDF, 0xF3, 0xF4, 0xF5, 0xF6,
                   0xF7, 0xF8, 0xF9, 0xFA, 0xFB, 0xFC, 0xFD, 0xFE, 0xFF],
    "ISO-8859-7": [0xAE, 0xD2, 0xFF],
    "ISO-8859-8": [0xA1, 0xBF, 0xC0, 0xC1, 0xC2, 0xC3, 0xC4, 0xC5, 0xC6, 0xC7, 0xC8, 0xC9, 0xCA, 0xCB, 0xCC, 0xCD, 0xCE, 0xCF,
                   0xD0, 0xD1, 0xD2, 0xD3, 0xD4, 0xD5, 0xD6, 0xD7, 0xD8, 0xD9, 0xDA, 0xDB, 0xDC, 0xDD, 0xDE, 0xFB, 0xFC, 0xFF],
    "ISO-8859-8-I": [0xA1, 0xBF, 0xC0, 0xC1, 0xC2, 0xC3, 0xC4, 0xC5, 0xC6, 0xC7, 0xC8, 0xC9, 0xCA, 0xCB, 0xCC, 0xCD, 0xCE, 0xCF,
                     0xD0, 0xD1, 0xD2, 0xD3, 0xD4, 0xD5, 0xD6, 0xD7, 0xD8, 0xD9, 0xDA, 0xDB, 0xDC, 0xDD, 0xDE, 0xFB, 0xFC, 0xFF],
    "ISO-8859-10": [], "ISO-8859-13": [], "ISO-8859-14": [], "ISO-8859-15": [], "ISO-8859-16": [], "KOI8-R": [], "KOI8-U": [],
    "macintosh": [], "windows-874": [0xDB, 0xDC, 0xDD, 0xDE, 0xFC, 0xFD, 0xFE, 0xFF], "windows-1250": [], "windows-1251": [],
    "windows-1252": [], "windows-1253": [0xAA, 0xD2, 0xFF], "windows-1254": [],
    "windows-1255": [0xD9, 0xDA, 0xDB, 0xDC, 0xDD, 0xDE, 0xDF, 0xFB, 0xFC, 0xFF], "windows-1256": [],
    "windows-1257": [0xA1, 0xA5], "windows-1258": [], "x-mac-cyrillic": [],
}

# encodeInto.any.js
encode_into = [
    {"input": "Hi", "read": 0, "bufferSize": 0, "written": []},
    {"input": "A", "read": 1, "bufferSize": 10, "written": [0x41]},
    {"input": "\U0001D306", "read": 2, "bufferSize": 4, "written": [0xF0, 0x9D, 0x8C, 0x86]},
    {"input": "\U0001D306A", "read": 0, "bufferSize": 3, "written": []},
    {"input": s(js("\ud834A\udf06A\xa5Hi")), "read": 5, "bufferSize": 10,
     "written": [0xEF, 0xBF, 0xBD, 0x41, 0xEF, 0xBF, 0xBD, 0x41, 0xC2, 0xA5]},
]
for c in encode_into:
    c["source"] = "encodeInto.any.js"
    if isinstance(c["input"], str):
        c["input"] = s(c["input"])

data = {
    "comment": "Derived from web-platform-tests encoding/ (see README.md beside this file). "
               "Regenerate with make_encoding_json.py.",
    "encodings": [{"name": n, "labels": l} for n, l in ENCODINGS],
    "labelWhitespace": [" ", "\t", "\n", "\f", "\r"],
    "invalidLabelWhitespace": ["\u0000", "\u000b", "\u00a0", "\u2028", "\u2029"],
    "invalidLabels": ["invalid-invalidLabel", "dummy", "unicode11utf8", "unicode20utf8", "x-unicode20utf8", "csunicode",
                      "ucs-2", "unicode", "iso-10646-ucs-2", "unicodefeff", "unicodefffe"],
    "decode": decode,
    "streaming": streaming,
    "encode": encode,
    "encodeInto": encode_into,
    "encodeIntoInvalidDestinations": ["DataView", "Int8Array", "Int16Array", "Int32Array", "Uint16Array", "Uint32Array",
                                      "Uint8ClampedArray", "Float32Array", "Float64Array"],
    "singleByteFatal": [{"encoding": e, "bad": b} for e, b in single_byte_bad.items()],
}

out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "encoding.json")
with open(out, "w", encoding="utf-8") as f:
    json.dump(data, f, ensure_ascii=True, indent=1)
    f.write("\n")
print(f"wrote {out}")
