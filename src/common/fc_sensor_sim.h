/* Femto-Containers, internal to src/ (and the board application): the
 * simulated sensors' waveform, one copy for the POSIX port (femtod, tests)
 * and the bare-metal device platform (QEMU's boards have no sensors), so a
 * container reads the same values from both devices. Reading number n
 * (counted from 0, plus a phase) of sensor i gives
 *     20000 + 1000 i + 100 tri((n + phase) mod 20)
 * milli-degrees, tri(k) = k for k <= 10 and 20 - k after (0..10..0).
 * Included by relative path (no include path needed). */
#ifndef FEMTO_COMMON_FC_SENSOR_SIM_H
#define FEMTO_COMMON_FC_SENSOR_SIM_H

#include <stdint.h>

/* The value of sensor index at step (n + phase) of its wave. */
static inline int32_t fc_sensor_sim(uint32_t index, uint32_t n, uint32_t phase)
{
    uint32_t k = (n + phase % 20u) % 20u;
    int32_t tri = (int32_t)(k <= 10 ? k : 20 - k);
    return 20000 + 1000 * (int32_t)index + 100 * tri;
}

#endif
