/* json.h — writing JSON strings (escaping per RFC 8259; bytes that are not
 * valid UTF-8 are written as \ufffd so the output stays valid). */
#pragma once

#include "strbuf.h"

void json_append_string(StrBuf *b, const char *s);
