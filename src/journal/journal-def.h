/* journal-def.h — the on-disk layout (host byte order, little-endian only).
 *
 *   header (JournalHeader, 96 bytes)
 *   entry records, each: JournalRecord + unit + ident + message, zero
 *     padding to 8, then JournalTrailer {size, magic}
 *   optional tail record (written at rotation): JournalTailRecord, then per
 *     unit JournalTailUnit + name padded to 8, then JournalTrailer
 *
 * crc: CRC-32C of the size field followed by everything from msg_len to the
 * end of the payload (padding and trailer excluded). */
#pragma once

#include <stdint.h>

#include "journal.h"

#define JOURNAL_MAGIC "SUPDJRN1"
#define JOURNAL_VERSION 1u
#define JOURNAL_HEADER_SIZE 96u
#define JOURNAL_ENTRY_MAGIC 0x31454a53u   /* "SJE1" */
#define JOURNAL_TAIL_MAGIC 0x31544a53u    /* "SJT1" */
#define JOURNAL_TRAILER_MAGIC 0x74454a53u /* "SJEt" */
#define JOURNAL_RECORD_MAX (JOURNAL_LINE_MAX + 4096u)

typedef struct JournalHeader {
        char magic[8];
        uint32_t version;
        uint32_t header_size;
        uint8_t file_id[16];
        uint8_t boot_id[16];
        uint64_t first_seqnum;
        uint64_t created_realtime;
        uint64_t tail_offset;   /* 0 while the file is written */
        uint64_t reserved[2];
        uint32_t flags;
        uint32_t crc;           /* of the bytes before it */
} JournalHeader;

typedef struct JournalRecord {
        uint32_t magic;
        uint32_t size;          /* whole record including trailer, multiple of 8 */
        uint32_t crc;
        uint32_t msg_len;
        uint64_t seqnum;
        uint64_t realtime;
        uint64_t monotonic;
        uint64_t prev_unit;     /* previous entry of the same unit in this file, 0: none */
        uint8_t boot_id[16];
        uint32_t pid;
        uint32_t uid;
        uint8_t priority, facility, stream, unit_len;
        uint8_t ident_len, flags, pad[2];
} JournalRecord;

typedef struct JournalTrailer {
        uint32_t size;
        uint32_t magic;
} JournalTrailer;

typedef struct JournalTailRecord {
        uint32_t magic;
        uint32_t size;
        uint32_t crc;
        uint32_t n_units;
        uint64_t n_entries;
        uint64_t first_realtime;
        uint64_t last_realtime;
        uint64_t last_seqnum;
} JournalTailRecord;

typedef struct JournalTailUnit {
        uint64_t last_offset;
        uint32_t count;
        uint16_t name_len;
        uint16_t pad;
} JournalTailUnit;

_Static_assert(sizeof(JournalHeader) == JOURNAL_HEADER_SIZE, "header size");
_Static_assert(sizeof(JournalRecord) == 80, "record size");
_Static_assert(sizeof(JournalTailRecord) == 48, "tail size");

#define ALIGN8(x) (((x) + 7u) & ~(uint64_t) 7u)

/* A file mapped for reading (journal-file.c). */
typedef struct JournalTailInfo {
        char *name;
        uint64_t last_offset;
        uint32_t count;
} JournalTailInfo;

typedef struct JournalMapped {
        char *path;
        int fd;
        const uint8_t *map;
        uint64_t size;          /* mapped bytes */
        JournalHeader header;
        bool header_ok;
        uint64_t end;           /* end of the entry area: tail offset or size */
        bool has_tail;
        uint64_t first_realtime, last_realtime; /* 0 if unknown */
        JournalTailInfo *units; /* from the tail */
        size_t n_units;
} JournalMapped;

uint64_t journal_record_size(size_t unit_len, size_t ident_len, size_t msg_len);
/* Serializes e into buf (journal_record_size() bytes). */
void journal_record_build(uint8_t *buf, const JournalEntry *e, uint64_t seqnum, uint64_t prev_unit);
/* Parses and checks the record at off (end: limit of the entry area). Fills
 * e (pointing into the map), *prev_unit and *size. 0 or -EBADMSG. */
int journal_record_parse(const uint8_t *map, uint64_t end, uint64_t off, JournalEntry *e, uint64_t *prev_unit,
                         uint64_t *size);
/* The start of the record ending at end_off, or -EBADMSG. */
int64_t journal_record_before(const uint8_t *map, uint64_t lower, uint64_t end_off);
/* Finds the next offset >= off (8-aligned) with a valid record; 0 if none. */
uint64_t journal_record_resync(const uint8_t *map, uint64_t end, uint64_t off);

void journal_header_init(JournalHeader *h, uint64_t first_seqnum, const uint8_t boot_id[16]);
uint32_t journal_header_crc(const JournalHeader *h);

int journal_mapped_open(const char *path, JournalMapped *ret);
/* Maps again if the file grew (follow). */
int journal_mapped_refresh(JournalMapped *f);
void journal_mapped_close(JournalMapped *f);
/* The unit's last entry offset in the file (tail or walk back), 0 if none. */
uint64_t journal_mapped_unit_last(JournalMapped *f, const char *unit);
