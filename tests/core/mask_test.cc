// Masking of names, ID numbers and phones (shared/mask.h).
#include "shared/mask.h"

#include <catch2/catch.hpp>

using ankang::MaskIdNumber;
using ankang::MaskName;
using ankang::MaskPhone;

TEST_CASE("Chinese names keep the first and the last character", "[mask]") {
  CHECK(MaskName("张") == "*");
  CHECK(MaskName("张三") == "张*");
  CHECK(MaskName("张小三") == "张*三");
  CHECK(MaskName("欧阳小明") == "欧**明");
  CHECK(MaskName("") == "");
}

TEST_CASE("minority names with a middle dot keep the first and the last character", "[mask]") {
  CHECK(MaskName("阿依古丽·买买提") == "阿******提");
}

TEST_CASE("Latin names are masked word by word, each keeping its first letter", "[mask]") {
  CHECK(MaskName("John Smith") == "J*** S****");
  CHECK(MaskName("Li") == "L*");
  CHECK(MaskName("José") == "J***");
  CHECK(MaskName("Mary-Jane O'Brien") == "M***-J*** O'B****");
  CHECK(MaskName("Zoë Ångström") == "Z** Å*******");
  CHECK(MaskName("J") == "*");
  // A name that mixes scripts keeps the Chinese rule.
  CHECK(MaskName("John张") == "J***张");
}

TEST_CASE("ID numbers show the first 4 and last 4 characters", "[mask]") {
  CHECK(MaskIdNumber("370102199001011234") == "3701**********1234");
  CHECK(MaskIdNumber("11010519491231002X") == "1101**********002X");
  CHECK(MaskIdNumber("E12345678") == "E123*5678");
  CHECK(MaskIdNumber("12345678") == "****5678");
  CHECK(MaskIdNumber("1234") == "****");
  CHECK(ankang::IdTail("11010519491231002X") == "002X");
  CHECK(ankang::IdTail("123") == "123");
}

TEST_CASE("phones keep the prefix and the last 4 digits", "[mask]") {
  CHECK(MaskPhone("13812345678") == "138****5678");
  CHECK(MaskPhone("+8613812345678") == "+86*******5678");
  CHECK(MaskPhone("+85291234567") == "+852****4567");
  CHECK(MaskPhone("+12025550123") == "+1******0123");
  CHECK(MaskPhone("+447911123456") == "+44******3456");
}

TEST_CASE("Utf8Length counts code points, bad bytes one each", "[mask]") {
  CHECK(ankang::Utf8Length("") == 0);
  CHECK(ankang::Utf8Length("abc") == 3);
  CHECK(ankang::Utf8Length("张小三") == 3);
  CHECK(ankang::Utf8Length("阿依古丽·买买提") == 8);
  CHECK(ankang::Utf8Length("𠀀a") == 2);  // 4-byte character
  CHECK(ankang::Utf8Length("\xff\xfe"
                           "a") == 3);         // invalid bytes
  CHECK(ankang::Utf8Length("\xe5\xbc") == 2);  // truncated sequence
  CHECK(ankang::Utf8Length("\xc0\xaf") == 2);  // overlong form
  CHECK(MaskName("\xff张三") == "\xff*三");
}
