// GB/T 2260 region table (shared/regions.h).
#include "shared/regions.h"

#include <catch2/catch.hpp>
#include <cstring>
#include <string>
#include <vector>

TEST_CASE("FindRegion looks up codes", "[regions]") {
  const ankang::Region* r = ankang::FindRegion("370102");
  REQUIRE(r != nullptr);
  CHECK(std::string(r->name) == "历下区");
  CHECK(std::string(r->parent) == "370100");
  const ankang::Region* p = ankang::FindRegion("370000");
  REQUIRE(p != nullptr);
  CHECK(std::string(p->name) == "山东省");
  CHECK(std::string(p->parent).empty());
  CHECK(ankang::FindRegion("110101") != nullptr);
  CHECK(ankang::FindRegion("999999") == nullptr);
  CHECK(ankang::FindRegion("37010") == nullptr);
  CHECK(ankang::FindRegion("3701020") == nullptr);
  CHECK(ankang::FindRegion("") == nullptr);
  CHECK(ankang::FindRegion("000000") == nullptr);
}

TEST_CASE("the table is sorted, unique and consistent", "[regions]") {
  REQUIRE(ankang::RegionCount() > 3000);
  auto provinces = ankang::ChildRegions("");
  size_t counted = 0;
  std::string last;
  for (const ankang::Region* p : provinces) {
    ++counted;
    CHECK(std::string(p->code) > last);
    CHECK(ankang::FindRegion(p->code) == p);
    last = p->code;
    for (const ankang::Region* c : ankang::ChildRegions(p->code)) {
      ++counted;
      CHECK(std::strncmp(c->code, p->code, 2) == 0);
      CHECK(ankang::FindRegion(c->code) == c);
      for (const ankang::Region* k : ankang::ChildRegions(c->code)) {
        ++counted;
        CHECK(ankang::FindRegion(k->code) == k);
        CHECK(ankang::ChildRegions(k->code).empty());
      }
    }
  }
  // Every entry hangs under a province.
  CHECK(counted == ankang::RegionCount());
}

TEST_CASE("provinces and children", "[regions]") {
  auto provinces = ankang::ChildRegions("");
  CHECK(provinces.size() > 30);
  CHECK(provinces.size() == 34);
  auto shandong = ankang::ChildRegions("370000");
  CHECK(shandong.size() == 16);
  auto jinan = ankang::ChildRegions("370100");
  CHECK(jinan.size() >= 10);
  CHECK(ankang::ChildRegions("370102").empty());
  CHECK(ankang::ChildRegions("999999").empty());
  CHECK(ankang::IsKnownProvince("37"));
  CHECK(ankang::IsKnownProvince("11"));
  CHECK(ankang::IsKnownProvince("82"));
  CHECK_FALSE(ankang::IsKnownProvince("99"));
  CHECK_FALSE(ankang::IsKnownProvince("00"));
  CHECK_FALSE(ankang::IsKnownProvince("3"));
  CHECK_FALSE(ankang::IsKnownProvince("370"));
}

TEST_CASE("RegionPath names province, city and county", "[regions]") {
  CHECK(ankang::RegionPath("370102") == "山东省 济南市 历下区");
  CHECK(ankang::RegionPath("370100") == "山东省 济南市");
  CHECK(ankang::RegionPath("370000") == "山东省");
  // Municipalities: the grouping level "市辖区" is left out.
  CHECK(ankang::RegionPath("110101") == "北京市 东城区");
  CHECK(ankang::RegionPath("999999").empty());
  CHECK(ankang::RegionPath("").empty());
}

TEST_CASE("RegionTree nests provinces, cities and counties", "[regions]") {
  ankang::Json tree = ankang::RegionTree();
  REQUIRE(tree.contains("provinces"));
  const auto& provinces = tree["provinces"];
  REQUIRE(provinces.is_array());
  CHECK(provinces.size() == ankang::ChildRegions("").size());
  size_t nodes = 0;
  bool found = false;
  for (const auto& p : provinces) {
    ++nodes;
    REQUIRE(p["children"].is_array());
    for (const auto& c : p["children"]) {
      ++nodes;
      REQUIRE(c["children"].is_array());
      for (const auto& k : c["children"]) {
        ++nodes;
        CHECK_FALSE(k.contains("children"));
        if (k["code"] == "370102") {
          found = true;
          CHECK(k["name"] == "历下区");
          CHECK(c["code"] == "370100");
          CHECK(p["code"] == "370000");
        }
      }
    }
  }
  CHECK(found);
  CHECK(nodes == ankang::RegionCount());
}

TEST_CASE("IsKnownRegion: codes of the table only", "[regions]") {
  CHECK(ankang::IsKnownRegion("370102"));  // county
  CHECK(ankang::IsKnownRegion("370100"));  // city
  CHECK(ankang::IsKnownRegion("370000"));  // province
  CHECK_FALSE(ankang::IsKnownRegion("999999"));
  CHECK_FALSE(ankang::IsKnownRegion("000000"));
  CHECK_FALSE(ankang::IsKnownRegion("37010"));
  CHECK_FALSE(ankang::IsKnownRegion("3701020"));
  CHECK_FALSE(ankang::IsKnownRegion(""));
  CHECK_FALSE(ankang::IsKnownRegion("overseas"));
}

TEST_CASE("RegionAndAncestors: the code, its city and its province", "[regions]") {
  using V = std::vector<std::string>;
  CHECK(ankang::RegionAndAncestors("370102") == V{"370102", "370100", "370000"});
  CHECK(ankang::RegionAndAncestors("370100") == V{"370100", "370000"});
  CHECK(ankang::RegionAndAncestors("370000") == V{"370000"});
  CHECK(ankang::RegionAndAncestors("370001") == V{"370001", "370000"});
  // From the digits alone: codes the table lacks still have ancestors.
  CHECK(ankang::RegionAndAncestors("999901") == V{"999901", "999900", "990000"});
  CHECK(ankang::RegionAndAncestors("overseas") == V{"overseas"});
  CHECK(ankang::RegionAndAncestors("USA") == V{"USA"});
  CHECK(ankang::RegionAndAncestors("37010a") == V{"37010a"});
  CHECK(ankang::RegionAndAncestors("3701020") == V{"3701020"});
  CHECK(ankang::RegionAndAncestors("").empty());
}

TEST_CASE("RegionCovers: a listed province or city covers what is below it", "[regions]") {
  const std::vector<std::string> list = {"370000", "420100", "440305"};
  CHECK(ankang::RegionCovers(list, "370102"));  // province listed
  CHECK(ankang::RegionCovers(list, "370100"));
  CHECK(ankang::RegionCovers(list, "370000"));
  CHECK(ankang::RegionCovers(list, "420106"));  // city listed
  CHECK(ankang::RegionCovers(list, "420100"));
  CHECK_FALSE(ankang::RegionCovers(list, "420000"));  // a city does not cover its province
  CHECK_FALSE(ankang::RegionCovers(list, "420200"));
  CHECK(ankang::RegionCovers(list, "440305"));  // county listed
  CHECK_FALSE(ankang::RegionCovers(list, "440306"));
  CHECK_FALSE(ankang::RegionCovers(list, "440300"));
  CHECK_FALSE(ankang::RegionCovers(list, ""));
  CHECK_FALSE(ankang::RegionCovers({}, "370102"));
  CHECK(ankang::RegionCovers({"370102"}, "370102"));
}
