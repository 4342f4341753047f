// osh-sessiongen OUT.db N [SESSION]: writes a synthetic session of N events
// into an audit store (created when missing), for benchmarks and for trying
// the timeline on a large session.

#include "sessiongen.h"

#include "audit/auditstore.h"

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>

int main(int argc, char **argv)
{
    if (argc < 3 || argc > 4) {
        std::fprintf(stderr, "usage: osh-sessiongen OUT.db N [SESSION]\n");
        return 2;
    }
    char *end = nullptr;
    const long long n = std::strtoll(argv[2], &end, 10);
    if (*end != '\0' || n < 1) {
        std::fprintf(stderr, "osh-sessiongen: N must be a positive number, not '%s'\n", argv[2]);
        return 2;
    }
    std::string error;
    auto store = osh::AuditStore::open(argv[1], error);
    if (!store) {
        std::fprintf(stderr, "osh-sessiongen: %s\n", error.c_str());
        return 1;
    }
    osh::bench::SessionGenOptions o;
    o.events = n;
    if (argc == 4)
        o.sessionId = argv[3];
    o.progress = [](std::int64_t k) { std::fprintf(stderr, "  %lld events\n", static_cast<long long>(k)); };
    const auto t0 = std::chrono::steady_clock::now();
    if (!osh::bench::generateSession(*store, o, error)) {
        std::fprintf(stderr, "osh-sessiongen: %s\n", error.c_str());
        return 1;
    }
    const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    std::fprintf(stderr, "osh-sessiongen: %lld events in session %s (%.1f s)\n", n, o.sessionId.c_str(), s);
    std::printf("%s\n", o.sessionId.c_str());
    return 0;
}
