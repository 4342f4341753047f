#include "approval.h"

namespace osh {

std::string_view approvalStatusName(ApprovalStatus s)
{
    switch (s) {
    case ApprovalStatus::Pending: return "pending";
    case ApprovalStatus::Approved: return "approved";
    case ApprovalStatus::Denied: return "denied";
    case ApprovalStatus::Expired: return "expired";
    }
    return "pending";
}

std::optional<ApprovalStatus> approvalStatusFromName(std::string_view name)
{
    for (auto s : {ApprovalStatus::Pending, ApprovalStatus::Approved, ApprovalStatus::Denied, ApprovalStatus::Expired})
        if (approvalStatusName(s) == name)
            return s;
    return std::nullopt;
}

} // namespace osh
