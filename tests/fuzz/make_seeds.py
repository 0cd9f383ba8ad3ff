#!/usr/bin/env python3
"""Writes the seed corpora of the fuzz targets into tests/fuzz/corpus/<target>/.

Seeds are small, readable starting points (README.md beside this file gives
each target's input format); the fuzzers find the rest. Run it again after an
input format changes: python3 tests/fuzz/make_seeds.py
"""
import json
import os
import struct

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "corpus")
B45 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:"


def write(target, name, data):
    d = os.path.join(ROOT, target)
    os.makedirs(d, exist_ok=True)
    if isinstance(data, str):
        data = data.encode()
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)


# ---- token: CBOR / COSE_Sign1 as shared/token.h writes it ----
def head(major, v):
    m = major << 5
    if v < 24:
        return bytes([m | v])
    for info, n in ((24, 1), (25, 2), (26, 4), (27, 8)):
        if v < 1 << (8 * n):
            return bytes([m | info]) + v.to_bytes(n, "big")
    raise ValueError(v)


def cint(v):
    return head(0, v) if v >= 0 else head(1, -1 - v)


def cbytes(b):
    return head(2, len(b)) + b


def ctext(s):
    b = s.encode()
    return head(3, len(b)) + b


def token_bytes(iss="ankang-local", iat=1795000000, exp=1795000300, color=0, kid=b"k1"):
    protected = head(5, 2) + cint(1) + cint(-8) + cint(4) + cbytes(kid)
    claims = (head(5, 7) + cint(1) + ctext(iss) + cint(6) + cint(iat) + cint(4) + cint(exp) +
              ctext("p") + ctext("r0f3a9") + ctext("c") + cint(color) + ctext("n") +
              ctext("张*三") + ctext("t") + ctext("002X"))
    return (head(6, 18) + head(4, 4) + cbytes(protected) + head(5, 0) + cbytes(claims) +
            cbytes(bytes(range(64))))


def base45(b):
    out = []
    for i in range(0, len(b) - 1, 2):
        v = b[i] * 256 + b[i + 1]
        out += [B45[v % 45], B45[v // 45 % 45], B45[v // 2025]]
    if len(b) % 2:
        out += [B45[b[-1] % 45], B45[b[-1] // 45]]
    return "".join(out)


def seeds_token():
    plain = token_bytes()
    write("token", "qr-green", b"\x00AK1:" + base45(plain).encode())
    write("token", "qr-red-other-issuer",
          b"\x00AK1:" + base45(token_bytes(iss="other-city", color=3)).encode())
    write("token", "cose-green", b"\x01" + plain)
    write("token", "cose-exp-max", b"\x01" + token_bytes(exp=2**63 - 1, iat=-(2**63)))
    write("token", "base45-rfc", b"\x02" + b"%69 VD92EX0")  # RFC 9285: "Hello!!"
    write("token", "base64url", b"\x03" + b"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo")


# ---- validate: declarations and values ----
DECLARATION = {
    "person": {"name": "张小三", "id_type": "resident_id", "id_number": "11010519491231002X",
               "phone": "13812345678", "nationality": "CHN", "region": "370102",
               "address": "历下区某路1号", "relation": "self"},
    "health": {"temperature": 36.6, "symptoms": [], "fever_clinic_14d": False},
    "travel_14d": [{"region": "310101", "from": "2026-11-10", "to": "2026-11-12"},
                   {"region": "overseas", "country": "JPN", "from": "2026-11-14",
                    "to": "2026-11-15"}],
    "contact_14d": "none", "arrived_from_overseas_on": "2026-11-16", "commitment": True}


def seeds_validate():
    write("validate", "declaration", json.dumps(DECLARATION, ensure_ascii=False))
    passport = json.loads(json.dumps(DECLARATION))
    passport["person"].update({"name": "John SMITH", "id_type": "passport", "id_number": "E12345678",
                               "nationality": "GBR", "phone": "+447700900123"})
    write("validate", "passport", json.dumps(passport, ensure_ascii=False))
    write("validate", "by-person-id",
          json.dumps({"person_id": "p1", "health": {"temperature": 37.8, "symptoms": ["cough"]},
                      "commitment": True}))
    write("validate", "checkin", json.dumps({"temperature": 36.4, "symptoms": "none"}))
    write("validate", "resident-id", json.dumps("11010519491231002x"))
    write("validate", "hk-permit", json.dumps("H1234567801"))


# ---- rules: facts, rule sets, logic ----
FACTS = {
    "now": "2026-11-21T08:00:00+08:00", "today": "2026-11-21",
    "declaration": {"travel_14d": [{"region": "310101", "risk": "high", "days_ago": 3,
                                    "from": "2026-11-10", "to": "2026-11-18"}],
                    "contact_14d": "none", "days_ago": 0, "declared_at": "2026-11-21T07:00:00+08:00",
                    "arrived_days_ago": None},
    "region_risk": "medium",
    "latest": {"temperature": 37.5, "symptoms": ["cough"], "fever": True, "abnormal": True,
               "date": "2026-11-21", "at": "2026-11-21T07:00:00+08:00", "kind": "declaration"},
    "last_report_at": "2026-11-21T07:00:00+08:00", "expired": False, "hours_since_report": 1,
    "health": {"hold": "yellow", "streak": 2},
    "authority": {"case_status": "none", "case_since": None, "case_days": None},
    "review": {"required": False, "state": "none"}}


def seeds_rules():
    write("rules", "facts", json.dumps({"facts": FACTS}))
    write("rules", "facts-red", json.dumps({"facts": dict(FACTS, authority={
        "case_status": "confirmed", "case_since": "2026-11-01", "case_days": 20})}))
    rule_set = {
        "id": "fuzz", "version": "1", "name": {"zh": "测试", "en": "test"},
        "params": {"validity_hours": 336, "yellow_clear_streak": 7, "red_clear_streak": 14},
        "green": {"advice": {"zh": "绿", "en": "green"}},
        "rules": [
            {"id": "fever", "color": "yellow", "when": {">=": [{"var": "latest.temperature"}, 37.3]},
             "reason": {"zh": "发热", "en": "fever"}, "advice": {"zh": "就医", "en": "see a doctor"},
             "next": {"streak": {"-": [{"var": "params.yellow_clear_streak"},
                                       {"var": "health.streak"}]}}},
            {"id": "travel", "color": "red",
             "when": {"some": [{"var": "declaration.travel_14d"},
                               {"and": [{"==": [{"var": "risk"}, "high"]},
                                        {"<": [{"var": "days_ago"}, 14]}]}]},
             "reason": {"zh": "行程", "en": "travel"}, "advice": {"zh": "隔离", "en": "isolate"},
             "next": {"days": {"-": [14, {"var": "declaration.travel_14d.0.days_ago"}]}}},
            {"id": "time", "color": "gray",
             "when": {"after": [{"var": "now"}, {"plusTime": [{"var": "last_report_at"}, 48, "hour"]}]},
             "reason": {"zh": "过期", "en": "stale"}, "advice": {"zh": "申报", "en": "declare"}}]}
    write("rules", "rule-set", json.dumps({"rule_set": rule_set, "facts": FACTS}, ensure_ascii=False))
    write("rules", "logic", json.dumps({"logic": {"if": [
        {"in": ["cough", {"var": "s"}]}, {"cat": ["a", {"max": [1, 2.5]}]},
        {"daysBetween": ["2026-11-01", {"var": "d"}]}]},
        "data": {"s": ["cough"], "d": "2026-11-21"}}))
    write("rules", "logic-ops", json.dumps({"logic": {"map": [
        {"filter": [{"var": "xs"}, {">": [{"var": ""}, 1]}]}, {"%": [{"*": [{"var": ""}, 3]}, 7]}]},
        "data": {"xs": [1, 2, 3, 1e308, -9007199254740993]}}))


# ---- csv: request bodies and raw chunks ----
def seeds_csv():
    write("csv", "risk-body", json.dumps({
        "csv": "region,level\n370102,high\n\"310101\",\"medium\"\n# comment\n110105,low,extra\n",
        "first_line": 1}))
    write("csv", "case-body", json.dumps({
        "csv": "id_type,id_number,status,since\nresident_id,11010519491231002X,confirmed,2026-11-01\n",
        "first_line": 2001}))
    write("csv", "raw-chunk", struct.pack("<q", 4001) +
          "\ufeffregion,level\n370102,\"hi\"\"gh\"\n\"unclosed,\n".encode())


# ---- query: percent escapes, addresses, paths ----
def seeds_query():
    write("query", "escapes", "name=%E5%BC%A0%E4%B8%89+a%2Bb")
    write("query", "xff", "203.0.113.7, 10.0.0.1, ::ffff:127.0.0.1")
    write("query", "ipv6", "2001:DB8::0:1")
    write("query", "path", "/api/v1/persons/p123/guardians/a9")


# ---- http: caller byte, request line, headers, body ----
def http(caller, method, target, body="", headers=()):
    text = "%s %s\n" % (method, target) + "".join("%s: %s\n" % h for h in headers) + "\n" + body
    return bytes([caller]) + text.encode()


def seeds_http():
    write("http", "declare", http(1, "POST", "/api/v1/declarations",
                                  json.dumps(dict(DECLARATION, person_id="$P"), ensure_ascii=False)))
    write("http", "code", http(1, "GET", "/api/v1/persons/$P/code"))
    write("http", "checkin", http(1, "POST", "/api/v1/persons/$P/checkins",
                                  json.dumps({"temperature": 37.4, "symptoms": ["cough"]})))
    write("http", "verify", http(4, "POST", "/api/v1/verify", json.dumps({"qr": "$Q"})))
    write("http", "review", http(5, "POST", "/api/v1/review/$D",
                                 json.dumps({"decision": "approve", "note": "ok"})))
    write("http", "risk-import", http(3, "POST", "/api/v1/admin/risk-areas/import", json.dumps(
        {"csv": "region,level\n370100,high\n", "first_line": 1})))
    write("http", "case-import", http(3, "POST", "/api/v1/admin/case-status/import", json.dumps(
        {"csv": "resident_id,11010519491231002X,confirmed,2026-11-01\n", "first_line": 9})))
    write("http", "risk-put", http(3, "PUT", "/api/v1/admin/risk-areas",
                                   json.dumps({"areas": [{"region": "370102", "level": "medium"}]})))
    write("http", "audit-query", http(3, "GET", "/api/v1/admin/audit-log?action=venue.create&limit=5"))
    write("http", "stats", http(3, "GET", "/api/v1/admin/statistics?from=2026-11-01&to=2026-11-30"))
    write("http", "dry-run", http(3, "POST", "/api/v1/admin/rulesets/dry-run",
                                  json.dumps({"preset": "hangzhou"})))
    write("http", "issuer", http(3, "POST", "/api/v1/admin/issuers", json.dumps(
        {"issuer": "other-city", "name": "Other",
         "keys": [{"kid": "k1", "x": "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"}]})))
    write("http", "family", http(1, "POST", "/api/v1/family", json.dumps(
        {"name": "张小四", "id_type": "resident_id", "id_number": "11010519491231002X",
         "relation": "child", "region": "370102", "nationality": "CHN"}, ensure_ascii=False)))
    write("http", "venue-checkin", http(1, "POST", "/api/v1/venues/$V/checkins",
                                        json.dumps({"person_id": "$P"})))
    write("http", "dev-clock", http(0, "POST", "/api/v1/dev/clock",
                                    json.dumps({"now": "2026-12-08T08:00:00+08:00"})))
    write("http", "otp", http(0, "POST", "/api/v1/auth/otp", json.dumps({"phone": "13812345678"}),
                              [("X-Forwarded-For", "198.51.100.4, 127.0.0.1")]))
    write("http", "static", http(0, "GET", "/staff/../index.html", "",
                                 [("If-None-Match", "\"abc\""), ("Accept-Encoding", "gzip")]))
    write("http", "patch-person", http(2, "PATCH", "/api/v1/persons/$P",
                                       json.dumps({"address": "1 Road"})))


if __name__ == "__main__":
    seeds_token()
    seeds_validate()
    seeds_rules()
    seeds_csv()
    seeds_query()
    seeds_http()
