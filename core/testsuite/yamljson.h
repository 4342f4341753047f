#pragma once
// YAML node -> JSON text, so a request written as YAML goes through the one
// request parser (Request::fromJson). Plain scalars that read as null, a
// bool or a number become those; every other scalar is a string.

#include "model/yamltree.h"

#include <string>

namespace osh {

// Appends node as JSON to out. Returns false (and sets error and where)
// when a mapping key is not a scalar.
bool yamlToJson(const yaml::Document &tree, const yaml::Node &node, std::string &out, std::string &error,
                SourcePos &where);

} // namespace osh
