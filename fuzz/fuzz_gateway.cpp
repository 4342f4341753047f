// Feeds arbitrary bytes to the gateway's wire format as one line: JSON-RPC
// parsing, then openshell/file's parameter checks for every call. Besides
// crashes and sanitizer reports it checks invariants that hold for every
// input:
//  - every problem has a JSON-RPC error code, every call a method;
//  - a batch never yields more items than its limit allows;
//  - a checked file request has a normalized absolute path without "." or
//    ".." components and no NUL, and a link target only for symlink or when
//    one was given.

#include "gateway/jsonrpc.h"

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

using namespace osh::runtime;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QByteArray line(reinterpret_cast<const char *>(data), static_cast<qsizetype>(size));
    const auto items = jsonrpc::parseLine(line);
    if (items.size() > static_cast<std::size_t>(jsonrpc::kMaxBatch))
        std::abort();
    for (const auto &item : items) {
        if (const auto *p = std::get_if<jsonrpc::Problem>(&item)) {
            if (p->code > -32000 || p->code < -32768 || p->message.isEmpty())
                std::abort();
            continue;
        }
        const auto &call = std::get<jsonrpc::Call>(item);
        if (call.method.isEmpty())
            std::abort();
        QString why;
        const auto file = jsonrpc::parseFileRequest(call.params, "/agent/workspace", &why);
        if (!file) {
            if (why.isEmpty())
                std::abort();
            continue;
        }
        const std::string_view n = file->normalized;
        if (n.empty() || n.front() != '/' || n.find('\0') != std::string_view::npos
            || n.find("/../") != std::string_view::npos || n.find("/./") != std::string_view::npos
            || (n.size() >= 3 && n.substr(n.size() - 3) == "/..") || n.find("//") != std::string_view::npos)
            std::abort();
        if (file->operation == QLatin1StringView("symlink") && !file->linkTarget)
            std::abort();
    }
    return 0;
}
