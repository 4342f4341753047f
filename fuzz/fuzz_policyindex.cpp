// Indexed policy selection against a full scan, on documents and requests
// the input's bytes choose (tests/core/randompolicy.h): aborts when the two
// engines reach different decisions, or when the index skips a policy that
// the scan found true or failing.

#include "engine/decisionengine.h"
#include "model/policyvalidator.h"
#include "randompolicy.h"

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

using namespace osh;

namespace {

class ByteSource
{
public:
    ByteSource(const std::uint8_t *data, std::size_t size) : m_data(data), m_size(size) {}
    int pick(int n)
    {
        if (m_pos >= m_size)
            return 0;
        return m_data[m_pos++] % n;
    }

private:
    const std::uint8_t *m_data;
    std::size_t m_size;
    std::size_t m_pos = 0;
};

[[noreturn]] void differ(const std::string &what, const std::string &yaml, const std::string &json)
{
    std::fprintf(stderr, "indexed and linear engines differ: %s\n%s\n%s\n", what.c_str(), yaml.c_str(), json.c_str());
    std::abort();
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
{
    test::RandomPolicyGenerator<ByteSource> gen(ByteSource(data, size));
    const std::string yaml = gen.document(1 + gen.pick(24));
    ValidationOptions opt;
    opt.checkFiles = false;
    opt.checkHostBinaries = false;
    const auto res = PolicyValidator::checkText(yaml, "fuzz.policy.yaml", opt);
    if (!res.document || hasErrors(res.diagnostics))
        return 0;
    DecisionEngine::Options linearOptions;
    linearOptions.indexed = false;
    linearOptions.trace = TraceLevel::Full;
    DecisionEngine::Options indexedOptions = linearOptions;
    indexedOptions.indexed = true;
    const DecisionEngine linear(res.document, nullptr, linearOptions);
    const DecisionEngine indexed(res.document, nullptr, indexedOptions);
    SessionState ls("fuzz");
    SessionState is("fuzz");
    for (int i = 0; i < 8; ++i) {
        const std::string json = gen.anyRequest();
        std::string error;
        auto a = Request::fromJson(json, error);
        auto b = Request::fromJson(json, error);
        if (!a || !b)
            differ("request does not parse: " + error, yaml, json);
        const Decision dl = linear.decide(*a, ls);
        const Decision di = indexed.decide(*b, is);
        if (dl.outcome != di.outcome || dl.policy != di.policy || dl.message != di.message || dl.output != di.output
            || dl.delaySeconds != di.delaySeconds || dl.layer != di.layer)
            differ("decision", yaml, json);
        std::vector<const TraceEntry *> pl;
        std::vector<const TraceEntry *> pi;
        for (const auto &t : dl.trace)
            if (t.isPolicy)
                pl.push_back(&t);
        for (const auto &t : di.trace)
            if (t.isPolicy)
                pi.push_back(&t);
        if (pl.size() != pi.size())
            differ("trace length", yaml, json);
        for (std::size_t k = 0; k < pl.size(); ++k) {
            if (pl[k]->policy != pi[k]->policy)
                differ("trace order", yaml, json);
            if (pi[k]->skippedByIndex ? (pl[k]->matched || pl[k]->hasError())
                                      : (pl[k]->matched != pi[k]->matched || pl[k]->hasError() != pi[k]->hasError()))
                differ("policy " + std::string(pi[k]->policy), yaml, json);
        }
    }
    return 0;
}
