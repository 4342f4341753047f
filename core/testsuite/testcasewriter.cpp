#include "testcasewriter.h"

#include "model/yamlreader.h"
#include "model/yamltree.h"
#include "util/value.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace osh {

namespace {

void quoted(std::string &out, const QString &s)
{
    // JSON string escapes are all valid YAML double-quoted escapes.
    appendJsonString(out, s.toStdString());
}

void flowValue(std::string &out, const QJsonValue &v)
{
    switch (v.type()) {
    case QJsonValue::Bool: out += v.toBool() ? "true" : "false"; break;
    case QJsonValue::Double: appendJsonNumber(out, v.toDouble()); break;
    case QJsonValue::String: quoted(out, v.toString()); break;
    case QJsonValue::Array: {
        out += '[';
        bool first = true;
        for (const auto &x : v.toArray()) {
            out += first ? "" : ", ";
            first = false;
            flowValue(out, x);
        }
        out += ']';
        break;
    }
    case QJsonValue::Object: {
        out += '{';
        const auto o = v.toObject();
        bool first = true;
        for (auto it = o.begin(); it != o.end(); ++it) {
            out += first ? "" : ", ";
            first = false;
            quoted(out, it.key());
            out += ": ";
            flowValue(out, it.value());
        }
        out += '}';
        break;
    }
    default: out += "null"; break;
    }
}

// Non-empty mappings as blocks (readable diffs); everything else in flow style.
void blockMap(std::string &out, const QJsonObject &o, int indent)
{
    for (auto it = o.begin(); it != o.end(); ++it) {
        out.append(static_cast<std::size_t>(indent), ' ');
        quoted(out, it.key());
        out += ':';
        if (it.value().isObject() && !it.value().toObject().isEmpty()) {
            out += '\n';
            blockMap(out, it.value().toObject(), indent + 2);
        } else {
            out += ' ';
            flowValue(out, it.value());
            out += '\n';
        }
    }
}

bool readFile(const std::string &path, std::string &text)
{
    std::ifstream in(path, std::ios::binary);
    if (!in)
        return false;
    std::ostringstream ss;
    ss << in.rdbuf();
    text = ss.str();
    return true;
}

// The indentation of the 'cases' items, or -1 (with error) when text
// cannot take a case appended at its end.
int casesIndent(const std::string &text, const std::string &file, std::string &error)
{
    yaml::Document tree;
    Diagnostics diags;
    if (!tree.parse(text, file, diags)) {
        error = diags.empty() ? "the file is not valid YAML" : diags.front().format();
        return -1;
    }
    if (tree.empty() || tree.root().kind != yaml::NodeKind::Map) {
        error = "the file is not a test file (a mapping with 'cases')";
        return -1;
    }
    const auto &root = tree.root();
    const yaml::Node *cases = nullptr;
    std::uint32_t lastOffset = 0;
    std::uint32_t casesKeyOffset = 0;
    for (std::size_t i = 0; i + 1 < root.children.size(); i += 2) {
        const auto &k = tree.node(root.children[i]);
        lastOffset = std::max(lastOffset, k.offset);
        if (k.scalar == "cases") {
            cases = &tree.node(root.children[i + 1]);
            casesKeyOffset = k.offset;
        }
    }
    if (!cases) {
        error = "the file has no 'cases' list";
        return -1;
    }
    if (casesKeyOffset != lastOffset) {
        error = "'cases' must be the file's last key to append a case";
        return -1;
    }
    if (YamlReader::isNull(*cases) && cases->kind != yaml::NodeKind::Sequence)
        return 2;
    if (cases->kind != yaml::NodeKind::Sequence || cases->flow) {
        error = "'cases' must be a block-style list (items starting with '- ') to append a case";
        return -1;
    }
    if (cases->children.empty())
        return 2;
    return std::max(0, cases->pos.column - 1);
}

} // namespace

bool TestCaseWriter::caseYaml(const std::string &name, const std::string &requestJson, const Decision &d, int indent,
                              std::string &out, std::string &error)
{
    QJsonParseError perr;
    const auto doc = QJsonDocument::fromJson(QByteArray::fromStdString(requestJson), &perr);
    if (perr.error != QJsonParseError::NoError || !doc.isObject()) {
        error = "the request is not a JSON object";
        return false;
    }
    const std::string pad(static_cast<std::size_t>(indent), ' ');
    out += pad + "- name: ";
    appendJsonString(out, name);
    out += '\n' + pad + "  request:\n";
    blockMap(out, doc.object(), indent + 4);
    out += pad + "  expect:\n";
    out += pad + "    decision: " + std::string(actionName(d.outcome)) + '\n';
    out += pad + "    policy: ";
    if (d.policy.empty())
        out += "null";
    else
        appendJsonString(out, d.policy);
    out += '\n' + pad + "    layer: " + (d.layer == Layer::None ? std::string("null") : std::string(layerName(d.layer)))
        + '\n';
    if (d.output) {
        out += pad + "    output: ";
        appendJsonString(out, *d.output);
        out += '\n';
    }
    return true;
}

bool TestCaseWriter::appendCase(const std::string &file, const std::string &policyRef, const std::string &name,
                                const std::string &requestJson, const Decision &expect, std::string &error)
{
    std::string existing;
    std::string text;
    int indent = 2;
    std::error_code ec;
    if (std::filesystem::exists(file, ec)) {
        if (!readFile(file, existing)) {
            error = "cannot read " + file;
            return false;
        }
    }
    if (existing.find_first_not_of(" \t\r\n") == std::string::npos) {
        existing.clear();
        if (!policyRef.empty()) {
            text += "policy: ";
            appendJsonString(text, policyRef);
            text += '\n';
        }
        text += "cases:\n";
    } else {
        indent = casesIndent(existing, file, error);
        if (indent < 0)
            return false;
        if (existing.back() != '\n')
            text += '\n';
    }
    if (!caseYaml(name, requestJson, expect, indent, text, error))
        return false;
    const auto parent = std::filesystem::path(file).parent_path();
    if (!parent.empty())
        std::filesystem::create_directories(parent, ec);
    std::ofstream out(file, std::ios::binary | std::ios::app);
    if (!out || !(out << text) || !out.flush()) {
        error = "cannot write " + file;
        return false;
    }
    return true;
}

} // namespace osh
