// The active rule set: one of the presets compiled into the binary
// (shared/rules/*.json) or a file. The same JSON text is served by
// GET /api/v1/rules and used by the server's scoring.
#pragma once

#include <string>
#include <vector>

#include "shared/json.h"

namespace ankang::server {

struct ActiveRules {
  std::string name;  // preset name or file path
  std::string text;  // exactly what GET /api/v1/rules answers
  Json json;
  std::string digest;  // of text: what a stored verdict says it was scored with
  // params read by the server
  bool review = false;      // params.review
  std::string edit_policy;  // "daily" or "once"
};

// Names of the embedded presets.
std::vector<std::string> PresetNames();
// The embedded text of a preset, "" when unknown.
std::string PresetText(const std::string& name);
// Loads a preset or a file and checks its shape. On failure returns false with
// every problem in *error.
bool LoadRules(const std::string& name_or_path, ActiveRules* out, std::string* error);
// The rule set `text` under `name`, checked; false with every problem in *error.
bool MakeActiveRules(std::string name, std::string text, ActiveRules* out, std::string* error);

struct App;
// Makes the activated rule set stored in the database (if any) the one in force.
void LoadStoredRules(App& app);

}  // namespace ankang::server
