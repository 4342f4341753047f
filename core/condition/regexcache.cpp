#include "regexcache.h"

#include <re2/re2.h>

namespace osh::cond {

std::shared_ptr<const re2::RE2> RegexCache::compile(
    std::string_view pattern, std::string &error, std::int64_t maxMemory)
{
    re2::RE2::Options options;
    options.set_log_errors(false);
    options.set_max_mem(maxMemory);
    options.set_encoding(re2::RE2::Options::EncodingUTF8);
    auto re = std::make_shared<const re2::RE2>(re2::StringPiece(pattern.data(), pattern.size()), options);
    if (!re->ok()) {
        error = re->error();
        return nullptr;
    }
    return re;
}

std::shared_ptr<const re2::RE2> RegexCache::get(std::string_view pattern, std::string &error) const
{
    {
        std::lock_guard lock(m_mutex);
        if (const auto it = m_entries.find(pattern); it != m_entries.end()) {
            error = it->second.second;
            return it->second.first;
        }
    }
    // Compiled without the lock: other threads keep matching meanwhile.
    std::string err;
    auto re = compile(pattern, err, kRequestPatternMemory);
    std::lock_guard lock(m_mutex);
    // Request data can carry any number of distinct patterns: start over
    // rather than grow without bound.
    if (m_entries.size() >= kMaxEntries)
        m_entries.clear();
    m_entries.emplace(std::string(pattern), std::make_pair(re, err));
    error = std::move(err);
    return re;
}

} // namespace osh::cond
