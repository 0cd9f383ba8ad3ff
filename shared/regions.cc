// GB/T 2260 region look-ups over a table generated at build time (sorted by
// code, so look-ups are binary searches).
#include "shared/regions.h"

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstdio>
#include <cstring>

namespace ankang {
namespace {

#if ANKANG_REGION_NAMES
// Codes are stored inline rather than as pointers to literals, which spares
// thousands of pointers. The Region views are made once, on first use.
struct Row {
  char code[7];
  const char* name;
  char parent[7];
};
const Row kRows[] = {
#include "regions_data.inc"
};
constexpr size_t kCount = sizeof(kRows) / sizeof(kRows[0]);

const Region* Table() {
  static const std::vector<Region> table = [] {
    std::vector<Region> t;
    t.reserve(kCount);
    for (const Row& r : kRows) t.push_back(Region{r.code, r.name, r.parent});
    return t;
  }();
  return table.data();
}
#else
// The wasm build keeps codes only (names come to the page as regions.json):
// sorted integers, each parent derived from the code, which
// scripts/gen_regions.mjs checks holds for every row of the source.
const int32_t kCodes[] = {
#include "regions_codes.inc"
};
constexpr size_t kCount = sizeof(kCodes) / sizeof(kCodes[0]);

const Region* Table() {
  struct Storage {
    std::vector<std::array<char, 7>> codes, parents;
    std::vector<Region> table;
  };
  static const Storage storage = [] {
    Storage st;
    st.codes.resize(kCount);
    st.parents.resize(kCount);
    for (size_t i = 0; i < kCount; ++i) {
      std::snprintf(st.codes[i].data(), 7, "%06d", static_cast<int>(kCodes[i]));
      int c = kCodes[i], parent = 0;
      if (c % 10000 == 0) {
        parent = 0;
      } else if (c % 100 == 0) {
        parent = c / 10000 * 10000;
      } else {
        parent = c / 100 * 100;
        if (!std::binary_search(kCodes, kCodes + kCount, parent)) parent = c / 10000 * 10000;
      }
      if (parent == 0) {
        st.parents[i][0] = '\0';
      } else {
        std::snprintf(st.parents[i].data(), 7, "%06d", parent);
      }
    }
    st.table.reserve(kCount);
    for (size_t i = 0; i < kCount; ++i)
      st.table.push_back(Region{st.codes[i].data(), "", st.parents[i].data()});
    return st;
  }();
  return storage.table.data();
}
#endif

bool Less(const Region& r, std::string_view code) { return std::string_view(r.code) < code; }

// Parent names that only group counties ("市辖区", "省直辖县级行政区划",
// "自治区直辖县级行政区划") say nothing to a reader of a path.
bool IsGroupingName(std::string_view name) {
  return name == "市辖区" || name == "县" ||
         name.find("直辖县级行政区划") != std::string_view::npos;
}

size_t IndexOf(const Region* r) { return static_cast<size_t>(r - Table()); }

Json Node(size_t i, const std::vector<std::vector<size_t>>& kids, int depth) {
  const Region* regions = Table();
  Json node = {{"code", regions[i].code}, {"name", regions[i].name}};
  // Provinces and cities always carry "children" (possibly empty: a city
  // without counties is itself the pick); counties never do.
  if (depth < 2) {
    Json children = Json::array();
    for (size_t k : kids[i]) children.push_back(Node(k, kids, depth + 1));
    node["children"] = std::move(children);
  }
  return node;
}

}  // namespace

const Region* FindRegion(std::string_view code) {
  if (code.size() != 6) return nullptr;
  const Region* begin = Table();
  const Region* end = begin + kCount;
  const Region* it = std::lower_bound(begin, end, code, Less);
  if (it == end || std::string_view(it->code) != code) return nullptr;
  return it;
}

bool IsKnownProvince(std::string_view two_digits) {
  if (two_digits.size() != 2) return false;
  const Region* r = FindRegion(std::string(two_digits) + "0000");
  return r != nullptr && r->parent[0] == '\0';
}

std::vector<const Region*> ChildRegions(std::string_view parent) {
  const Region* regions = Table();
  std::vector<const Region*> out;
  for (size_t i = 0; i < kCount; ++i) {
    if (parent == regions[i].parent) out.push_back(&regions[i]);
  }
  return out;
}

std::string RegionPath(std::string_view code) {
  const Region* r = FindRegion(code);
  if (r == nullptr) return "";
  std::vector<const Region*> chain;
  for (int guard = 0; r != nullptr && guard < 4; ++guard) {
    chain.push_back(r);
    r = r->parent[0] == '\0' ? nullptr : FindRegion(r->parent);
  }
  std::string path;
  for (auto it = chain.rbegin(); it != chain.rend(); ++it) {
    if (it != chain.rbegin() && it + 1 != chain.rend() && IsGroupingName((*it)->name)) continue;
    if (!path.empty()) path += ' ';
    path += (*it)->name;
  }
  return path;
}

Json RegionTree() {
  const Region* regions = Table();
  std::vector<std::vector<size_t>> kids(kCount);
  std::vector<size_t> roots;
  for (size_t i = 0; i < kCount; ++i) {
    const Region* parent = regions[i].parent[0] == '\0' ? nullptr : FindRegion(regions[i].parent);
    if (parent == nullptr) {
      roots.push_back(i);
    } else {
      kids[IndexOf(parent)].push_back(i);
    }
  }
  Json provinces = Json::array();
  for (size_t i : roots) provinces.push_back(Node(i, kids, 0));
  return Json{{"provinces", std::move(provinces)}};
}

size_t RegionCount() { return kCount; }

}  // namespace ankang
