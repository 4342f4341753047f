#include "testsuiteloader.h"

#include "engine/request.h"
#include "model/policy.h"
#include "model/yamlreader.h"
#include "testsuite/yamljson.h"
#include "util/strings.h"

#include <algorithm>
#include <array>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace osh {

using yaml::Node;
using yaml::NodeKind;

namespace {

namespace fs = std::filesystem;

const std::vector<std::string_view> kFileKeys = {"policy", "session", "cases"};
const std::vector<std::string_view> kCaseKeys = {"name", "request", "expect"};
const std::vector<std::string_view> kExpectKeys = {"decision", "policy", "layer", "output", "message_contains"};
const std::array<std::string_view, 6> kDecisions = {"allow", "log", "block", "redact", "throttle", "escalate"};
const std::array<std::string_view, 4> kLayers = {"sandbox", "network", "filesystem", "policy"};
const std::array<std::string_view, 2> kSessionModes = {"shared", "separate"};

class SuiteReader
{
public:
    SuiteReader(const yaml::Document &tree, TestSuite &suite) : m_tree(tree), m_suite(suite), m_r(tree, suite.file, m_raw) {}

    ~SuiteReader()
    {
        // YamlReader speaks in policy codes; a test file has its own.
        for (auto &d : m_raw) {
            if (d.code == "E012")
                d.code = "T004";
            else if (d.code == "E013")
                d.code = "T005";
            m_suite.diagnostics.push_back(std::move(d));
        }
    }

    void diag(const char *code, Severity sev, SourcePos pos, std::string message, std::string suggestion = {})
    {
        m_suite.diagnostics.push_back({code, sev, m_suite.file, pos, {}, std::move(message), std::move(suggestion)});
    }

    // Calls f(key, value) for each key of a mapping, reporting unknown keys.
    template<typename F>
    void keys(const Node &map, const std::vector<std::string_view> &allowed, std::string_view where, F f)
    {
        for (std::size_t i = 0; i + 1 < map.children.size(); i += 2) {
            const Node &k = m_tree.node(map.children[i]);
            const Node &v = m_tree.node(map.children[i + 1]);
            if (k.kind != NodeKind::Scalar || std::find(allowed.begin(), allowed.end(), k.scalar) == allowed.end()) {
                const std::string near = k.kind == NodeKind::Scalar ? closestMatch(k.scalar, allowed) : std::string();
                std::string list;
                for (auto a : allowed)
                    list += (list.empty() ? "" : ", ") + std::string(a);
                diag("T002", Severity::Error, k.pos,
                     "unknown key '" + k.scalar + "' in " + std::string(where)
                         + (near.empty() ? "" : "; did you mean '" + near + "'?") + " (expected one of: " + list + ")",
                     near);
                continue;
            }
            f(k.scalar, v);
        }
    }

    static const Node *find(const yaml::Document &tree, const Node &map, std::string_view key)
    {
        for (std::size_t i = 0; i + 1 < map.children.size(); i += 2)
            if (tree.node(map.children[i]).scalar == key)
                return &tree.node(map.children[i + 1]);
        return nullptr;
    }

    std::optional<std::string> optString(const Node &n, const std::string &what)
    {
        if (YamlReader::isNull(n))
            return std::nullopt;
        return m_r.string(n, what);
    }

    void expectation(const Node &n, TestCase &c)
    {
        if (n.kind != NodeKind::Map) {
            m_r.typeError(n, "'expect' of case '" + c.name + "'", "a mapping");
            return;
        }
        if (!find(m_tree, n, "decision"))
            diag("T003", Severity::Error, n.pos, "case '" + c.name + "': 'expect' needs a 'decision'");
        auto &e = c.expect;
        keys(n, kExpectKeys, "expect", [&](const std::string &key, const Node &v) {
            if (key == "decision") {
                if (auto i = m_r.enumeration(v, "decision", kDecisions))
                    e.decision = std::string(kDecisions[*i]);
            } else if (key == "policy") {
                e.checkPolicy = true;
                e.policy = optString(v, "expect.policy");
            } else if (key == "layer") {
                e.checkLayer = true;
                if (!YamlReader::isNull(v))
                    if (auto i = m_r.enumeration(v, "layer", kLayers))
                        e.layer = std::string(kLayers[*i]);
            } else if (key == "output") {
                e.checkOutput = true;
                e.output = optString(v, "expect.output");
            } else if (key == "message_contains") {
                e.messageContains = m_r.string(v, "expect.message_contains");
            }
        });
    }

    void testCase(const Node &n)
    {
        if (n.kind != NodeKind::Map) {
            m_r.typeError(n, "a case", "a mapping with name, request and expect");
            return;
        }
        TestCase c;
        c.pos = n.pos;
        if (const Node *name = find(m_tree, n, "name")) {
            if (auto s = m_r.string(*name, "a case's name"))
                c.name = *s;
        } else {
            diag("T003", Severity::Error, n.pos, "a case needs a 'name'");
        }
        if (c.name.empty())
            c.name = "case " + std::to_string(m_suite.cases.size() + 1);
        for (const auto &prev : m_suite.cases)
            if (prev.name == c.name)
                diag("T009", Severity::Warning, n.pos, "duplicate case name '" + c.name + "'");
        bool hasRequest = false, hasExpect = false;
        bool ok = true;
        keys(n, kCaseKeys, "a case", [&](const std::string &key, const Node &v) {
            if (key == "request") {
                hasRequest = true;
                c.requestPos = v.pos;
                ok = request(v, c) && ok;
            } else if (key == "expect") {
                hasExpect = true;
                expectation(v, c);
            }
        });
        if (!hasRequest)
            diag("T003", Severity::Error, n.pos, "case '" + c.name + "' needs a 'request'");
        if (!hasExpect)
            diag("T003", Severity::Error, n.pos, "case '" + c.name + "' needs an 'expect'");
        if (ok && hasRequest)
            m_suite.cases.push_back(std::move(c));
    }

    bool request(const Node &n, TestCase &c)
    {
        if (n.kind != NodeKind::Map) {
            m_r.typeError(n, "'request' of case '" + c.name + "'", "a mapping");
            return false;
        }
        std::string error;
        SourcePos where = n.pos;
        if (!yamlToJson(m_tree, n, c.requestJson, error, where)) {
            diag("T008", Severity::Error, where, "case '" + c.name + "': " + error);
            return false;
        }
        if (!Request::fromJson(c.requestJson, error)) {
            diag("T008", Severity::Error, n.pos, "case '" + c.name + "': invalid request: " + error);
            return false;
        }
        return true;
    }

    void file(const Node &root, const std::string &workspaceDir)
    {
        const Node *policy = nullptr;
        bool hasCases = false;
        keys(root, kFileKeys, "a test file", [&](const std::string &key, const Node &v) {
            if (key == "policy") {
                policy = &v;
            } else if (key == "session") {
                if (auto i = m_r.enumeration(v, "session", kSessionModes))
                    m_suite.separateSessions = *i == 1;
            } else if (key == "cases") {
                hasCases = true;
                if (YamlReader::isNull(v) || (v.kind == NodeKind::Sequence && v.children.empty()))
                    diag("T012", Severity::Warning, v.pos, "the file has no cases");
                else
                    m_r.sequence(v, "cases", [&](const Node &item) { testCase(item); });
            }
        });
        if (!hasCases)
            diag("T003", Severity::Error, root.pos, "a test file needs 'cases'");
        resolvePolicy(policy, root.pos, workspaceDir);
    }

    void resolvePolicy(const Node *policy, SourcePos rootPos, const std::string &workspaceDir)
    {
        if (policy) {
            auto rel = m_r.string(*policy, "policy");
            if (!rel)
                return;
            fs::path p(*rel);
            if (p.is_relative())
                p = fs::path(m_suite.file).parent_path() / p;
            std::error_code ec;
            if (!fs::is_regular_file(p, ec)) {
                diag("T006", Severity::Error, policy->pos, "policy file '" + *rel + "' not found (" + p.string() + ")");
                return;
            }
            m_suite.policyFile = p.lexically_normal().string();
            return;
        }
        const auto all = TestSuiteLoader::workspacePolicies(workspaceDir);
        if (all.size() == 1) {
            m_suite.policyFile = all.front();
        } else {
            diag("T006", Severity::Error, rootPos,
                 all.empty() ? "no 'policy' given and the workspace has no *.policy.yaml"
                             : "no 'policy' given and the workspace has " + std::to_string(all.size())
                                   + " policy files; name one with 'policy: ../NAME.policy.yaml'");
        }
    }

private:
    const yaml::Document &m_tree;
    TestSuite &m_suite;
    Diagnostics m_raw;
    YamlReader m_r;
};

} // namespace

TestSuite TestSuiteLoader::loadText(std::string_view text, const std::string &fileName, const std::string &workspaceDir)
{
    TestSuite suite;
    suite.file = fileName;
    yaml::Document tree;
    if (!tree.parse(text, fileName, suite.diagnostics))
        return suite;
    if (tree.empty() || tree.root().kind != NodeKind::Map) {
        suite.diagnostics.push_back({"T001", Severity::Error, fileName, tree.empty() ? SourcePos{1, 1} : tree.root().pos,
                                     {}, "a test file must be a mapping with 'cases' (and optionally 'policy', 'session')",
                                     {}});
        return suite;
    }
    {
        SuiteReader r(tree, suite);
        r.file(tree.root(), workspaceDir);
    }
    std::stable_sort(suite.diagnostics.begin(), suite.diagnostics.end(), [](const Diagnostic &a, const Diagnostic &b) {
        return std::pair(a.begin.line, a.begin.column) < std::pair(b.begin.line, b.begin.column);
    });
    return suite;
}

TestSuite TestSuiteLoader::loadFile(const std::string &path, const std::string &workspaceDir)
{
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        TestSuite suite;
        suite.file = path;
        suite.diagnostics.push_back({"T011", Severity::Error, path, {}, {}, "cannot read the test file", {}});
        return suite;
    }
    std::ostringstream ss;
    ss << in.rdbuf();
    return loadText(ss.str(), path, workspaceDir);
}

std::vector<std::string> TestSuiteLoader::workspacePolicies(const std::string &workspaceDir)
{
    std::vector<std::string> out;
    std::error_code ec;
    for (const auto &e : fs::directory_iterator(workspaceDir.empty() ? "." : workspaceDir, ec)) {
        const std::string name = e.path().filename().string();
        if (e.is_regular_file(ec) && name.size() > 12 && name.ends_with(".policy.yaml"))
            out.push_back(e.path().string());
    }
    std::sort(out.begin(), out.end());
    return out;
}

std::vector<std::string> TestSuiteLoader::workspaceTestFiles(const std::string &workspaceDir)
{
    std::vector<std::string> out;
    std::error_code ec;
    const fs::path dir = fs::path(workspaceDir.empty() ? "." : workspaceDir) / "tests";
    for (const auto &e : fs::directory_iterator(dir, ec)) {
        const std::string name = e.path().filename().string();
        if (e.is_regular_file(ec) && (name.ends_with(".yaml") || name.ends_with(".yml")))
            out.push_back(e.path().string());
    }
    std::sort(out.begin(), out.end());
    return out;
}

} // namespace osh
