#pragma once
// Test fixture shared by the tst_auditstore* suites: a fresh store per test
// on the backend storebackend.h picks (SQLite, or PostgreSQL with
// OSH_AUDIT_BACKEND=postgresql), the common query fixture, and the cleanup of
// the temporary folder. A suite names the tests that are about the SQLite file
// itself; they are skipped on PostgreSQL (tst_pgschema covers that schema).

#include "audit/auditstore.h"
#include "eventfixtures.h"
#include "storebackend.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QObject>
#include <QTemporaryDir>
#include <QTest>

#include <set>
#include <string>

namespace osh::test {

class AuditStoreFixture : public QObject
{
    Q_OBJECT

public:
    explicit AuditStoreFixture(std::set<std::string> sqliteOnly = {})
        : m_sqliteOnly(std::move(sqliteOnly))
    { }

protected:
    QTemporaryDir m_dir;
    StoreBackend m_backend;

    // The store under test; other names are SQLite files beside it.
    std::string path() const { return m_backend.store(); }
    std::string path(const char *name) const { return m_dir.path().toStdString() + "/" + name; }

    std::unique_ptr<AuditStore> open(const std::string &p) { return openOrWarn(p); }

    // The query fixture, ordered by ts then seq: a1 b1 a2 b2 a3 a4 b3.
    static void fill(AuditStore &s)
    {
        s.append(makeEvent("a", 1000, "tool_call", "email_send", "allow", "info"));
        s.append(makeEvent("a", 1010, "network_egress", "http", "block", "warning"));
        s.append(makeEvent("a", 1020, "tool_call", "shell", "escalate", "critical"));
        s.append(makeEvent("a", 1030, "reasoning", "", "", "debug"));
        s.append(makeEvent("b", 1010, "file_access", "fs", "redact", "warning"));
        s.append(makeEvent("b", 1015, "tool_call", "email_send", "log", "info"));
        s.append(makeEvent("b", 1040, "tool_call", "email_send", "throttle", "info"));
        QVERIFY(s.flush());
    }

private Q_SLOTS:
    void initTestCase()
    {
        QString error;
        QVERIFY2(m_backend.start(&error), qPrintable(error));
        qInfo("audit store backend: %s", m_backend.name());
    }

    void init()
    {
        QVERIFY(m_dir.isValid());
        std::string error;
        QVERIFY2(m_backend.fresh(m_dir, error), error.c_str());
        if (m_backend.isPostgres() && m_sqliteOnly.count(QTest::currentTestFunction()))
            QSKIP("about the SQLite file");
    }

    void cleanup()
    {
        for (const auto &name : QDir(m_dir.path()).entryList(QDir::Files | QDir::Dirs | QDir::NoDotAndDotDot)) {
            QFileInfo fi(m_dir.path() + QLatin1Char('/') + name);
            if (fi.isDir())
                QDir(fi.filePath()).removeRecursively();
            else
                QFile::remove(fi.filePath());
        }
    }

private:
    std::set<std::string> m_sqliteOnly;
};

} // namespace osh::test
