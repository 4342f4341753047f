#pragma once
// A fresh temporary folder with helpers to write files into it and an audit
// store inside it, and a small valid policy: the setup the widget and
// session tests share.

#include "audit/auditstore.h"

#include <QByteArray>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QString>
#include <QTemporaryDir>

#include <memory>
#include <string>

namespace osh::test {

// A temporary folder (removed with the object) and, on request, an audit
// store inside it.
struct TempWorkspace
{
    QTemporaryDir tmp;
    QDir dir;
    std::unique_ptr<osh::AuditStore> store;

    TempWorkspace()
        : dir(tmp.path())
    {
    }
    ~TempWorkspace() { store.reset(); } // the store closes before its folder goes

    bool isValid() const { return tmp.isValid(); }
    QString path() const { return dir.path(); }
    QString filePath(const QString &relative) const { return dir.filePath(relative); }

    // Writes `bytes` to a path relative to the folder, creating parents.
    bool writeFile(const QString &relative, const QByteArray &bytes) const
    {
        const QString path = dir.filePath(relative);
        QDir().mkpath(QFileInfo(path).absolutePath());
        QFile f(path);
        return f.open(QIODevice::WriteOnly) && f.write(bytes) == bytes.size();
    }

    // Opens (creating) the audit store at a path relative to the folder;
    // false with the reason in `error`.
    bool openStore(const QString &relative, std::string &error)
    {
        QDir().mkpath(QFileInfo(dir.filePath(relative)).absolutePath());
        store = osh::AuditStore::open(dir.filePath(relative).toStdString(), error);
        return store != nullptr;
    }
};

// A small valid policy named `name` (gVisor, no network, a read-write
// workspace) with the given policies: section entries (by default one log rule).
inline QByteArray minimalPolicy(const char *name, const char *policies = R"(  - name: log-calls
    trigger: tool_call
    condition: tool.name == 'nothing'
    action: log
)")
{
    return QByteArray("version: 1\nname: ") + name + R"(
sandbox:
  isolation: gvisor
  max_memory_mb: 512
  max_execution_time_seconds: 60
  cleanup_policy: destroy
network:
  default_policy: deny-all
filesystem:
  workspace: /agent/workspace
  rules:
    - {path: /agent/workspace, permissions: read-write}
policies:
)" + policies;
}

} // namespace osh::test
