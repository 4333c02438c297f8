// Links libnode.so.108 and does nothing else: what loading libnode costs any
// program that embeds it, the floor for `howth run`'s start-up. The call
// keeps the library a real dependency under --as-needed linkers.
#include <v8.h>

int main() { return v8::V8::GetVersion() != nullptr ? 0 : 1; }
