// GB/T 2260 region look-ups over a table generated at build time (sorted by
// code, so look-ups are binary searches).
#include "shared/regions.h"

#include <algorithm>
#include <array>
#include <cstdint>
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
// The wasm build keeps codes only (names come to the page as regions.json).
// The sorted codes are stored as LEB128 deltas, encoded at compile time from
// the generated list: about one byte a code instead of four. Each parent is
// derived from the code, which scripts/gen_regions.mjs checks holds for every
// row of the source.
constexpr int32_t kCodes[] = {
#include "regions_codes.inc"
};
constexpr size_t kCount = sizeof(kCodes) / sizeof(kCodes[0]);

constexpr bool Sorted() {
  for (size_t i = 1; i < kCount; ++i) {
    if (kCodes[i - 1] >= kCodes[i]) return false;
  }
  return true;
}
static_assert(Sorted(), "regions_codes.inc must be sorted and free of duplicates");

constexpr size_t DeltaBytes() {
  size_t n = 0;
  int32_t prev = 0;
  for (int32_t code : kCodes) {
    for (uint32_t d = static_cast<uint32_t>(code - prev); d >= 0x80; d >>= 7) ++n;
    ++n;
    prev = code;
  }
  return n;
}

constexpr std::array<uint8_t, DeltaBytes()> EncodeDeltas() {
  std::array<uint8_t, DeltaBytes()> out{};
  size_t n = 0;
  int32_t prev = 0;
  for (int32_t code : kCodes) {
    uint32_t d = static_cast<uint32_t>(code - prev);
    for (; d >= 0x80; d >>= 7) out[n++] = static_cast<uint8_t>(d | 0x80);
    out[n++] = static_cast<uint8_t>(d);
    prev = code;
  }
  return out;
}
constexpr std::array<uint8_t, DeltaBytes()> kDeltas = EncodeDeltas();

// Writes a 6-digit code and its terminating NUL.
void PutCode(int32_t code, char* out) {
  for (int k = 5; k >= 0; --k, code /= 10) out[k] = static_cast<char>('0' + code % 10);
  out[6] = '\0';
}

const Region* Table() {
  struct Storage {
    std::vector<char> text;  // per row: code "NNNNNN\0", then parent code or ""
    std::vector<Region> table;
  };
  static const Storage storage = [] {
    std::vector<int32_t> codes;
    codes.reserve(kCount);
    int32_t code = 0;
    for (size_t p = 0; p < kDeltas.size();) {
      uint32_t d = 0;
      for (int shift = 0;; shift += 7) {
        const uint8_t b = kDeltas[p++];
        d |= static_cast<uint32_t>(b & 0x7F) << shift;
        if (b < 0x80) break;
      }
      code += static_cast<int32_t>(d);
      codes.push_back(code);
    }
    Storage st;
    st.text.assign(kCount * 14, '\0');
    st.table.reserve(kCount);
    for (size_t i = 0; i < kCount; ++i) {
      const int32_t c = codes[i];
      int32_t parent = 0;
      if (c % 10000 == 0) {
        parent = 0;
      } else if (c % 100 == 0) {
        parent = c / 10000 * 10000;
      } else {
        parent = c / 100 * 100;
        if (!std::binary_search(codes.begin(), codes.end(), parent)) parent = c / 10000 * 10000;
      }
      char* row = &st.text[i * 14];
      PutCode(c, row);
      if (parent != 0) PutCode(parent, row + 7);
      st.table.push_back(Region{row, "", row + 7});
    }
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

bool IsKnownRegion(std::string_view code) { return FindRegion(code) != nullptr; }

std::vector<std::string> RegionAndAncestors(std::string_view code) {
  std::vector<std::string> out;
  if (code.empty()) return out;
  out.emplace_back(code);
  const bool six_digits = code.size() == 6 && std::all_of(code.begin(), code.end(), [](char c) {
                            return c >= '0' && c <= '9';
                          });
  if (!six_digits) return out;
  const std::string city = std::string(code.substr(0, 4)) + "00";
  const std::string province = std::string(code.substr(0, 2)) + "0000";
  if (city != out.back()) out.push_back(city);
  if (province != out.back()) out.push_back(province);
  return out;
}

bool RegionCovers(const std::vector<std::string>& list, std::string_view region) {
  for (const std::string& code : RegionAndAncestors(region)) {
    if (std::find(list.begin(), list.end(), code) != list.end()) return true;
  }
  return false;
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

const Region* AllRegions() { return Table(); }

}  // namespace ankang
