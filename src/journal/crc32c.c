/* crc32c.c — CRC-32C, polynomial 0x82F63B78 (reflected). Slice-by-8 table
 * code, or the crc32 instruction on x86-64 with SSE 4.2. */
#include "crc32c.h"

#include <stdbool.h>
#include <string.h>
#if defined(__x86_64__)
#include <cpuid.h>
#endif

static uint32_t table[8][256];
static bool table_ready;

static void table_init(void) {
        for (uint32_t i = 0; i < 256; i++) {
                uint32_t c = i;
                for (int k = 0; k < 8; k++)
                        c = c & 1 ? (c >> 1) ^ 0x82F63B78u : c >> 1;
                table[0][i] = c;
        }
        for (uint32_t i = 0; i < 256; i++)
                for (int t = 1; t < 8; t++)
                        table[t][i] = (table[t - 1][i] >> 8) ^ table[0][table[t - 1][i] & 0xff];
        table_ready = true;
}

static uint32_t crc32c_sw(uint32_t crc, const uint8_t *p, size_t n) {
        if (!table_ready)
                table_init();
        while (n >= 8) {
                uint64_t w;
                memcpy(&w, p, 8);
                w ^= crc;
                crc = table[7][w & 0xff] ^ table[6][(w >> 8) & 0xff] ^ table[5][(w >> 16) & 0xff] ^
                      table[4][(w >> 24) & 0xff] ^ table[3][(w >> 32) & 0xff] ^ table[2][(w >> 40) & 0xff] ^
                      table[1][(w >> 48) & 0xff] ^ table[0][w >> 56];
                p += 8;
                n -= 8;
        }
        while (n--)
                crc = (crc >> 8) ^ table[0][(crc ^ *p++) & 0xff];
        return crc;
}

#if defined(__x86_64__)
__attribute__((target("sse4.2"))) static uint32_t crc32c_hw(uint32_t crc, const uint8_t *p, size_t n) {
        uint64_t c = crc;
        while (n >= 8) {
                uint64_t w;
                memcpy(&w, p, 8);
                c = __builtin_ia32_crc32di(c, w);
                p += 8;
                n -= 8;
        }
        uint32_t c32 = (uint32_t) c;
        while (n--)
                c32 = __builtin_ia32_crc32qi(c32, *p++);
        return c32;
}
#endif

uint32_t crc32c_update(uint32_t crc, const void *p, size_t n) {
        crc = ~crc;
#if defined(__x86_64__)
        /* One cpuid on first use: __builtin_cpu_supports() would link
         * libgcc's start-up probe of every feature into each program, a
         * dozen cpuid instructions that trap to the hypervisor on a VM. */
        static int hw = -1;
        if (hw < 0) {
                unsigned a, b, c, d;
                hw = __get_cpuid(1, &a, &b, &c, &d) && (c & bit_SSE4_2);
        }
        if (hw)
                return ~crc32c_hw(crc, p, n);
#endif
        return ~crc32c_sw(crc, p, n);
}
