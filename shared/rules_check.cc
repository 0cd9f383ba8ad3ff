// The rule-set checker: every shape problem of a rule set at once (required
// members, types, unknown keys, duplicate ids, operators and their arity,
// nesting depth), so an author sees the whole list. Separate from evaluation:
// a rule set that passes here always evaluates.
#include <algorithm>
#include <initializer_list>
#include <string>
#include <vector>

#include "shared/rules.h"
#include "shared/rules_coerce.h"

namespace ankang {
namespace {

// The operators the evaluator (rules_eval.cc) knows, with their arity.
struct OpInfo {
  const char* name;
  int min_args;
  int max_args;  // -1: unbounded
};

const OpInfo kOps[] = {
    {"var", 0, 2},    {"if", 1, -1},        {"?:", 3, 3},        {"and", 1, -1},
    {"or", 1, -1},    {"!", 1, 1},          {"!!", 1, 1},        {"==", 2, 2},
    {"!=", 2, 2},     {"===", 2, 2},        {"!==", 2, 2},       {"<", 2, 3},
    {"<=", 2, 3},     {">", 2, 2},          {">=", 2, 2},        {"in", 2, 2},
    {"+", 1, -1},     {"-", 1, 2},          {"*", 1, -1},        {"/", 2, 2},
    {"%", 2, 2},      {"min", 1, -1},       {"max", 1, -1},      {"some", 2, 2},
    {"all", 2, 2},    {"none", 2, 2},       {"filter", 2, 2},    {"map", 2, 2},
    {"count", 1, -1}, {"cat", 1, -1},       {"plusTime", 3, 3},  {"before", 2, 3},
    {"after", 2, 3},  {"not-before", 2, 3}, {"not-after", 2, 3}, {"daysBetween", 2, 2},
};

const OpInfo* FindOp(const std::string& name) {
  for (const OpInfo& op : kOps) {
    if (name == op.name) return &op;
  }
  return nullptr;
}

class Checker {
 public:
  std::vector<RuleSetProblem> problems;

  void Add(const std::string& path, const std::string& code, const std::string& message) {
    problems.push_back({path, code, message});
  }

  void Logic(const Json& expr, const std::string& path, int depth) {
    if (depth > kMaxLogicDepth) {
      Add(path, "too_deep", "expression nested deeper than " + std::to_string(kMaxLogicDepth));
      return;
    }
    if (expr.is_array()) {
      for (size_t i = 0; i < expr.size(); ++i) {
        Logic(expr[i], path + "[" + std::to_string(i) + "]", depth + 1);
      }
      return;
    }
    if (!expr.is_object()) return;
    if (expr.size() != 1) {
      Add(path, "bad_type", "an expression object must have exactly one operator key");
      return;
    }
    auto it = expr.begin();
    const std::string& name = it.key();
    const OpInfo* op = FindOp(name);
    std::string p = path + "." + name;
    if (!op) {
      Add(p, "unknown_operator", "unknown operator \"" + name + "\"");
      return;
    }
    Json args = coerce::ArgList(it.value());
    int n = static_cast<int>(args.size());
    if (n < op->min_args || (op->max_args >= 0 && n > op->max_args)) {
      std::string want = op->max_args < 0 ? "at least " + std::to_string(op->min_args)
                         : op->min_args == op->max_args
                             ? std::to_string(op->min_args)
                             : std::to_string(op->min_args) + ".." + std::to_string(op->max_args);
      Add(p, "bad_arity",
          "\"" + name + "\" takes " + want + " argument(s), got " + std::to_string(n));
    }
    if (name == "var" && n >= 1 && !args[0].is_string() && !args[0].is_number() &&
        !args[0].is_null() && !args[0].is_object()) {
      Add(p + "[0]", "bad_type", "var path must be a string or a number");
    }
    if (name == "plusTime" && n >= 3 && args[2].is_string() && args[2] != "day" &&
        args[2] != "hour") {
      Add(p + "[2]", "bad_value", "plusTime unit must be \"day\" or \"hour\"");
    }
    for (size_t i = 0; i < args.size(); ++i) {
      Logic(args[i], p + "[" + std::to_string(i) + "]", depth + 1);
    }
  }

  void TextField(const Json& obj, const std::string& key, const std::string& path) {
    std::string p = path.empty() ? key : path + "." + key;
    auto it = obj.find(key);
    if (it == obj.end()) {
      Add(p, "required", "\"" + key + "\" is required ({\"zh\",\"en\"})");
      return;
    }
    if (!it->is_object()) {
      Add(p, "bad_type", "must be an object {\"zh\",\"en\"}");
      return;
    }
    for (const char* lang : {"zh", "en"}) {
      auto l = it->find(lang);
      if (l == it->end()) {
        Add(p + "." + lang, "required", std::string("text in \"") + lang + "\" is required");
      } else if (!l->is_string() || l->get_ref<const std::string&>().empty()) {
        Add(p + "." + lang, "bad_type", "must be a non-empty string");
      }
    }
  }

  void NonEmptyString(const Json& obj, const std::string& key, const std::string& path) {
    std::string p = path.empty() ? key : path + "." + key;
    auto it = obj.find(key);
    if (it == obj.end()) {
      Add(p, "required", "\"" + key + "\" is required");
    } else if (!it->is_string() || it->get_ref<const std::string&>().empty()) {
      Add(p, "bad_type", "must be a non-empty string");
    }
  }

  void UnknownKeys(const Json& obj, std::initializer_list<const char*> allowed,
                   const std::string& path) {
    for (auto it = obj.begin(); it != obj.end(); ++it) {
      if (std::find(allowed.begin(), allowed.end(), it.key()) == allowed.end()) {
        Add(path.empty() ? it.key() : path + "." + it.key(), "unknown_key",
            "unknown key \"" + it.key() + "\"");
      }
    }
  }

  void Params(const Json& rs) {
    auto it = rs.find("params");
    if (it == rs.end()) {
      Add("params", "required", "\"params\" is required");
      return;
    }
    if (!it->is_object()) {
      Add("params", "bad_type", "must be an object");
      return;
    }
    const Json& p = *it;
    auto hours = p.find("validity_hours");
    if (hours == p.end()) {
      Add("params.validity_hours", "required", "\"validity_hours\" is required");
    } else if (!hours->is_number() || hours->get<double>() <= 0) {
      Add("params.validity_hours", "bad_type", "must be a positive number");
    }
    for (const char* key : {"yellow_clear_streak", "red_clear_streak"}) {
      auto s = p.find(key);
      std::string path = std::string("params.") + key;
      if (s == p.end()) {
        Add(path, "required", std::string("\"") + key + "\" is required");
      } else if (!s->is_number_integer() && !s->is_number_unsigned()) {
        Add(path, "bad_type", "must be a positive integer");
      } else if (s->get<int64_t>() < 1) {
        Add(path, "out_of_range", "must be at least 1");
      }
    }
    auto review = p.find("review");
    if (review == p.end()) {
      Add("params.review", "required", "\"review\" is required");
    } else if (!review->is_boolean()) {
      Add("params.review", "bad_type", "must be true or false");
    }
    auto edit = p.find("edit_policy");
    if (edit == p.end()) {
      Add("params.edit_policy", "required", "\"edit_policy\" is required");
    } else if (!edit->is_string() || (*edit != "daily" && *edit != "once")) {
      Add("params.edit_policy", "bad_value", "must be \"daily\" or \"once\"");
    }
    auto show = p.find("show_streak");
    if (show != p.end() && !show->is_boolean()) {
      Add("params.show_streak", "bad_type", "must be true or false");
    }
    UnknownKeys(p,
                {"validity_hours", "yellow_clear_streak", "red_clear_streak", "review",
                 "edit_policy", "show_streak"},
                "params");
  }

  void Rule(const Json& r, const std::string& path, std::vector<std::string>* ids) {
    if (!r.is_object()) {
      Add(path, "bad_type", "a rule must be an object");
      return;
    }
    NonEmptyString(r, "id", path);
    auto id = r.find("id");
    if (id != r.end() && id->is_string() && !id->get_ref<const std::string&>().empty()) {
      const std::string& value = id->get_ref<const std::string&>();
      if (std::find(ids->begin(), ids->end(), value) != ids->end()) {
        Add(path + ".id", "duplicate_id", "rule id \"" + value + "\" is used twice");
      } else {
        ids->push_back(value);
      }
    }
    auto color = r.find("color");
    if (color == r.end()) {
      Add(path + ".color", "required", "\"color\" is required");
    } else if (!color->is_string() || (*color != "red" && *color != "yellow" && *color != "gray")) {
      Add(path + ".color", "bad_color", "must be \"red\", \"yellow\" or \"gray\"");
    }
    auto when = r.find("when");
    if (when == r.end()) {
      Add(path + ".when", "required", "\"when\" is required");
    } else {
      Logic(*when, path + ".when", 0);
    }
    TextField(r, "reason", path);
    TextField(r, "advice", path);
    auto next = r.find("next");
    if (next != r.end()) {
      if (!next->is_object() || next->size() != 1 ||
          (!next->contains("streak") && !next->contains("days"))) {
        Add(path + ".next", "bad_type", "must be {\"streak\": <expr>} or {\"days\": <expr>}");
      } else {
        Logic(next->begin().value(), path + ".next." + next->begin().key(), 0);
      }
    }
    UnknownKeys(r, {"id", "color", "when", "reason", "advice", "next", "note"}, path);
  }

  void RuleSet(const Json& rs) {
    if (!rs.is_object()) {
      Add("", "bad_type", "a rule set must be a JSON object");
      return;
    }
    NonEmptyString(rs, "id", "");
    NonEmptyString(rs, "version", "");
    TextField(rs, "name", "");
    Params(rs);
    auto green = rs.find("green");
    if (green == rs.end()) {
      Add("green", "required", "\"green\" is required ({\"advice\": {\"zh\",\"en\"}})");
    } else if (!green->is_object()) {
      Add("green", "bad_type", "must be an object");
    } else {
      TextField(*green, "advice", "green");
    }
    auto rules = rs.find("rules");
    if (rules == rs.end()) {
      Add("rules", "required", "\"rules\" is required");
    } else if (!rules->is_array()) {
      Add("rules", "bad_type", "must be an array");
    } else {
      std::vector<std::string> ids;  // a few dozen rules: a linear search is enough
      for (size_t i = 0; i < rules->size(); ++i) {
        Rule((*rules)[i], "rules[" + std::to_string(i) + "]", &ids);
      }
    }
    UnknownKeys(rs, {"id", "version", "name", "description", "params", "green", "rules"}, "");
  }
};

}  // namespace

std::vector<RuleSetProblem> CheckRuleSet(const Json& rule_set) {
  Checker c;
  c.RuleSet(rule_set);
  return c.problems;
}

}  // namespace ankang
