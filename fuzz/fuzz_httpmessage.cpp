// Feeds arbitrary bytes to the network guardian's HTTP parser as a stream of
// requests (or, by the first byte, of responses), whole and in slices whose
// size the first byte also chooses. Besides crashes and sanitizer reports it
// checks what the proxy relies on for every input:
//  - slicing never changes the outcome: the same messages (method, target,
//    headers, body) and the same final status, so a client cannot split its
//    bytes to get a different reading than the whole (only which of two
//    faults is named may differ);
//  - a parsed body never exceeds the limit, and a refused one is flagged;
//  - the heads re-serialized for forwarding hold no CR or LF but as line ends.
// Targets, queries and path globs of each message go through their helpers too.

#include "network/httpmessage.h"
#include "util/httppath.h"

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

using namespace osh::runtime;

namespace {

constexpr std::int64_t kMaxBody = 4096;

struct Outcome
{
    std::vector<std::string> messages;
    int status = 0;
    bool tooLarge = false;
};

void checkHead(const std::string &head)
{
    // Every CR is followed by LF and every LF preceded by CR; ends with CRLFCRLF.
    for (std::size_t i = 0; i < head.size(); ++i) {
        if (head[i] == '\r' && (i + 1 >= head.size() || head[i + 1] != '\n'))
            std::abort();
        if (head[i] == '\n' && (i == 0 || head[i - 1] != '\r'))
            std::abort();
    }
    if (head.size() < 4 || head.compare(head.size() - 4, 4, "\r\n\r\n") != 0)
        std::abort();
}

Outcome run(HttpMessageParser::Kind kind, std::string_view data, std::size_t slice)
{
    HttpMessageParser p(kind, 8192, kMaxBody);
    Outcome out;
    std::string pending;
    std::size_t offset = 0;
    for (int guard = 0; guard < 100000; ++guard) {
        if (!pending.empty())
            pending.erase(0, p.feed(pending));
        const auto st = p.status();
        if (st == HttpMessageParser::Status::Error)
            break;
        if (st == HttpMessageParser::Status::HeadComplete) {
            p.resume();
            continue;
        }
        if (st == HttpMessageParser::Status::Complete) {
            HttpMessage m = p.take();
            if (static_cast<std::int64_t>(m.body.size()) > kMaxBody)
                std::abort();
            std::string text = m.method + " " + m.target + " " + std::to_string(m.status) + "\n";
            for (const auto &[n, v] : m.headers)
                text += n + ":" + v + "\n";
            text += m.body;
            out.messages.push_back(std::move(text));
            if (kind == HttpMessageParser::Kind::Request) {
                HttpMessageParser::Target t;
                std::string error;
                if (HttpMessageParser::parseTarget(m.target, t, &error)) {
                    (void)HttpMessageParser::decodeQuery(t.rawQuery);
                    const std::string path = HttpMessageParser::percentDecode(t.path, false);
                    (void)osh::http::pathAmbiguity(path);
                    (void)osh::http::pathGlobMatches("/a/**/b*", path);
                    checkHead(HttpMessageParser::requestHead(m, t.path, "h.test"));
                }
            } else {
                checkHead(HttpMessageParser::responseHead(m, m.body.size(), true, false));
            }
            continue;
        }
        if (offset >= data.size()) {
            if (kind == HttpMessageParser::Kind::Response) {
                p.finishAtEof();
                if (p.status() == HttpMessageParser::Status::Complete)
                    continue;
            }
            break;
        }
        const std::size_t n = std::min(slice, data.size() - offset);
        pending.append(data.substr(offset, n));
        offset += n;
    }
    out.status = static_cast<int>(p.status());
    out.tooLarge = p.bodyTooLarge();
    return out;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    const auto kind = (data[0] & 0x80) ? HttpMessageParser::Kind::Response : HttpMessageParser::Kind::Request;
    const std::size_t slice = 1 + (data[0] & 0x0f);
    const std::string_view bytes(reinterpret_cast<const char *>(data + 1), size - 1);
    const Outcome whole = run(kind, bytes, bytes.size() + 1);
    const Outcome sliced = run(kind, bytes, slice);
    // Which of two faults in one message is named (too large, or malformed:
    // 413 or 400) may depend on where the bytes were cut; that it is refused,
    // and everything parsed before it, may not.
    if (whole.messages != sliced.messages || whole.status != sliced.status)
        std::abort();
    return 0;
}
