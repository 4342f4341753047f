#pragma once
// Runs tool commands as plain host processes (QProcess), with the tool's
// folder as working directory and its timeout. No isolation: used for the
// gateway's own tests and as the inner step of sandboxed runners, never
// directly for a session.

#include "toolrunner.h"

#include <QString>

namespace osh::runtime {

class ProcessToolRunner final : public ToolRunner
{
public:
    // baseDir: where relative tool commands resolve (the policy file's folder).
    explicit ProcessToolRunner(QString baseDir) : m_baseDir(std::move(baseDir)) {}
    void run(const ToolSpec &tool, const QByteArray &argumentsJson, std::function<void(ToolResult)> done) override;

private:
    QString m_baseDir;
};

} // namespace osh::runtime
