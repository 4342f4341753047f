// PII surrogates for recorded requests (see piisurrogate.h).

#include "piisurrogate.h"

#include "pii/piidetector.h"

#include <array>
#include <map>
#include <utility>
#include <vector>

namespace osh::replay {

namespace {

// n as exactly width decimal digits (n is reduced modulo 10^width).
std::string digits(std::uint64_t n, int width)
{
    std::string s(static_cast<std::size_t>(width), '0');
    for (int i = width - 1; i >= 0; --i) {
        s[static_cast<std::size_t>(i)] = static_cast<char>('0' + n % 10);
        n /= 10;
    }
    return s;
}

char luhnCheckDigit(const std::string &body)
{
    int sum = 0;
    // The check digit will be rightmost, so the body's last digit is doubled.
    bool dbl = true;
    for (auto it = body.rbegin(); it != body.rend(); ++it) {
        int d = *it - '0';
        if (dbl) {
            d *= 2;
            if (d > 9)
                d -= 9;
        }
        sum += d;
        dbl = !dbl;
    }
    return static_cast<char>('0' + (10 - sum % 10) % 10);
}

// ISO 13616 check digits for country + BBAN.
std::string ibanCheck(const std::string &country, const std::string &bban)
{
    const std::string moved = bban + country + "00";
    int mod = 0;
    for (char c : moved) {
        if (c >= '0' && c <= '9')
            mod = (mod * 10 + (c - '0')) % 97;
        else {
            const int v = c - 'A' + 10;
            mod = (mod * 100 + v) % 97;
        }
    }
    return digits(static_cast<std::uint64_t>(98 - mod), 2);
}

class Surrogator
{
public:
    bool ok = true;

    std::string text(const std::string &s)
    {
        const auto &det = pii::PiiDetector::instance();
        const auto matches = det.find(s);
        if (matches.empty())
            return s;
        std::string out;
        out.reserve(s.size());
        std::size_t at = 0;
        for (const auto &m : matches) {
            out.append(s, at, m.begin - at);
            out += surrogateFor(m.type, s.substr(m.begin, m.end - m.begin));
            at = m.end;
        }
        out.append(s, at, std::string::npos);
        // The surrogates must read as the same types, in the same order, in
        // their context; otherwise the replayed decision could differ.
        const auto again = det.find(out);
        bool same = again.size() == matches.size();
        for (std::size_t i = 0; same && i < again.size(); ++i)
            same = again[i].type == matches[i].type;
        if (!same)
            ok = false;
        return out;
    }

    Value value(const Value &v)
    {
        switch (v.type()) {
        case Value::Type::String: return Value(text(v.toString()));
        case Value::Type::List: {
            ValueList l;
            l.reserve(v.toList().size());
            for (const auto &x : v.toList())
                l.push_back(value(x));
            return Value(std::move(l));
        }
        case Value::Type::Map: {
            ValueMap m;
            for (const auto &[k, x] : v.toMap())
                m.emplace(text(k), value(x));
            return Value(std::move(m));
        }
        default: return v;
        }
    }

private:
    std::string surrogateFor(pii::PiiType type, const std::string &original)
    {
        auto &known = m_seen[static_cast<std::size_t>(type)];
        const auto it = known.find(original);
        if (it != known.end())
            return it->second;
        const int index = static_cast<int>(known.size());
        return known.emplace(original, piiSurrogate(type, index)).first->second;
    }

    std::array<std::map<std::string, std::string>, pii::kPiiTypeCount> m_seen;
};

} // namespace

std::string piiSurrogate(pii::PiiType type, int index)
{
    const auto n = static_cast<std::uint64_t>(index);
    switch (type) {
    case pii::PiiType::Ssn:
        // Area 100-665, group 01-99, serial 0001-9999: assigned ranges only.
        return digits(100 + n % 566, 3) + "-" + digits(1 + (n / 566) % 99, 2) + "-" + digits(1000 + n % 8999, 4);
    case pii::PiiType::CreditCard: {
        // Visa test range 4111 11xx ...: 15 digits and a Luhn check digit.
        const std::string body = "411111" + digits(n, 9);
        const std::string card = body + luhnCheckDigit(body);
        return card.substr(0, 4) + " " + card.substr(4, 4) + " " + card.substr(8, 4) + " " + card.substr(12, 4);
    }
    case pii::PiiType::Email: return "person" + std::to_string(n + 1) + "@example.invalid";
    case pii::PiiType::Phone:
        // +1 202 555 01xx: the range reserved for fiction.
        return "+1 202-555-01" + digits(n % 100, 2);
    case pii::PiiType::IpAddress:
        // TEST-NET-3 (RFC 5737), documentation addresses.
        return "203.0.113." + std::to_string(1 + n % 254);
    case pii::PiiType::Iban: {
        const std::string bban = "WEST" + digits(12345600000000ULL + n, 14);
        return "GB" + ibanCheck("GB", bban) + bban;
    }
    case pii::PiiType::Secret:
        // The AWS documentation key's shape: AKIA + 16 of [A-Z0-9].
        return "AKIAEXAMPLE" + digits(n, 9);
    }
    return "[REDACTED]";
}

std::optional<std::string> surrogateRequestJson(const Request &request, std::bitset<kVarCount> only)
{
    Surrogator s;
    Request copy = request;
    for (std::size_t i = 0; i < copy.vars.size(); ++i)
        if (copy.given.test(i) && (only.none() || only.test(i)))
            copy.vars[i] = s.value(copy.vars[i]);
    if (copy.linkTarget)
        copy.linkTarget = s.text(*copy.linkTarget);
    if (!s.ok)
        return std::nullopt;
    return copy.toJson();
}

} // namespace osh::replay
