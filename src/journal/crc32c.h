/* crc32c.h — CRC-32C (Castagnoli), the checksum of every journal record.
 * Uses the SSE 4.2 instruction where the CPU has it, a table otherwise. */
#pragma once

#include <stddef.h>
#include <stdint.h>

/* crc32c_update(0, p, n) is the CRC of p; chain calls to extend it. */
uint32_t crc32c_update(uint32_t crc, const void *p, size_t n);
