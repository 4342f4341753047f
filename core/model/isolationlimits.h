#pragma once
// Limits an isolation mode cannot go below, shared by the validator (a
// warning before anything runs) and the launcher (a refusal).

#include <cstdint>

namespace osh {

// The least max_memory_mb a microVM (isolation: firecracker) runs in: its
// guest kernel and init live in that memory too (measured: 80 MB does not
// boot the guest, 96 MB runs python3).
constexpr std::int64_t kMicroVmMinMemoryMb = 96;

} // namespace osh
