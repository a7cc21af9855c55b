#!/usr/bin/env bash
# A household taken through the whole identification procedure with curl, against `make run`.
# Usage: (in another terminal) make run; then: bash docs/walkthrough.sh
set -euo pipefail
cd "$(dirname "$0")/.."
INTAKE=${INTAKE:-http://127.0.0.1:8001}
LEDGER=${LEDGER:-http://127.0.0.1:8004}
tok() { .venv/bin/safetynet token --role "$1" --region "$2" --sub "$3"; }
json() { python3 -c "import json,sys; d=json.load(sys.stdin); print(eval('d' + sys.argv[1]))" "$1"; }
post() { curl -sf -X POST "$INTAKE$1" -H "Authorization: Bearer $2" -H 'Content-Type: application/json' -d "$3"; }
idnum() { .venv/bin/python -c "from stdnum.cn import ric; b='532504'+'$1'; print(b + ric.calc_check_digit(b + '0'))"; }

CADRE=$(tok village_cadre 532504102 cadre-zhang)
TOWNSHIP=$(tok township_officer 532504102 township-li)
COUNTY=$(tok county_officer 532504 county-wang)
AUDITOR=$(tok auditor "" auditor-chen)
HOUSEHOLD_NO="demo-$(date +%s)"
HEAD_ID=$(idnum "19700101$(printf '%03d' $((RANDOM % 1000)))")
SPOUSE_ID=$(idnum "19720202$(printf '%03d' $((RANDOM % 1000)))")

echo "1. register the household"
H=$(post /households "$CADRE" "{\"region_code\": \"532504102001\", \"household_no\": \"$HOUSEHOLD_NO\",
  \"address\": \"新哨社区1组\", \"category\": \"lifted\", \"members\": [
  {\"name\": \"张三\", \"resident_id\": \"$HEAD_ID\", \"relation\": \"head\", \"labour_capacity\": \"partial\",
   \"health\": \"major_illness\", \"phone\": \"13800138000\"},
  {\"name\": \"李四\", \"resident_id\": \"$SPOUSE_ID\", \"relation\": \"spouse\", \"labour_capacity\": \"full\"}]}")
HID=$(echo "$H" | json "['id']"); HEAD=$(echo "$H" | json "['members'][0]['id']")
echo "   household $HID, head's ID shown as $(echo "$H" | json "['members'][0]['resident_id_masked']")"

echo "2. the head signs the commitment and authorization"
post "/households/$HID/consents" "$CADRE" "{\"scopes\": [\"asset_check\", \"data_sharing\"],
  \"signer_member_ids\": [\"$HEAD\"], \"evidence\": {\"kind\": \"scanned_form\", \"sha256\": \"$(printf '%064d' 7)\"},
  \"channel\": \"village_committee\", \"signed_at\": \"2026-09-20T01:00:00Z\"}" > /dev/null

echo "3. a cadre declares the case"
C=$(post /cases "$CADRE" "{\"household_id\": \"$HID\", \"channel\": \"cadre_screening\", \"risks\": [
  {\"category\": \"illness\", \"patient_member_id\": \"$HEAD\", \"out_of_pocket_medical\": \"38000\"}]}")
CID=$(echo "$C" | json "['id']")
step() { echo "   -> $(post "/cases/$CID/$1" "$2" "$3" | json "['state']")"; }
echo "4. consent attached";      step consent "$CADRE" '{}'
echo "5a. household survey";     step household-survey "$CADRE" '{"surveyed_on": "2026-09-22",
  "surveyors": ["驻村工作队 王"], "survey_form_sha256": "'"$(printf '%064d' 2)"'",
  "estimate_form_sha256": "'"$(printf '%064d' 3)"'", "estimated_income": "9000", "estimated_expense": "41000"}'
echo "5. village review";        step village-review "$CADRE" '{"meeting_date": "2026-09-25",
  "participants": ["村小组干部", "村“三委”干部", "驻村工作队", "包村干部"], "attendees": 21,
  "votes_for": 17, "votes_against": 2, "minutes_sha256": "'"$(printf '%064d' 1)"'"}'
echo "6. public notice";         step public-notice "$CADRE" '{"published_on": "2026-09-28"}'
echo "   notice ends $(curl -sf "$INTAKE/cases/$CID" -H "Authorization: Bearer $CADRE" | json "['notice_ends_on']")"
echo "7. township verification"; step township-verification "$TOWNSHIP" '{"income_band": "below_6000",
  "object_type": "sudden_hardship", "channels": ["cadre_screening"], "decision": "yes", "verified_on": "2026-10-12",
  "risks": [{"category": "illness", "patient_member_id": "'"$HEAD"'", "out_of_pocket_medical": "41000"}],
  "village_secretary": "赵书记", "officer_name": "李干部"}'
echo "8. county approval";       step county-approval "$COUNTY" '{"approval_no": "弥防返贫〔2026〕12号", "approved_on": "2026-10-15"}'

echo "9. the events in ledger"
sleep 2
curl -sf "$LEDGER/entries?subject=$HID" -H "Authorization: Bearer $AUDITOR" \
  | python3 -c "import json,sys; [print('   ', e['seq'], e['type']) for e in json.load(sys.stdin)['items']]"

echo "10. the same household's events on the topic intake.case.v1"
.venv/bin/safetynet tail intake.case.v1 --subject "$HID" | sed 's/^/    /'
