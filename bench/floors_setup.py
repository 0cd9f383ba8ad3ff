#!/usr/bin/env python3
"""Setup for bench/floors.sh: N residents sign in (one-time code of a --dev
server), each declares for themselves and opens their code once; a verifier
signs in. Writes "person_id bearer_token" per resident to RESIDENTS and the
verifier's bearer token to VERIFIER.
Usage: floors_setup.py URL N RESIDENTS VERIFIER"""
import json
import sys
import urllib.request

WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]


def call(url, method, path, body=None, token=None):
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(url + path, data=data, method=method)
    req.add_header("Content-Type", "application/json")
    if token:
        req.add_header("Authorization", "Bearer " + token)
    with urllib.request.urlopen(req, timeout=30) as r:
        return json.load(r)


def resident_id(i):
    body = "110105" + "1980%02d%02d" % (i % 12 + 1, i % 28 + 1) + "%03d" % (i % 1000)
    s = sum(int(c) * w for c, w in zip(body, WEIGHTS))
    return body + "10X98765432"[s % 11]


def main():
    url, n, out, vout = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
    lines = []
    for i in range(n):
        phone = "139%08d" % (10000000 + i)
        code = call(url, "POST", "/api/v1/auth/otp", {"phone": phone})["dev_code"]
        token = call(url, "POST", "/api/v1/auth/login", {"phone": phone, "code": code})["token"]
        decl = {
            "person": {"name": "张小三", "id_type": "resident_id", "id_number": resident_id(i),
                       "phone": phone, "nationality": "CHN", "region": "370102",
                       "address": "历下区某路%d号" % (i + 1), "relation": "self"},
            "health": {"temperature": 36.6, "symptoms": [], "fever_clinic_14d": False},
            "travel_14d": [], "contact_14d": "none", "commitment": True,
        }
        person = call(url, "POST", "/api/v1/declarations", decl, token)["person_id"]
        code = call(url, "GET", "/api/v1/persons/%s/code" % person, token=token)
        assert code.get("qr"), code
        if i == 0:
            # The page draws the QR from the token; the server sends no matrix.
            print("ankang-server's screen token: %d characters" % len(code["qr"]))
        lines.append("%s %s\n" % (person, token))
    with open(out, "w") as f:
        f.writelines(lines)
    v = call(url, "POST", "/api/v1/auth/staff", {"username": "verifier", "password": "ankang-dev"})
    with open(vout, "w") as f:
        f.write(v["token"] + "\n")


if __name__ == "__main__":
    main()
