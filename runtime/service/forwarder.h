#pragma once
// Forwards the audit store's events to one destination as they are
// committed, at least once and in commit order.
//
// A thread of its own reads the store through its own connection
// (forwardsource.h: every event of an SQLite store; this host's sessions'
// events of a PostgreSQL store the hosts share) from a cursor, the id of
// the last event delivered, kept in a file per destination so that a
// restart of the service resumes where delivery stopped. A batch counts as
// delivered when
//   - syslog: every byte of it was written and the collector's TCP stack
//     acknowledged it (the socket's send queue is empty, SIOCOUTQ);
//   - http(s): the collector answered the POST with a 2xx status;
// and only then does the cursor move (written atomically, fsynced). A
// failure (refused, reset, timeout, an error status) closes the connection
// and retries the same batch after a backoff that doubles from 250 ms to
// 30 s; nothing is skipped, so a collector that rejects a batch for good
// holds the destination until it is fixed (visible as lag and last_error).
// Collectors deduplicate by metadata.uid, which re-sent events keep.

#include "forwardformat.h"

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

namespace osh::service {

class ForwardSource;

struct ForwarderStatus
{
    std::string destination; // the URL as given
    std::string state;       // "delivering", "idle", "retrying", "stopped"
    std::int64_t cursor = 0; // id of the last event delivered
    std::int64_t head = 0;   // id of the newest committed event
    std::int64_t pending = 0;    // events after the cursor (counted up to 1,000,000; recounted
                                 // about once a second while catching up, less what went out since)
    double lagSeconds = 0;   // age of the oldest undelivered event, 0 when none
    std::uint64_t delivered = 0; // events delivered since the service started
    std::uint64_t failures = 0;  // failed attempts since the service started
    std::uint64_t standIns = 0;  // events the collector refused, sent as stand-ins (ids, chain, size, hash)
    std::string lastError;   // of the latest failed attempt, empty after a success
    double lastDelivery = 0; // wall-clock time of the last delivered batch, 0 when none
};

// The uid owning the socket at the other end of a loopback TCP connection
// (from /proc/net/tcp, or tcp6 for a dual-stack listener). False with error
// when it cannot be found, or when the socket is connected to itself
// (nothing listened on a port of the ephemeral range).
bool loopbackPeerUid(int fd, unsigned &uid, std::string &error);

class Forwarder
{
public:
    struct Options
    {
        ForwardTarget target;
        std::string storePath;      // a file or a postgresql:// store
        std::string storeHost;      // this host's name in a PostgreSQL store
        std::string cursorDir;      // created 0700 when missing
        std::string productVersion; // CEF header, product version
        std::string hostname;       // syslog HOSTNAME; the host's name when empty
        int batchEvents = 500;
        std::size_t batchBytes = 1 << 20;
        int pollMs = 100;
        int ioTimeoutMs = 10000;
        int minBackoffMs = 250;
        int maxBackoffMs = 30000;
        // How often the events pending are counted while there are some
        // (a PostgreSQL count reads up to a million rows); in between, the
        // last count less what was delivered since.
        std::chrono::milliseconds countEvery{1000};
        // Tests: wraps the store's source (to watch what is read); unset in the service.
        std::function<std::unique_ptr<ForwardSource>(std::unique_ptr<ForwardSource>)> wrapSource;
    };

    // Loads the cursor and the token and opens the store; the thread starts
    // delivering at once. Null with *error when any of that fails.
    static std::unique_ptr<Forwarder> start(Options options, std::string *error);
    ~Forwarder(); // stops
    Forwarder(const Forwarder &) = delete;
    Forwarder &operator=(const Forwarder &) = delete;

    // Ends the thread; an attempt in progress is aborted (its batch is sent
    // again by the next start). Waits at most about one I/O timeout (a TLS
    // handshake under way, a host name being resolved).
    void stop();
    // Asks the thread to end without waiting (stop() then joins); lets a
    // caller stop many at once.
    void requestStop();
    // What start() changed and the operator should know (the cursor rewound
    // to the store's end after the store lost its last events), or empty.
    const std::string &startNote() const;
    ForwarderStatus status() const;
    // The cursor file of a destination in dir.
    static std::string cursorPath(const std::string &dir, const std::string &destination);

private:
    struct State;
    explicit Forwarder(std::unique_ptr<State> state);
    void run();

    std::unique_ptr<State> m_state;
    std::thread m_thread;
};

} // namespace osh::service
