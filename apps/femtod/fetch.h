/* femtod's fetcher for manifests whose image is given by a coap:// URI:
 * a block-wise (RFC 7959) GET, bounded in size and time (fetch.c). */
#ifndef FEMTOD_FETCH_H
#define FEMTOD_FETCH_H

#include <stddef.h>
#include <stdint.h>

#include "femto/status.h"

/* An fd_fetch_fn (device.h). Statuses: FC_ERR_SIZE (more than max_len
 * announced or served), FC_ERR_NOT_FOUND (no answer, unreachable, an
 * answer other than 2.05), FC_ERR_STATE (blocks out of order),
 * FC_ERR_SUIT_UNSUPPORTED (not coap://), FC_ERR_NO_RAM. */
int fd_coap_fetch(void *unused, const char *uri, size_t max_len, uint32_t timeout_ms, uint8_t **out,
                  size_t *out_len, char *why, size_t why_cap);

#endif
