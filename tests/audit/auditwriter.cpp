// Helper for tst_auditdurability: appends events to the store as fast as it
// can, from THREADS threads (session "w<N>" each), and prints
// "w<N> <seq>" on stdout for every event only once it is acknowledged
// (its transaction committed). The test SIGKILLs it mid-stream.
//
//   osh_auditwriter STORE [THREADS]

#include "audit/auditstore.h"

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <thread>
#include <unistd.h>
#include <vector>

int main(int argc, char **argv)
{
    if (argc < 2) {
        std::fprintf(stderr, "usage: osh_auditwriter STORE [THREADS]\n");
        return 2;
    }
    const int threads = argc > 2 ? std::atoi(argv[2]) : 1;
    std::string error;
    auto store = osh::AuditStore::open(argv[1], error);
    if (!store) {
        std::fprintf(stderr, "osh_auditwriter: %s\n", error.c_str());
        return 1;
    }
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(120);
    std::vector<std::thread> workers;
    for (int t = 0; t < threads; ++t) {
        workers.emplace_back([&, t] {
            const std::string session = "w" + std::to_string(t);
            osh::SessionRecord r;
            r.id = session;
            r.isolation = "container";
            store->beginSession(r);
            for (long i = 0; std::chrono::steady_clock::now() < deadline; ++i) {
                osh::AuditEvent e;
                e.sessionId = session;
                e.type = "tool_call";
                e.tool = "email_send";
                e.parameters = "{\"to\":\"[EMAIL]\",\"subject\":\"report " + std::to_string(i) + "\",\"body\":\"[REDACTED]\"}";
                e.decision = i % 10 == 0 ? "block" : "allow";
                e.layer = "policy";
                e.policy = "mail-policy";
                e.message = "event " + std::to_string(i);
                e.trace = "{\"outcome\":\"allow\",\"trace\":[{\"layer\":\"sandbox\",\"allowed\":true}]}";
                store->appendAcked(std::move(e), [session](std::int64_t seq) {
                    // One write() per line: a pipe write this small is atomic,
                    // so the reader never sees half a line from a killed child.
                    const std::string line = session + " " + std::to_string(seq) + "\n";
                    if (write(STDOUT_FILENO, line.data(), line.size()) < 0)
                        std::_Exit(3);
                });
            }
        });
    }
    for (auto &w : workers)
        w.join();
    return 3; // not killed in time: the test failed to kill it
}
