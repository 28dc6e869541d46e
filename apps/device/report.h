/* Container list and status documents in CBOR (default), JSON (Accept 50)
 * or text (Accept 0), built into a malloc'd buffer. */
#ifndef FEMTOD_REPORT_H
#define FEMTOD_REPORT_H

#include <stddef.h>
#include <stdint.h>

#include "device.h"

enum { FD_FMT_TEXT = 0, FD_FMT_JSON = 50, FD_FMT_CBOR = 60 };

/* slot < 0: the whole device (GET /c); else one container (GET /c/NAME).
 * Returns a malloc'd buffer (caller frees) and its length, NULL on no memory. */
uint8_t *fd_report(const fd_device_t *d, int slot, int format, size_t *len);

#endif
