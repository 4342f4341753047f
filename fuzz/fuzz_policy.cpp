// libFuzzer target: arbitrary bytes through the YAML tree, the policy
// loader, the validator and the writer. Any crash, hang, sanitizer report
// or a broken round trip is a finding.

#include "engine/decisionengine.h"
#include "model/policyvalidator.h"
#include "model/policywriter.h"

#include <cstdint>
#include <cstdlib>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
{
    const std::string_view text(reinterpret_cast<const char *>(data), size);
    osh::ValidationOptions opt;
    opt.checkFiles = false;
    opt.checkHostBinaries = false;
    const auto res = osh::PolicyValidator::checkText(text, "fuzz.policy.yaml", opt);
    for (const auto &d : res.diagnostics)
        if (d.begin.line < 1 || d.begin.column < 1 || d.code.empty())
            std::abort();
    if (!res.document || osh::hasErrors(res.diagnostics))
        return 0;

    // A valid document survives a save and reload unchanged...
    const std::string saved = osh::PolicyWriter::toYaml(*res.document);
    const auto again = osh::PolicyLoader::loadText(saved, "saved.policy.yaml");
    if (!again.document || osh::hasErrors(again.diagnostics) || !(*again.document == *res.document))
        std::abort();

    // ...and decides a request of every trigger without crashing.
    const osh::DecisionEngine engine(res.document);
    osh::SessionState session;
    static const char *requests[] = {
        R"({"trigger":"tool_call","ts":1,"tool":{"name":"t","args":{"a":"b"}},"cost":1})",
        R"({"trigger":"data_output","ts":2,"output":"card 4111 1111 1111 1111"})",
        R"({"trigger":"agent_response","ts":3,"response":"hello"})",
        R"({"trigger":"network_egress","ts":4,"tool":{"name":"t"},"destination":{"host":"a.example.com","port":443}})",
        R"({"trigger":"file_access","ts":5,"file":{"path":"../x/y.txt","operation":"write","size":10}})",
    };
    for (const char *json : requests) {
        std::string err;
        auto r = osh::Request::fromJson(json, err);
        if (r)
            (void)engine.decide(*r, session).toJson();
    }
    return 0;
}
