#pragma once
// What the service's route handlers share across their files: names,
// bounds, JSON helpers and reading a client's policy. Internal to
// runtime/service.

#include "apicall.h"
#include "apiservice.h"
#include "clientfiles.h"

#include "model/policyvalidator.h"
#include "util/diagnostic.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QString>

#include <string>
#include <vector>

namespace osh::service {

using Call = ApiService::Call;

constexpr std::size_t kMaxPolicyBytes = 1 << 20;
constexpr int kMaxEvalRequests = 10000;
constexpr int kMaxAuditLimit = 10000;

enum RouteId {
    RInfo, ROpenApi, RSessionsCreate, RSessionsList, RSessionGet, RSessionEnd, RSessionExec, RSessionStdin, RSessionEvents,
    RApprovalsList, RApprovalGet, RApprove, RDeny, RAuditEvents, RAuditSessions, RValidate, REval, RWhatIf,
    RSessionGateway, RStateKeys, RStateGet, RStatePut, RStateDelete, RSessionSnapshot, RSnapshotDelete,
    RAuditForwarders
};

inline QString q(const std::string &s) { return QString::fromStdString(s); }

inline std::string compact(const QJsonObject &o) { return QJsonDocument(o).toJson(QJsonDocument::Compact).toStdString(); }

// {"name":[item,...]} with each item written by append(out, item).
template <class T, class Append>
std::string jsonList(const char *name, const std::vector<T> &items, Append append)
{
    std::string out = "{\"";
    out += name;
    out += "\":[";
    for (std::size_t i = 0; i < items.size(); ++i) {
        if (i)
            out += ',';
        append(out, items[i]);
    }
    out += "]}";
    return out;
}

// A policy as a client gave it: read (and checked) with its credentials.
struct ClientPolicy
{
    std::string text;
    std::string name;    // for diagnostics and records
    std::string dir;     // its folder on the host; empty for inline text
    PinnedFolder dirPin; // that folder, opened as the client (file policies)
    LoadResult loaded;
};

// Reads policy_path or policy_yaml from a body, validates it as the client
// (file checks see what the client sees). false: a problem was answered.
bool clientPolicy(Call &c, const Fields &f, const ClientFiles &files, bool pinDir, ClientPolicy &out);

// [Diagnostic::appendJson, ...]
std::string diagnosticsJson(const Diagnostics &diagnostics);

} // namespace osh::service
