#include "safetyrules.h"

#include <array>

namespace osh::pii {

namespace {

// Each rule counts once however often it matches: repeating a phrase should
// not drive the score to zero on its own, different phrases should add up.
constexpr std::array kRules {
    // Prompt injection / jailbreak.
    SafetyRule {SafetyCategory::PromptInjection,
        R"(\b(?:ignore|disregard|forget|override)\s+(?:(?:all|any|the|your|my|of|these)\s+)*(?:previous|prior|above|earlier|preceding|original|system|initial)\s+(?:instructions?|prompts?|rules|directives|guidelines|messages|context)\b)"},
    SafetyRule {SafetyCategory::PromptInjection,
        R"(\byou\s+are\s+now\s+(?:dan\b|in\s+(?:developer|god|jailbreak)\s+mode|jailbroken|unrestricted|unfiltered|uncensored|free\s+of\s+(?:all\s+)?restrictions))"},
    SafetyRule {
        SafetyCategory::PromptInjection, R"(\b(?:dan|developer|jailbreak)\s+mode\s+(?:enabled|activated|on)\b)"},
    SafetyRule {SafetyCategory::PromptInjection, R"(\bdo\s+anything\s+now\b)"},
    SafetyRule {SafetyCategory::PromptInjection,
        R"(\b(?:reveal|print|show|output|repeat|leak|dump)\s+(?:me\s+)?(?:your|the)\s+(?:(?:full|entire|hidden|secret|original)\s+)?(?:system\s+prompt|initial\s+instructions|hidden\s+instructions)\b)"},
    SafetyRule {SafetyCategory::PromptInjection,
        R"(\bpretend\s+(?:that\s+)?(?:you\s+are|you're|to\s+be)\s+(?:an?\s+)?(?:unrestricted|unfiltered|uncensored|evil|jailbroken)\b)"},
    SafetyRule {SafetyCategory::PromptInjection,
        R"(\b(?:bypass|disable|ignore|turn\s+off)\s+(?:(?:all|your|the|any)\s+)*(?:safety|content|security)\s+(?:filters?|guidelines|policies|restrictions|guardrails|checks)\b)"},
    SafetyRule {SafetyCategory::PromptInjection, R"(\bnew\s+(?:system\s+)?instructions\s*:)"},

    // Threats, self-harm, weapons and drug making.
    SafetyRule {SafetyCategory::Violence,
        R"(\b(?:i|we)\s*(?:'ll|will|'m\s+going\s+to|am\s+going\s+to|are\s+going\s+to|'re\s+going\s+to|gonna)\s+(?:kill|murder|shoot|stab|hurt|attack)\s+(?:you|him|her|them|everyone|people)\b)"},
    SafetyRule {SafetyCategory::Violence, R"(\b(?:kill|hurt|harm|cut)\s+(?:myself|yourself)\b)"},
    SafetyRule {SafetyCategory::Violence,
        R"(\b(?:commit(?:ting)?\s+suicide|end\s+(?:my|your)\s+(?:own\s+)?life|suicide\s+methods?)\b)"},
    SafetyRule {SafetyCategory::Violence,
        R"(\bhow\s+to\s+(?:make|build|assemble|construct)\s+(?:an?\s+)?(?:pipe\s+bomb|dirty\s+bomb|bomb|explosive|ied|molotov|nerve\s+agent|bioweapon|chemical\s+weapon)s?\b)"},
    SafetyRule {SafetyCategory::Violence,
        R"(\b(?:instructions|steps|recipe|guide)\s+(?:for|to)\s+(?:making|building|make|build)\s+(?:an?\s+)?(?:bomb|explosive|nerve\s+agent|bioweapon|chemical\s+weapon|ghost\s+gun)s?\b)"},
    SafetyRule {SafetyCategory::Violence,
        R"(\b(?:synthesi[sz]e|synthesizing|cook|manufacture)\s+(?:meth|methamphetamine|fentanyl|sarin|ricin|vx|anthrax)\b)"},
    SafetyRule {
        SafetyCategory::Violence, R"(\b(?:3d[\s-]?print(?:ed)?|untraceable)\s+(?:gun|firearm|ghost\s+gun)s?\b)"},

    // Abusive language: a short, neutral list aimed at the reader. The rules
    // share no words, so one insult is one hit.
    SafetyRule {SafetyCategory::Abuse,
        R"(\b(?:you(?:'re|\s+are)|ur)\s+(?:(?:a|an|so|such|completely|totally)\s+)*(?:stupid|pathetic|worthless|useless|loser|incompetent)\b)"},
    SafetyRule {SafetyCategory::Abuse, R"(\b(?:idiot|moron|imbecile|dumbass|dimwit|nitwit)s?\b)"},
    SafetyRule {SafetyCategory::Abuse, R"(\b(?:shut\s+up|go\s+to\s+hell|screw\s+you)\b)"},

    // Shell commands that destroy data or run unreviewed code.
    SafetyRule {SafetyCategory::ShellDestructive,
        R"(\brm\s+(?:-[a-z]*r[a-z]*f[a-z]*|-[a-z]*f[a-z]*r[a-z]*|-r\s+-f|-f\s+-r|--recursive\s+--force|--force\s+--recursive)\s+(?:--no-preserve-root\s+)?(?:/|/\*|~/?|\$home/?|\*)(?:\s|;|&|\||$))"},
    SafetyRule {SafetyCategory::ShellDestructive, R"(\bmkfs(?:\.[a-z0-9]+)?\s+(?:-\S+\s+(?:\S+\s+)?)*/dev/)"},
    SafetyRule {SafetyCategory::ShellDestructive,
        R"(\bdd\s+(?:[^\n]*\s)?of=/dev/(?:sd[a-z]|hd[a-z]|nvme\d|xvd[a-z]|vd[a-z]|mmcblk\d|disk\d|mapper/))"},
    SafetyRule {SafetyCategory::ShellDestructive, R"(\b(?:curl|wget)\s[^\n|]*\|\s*(?:sudo\s+)?(?:ba|z|da|k|fi)?sh\b)"},
    SafetyRule {SafetyCategory::ShellDestructive, R"(:\(\)\s*\{\s*:\s*\|\s*:\s*&\s*\}\s*;\s*:)"},
    SafetyRule {SafetyCategory::ShellDestructive, R"(\bchmod\s+(?:-r\s+)?0?777\s+/(?:\s|;|&|\||$))"},
    SafetyRule {SafetyCategory::ShellDestructive, R"(>\s*/dev/(?:sd[a-z]|hd[a-z]|nvme\d+n\d+)\b)"},
};

} // namespace

std::string_view safetyCategoryName(SafetyCategory c)
{
    switch (c) {
    case SafetyCategory::PromptInjection: return "prompt_injection";
    case SafetyCategory::Violence: return "violence";
    case SafetyCategory::Abuse: return "abuse";
    case SafetyCategory::ShellDestructive: return "shell_destructive";
    }
    return "unknown";
}

double safetyCategoryWeight(SafetyCategory c)
{
    switch (c) {
    case SafetyCategory::PromptInjection:
    case SafetyCategory::Violence: return 0.50;
    case SafetyCategory::Abuse: return 0.15;
    case SafetyCategory::ShellDestructive: return 0.40;
    }
    return 0.0;
}

double piiWeight(PiiType t)
{
    // Contact details appear in perfectly polite answers ("mail support@..."),
    // so they weigh little; identity and payment data weigh a lot.
    switch (t) {
    case PiiType::Secret: return 0.60;
    case PiiType::CreditCard:
    case PiiType::Ssn: return 0.35;
    case PiiType::Iban: return 0.30;
    case PiiType::Email:
    case PiiType::Phone: return 0.04;
    case PiiType::IpAddress: return 0.03;
    }
    return 0.0;
}

std::span<const SafetyRule> safetyRules()
{
    return kRules;
}

} // namespace osh::pii
