// What a job will need, estimated before it starts, and what this process
// can still get: a job too large for the machine is refused with a message
// that says what to change, instead of being killed half-way.
#pragma once

#include "impasto/feedforward.h"
#include "impasto/gatys.h"

#include <cstdint>
#include <initializer_list>
#include <vector>

namespace impasto {

// Bytes this process can still allocate: the least of the free physical
// memory (MemAvailable; swap is not counted, a job that swaps never ends),
// the room left under a cgroup memory limit, and the room left under the
// address-space limit (ulimit -v).
std::uint64_t available_memory();

// Peak bytes the core allocates for a job on a width x height RGBA image,
// its copies of the inputs and its result included (not the caller's own
// buffers). Coefficients measured in docs/memory.md; they err on the high
// side.
std::uint64_t feedforward_memory_needed(std::int64_t width, std::int64_t height, bool mask,
                                        const FeedForwardOptions& options);
std::uint64_t gatys_memory_needed(std::int64_t width, std::int64_t height, bool mask,
                                  const std::vector<std::pair<std::int64_t, std::int64_t>>& style_sizes,
                                  const GatysOptions& options);

// What following the motion from the previous animation frame adds
// (impasto/temporal.h): its two pictures, both flows and the prior. The
// functions above count it when their options hold a previous frame.
std::uint64_t motion_memory_needed(std::int64_t width, std::int64_t height);

// Throws impasto::Error (English, with both figures) when `needed` bytes
// exceed available_memory().
void require_memory(std::uint64_t needed);
// The same for a job whose caller already holds `held` (counted in needed).
void require_memory_beyond(std::uint64_t needed, std::initializer_list<const Image*> held);

}  // namespace impasto
