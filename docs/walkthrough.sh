#!/usr/bin/env bash
# The whole mechanism with curl, against `make run`: a household identified, its plan and measures (one
# reported back by a department), its follow-up, the elimination of its risk, the forms and the dossier,
# the monthly report, a screening sweep and a batch for the national system.
# Usage: (in another terminal) make run; then: bash docs/walkthrough.sh
# Every date follows today in Beijing time (the procedure is dated back from today, as a county entering a
# household's last months would), so it runs on any day; a failed call prints its step and the problem.
set -euo pipefail
cd "$(dirname "$0")/.."
# The services' addresses: INTAKE=... etc., else those `make run` wrote (services.env in its data directory,
# SAFETYNET_DATA_DIR or .data), else the defaults.
ADDRESSES="${SAFETYNET_DATA_DIR:-.data}/services.env"
if [ -f "$ADDRESSES" ]; then
  while IFS='=' read -r name url; do [ -n "${!name:-}" ] || declare "$name=$url"; done < "$ADDRESSES"
fi
INTAKE=${INTAKE:-http://127.0.0.1:8001}
SCREENING=${SCREENING:-http://127.0.0.1:8002}
ASSISTANCE=${ASSISTANCE:-http://127.0.0.1:8003}
LEDGER=${LEDGER:-http://127.0.0.1:8004}
OUT=${OUT:-/tmp/safetynet-walkthrough}; mkdir -p "$OUT"
tok() { .venv/bin/safetynet token --role "$1" --region "$2" --sub "$3"; }
json() { python3 -c "import json,sys; d=json.load(sys.stdin); print(eval('d' + sys.argv[1]))" "$1"; }
STEP="start"
# call METHOD BASE PATH TOKEN [BODY] [IF_MATCH] [IF_NONE_MATCH]: any service, any method; on an error status, say
# which step and what the service answered (its problem+json), and stop
call() {
  local body status
  body=$(mktemp)
  status=$(curl -s -o "$body" -w '%{http_code}' -X "$1" "$2$3" -H "Authorization: Bearer $4" \
    -H 'Content-Type: application/json' -H 'Accept-Language: zh-CN' ${5:+-d "$5"} ${6:+-H "If-Match: $6"} ${7:+-H "If-None-Match: $7"}) \
    || status="no answer (curl exit $?)"
  if [ "${status:0:1}" != 2 ]; then
    { echo "FAILED at step \"$STEP\": $1 $2$3 answered $status"; cat "$body"; echo; } >&2
    rm -f "$body"; exit 1
  fi
  cat "$body"; rm -f "$body"
}
post() { call POST "$INTAKE" "$@"; }
# fetch PATH TOKEN FILE: a document (PDF) to a file, with the same reporting
fetch() {
  local status
  status=$(curl -s -o "$3" -w '%{http_code}' "$1" -H "Authorization: Bearer $2") || status="no answer (curl exit $?)"
  if [ "$status" != 200 ]; then echo "FAILED at step \"$STEP\": GET $1 answered $status" >&2; cat "$3" >&2; exit 1; fi
}
# until_ok CMD...: retry a read until the events it waits for have arrived (CMD prints nothing until then)
until_ok() { local err; err=$(mktemp)
  for _ in $(seq 60); do if out=$("$@" 2>"$err") && [ -n "$out" ]; then echo "$out"; rm -f "$err"; return; fi; sleep 1; done
  { echo "FAILED at step \"$STEP\": nothing arrived in 60 s: $*"; cat "$err"; } >&2; rm -f "$err"; return 1; }
# read PATH_ON_BASE TOKEN PYTHON: GET, and print what PYTHON (reading the JSON answer as d) makes of it; a call
# that fails prints its status and problem (call), so a wait that ends says what the service last answered
read_json() { call GET "$1" "$2" "$3" | python3 -c "import json,sys; d=json.load(sys.stdin); r=$4; print(r if r else '')"; }
idnum() { .venv/bin/python -c "from stdnum.cn import ric; b='532504'+'$1'; print(b + ric.calc_check_digit(b + '0'))"; }
# day N: the date N days before today, Beijing time (TZ, not the machine's zone)
day() { TZ=Asia/Shanghai date -d "$1 days ago" +%F; }
TODAY=$(day 0); YEAR=${TODAY:0:4}; MONTH=${TODAY:0:7}

CADRE=$(tok village_cadre 532504102 cadre-zhang)
TOWNSHIP=$(tok township_officer 532504102 township-li)
COUNTY=$(tok county_officer 532504 county-wang)
AUDITOR=$(tok auditor "" auditor-chen)
MEDICAL=$(.venv/bin/safetynet token --role department --region "" --department medical-insurance --sub medical-insurance-system)
HOUSEHOLD_NO="demo-$(date +%s)"
HEAD_ID=$(idnum "19700101$(printf '%03d' $((RANDOM % 1000)))")
SPOUSE_ID=$(idnum "19720202$(printf '%03d' $((RANDOM % 1000)))")

STEP="1. register the household"; echo "$STEP"
H=$(post /households "$CADRE" "{\"region_code\": \"532504102001\", \"household_no\": \"$HOUSEHOLD_NO\",
  \"address\": \"新哨社区1组\", \"category\": \"lifted\", \"members\": [
  {\"name\": \"张三\", \"resident_id\": \"$HEAD_ID\", \"relation\": \"head\", \"labour_capacity\": \"partial\",
   \"health\": \"major_illness\", \"phone\": \"13800138000\"},
  {\"name\": \"李四\", \"resident_id\": \"$SPOUSE_ID\", \"relation\": \"spouse\", \"labour_capacity\": \"full\"}]}")
HID=$(echo "$H" | json "['id']"); HEAD=$(echo "$H" | json "['members'][0]['id']")
echo "   household $HID, head's ID shown as $(echo "$H" | json "['members'][0]['resident_id_masked']")"

STEP="2. the head signs the commitment and authorization"; echo "$STEP"
post "/households/$HID/consents" "$CADRE" "{\"scopes\": [\"asset_check\", \"data_sharing\"],
  \"signer_member_ids\": [\"$HEAD\"], \"evidence\": {\"kind\": \"scanned_form\", \"sha256\": \"$(printf '%064d' 7)\"},
  \"channel\": \"village_committee\", \"signed_at\": \"$(day 80)T09:00:00+08:00\"}" > /dev/null

STEP="3. a cadre declares the case"; echo "$STEP"
# Taken by the village the day the consent was signed, entered now: every later step follows that day.
C=$(post /cases "$CADRE" "{\"household_id\": \"$HID\", \"channel\": \"cadre_screening\", \"declared_on\": \"$(day 80)\", \"risks\": [
  {\"category\": \"illness\", \"patient_member_id\": \"$HEAD\", \"out_of_pocket_medical\": \"38000\"}]}")
CID=$(echo "$C" | json "['id']")
step() { STEP="$1"; local out; out=$(post "/cases/$CID/$2" "$3" "$4"); echo "$1 -> $(echo "$out" | json "['state']")"; }
step "4. consent attached"       consent "$CADRE" '{}'
step "5a. household survey"      household-survey "$CADRE" '{"surveyed_on": "'"$(day 78)"'",
  "surveyors": ["驻村工作队 王"], "survey_form_sha256": "'"$(printf '%064d' 2)"'",
  "estimate_form_sha256": "'"$(printf '%064d' 3)"'", "estimated_income": "9000", "estimated_expense": "41000"}'
step "5. village review"         village-review "$CADRE" '{"meeting_date": "'"$(day 75)"'",
  "participants": ["村小组干部", "村“三委”干部", "驻村工作队", "包村干部"], "attendees": 21,
  "votes_for": 17, "votes_against": 2, "minutes_sha256": "'"$(printf '%064d' 1)"'"}'
step "6. public notice"          public-notice "$CADRE" '{"published_on": "'"$(day 72)"'"}'
CASE=$(call GET "$INTAKE" "/cases/$CID" "$CADRE"); echo "   notice ends $(echo "$CASE" | json "['notice_ends_on']")"
step "7. township verification"  township-verification "$TOWNSHIP" '{"income_band": "below_6000",
  "object_type": "sudden_hardship", "channels": ["cadre_screening"], "decision": "yes", "verified_on": "'"$(day 55)"'",
  "risks": [{"category": "illness", "patient_member_id": "'"$HEAD"'", "out_of_pocket_medical": "41000"}],
  "village_secretary": "赵书记", "officer_name": "李干部"}'
step "8. county approval"        county-approval "$COUNTY" '{"approval_no": "弥防返贫〔'"$YEAR"'〕12号", "approved_on": "'"$(day 52)"'"}'

STEP="9. assistance drafts the plan (一户一策) from the approved case"; echo "$STEP"
PLAN=$(until_ok read_json "$ASSISTANCE" "/plans?household_id=$HID" "$TOWNSHIP" "d['items'][0]['id'] if d['items'] else ''")
PLAN_JSON=$(call GET "$ASSISTANCE" "/plans/$PLAN" "$TOWNSHIP")
MEASURES=$(echo "$PLAN_JSON" | python3 -c "import json,sys; print(' '.join(m['id']+':'+m['code'] for m in json.load(sys.stdin)['measures']))")
# Each with the version it was read at (etag): a change says which version it was made on (If-Match).
TAGGED=$(echo "$PLAN_JSON" | python3 -c "import json,sys; print(' '.join(m['id']+'|'+m['etag']+'|'+m['code'] for m in json.load(sys.stdin)['measures']))")
for m in $TAGGED; do
  rest=${m#*|}
  call PATCH "$ASSISTANCE" "/plans/$PLAN/measures/${m%%|*}" "$TOWNSHIP" \
    '{"responsible_cadre": "结对干部 陈", "start_date": "'"$(day 45)"'", "due_date": "'"$(day -30)"'"}' "${rest%%|*}" > /dev/null
  echo "   measure ${rest#*|} assigned"
done
OUT_=$(call POST "$ASSISTANCE" "/plans/$PLAN/review" "$CADRE" \
  '{"meeting_date": "'"$(day 50)"'", "representatives_present": 21, "votes_for": 18}')
echo "   measures reviewed by the village: $(echo "$OUT_" | json "['state_zh']")"
OUT_=$(call POST "$ASSISTANCE" "/plans/$PLAN/notice" "$CADRE" '{"published_on": "'"$(day 48)"'"}')
echo "   measures noticed until $(echo "$OUT_" | json "['notice_until']")"
OUT_=$(call POST "$ASSISTANCE" "/plans/$PLAN/approval" "$TOWNSHIP"); echo "   plan $(echo "$OUT_" | json "['state_zh']")"

STEP="10. the medical-insurance department reads its list and reports back what it carried out"; echo "$STEP"
LIST=$(call GET "$ASSISTANCE" /department-lists/medical-insurance "$MEDICAL")
echo "$LIST" | python3 -c "import json,sys; [print('    ', i['household_no'], i['risks'], [m['name'] for m in i['measures']]) for i in json.load(sys.stdin)['items'] if i['household_id']=='$HID']"
for m in $MEASURES; do
  if [ "${m#*:}" = health ]; then
    OUT_=$(call POST "$ASSISTANCE" /department-lists/medical-insurance/reports "$MEDICAL" \
      "{\"measure_id\": \"${m%%:*}\", \"status\": \"implemented\", \"description\": \"医疗救助已发放\", \"amount\": \"8600\"}")
    echo "$OUT_" | python3 -c "import json,sys; m=json.load(sys.stdin); print('    health:', m['status_zh'], 'by', m['evidence'][-1]['department'])"
  else
    call POST "$ASSISTANCE" "/plans/$PLAN/measures/${m%%:*}/progress" "$TOWNSHIP" \
      '{"status": "implemented", "evidence": [{"description": "已落实", "amount": "1200.00"}]}' > /dev/null
    echo "    ${m#*:}: 已落实 (township)"
  fi
done

STEP="11. the township follows the household: twelve months of income, 两不愁三保障, last year's income"; echo "$STEP"
MONTHS=$(python3 -c "
import datetime as dt; d=dt.date.fromisoformat('$TODAY').replace(day=1); out=[]
for _ in range(12):
    d=(d-dt.timedelta(days=1)).replace(day=1); out.append({'month': f'{d:%Y-%m}', 'per_capita': '700'})
import json; print(json.dumps({'months': out}))")
call PUT "$ASSISTANCE" "/households/$HID/income-months" "$TOWNSHIP" "$MONTHS" "" "*" > /dev/null  # its first months
call POST "$ASSISTANCE" "/households/$HID/guarantee-checks" "$TOWNSHIP" '{"checked_on": "'"$(day 25)"'", "food": true,
  "clothing": true, "compulsory_education": true, "basic_medical": true, "housing": true, "drinking_water": true}' > /dev/null
call PUT "$INTAKE" "/households/$HID/incomes/$((YEAR - 1))" "$CADRE" '{"wages": "12000", "production": "3000", "property": "0",
  "transfers": "1000", "medical_expense": "2000"}' "" "*" > /dev/null  # the year's first record
until_ok read_json "$ASSISTANCE" "/households/$HID/elimination-evaluation" "$TOWNSHIP" \
  "'   eligible: True' if d['eligible'] else ''"

STEP="12. the risk is eliminated: village review, notice, township acceptance, county approval"; echo "$STEP"
E=$(call POST "$ASSISTANCE" /eliminations "$CADRE" "{\"household_id\": \"$HID\", \"meeting_date\": \"$(day 22)\",
  \"representatives_present\": 21, \"votes_for\": 19}"); E=$(echo "$E" | json "['id']")
call POST "$ASSISTANCE" "/eliminations/$E/notice" "$CADRE" '{"published_on": "'"$(day 21)"'"}' > /dev/null
call POST "$ASSISTANCE" "/eliminations/$E/acceptance" "$TOWNSHIP" '{"accepted_on": "'"$TODAY"'", "head_signed": true,
  "village_secretary": "赵书记", "officer_name": "李干部", "monitor_contact": "陈联系人"}' > /dev/null
APPROVAL="弥防返贫消〔$YEAR〕${HOUSEHOLD_NO: -6}号"
OUT_=$(call POST "$ASSISTANCE" "/eliminations/$E/approval" "$COUNTY" "{\"approval_no\": \"$APPROVAL\",
  \"approved_on\": \"$TODAY\"}"); echo "   $(echo "$OUT_" | json "['state_zh']")"

STEP="13. the forms and the household's dossier, from the ledger (PDF in $OUT)"; echo "$STEP"
sleep 3
for form in commitment township-verification township-acceptance; do
  fetch "$LEDGER/forms/$form?household_id=$HID&purpose=walkthrough" "$COUNTY" "$OUT/$form.pdf"
  echo "   $OUT/$form.pdf"
done
fetch "$LEDGER/households/$HID/archive.pdf?purpose=walkthrough" "$COUNTY" "$OUT/dossier.pdf"
echo "   $OUT/dossier.pdf (一户一档)"

STEP="14. the monthly report, with charts"; echo "$STEP"
fetch "$ASSISTANCE/reports/monthly?township=532504102&month=$MONTH&format=pdf" "$TOWNSHIP" "$OUT/monthly.pdf"
echo "   $OUT/monthly.pdf"

STEP="15. a screening sweep (回头看) of the village: a visit, and the coverage"; echo "$STEP"
SW=$(call POST "$SCREENING" /sweeps "$TOWNSHIP" "{\"region_code\": \"532504102001\", \"kind\": \"look_back\",
  \"name\": \"回头看\", \"period_start\": \"$TODAY\", \"period_end\": \"$TODAY\"}"); SW=$(echo "$SW" | json "['id']")
until_ok call POST "$SCREENING" "/sweeps/$SW/visits" "$CADRE" "{\"household_id\": \"$HID\", \"visited_on\": \"$TODAY\",
  \"result\": \"no_change\"}" > /dev/null
COVERAGE=$(call GET "$SCREENING" "/sweeps/$SW/coverage" "$TOWNSHIP")
echo "$COVERAGE" | python3 -c "import json,sys; c=json.load(sys.stdin); print(f\"   {c['visited']} of {c['households']} households looked at; complete: {c['complete']}\")"

STEP="16. a batch for the national monitoring information system, and its acknowledgement"; echo "$STEP"
B=$(call POST "$LEDGER" /national-exports "$COUNTY" '{"region_prefix": "532504102"}')
BID=$(echo "$B" | json "['id']")
echo "   batch $BID: $(echo "$B" | json "['records']") households"
ACK=$(call POST "$LEDGER" "/national-exports/$BID/acknowledgement" "$COUNTY" "{\"accepted\": $(echo "$B" | json "['records']")}")
echo "$ACK" | python3 -c "import json,sys; print('   acknowledged:', json.load(sys.stdin)['acknowledged'])"

STEP="17. the household's events in the ledger"; echo "$STEP"
sleep 2
ENTRIES=$(call GET "$LEDGER" "/entries?subject=$HID&limit=500" "$AUDITOR")
echo "$ENTRIES" | python3 -c "import json,sys; [print('   ', e['leaf_index'], e['type']) for e in json.load(sys.stdin)['items']]"

STEP="18. the same household's events on the topic intake.case.v1"; echo "$STEP"
.venv/bin/safetynet tail intake.case.v1 --subject "$HID" | sed 's/^/    /'

STEP="19. the whole log verified: every leaf re-hashed, the tree rebuilt, every signed checkpoint checked"; echo "$STEP"
call POST "$LEDGER" /checkpoints "$AUDITOR" > /dev/null
VERIFIED=$(.venv/bin/safetynet ledger verify)
echo "$VERIFIED" | python3 -c "import json,sys; r=json.load(sys.stdin); print('    ok:', r['ok'], '| entries:', r['entries'], '| checkpoints:', r['checkpoints'])"
