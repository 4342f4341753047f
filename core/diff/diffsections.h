#pragma once
// Internal to the semantic diff: one function per section of the document,
// and the small helpers they share. Not for use outside core/diff.

#include "diff/semanticdiff.h"

#include <optional>
#include <string>
#include <vector>

namespace osh::diff::detail {

void diffDocument(const PolicyDocument &a, const PolicyDocument &b, std::vector<Change> &out);
void diffSandbox(const PolicyDocument &a, const PolicyDocument &b, std::vector<Change> &out);
void diffNetwork(const PolicyDocument &a, const PolicyDocument &b, std::vector<Change> &out);
void diffFilesystem(const PolicyDocument &a, const PolicyDocument &b, std::vector<Change> &out);
void diffTools(const PolicyDocument &a, const PolicyDocument &b, std::vector<Change> &out);
// PII settings (pii_types) and the ordered policies.
void diffPolicies(const PolicyDocument &a, const PolicyDocument &b, std::vector<Change> &out);

// One setting of a section changed: "network.default_policy changed from x
// to y; meaning." at the key's positions (the section's when b lacks it).
Change settingChange(Section section, std::string_view sectionKey, std::string_view key, Effect e, std::string before,
                     std::string after, const std::string &meaning, const Locations &a, const Locations &b,
                     SourcePos sectionPos);

// "2048", "1.5", "0.25": shortest text that reads back the same.
std::string numberText(double v);
std::string optText(const std::optional<double> &v); // numberText, or "none" when unset
std::string listText(const std::vector<std::string> &v); // "[a, b]"
std::string quoted(std::string_view s);                  // "'s'"
// Looser + Stricter = Unknown; Neutral is the identity.
Effect combine(Effect a, Effect b);
// The direction of a numeric limit where more is looser; nullopt = no limit.
Effect limitEffect(std::optional<double> before, std::optional<double> after);
// Positions in the order matching a subsequence common to both (LCS); the
// others moved. Returns, for each index of b, whether it kept its relative order.
std::vector<bool> stableInOrder(const std::vector<int> &aIndexOfB);

} // namespace osh::diff::detail
