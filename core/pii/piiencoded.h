#pragma once
// PII hidden in an encoding: a base64 (standard or URL-safe) or hex blob
// whose decoding is text is decoded and scanned like any other text; a
// match inside makes the whole blob one match of the type found inside, so
// redaction removes the blob.
//
// Bounded: blobs of 24 bytes to 1 MiB, decoded only when the result is
// UTF-8 text (at least 90 % printable or whitespace: keys, hashes and
// compressed data decode to noise and are left alone), nested at most two
// encodings deep, and at most 64 blobs decoded per scan.

#include "piidetector.h"

#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace osh::pii {

inline constexpr int kMaxEncodingDepth = 2;

// Calls scan(decoded) for each decodable blob of text and appends, for each
// one where scan returns a type, a match of that type over the blob.
void findEncodedPii(std::string_view text, const std::function<std::optional<PiiType>(std::string_view decoded)> &scan,
                    std::vector<PiiMatch> &out);

// A blob as findEncodedPii reads it (the whole match it reported, padding
// included): its decoded text when that is text, and the encoding's name
// ("base64" or "hex").
struct DecodedBlob
{
    std::string_view encoding;
    std::string text;
};
std::optional<DecodedBlob> decodeBlob(std::string_view blob);

} // namespace osh::pii
