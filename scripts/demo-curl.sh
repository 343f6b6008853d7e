#!/usr/bin/env bash
# The walk-through by hand (docs/walkthrough.md): every request of `npm run demo`, as curl calls.
# Needs a running `npm run dev`, curl and jq. Run from the repository root: bash scripts/demo-curl.sh
set -euo pipefail
D=${DEV_DATA_DIR:-.data}
API=$(jq -r .apiUrl $D/dev-endpoints.json)
MAIL=$(jq -r .mailWebUrl $D/dev-endpoints.json)
PERIOD=$(jq -r .demo.period $D/dev-endpoints.json)
TOKEN=$(jq -r .apiToken $D/dev-secrets.json)
C=$API/v1/companies/demo-gmbh
api() { curl -sS -H "Authorization: Bearer $TOKEN" -H 'content-type: application/json' "$@"; }
wait_sync() {   # polls the export log until the sync has finished, then shows its counts
  until [ "$(api $C/payroll-syncs/$1 | jq -r .status)" != running ]; do sleep 1; done
  api $C/payroll-syncs/$1 | jq -c '{status, counts: (.counts | {compensationsCreated, alreadyPresent, wouldCreate, employeesUnmatched, employeesInactive, failed})}'
}

echo '# 1'; api -X POST $C/connection-test | jq -c '{ok, checks: [.checks[] | .status]}'
echo '# 2'; api $C/personio/compensation-types | jq -r '.compensationTypes[] | [.name, .category, .id] | @tsv'
MEAL=$(api $C/personio/compensation-types | jq -r '.compensationTypes[] | select(.name == "Essenszuschuss") | .id')
echo '# 3'; api -X PUT $C/benefit-mappings -d '[
  {"benefitKey": "meal",     "benefitName": "Essenszuschuss",    "compensationTypeId": "'"$MEAL"'"},
  {"benefitKey": "mobility", "benefitName": "Mobilitätsbudget",  "compensationTypeId": null},
  {"benefitKey": "internet", "benefitName": "Internetpauschale", "compensationTypeId": null}]' | jq -c '.[]'
echo '# 4'; api "$C/payroll-periods/$PERIOD/entries?limit=2" | jq -c '{entryCount, currency, entries: [.entries[] | {employeeEmail, benefitKey, amount}]}'
echo '# 5'; DRY=$(api -X POST $C/payroll-syncs -d '{"period": "'"$PERIOD"'", "dryRun": true}' | jq -r .syncId)
wait_sync $DRY
echo '# 6'; SYNC=$(api -X POST $C/payroll-syncs -d '{"period": "'"$PERIOD"'"}' | jq -r .syncId)
wait_sync $SYNC
api $C/payroll-syncs/$SYNC | jq -r .temporalUiUrl
api "$C/payroll-syncs/$SYNC?resultStatus=unmatched,inactive&resultsLimit=3" | jq -c '.results.items[] | {employeeEmail, benefitKey, amount, status}'
echo '# 7'; api "$C/payroll-syncs?period=$PERIOD" | jq -r '.items[] | [.startedAt, .trigger, (if .dryRun then "dry run" else "sync" end), .status] | @tsv'
echo '# 8'; for i in $(seq 20); do api $C/payroll-syncs/$SYNC | jq -e .email > /dev/null && break; sleep 1; done
api $C/payroll-syncs/$SYNC | jq -c .email
curl -sS $MAIL/api/messages | jq -r '.[] | [.receivedAt, (.to | join(",")), .subject, "'"$MAIL"'/messages/" + .id] | @tsv'
api $C/payroll-syncs/$SYNC/summary-email -o summary.html -w '%{http_code} %{content_type}\n'
echo '# 9'; AGAIN=$(api -X POST $C/payroll-syncs/$SYNC/retry | jq -r .syncId)
wait_sync $AGAIN
