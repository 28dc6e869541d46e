/* The JIT's code buffer shared by tenants (firmware/app/jitshare.c) */
#ifndef FEMTO_FW_JITSHARE_H
#define FEMTO_FW_JITSHARE_H

#include "femto/engine.h"

/* Tenants 2 and 3 added to engine (its JIT buffer set, tenant 1 holding
 * at most a quarter of it): 1 when a hostile tenant could not starve the
 * other's translation, each check printed as a PASS/FAIL line. */
int jitshare_test(fc_engine_t *engine);

#endif
