#!/usr/bin/env bash
# The README walkthrough as a script: register, log in, read the playbook, mark a task done,
# watch progress move. Needs curl and python3; the server must be running.
#
#   cargo run --bin herlead &            # in another terminal
#   examples/walkthrough.sh              # or: HERLEAD_URL=http://host:port examples/walkthrough.sh
set -euo pipefail
url="${HERLEAD_URL:-http://127.0.0.1:8080}/graphql"
email="${WALKTHROUGH_EMAIL:-ada.$RANDOM$RANDOM@example.org}"

# gql QUERY [VARIABLES_JSON [TOKEN]]: prints the response, fails on GraphQL errors.
gql() {
  local body auth=()
  body=$(python3 -c 'import json,sys; print(json.dumps({"query": sys.argv[1], "variables": json.loads(sys.argv[2])}))' "$1" "${2:-{\}}")
  [ -n "${3:-}" ] && auth=(-H "Authorization: Bearer $3")
  local out
  out=$(curl -sS -X POST "$url" -H 'Content-Type: application/json' "${auth[@]}" -d "$body")
  if python3 -c 'import json,sys; sys.exit(0 if "errors" not in json.loads(sys.argv[1]) else 1)' "$out"; then
    printf '%s\n' "$out"
  else
    printf 'GraphQL error: %s\n' "$out" >&2
    return 1
  fi
}
field() { python3 -c 'import json,sys; d=json.loads(sys.argv[1])
for k in sys.argv[2].split("."): d=d[int(k)] if k.isdigit() else d[k]
print(d)' "$1" "$2"; }

echo "1. Register $email"
gql 'mutation($i: RegisterInput!) { register(input: $i) }' \
  "{\"i\": {\"email\": \"$email\", \"password\": \"correct horse battery\", \"displayName\": \"Ada Lovelace\"}}" >/dev/null

echo "2. Log in"
login=$(gql 'mutation($i: LoginInput!) { login(input: $i) { accessToken refreshToken expiresIn } }' \
  "{\"i\": {\"email\": \"$email\", \"password\": \"correct horse battery\"}}")
token=$(field "$login" data.login.accessToken)

echo "3. Read the playbook"
playbook=$(gql '{ playbook { version steps { number title tasks { key title } } } }')
python3 -c 'import json,sys
for s in json.loads(sys.argv[1])["data"]["playbook"]["steps"]:
    print("   %s. %s (%d tasks)" % (s["number"], s["title"], len(s["tasks"])))' "$playbook"

echo "4. Record her website (position.website completes by itself) and mark a self-reported task done"
gql 'mutation { updatePresence(input: {website: "https://ada.example.org"}) { website } }' '{}' "$token" >/dev/null
gql 'mutation { setTaskStatus(input: {taskKey: "position.tell_your_story", status: DONE, note: "https://ada.example.org/about"}) { status completedAt } }' '{}' "$token" >/dev/null

echo "5. Progress"
progress=$(gql '{ myProgress { percent currentStep steps { step done total percent } } }' '{}' "$token")
python3 -c 'import json,sys
p=json.loads(sys.argv[1])["data"]["myProgress"]
print("   overall %s%%, current step %s" % (p["percent"], p["currentStep"]))
for s in p["steps"]:
    print("   %-17s %s/%s (%s%%)" % (s["step"], s["done"], s["total"], s["percent"]))' "$progress"
[ "$(field "$progress" data.myProgress.steps.0.done)" = 2 ] || { echo "progress did not move" >&2; exit 1; }

echo "6. Next best actions"
recs=$(gql '{ recommendations(first: 3) { code message taskKey } socialCapital { total } }' '{}' "$token")
python3 -c 'import json,sys
d=json.loads(sys.argv[1])["data"]
for r in d["recommendations"]:
    print("   - %s" % r["message"])
print("   social capital: %.1f / 100" % d["socialCapital"]["total"])' "$recs"
echo "walkthrough passed"
