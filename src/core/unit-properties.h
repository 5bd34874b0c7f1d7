/* unit-properties.h — a unit's state as systemd-named properties
 * ("ActiveState=active"), the one format `show`, `status` and `-o json`
 * are built from (the client formats). */
#pragma once

#include "lib/strbuf.h"
#include "unit.h"

void unit_append_properties(Unit *u, StrBuf *b);
/* Adds the unit's recent log lines as LastLogLines= (status only). */
void unit_append_log_lines(Unit *u, StrBuf *b);
