//! URLPattern's native half: the urlpattern crate (the one Deno uses)
//! parses patterns into per-component regular expressions and canonicalises
//! match inputs; ts-lib/urlpattern.ts compiles those expressions with V8's
//! RegExp (the patterns are ECMAScript syntax) and matches in JS.

use howth_engine::{CallArgs, ErrorKind, Isolate, Kind};
use urlpattern::quirks::{self, StringOrInit};
use urlpattern::UrlPatternOptions;

pub fn register<S: 'static>(iso: &mut Isolate<S>) {
    iso.set_op("urlPatternParse", op_parse::<S>);
    iso.set_op("urlPatternMatchInput", op_match_input::<S>);
}

fn optional_string(args: &CallArgs<'_>, i: usize) -> Option<String> {
    (args.kind(i) == Kind::String).then(|| args.string(i))
}

/// The pattern or URL argument: a string, or a URLPatternInit as JSON text.
fn input(args: &CallArgs<'_>, is_init: bool) -> Result<StringOrInit, String> {
    let text = args.string(0);
    if is_init {
        serde_json::from_str(&text)
            .map(StringOrInit::Init)
            .map_err(|e| format!("invalid URLPatternInit: {e}"))
    } else {
        Ok(StringOrInit::String(text))
    }
}

/// urlPatternParse(input, isInit, baseURL, ignoreCase): the parsed pattern
/// as JSON ({protocol: {patternString, regexpString, groupNameList}, ...,
/// hasRegexpGroups}); TypeError for a bad pattern.
fn op_parse<S>(_: &mut S, args: &mut CallArgs<'_>) {
    let parsed = input(args, args.bool(1)).and_then(|inp| {
        let base = optional_string(args, 2);
        let init =
            quirks::process_construct_pattern_input(inp, base.as_deref()).map_err(|e| e.to_string())?;
        let options = UrlPatternOptions {
            ignore_case: args.bool(3),
        };
        let pattern = quirks::parse_pattern(init, options).map_err(|e| e.to_string())?;
        serde_json::to_string(&pattern).map_err(|e| e.to_string())
    });
    match parsed {
        Ok(json) => args.return_str(&json),
        Err(e) => args.throw(
            ErrorKind::TypeError,
            &format!("Failed to construct 'URLPattern': {e}"),
        ),
    }
}

/// urlPatternMatchInput(input, isInit, baseURL): the canonical components
/// of a URL to match and the inputs as given, as JSON [components, inputs];
/// null when the input is not a URL (no match); TypeError for a base URL
/// given with an init.
fn op_match_input<S>(_: &mut S, args: &mut CallArgs<'_>) {
    let result = input(args, args.bool(1)).and_then(|inp| {
        let base = optional_string(args, 2);
        match quirks::process_match_input(inp, base.as_deref()).map_err(|e| e.to_string())? {
            None => Ok(None),
            Some((m, inputs)) => Ok(quirks::parse_match_input(m).map(|c| (c, inputs))),
        }
    });
    match result {
        Ok(Some((components, inputs))) => {
            let json = serde_json::json!([components, inputs]);
            args.return_str(&json.to_string());
        }
        Ok(None) => args.return_null(),
        Err(e) => args.throw(ErrorKind::TypeError, &e),
    }
}
