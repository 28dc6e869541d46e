/* The local key-value namespace of a container name, in a file of its own:
 * engine.c (install, remove) and kv.c (the helpers' namespaces, reclaim)
 * both need it, and neither may call into the other (engine.c already
 * calls kv.c: scripts/check-cycles.sh). A function, not an inline: it is
 * called from five places, and one copy is smaller on a microcontroller. */
#include "../common/fc_bytes.h"
#include "engine_internal.h"

uint64_t fc_engine_name_hash(const char *name)
{
    return fc_fnv1a64_str(name);
}
